//! Pipeline benchmark on synthetic accounts:
//! `cargo bench --bench pipeline [-- [dense|mixed] [SIZE...] [--pdf]]`.
//!
//! **dense** (the shape of issue 12, `synth::generate_dense`): 1k, 3k, 10k and 30k roles, with
//! a quarter as many users and half as many customer-managed policies, many principals able to
//! reach many others. Each size runs the release `safeguard` binary twice, as a user would:
//! `assess --format json`, then the full package (every format). Each row gives the wall time,
//! the peak RSS the binary reports (`--profile-phases`) and the package's size on disk, of the
//! median of three runs (one at 30k).
//!
//! **mixed** (`synth::generate`): 100, 1k and 10k principals (40% users, 60% roles, half as many
//! customer-managed policies), each stage run in-process several times, the median printed;
//! "engine" is the policy engine alone (compiling every policy and the escalation graph), which
//! "assess" includes. Peak RSS (VmHWM) follows each size, so run sizes in ascending order (the
//! default). The PDF of the 10k account is skipped unless `--pdf` is given.
//!
//! `--scps` puts the dense account in the example's organization, with a guard-rail SCP that also
//! denies IAM to all but a break-glass role: what SCPs cost every decision.
//!
//! With neither word, both run. `SAFEGUARD_BENCH_BIN=PATH` runs another build of the binary in
//! the dense shape (to compare with an earlier version); `SAFEGUARD_BENCH_PHASES=1` prints each
//! run's `--profile-phases` line.

#[path = "synth.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use safeguard::access::AccessModel;
use safeguard::assess::{AssessOptions, assess};
use safeguard::catalog::Catalog;
use safeguard::import::{ImportOptions, import_dir};
use safeguard::render;

const SIZES: [(&str, usize); 3] = [("100", 100), ("1k", 1_000), ("10k", 10_000)];

fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], last.unwrap())
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

const DENSE: [(&str, usize); 4] = [
    ("1k", 1_000),
    ("3k", 3_000),
    ("10k", 10_000),
    ("30k", 30_000),
];

/// One run of the release binary: wall time, peak RSS (from `--profile-phases`) and the
/// package's size on disk.
fn run_binary(account: &Path, out: &Path, formats: Option<&str>) -> (Duration, f64, u64) {
    // SAFEGUARD_BENCH_BIN: another build to compare (e.g. the previous release).
    let bin = std::env::var_os("SAFEGUARD_BENCH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_safeguard")));
    let mut cmd = Command::new(bin);
    cmd.arg("assess").arg(account).arg("-o").arg(out).args([
        "-q",
        "--profile-phases",
        "--fail-on",
        "never",
    ]);
    if let Some(f) = formats {
        cmd.args(["--format", f]);
    }
    let t = Instant::now();
    let o = cmd.output().expect("the safeguard binary runs");
    let wall = t.elapsed();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    if std::env::var_os("SAFEGUARD_BENCH_PHASES").is_some() {
        eprintln!("{}", stderr.trim());
    }
    let rss = stderr
        .split("peak RSS ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    let package = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim().to_string());
    let bytes = std::fs::read_dir(&package)
        .expect("the package folder")
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    (wall, rss, bytes)
}

fn dense(wanted: &[&String]) {
    println!(
        "{:<6} {:>6} {:>6} {:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "roles",
        "users",
        "groups",
        "policies",
        "json time",
        "json RSS",
        "json size",
        "full time",
        "full RSS",
        "full size"
    );
    for (name, roles) in DENSE
        .iter()
        .filter(|(n, _)| wanted.is_empty() || wanted.iter().any(|w| w == n))
    {
        let dir = tempfile::tempdir().unwrap();
        let account = dir.path().join("account");
        synth::generate_dense(&account, *roles);
        if std::env::args().any(|a| a == "--scps") {
            add_organization(&account);
        }
        // SAFEGUARD_BENCH_KEEP=DIR: keep the generated account there, for a profiler.
        if let Some(keep) = std::env::var_os("SAFEGUARD_BENCH_KEEP") {
            let _ = std::process::Command::new("cp")
                .arg("-r")
                .arg(&account)
                .arg(&keep)
                .status();
        }
        let size = synth::dense_size(*roles);
        // This machine's single runs vary by a third: the median of three below 30k roles.
        let runs = if *roles >= 30_000 { 1 } else { 3 };
        let median_of = |formats: Option<&str>, tag: &str| {
            let mut all: Vec<(Duration, f64, u64)> = (0..runs)
                .map(|i| run_binary(&account, &dir.path().join(format!("{tag}{i}")), formats))
                .collect();
            all.sort_by_key(|r| r.0);
            all[all.len() / 2]
        };
        let (jt, jr, js) = median_of(Some("json"), "json");
        let (ft, fr, fs) = median_of(None, "full");
        let mb = |b: u64| format!("{:.0} MB", b as f64 / 1e6);
        println!(
            "{:<6} {:>6} {:>6} {:>8} {:>8.2} s {:>6.0} MiB {:>10} {:>8.2} s {:>6.0} MiB {:>10}",
            name,
            size.users,
            size.roles / 50,
            size.policies,
            jt.as_secs_f64(),
            jr,
            mb(js),
            ft.as_secs_f64(),
            fr,
            mb(fs)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let shape = |w: &str| args.iter().any(|a| a == w);
    let (want_dense, want_mixed) = match (shape("dense"), shape("mixed")) {
        (false, false) => (true, true),
        pair => pair,
    };
    let wanted: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && *a != "dense" && *a != "mixed")
        .collect();
    if want_dense {
        println!("dense shape (issue 12): the release binary, as a user runs it");
        dense(&wanted);
        println!();
    }
    if !want_mixed {
        return;
    }
    println!("mixed shape: each stage in-process, median of several runs");
    let always_pdf = args.iter().any(|a| a == "--pdf");
    let catalog = Catalog::builtin().unwrap();
    println!(
        "{:<6} {:>6} {:>6} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9}",
        "size",
        "users",
        "roles",
        "policies",
        "import",
        "engine",
        "assess",
        "json",
        "csv",
        "md",
        "pdf",
        "pages",
        "peak RSS"
    );
    for (name, principals) in SIZES
        .iter()
        .filter(|(n, _)| wanted.is_empty() || wanted.iter().any(|w| w == n))
    {
        let size = synth::Size::principals(*principals);
        let dir = tempfile::tempdir().unwrap();
        synth::generate(dir.path(), size);
        let runs = if size.users >= 4_000 { 3 } else { 5 };
        let (t_import, snapshot) = median(runs, || {
            import_dir(dir.path(), &ImportOptions::default()).unwrap()
        });
        // Every piece of evidence is there, so every check (event history, alarms included) runs.
        assert!(snapshot.gaps.is_empty(), "{:?}", snapshot.gaps);
        let (t_engine, edges) = median(runs, || {
            let access = AccessModel::new(&snapshot);
            let a = access.escalation(false).unwrap();
            let b = access.escalation(true).unwrap();
            a.edges + b.edges
        });
        let (t_assess, results) = median(runs, || {
            assess(&snapshot, &catalog, &AssessOptions::default()).unwrap()
        });
        let (t_json, _) = median(runs, || results.to_json());
        let (t_csv, _) = median(runs, || render::csv::render(&results));
        let (t_md, _) = median(runs, || {
            render::markdown::render(&results, None, Default::default(), &Default::default())
                .unwrap()
        });
        let skip_pdf = *principals > 1_000 && !always_pdf;
        let (t_pdf, pdf) = if skip_pdf {
            (Duration::ZERO, Vec::new())
        } else {
            median(1.max(runs / 2), || {
                render::pdf::render(&results, Default::default(), &Default::default()).unwrap()
            })
        };
        let pages = String::from_utf8_lossy(&pdf)
            .matches("/Type /Page\n")
            .count()
            .max(String::from_utf8_lossy(&pdf).matches("/Type/Page/").count());
        let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
        println!(
            "{:<6} {:>6} {:>6} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>6.0} MiB",
            name,
            size.users,
            size.roles,
            size.policies,
            ms(t_import),
            ms(t_engine),
            ms(t_assess),
            ms(t_json),
            ms(t_csv),
            ms(t_md),
            if skip_pdf {
                "skipped".into()
            } else {
                ms(t_pdf)
            },
            if pages == 0 {
                "?".into()
            } else {
                pages.to_string()
            },
            peak_rss_mib()
        );
        let findings: usize = results.checks.iter().map(|c| c.findings.len()).sum();
        println!("       {edges} can-become edges (with and without MFA), {findings} findings");
    }
}

/// The bundled example's organization evidence, for the synthetic account, with an SCP that
/// denies IAM to all but `role/BreakGlass` beside the example's guard rails.
fn add_organization(account: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/clinic-account/organizations");
    let to = account.join("organizations");
    for e in walk(&from) {
        let rel = e
            .strip_prefix(&from)
            .unwrap()
            .to_string_lossy()
            .replace("483920175634", synth::ACCOUNT);
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&e, dest).unwrap();
    }
    let guard = to.join("policies/p-7h2k9d4m1x.json");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&guard).unwrap()).unwrap();
    let mut content: serde_json::Value =
        serde_json::from_str(doc["Policy"]["Content"].as_str().unwrap()).unwrap();
    content["Statement"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
        "Sid": "IamOnlyThroughBreakGlass", "Effect": "Deny", "Action": "iam:*", "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}}));
    doc["Policy"]["Content"] = serde_json::Value::String(content.to_string());
    std::fs::write(&guard, serde_json::to_vec(&doc).unwrap()).unwrap();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
