//! History benchmark: `cargo bench --bench history [-- N [FINDINGS]]`.
//!
//! Builds N packages of one account (default 500: ten years of weekly runs, or a year and a
//! half of daily ones), one day apart, each with its results grown to FINDINGS findings
//! (default 2,000) whose statuses drift from run to run (findings fail for a stretch, are
//! fixed, fail again; controls change status), written through the real package writer. Then
//! it runs the release binary's `history` over them three times and prints the median wall
//! time. The issue's bar: 500 packages in under 10 s.

#[path = "support.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use safeguard::results::ControlStatus;
use safeguard::verdict::FindingStatus;

fn main() {
    let (n, per) = support::size_args(500, 2_000);
    let binary = support::binary();

    let (snapshot_json, mut base) = support::example();
    support::grow(&mut base, per);
    let work = tempfile::tempdir().unwrap();
    let reports = work.path().join("reports");
    let start = chrono::DateTime::parse_from_rfc3339("2025-01-01T09:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);

    let started = Instant::now();
    for i in 0..n {
        let mut r = base.clone();
        r.snapshot.collected_at = (start + chrono::Duration::days(i as i64))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        // Findings fail for a stretch and are fixed for one: each its own phase.
        let mut j = 0usize;
        for c in &mut r.checks {
            for f in &mut c.findings {
                f.status = if (i / 5 + j).is_multiple_of(4) {
                    FindingStatus::Pass
                } else {
                    FindingStatus::Fail
                };
                j += 1;
            }
        }
        for (j, c) in r.controls.iter_mut().enumerate() {
            if (i / 3 + j) % 5 == 0 {
                c.status = ControlStatus::Pass;
            }
        }
        support::write_package(
            &reports,
            &snapshot_json,
            &r,
            start + chrono::Duration::days(i as i64),
        );
    }
    println!(
        "built {n} packages of one account, ~{per} findings each, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let account = reports.join(&base.account.id);
    let mut runs: Vec<(Duration, String)> = (0..3)
        .map(|i| {
            let t = Instant::now();
            let out = Command::new(&binary)
                .arg("history")
                .arg(&account)
                .arg("-o")
                .arg(work.path().join(format!("history-{i}")))
                .output()
                .expect("history runs");
            let took = t.elapsed();
            assert!(
                out.status.success(),
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            (
                took,
                String::from_utf8_lossy(&out.stdout).trim().to_string(),
            )
        })
        .collect();
    runs.sort_by_key(|(t, _)| *t);
    let (took, summary) = &runs[1];
    println!(
        "history of {n} packages: {:.2} s (median of 3)\n{summary}",
        took.as_secs_f64()
    );
    if std::env::var_os("SAFEGUARD_BENCH_KEEP").is_some() {
        let keep = support::root().join("target/bench-history");
        let _ = std::fs::remove_dir_all(&keep);
        std::fs::create_dir_all(&keep).unwrap();
        let from = work.path().join("history-0");
        let status = Command::new("cp")
            .arg("-r")
            .arg(&from)
            .arg(&keep)
            .status()
            .unwrap();
        assert!(status.success());
        println!("kept the report under {}", keep.display());
    }
}
