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

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use safeguard::results::ControlStatus;

fn main() {
    let (n, per) = support::size_args(500, 2_000);
    let binary = support::binary();

    let (snapshot_json, base) = support::example();
    let work = tempfile::tempdir().unwrap();
    let reports = work.path().join("reports");

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
        support::grow(&mut r, per);
        let dir = support::write_package(&reports, &snapshot_json, &r, chrono::Utc::now());
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
