//! Live collection of a large data plane, against moto (issue 29): 1,000 S3 buckets, 200 RDS
//! databases, 2,000 EBS volumes, 200 DynamoDB tables and 300 KMS keys, half tagged `phi=true`
//! (benches/fixtures/seed_bulk_data_plane.py). Reports the wall time, the collector's peak
//! memory, the API calls in all and per data store of each kind (from `collect -v`'s call
//! log), against the aims: 30 s, 5 calls per store, 200 MiB.
//!
//! `cargo bench --bench bulk_collect [-- SCALE]` (SCALE 1 is the account above; 0.1 a tenth).
//! Skipped, saying so, where moto cannot be had (no `python3`): moto is installed from PyPI into
//! the tests' cached venv on first use, as the tests do.

#![expect(
    unsafe_code,
    reason = "wait4(2) reads the collector's own peak memory, apart from moto's and the seeder's"
)]

#[allow(
    dead_code,
    reason = "the tests' moto helper, of which this bench uses the server's start"
)]
#[path = "../tests/support/mod.rs"]
mod moto;
#[allow(
    dead_code,
    reason = "the benches' shared helpers, of which this bench uses the paths"
)]
mod support;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let scale: f64 = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(1.0);
    if Command::new("python3").arg("--version").output().is_err() {
        println!("bulk_collect: skipped (no python3, so no moto server)");
        return;
    }
    let server = moto::Moto::start();
    let seeded = Instant::now();
    let mut seed = Command::new(server.bin.join("python"));
    seed.arg(support::root().join("benches/fixtures/seed_bulk_data_plane.py"))
        .arg(&server.endpoint)
        .arg(scale.to_string());
    server.aws_env(&mut seed);
    let out = seed.output().expect("the seeding script runs");
    assert!(
        out.status.success(),
        "seeding failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts: BTreeMap<String, usize> =
        serde_json::from_slice(&out.stdout).expect("the seeder prints its counts");
    println!(
        "seeded {counts:?} in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    let work = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(support::binary());
    cmd.args(["-v", "collect", "--regions", "us-east-1", "-o"])
        .arg(work.path().join("snapshot.json"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    server.aws_env(&mut cmd);
    let started = Instant::now();
    #[expect(
        clippy::zombie_processes,
        reason = "wait_with_peak reaps it with wait4, for the child's own rusage"
    )]
    let mut child = cmd.spawn().expect("safeguard starts");
    let pid = child.id();
    let stderr = child.stderr.take().map(|mut e| {
        std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).unwrap();
            s
        })
    });
    let (status, peak_kib) = wait_with_peak(pid);
    let took = started.elapsed();
    let log = stderr.unwrap().join().unwrap();
    // 1: the snapshot has gaps (moto answers some calls with errors, e.g. GetBucketVersioning
    // under another root element than S3's), which the collection survives and names.
    assert!(
        status == 0 || status == 1,
        "collect exited {status}:\n{log}"
    );

    // Calls per action, from `-v`'s `  api <action> region=… attempts=N …` lines.
    let mut calls: BTreeMap<&str, usize> = BTreeMap::new();
    for line in log.lines() {
        if let Some(action) = line
            .trim_start()
            .strip_prefix("api ")
            .and_then(|l| l.split_whitespace().next())
        {
            *calls.entry(action).or_default() += 1;
        }
    }
    let total: usize = calls.values().sum();
    // The calls that list many stores at once (a page each), counted apart: a store's own
    // calls are those that name it.
    const LISTING: [&str; 10] = [
        "s3:ListAllMyBuckets",
        "s3:GetAccountPublicAccessBlock",
        "rds:DescribeDBInstances",
        "rds:DescribeDBClusters",
        "ec2:DescribeVolumes",
        "ec2:DescribeInstances",
        "dynamodb:ListTables",
        "kms:ListKeys",
        "kms:ListAliases",
        "ec2:GetEbsEncryptionByDefault",
    ];
    let listing: usize = LISTING.iter().filter_map(|a| calls.get(a)).sum();
    let per = |prefixes: &[&str], stores: usize| -> f64 {
        let n: usize = calls
            .iter()
            .filter(|(a, _)| prefixes.iter().any(|p| a.starts_with(p)) && !LISTING.contains(a))
            .map(|(_, n)| n)
            .sum();
        n as f64 / stores.max(1) as f64
    };
    let kinds = [
        ("bucket", &["s3:"][..], counts["buckets"]),
        ("database", &["rds:"][..], counts["databases"]),
        ("volume", &["ec2:"][..], counts["volumes"]),
        ("table", &["dynamodb:"][..], counts["tables"]),
        ("key", &["kms:"][..], counts["keys"]),
    ];
    let stores: usize = counts.values().sum();
    println!(
        "bulk_collect  {stores} stores  {:.2} s  {} MiB peak  {total} API calls ({listing} listing many stores)",
        took.as_secs_f64(),
        peak_kib / 1024
    );
    for (kind, prefixes, n) in kinds {
        println!("  per {kind:<8} {:.2} calls ({n} stores)", per(prefixes, n));
    }
    let worst = kinds.iter().map(|(_, p, n)| per(p, *n)).fold(0.0, f64::max);
    println!(
        "  aims: 30 s {}, 5 calls per store {}, 200 MiB {}",
        mark(took.as_secs_f64() <= 30.0 * scale.max(1.0)),
        mark(worst <= 5.0),
        mark(peak_kib / 1024 <= 200)
    );
}

fn mark(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// Waits for the child `pid`, returning its exit code and its own peak resident memory in KiB
/// (`wait4`'s rusage covers that process alone, not the seeder or the moto server).
fn wait_with_peak(pid: u32) -> (i32, u64) {
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; pid is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(r, pid as libc::pid_t, "wait4");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss as u64)
}
