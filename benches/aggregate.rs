//! Roll-up benchmark: `cargo bench --bench aggregate [-- N [FINDINGS]]`.
//!
//! Builds N account packages (default 500) from the bundled example, each with its results
//! grown to FINDINGS findings (default 2,000: a mid-sized account) and control statuses varied
//! per account, written through the real package writer (results.json, results.csv,
//! snapshot.json, manifest.json). Then it runs the release binary's `aggregate` over them three
//! times and prints the median wall time and the peak RSS it reports (`--profile-phases`).
//! The bar: 500 packages in under a minute, in memory bounded by one package.

#[path = "support.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use safeguard::package::{PackageRequest, write};
use safeguard::render::Format;
use safeguard::results::ControlStatus;

fn main() {
    let (n, per) = support::size_args(500, 2_000);
    let binary = support::binary();

    let (snapshot_json, base) = support::example();
    let work = tempfile::tempdir().unwrap();
    let reports = work.path().join("reports");
    let formats: BTreeSet<Format> = [Format::Json, Format::Csv].into_iter().collect();

    let started = Instant::now();
    let mut bytes = 0u64;
    for i in 0..n {
        let mut r = base.clone();
        r.account.id = format!("{:012}", 100_000_000_000u64 + i as u64);
        // Vary the verdicts: every seventh account passes what the example fails, and so on.
        for (j, c) in r.controls.iter_mut().enumerate() {
            if (i + j) % 7 == 0 && c.status == ControlStatus::Fail {
                c.status = ControlStatus::Pass;
            }
        }
        // Grow the findings to `per`, spread over the checks.
        let total: usize = r.checks.iter().map(|k| k.findings.len()).sum();
        let mut k = 0;
        let mut have = total;
        let spread = r.checks.len().min(40);
        while have < per {
            let check = &mut r.checks[k % spread];
            if let Some(f) = check.findings.first().cloned() {
                let mut f = f;
                f.resource = format!("{}-{have}", f.resource);
                check.findings.push(f);
                have += 1;
            }
            k += 1;
        }
        let dir = write(
            &reports,
            &PackageRequest {
                snapshot_json: &snapshot_json,
                results: &r,
                formats: &formats,
                templates: None,
                created_at: chrono::Utc::now(),
                detail: safeguard::render::view::Detail::All,
                phases: None,
                extra: Vec::new(),
            },
        )
        .expect("package written");
        bytes += dir_size(&dir);
    }
    println!(
        "built {n} packages of ~{per} findings ({:.0} MB) in {:.1} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let mut runs: Vec<(Duration, String)> = (0..3)
        .map(|i| {
            let t = Instant::now();
            let out = Command::new(&binary)
                .arg("aggregate")
                .arg(&reports)
                .arg("-o")
                .arg(work.path().join(format!("rollup-{i}")))
                .args(["-q", "--profile-phases"])
                .output()
                .expect("aggregate runs");
            let took = t.elapsed();
            assert!(
                out.status.success(),
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let phases = String::from_utf8_lossy(&out.stderr).trim().to_string();
            (took, phases)
        })
        .collect();
    runs.sort_by_key(|(t, _)| *t);
    let (took, phases) = &runs[1];
    println!(
        "aggregate {n} packages: {:.2} s (median of 3); {phases}",
        took.as_secs_f64()
    );
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum()
}
