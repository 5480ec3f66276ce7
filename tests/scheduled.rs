//! Scheduled snapshots end to end: a generated weekly series of one account (a control that
//! regresses and recovers, a finding resolved, a waiver and an attestation that expire, a
//! tampered package) through `diff`, `--history` and `history`; signing and verification with
//! generated keys, each tampering caught; and upload to moto's S3 with Object Lock, verified in
//! place (tests/fixtures/seed_moto_s3.py; moto judges every call against the caller's policy).

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn safeguard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    // No AWS: nothing here may reach a real endpoint.
    c.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every key of `v` (recursively) is named, in backticks, in docs/scheduled-snapshots.md.
fn documented(v: &Value, what: &str) {
    fn keys(v: &Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone());
                    // Keyed by status: data, not fields.
                    if k != "controls" || !v.is_object() {
                        keys(v, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let doc = std::fs::read_to_string(root().join("docs/scheduled-snapshots.md")).unwrap();
    let mut fields = std::collections::BTreeSet::new();
    keys(v, &mut fields);
    for f in fields {
        assert!(
            doc.contains(&format!("`{f}`")),
            "docs/scheduled-snapshots.md does not name {what}'s field `{f}`"
        );
    }
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The bundled example's snapshot.
fn example_snapshot(work: &Path) -> Value {
    let path = work.join("example.json");
    ok(&run(safeguard()
        .arg("import")
        .arg(root().join("examples/clinic-account"))
        .arg("-o")
        .arg(&path)));
    json(&path)
}

/// The example `days` later: every timestamp of collection week (November 2026) moved by
/// `days`, as if the account had been collected again (events of October stay where they were).
fn week(base: &Value, days: i64) -> Value {
    fn shift(v: &mut Value, days: i64) {
        match v {
            Value::String(s) if s.starts_with("2026-11") => {
                if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
                    let moved = t + chrono::Duration::days(days);
                    *s = if s.ends_with('Z') {
                        moved.format("%Y-%m-%dT%H:%M:%SZ").to_string()
                    } else {
                        moved.to_rfc3339()
                    };
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| shift(v, days)),
            Value::Object(m) => m.values_mut().for_each(|v| shift(v, days)),
            _ => {}
        }
    }
    let mut s = base.clone();
    shift(&mut s, days);
    s
}

/// The user made an administrator: added to the Admins group (AdministratorAccess).
fn made_admin(mut s: Value, name: &str) -> Value {
    for u in s["iam"]["authorization_details"]["UserDetailList"]
        .as_array_mut()
        .unwrap()
    {
        if u["UserName"] == name {
            u["GroupList"].as_array_mut().unwrap().push("Admins".into());
        }
    }
    s
}

/// The user gone from the account (IAM and the credential report).
fn without_user(mut s: Value, name: &str) -> Value {
    s["iam"]["authorization_details"]["UserDetailList"]
        .as_array_mut()
        .unwrap()
        .retain(|u| u["UserName"] != name);
    s["iam"]["credential_report"]["rows"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["user"] != name);
    s
}

const ATTESTED_UNTIL_NOV_24: &str = r#"attestations:
  - control: "164.308(a)(2)"
    statement: Dana Reyes is the designated security official.
    attested_by: Marcus Lee, Chief Executive Officer
    date: 2026-02-01
    expires: 2026-11-24
    evidence: [designation.md]
"#;

const ATTESTED_AGAIN: &str = r#"attestations:
  - control: "164.308(a)(2)"
    statement: Dana Reyes is the designated security official.
    attested_by: Marcus Lee, Chief Executive Officer
    date: 2026-12-01
    expires: 2027-12-01
    evidence: [designation.md]
"#;

const WAIVED_UNTIL_NOV_24: &str = r#"waivers:
  - check: iam.user_console_mfa
    resource: "arn:aws:iam::483920175634:user/bob.martinez"
    justification: Hardware key on order.
    approved_by: Dana Reyes, Security Officer
    approved_on: 2026-06-01
    risk: medium
    expires: 2026-11-24
"#;

/// Assesses `snapshot` into `out` and returns the package folder.
fn assess(work: &Path, name: &str, snapshot: &Value, out: &Path, args: &[&str]) -> PathBuf {
    let path = work.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_vec(snapshot).unwrap()).unwrap();
    let o = run(safeguard()
        .arg("assess")
        .arg(&path)
        .args(["-q", "--fail-on", "never", "-o"])
        .arg(out)
        .args(args));
    PathBuf::from(ok(&o).trim())
}

struct Series {
    _tmp: tempfile::TempDir,
    work: PathBuf,
    reports: PathBuf,
    weeks: Vec<PathBuf>,
}

/// Four weekly packages of the example account: week 1 as bundled (with an attestation and a
/// waiver that both lapse on 24 November); week 2 a week later with dave.kim gone (his unused
/// password resolved); week 3 tampered after it was written; week 4 with the attestation
/// renewed, assessed with `--history`.
fn series() -> Series {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().to_path_buf();
    let reports = work.join("reports");
    let base = example_snapshot(&work);
    let (att, att2, waivers) = (
        work.join("att.yaml"),
        work.join("att2.yaml"),
        work.join("waivers.yaml"),
    );
    std::fs::write(work.join("designation.md"), "Designation letter.\n").unwrap();
    std::fs::write(&att, ATTESTED_UNTIL_NOV_24).unwrap();
    std::fs::write(&att2, ATTESTED_AGAIN).unwrap();
    std::fs::write(&waivers, WAIVED_UNTIL_NOV_24).unwrap();
    let inputs = |a: &Path| {
        vec![
            "--attestations".to_string(),
            a.display().to_string(),
            "--waivers".to_string(),
            waivers.display().to_string(),
        ]
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let i1 = inputs(&att);
    let w1 = assess(&work, "w1", &week(&base, 0), &reports, &args(&i1));
    let w2 = assess(
        &work,
        "w2",
        &made_admin(without_user(week(&base, 7), "dave.kim"), "carol.ortiz"),
        &reports,
        &args(&i1),
    );
    let w3 = assess(
        &work,
        "w3",
        &without_user(week(&base, 14), "dave.kim"),
        &reports,
        &args(&i1),
    );
    // Week 3 is altered after it was written.
    let report = w3.join("report.md");
    let mut md = std::fs::read_to_string(&report).unwrap();
    md.push_str("\nAll controls pass.\n");
    std::fs::write(&report, md).unwrap();
    let mut i4 = inputs(&att2);
    i4.extend(["--history".to_string(), reports.display().to_string()]);
    let w4 = assess(
        &work,
        "w4",
        &without_user(week(&base, 21), "dave.kim"),
        &reports,
        &args(&i4),
    );
    Series {
        _tmp: tmp,
        work,
        reports,
        weeks: vec![w1, w2, w3, w4],
    }
}

#[test]
fn diff_names_what_got_worse_and_what_was_fixed() {
    let s = series();
    let (w1, w2, w3) = (&s.weeks[0], &s.weeks[1], &s.weeks[2]);
    let out = run(safeguard()
        .arg("diff")
        .arg(w1)
        .arg(w2)
        .args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(1), "worse: {}", text(&out));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["schema"], "safeguard.diff.v1");
    documented(&d, "diff.json");
    assert_eq!(d["old"]["verified"], true);
    // The control whose attestation lapsed: pass → manual, worse.
    let c = d["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["control"] == "164.308(a)(2)")
        .unwrap_or_else(|| panic!("{:#}", d["controls"]));
    assert_eq!(
        (&c["from"], &c["to"], &c["direction"]),
        (&"pass".into(), &"manual".into(), &"worse".into())
    );
    assert_eq!(d["attestations_expired"][0]["control"], "164.308(a)(2)");
    // The waiver that lapsed, and the finding it had covered, now failing and new.
    assert_eq!(d["waivers_expired"][0]["check"], "iam.user_console_mfa");
    let new: Vec<&str> = d["new_failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert!(
        new.iter().any(|r| r.ends_with("user/bob.martinez")),
        "{new:?}"
    );
    // dave.kim left: his findings are resolved ("gone"), with when they first failed.
    let dave = d["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "iam.user_unused_credentials")
        .unwrap_or_else(|| panic!("{:#}", d["resolved"]));
    assert_eq!(dave["now"], "gone");
    assert_eq!(dave["first_seen"], "2026-11-20T09:00:00Z");
    // Still failing findings carry when they first failed.
    assert!(
        d["still_failing"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["first_seen"] == "2026-11-20T09:00:00Z")
    );
    // carol.ortiz joined Admins: a new admin-equivalent principal, named as such.
    let admins: Vec<&str> = d["new_admins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert_eq!(
        admins,
        ["arn:aws:iam::483920175634:user/carol.ortiz"],
        "{:#}",
        d["new_admins"]
    );
    let worse = d["worse"].as_array().unwrap();
    assert!(
        worse
            .iter()
            .any(|w| w.as_str().unwrap().contains("waiver(s) expired")),
        "{worse:?}"
    );

    // Markdown by default; a package against itself: nothing worse, exit 0.
    let same = run(safeguard().arg("diff").arg(w2).arg(w2));
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));
    assert!(String::from_utf8_lossy(&same.stdout).contains("**Nothing got worse.**"));
    // Written to a file with -o.
    let to = s.work.join("d.md");
    let out = run(safeguard().arg("diff").arg(w1).arg(w2).arg("-o").arg(&to));
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(&to).unwrap();
    assert!(
        md.contains("## Waivers that expired") && md.contains("## Resolved findings"),
        "{md}"
    );
    // Old and new the wrong way round, a tampered package, another account: exit 2, named.
    let backwards = run(safeguard().arg("diff").arg(w2).arg(w1));
    assert_eq!(backwards.status.code(), Some(2));
    assert!(
        text(&backwards).contains("give the older package first"),
        "{}",
        text(&backwards)
    );
    let tampered = run(safeguard().arg("diff").arg(w1).arg(w3));
    assert_eq!(tampered.status.code(), Some(2));
    assert!(
        text(&tampered).contains("fails verification") && text(&tampered).contains("report.md"),
        "{}",
        text(&tampered)
    );
    let mut other: Value = json(&w2.join("results.json"));
    other["account"]["id"] = "111122223333".into();
    let lone = s.work.join("other-results.json");
    std::fs::write(&lone, serde_json::to_vec(&other).unwrap()).unwrap();
    let accounts = run(safeguard().arg("diff").arg(w1).arg(&lone));
    assert_eq!(accounts.status.code(), Some(2));
    assert!(
        text(&accounts).contains("different accounts"),
        "{}",
        text(&accounts)
    );
    // --previous of another account: exit 2, and the assessment is written all the same.
    let out = run(safeguard()
        .arg("assess")
        .arg(s.work.join("w2.json"))
        .args(["-q", "--previous"])
        .arg(&lone)
        .arg("-o")
        .arg(s.work.join("mismatch")));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("written without a comparison"),
        "{}",
        text(&out)
    );
    assert!(s.work.join("mismatch/483920175634").is_dir());
    // With --org, --previous is refused before anything runs: each account has its own.
    let out = run(safeguard()
        .args(["run", "--org", "--role-name", "R", "--previous"])
        .arg(w1));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("use --history"), "{}", text(&out));
    // A --history folder that does not exist yet is an empty history (week 1 of a schedule
    // whose --history is its own -o): the package is written, without a comparison.
    let out = run(safeguard()
        .arg("demo")
        .args(["-q", "--history"])
        .arg(s.work.join("nohist"))
        .arg("-o")
        .arg(s.work.join("nohist")));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(s.work.join("nohist/483920175634").is_dir());
    // A file named as --history: exit 2 before anything is assessed.
    let out = run(safeguard()
        .arg("demo")
        .args(["-q", "--history"])
        .arg(&lone)
        .arg("-o")
        .arg(s.work.join("filehist")));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!s.work.join("filehist").exists());
    // A lone results.json is compared but said to be unverified.
    let mut same_account = json(&w2.join("results.json"));
    same_account["tool"]["version"] = "edited".into();
    std::fs::write(&lone, serde_json::to_vec(&same_account).unwrap()).unwrap();
    let out = run(safeguard().arg("diff").arg(w1).arg(&lone));
    assert!(String::from_utf8_lossy(&out.stdout).contains("NOT verified"));
}

#[test]
fn history_carries_first_seen_forward_and_draws_the_trend() {
    let s = series();
    let (w2, w3, w4) = (&s.weeks[1], &s.weeks[2], &s.weeks[3]);
    // Week 4 was assessed with --history: the newest intact earlier package is week 2 (week 3
    // is tampered and passed over, named).
    let r4 = json(&w4.join("results.json"));
    let changes = &r4["changes"];
    assert_eq!(changes["since"], "2026-11-27T09:00:00Z", "{changes:#}");
    let w2_manifest =
        safeguard::snapshot::sha256_hex(&std::fs::read(w2.join("manifest.json")).unwrap());
    assert_eq!(changes["previous_manifest_sha256"], w2_manifest.as_str());
    // Over the audit period: held in N of M intact snapshots (the tampered week 3 left out).
    let designation = r4["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "164.308(a)(2)")
        .unwrap();
    assert_eq!(
        designation["held"],
        serde_json::json!({"held": 2, "of": 3, "since": "2026-11-20T09:00:00Z"}),
        "attested in weeks 1 and 4, lapsed in week 2"
    );
    let md4 = std::fs::read_to_string(w4.join("report.md")).unwrap();
    assert!(md4.contains("Held in 2 of 3 snapshots since 2026-11-20T09:00:00Z."));
    // --period-start counts from the audit period's first day: week 1 falls before it.
    let elsewhere = s.work.join("period");
    let o = run(safeguard()
        .arg("assess")
        .arg(s.work.join("w4.json"))
        .args(["-q", "--fail-on", "never", "--format", "json", "-o"])
        .arg(&elsewhere)
        .arg("--history")
        .arg(&s.reports)
        .args(["--period-start", "2026-11-25"])
        .arg("--attestations")
        .arg(s.work.join("att2.yaml")));
    let period = json(&PathBuf::from(ok(&o).trim()).join("results.json"));
    let held = &period["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "164.308(a)(2)")
        .unwrap()["held"];
    assert_eq!(
        held,
        &serde_json::json!({"held": 1, "of": 2, "since": "2026-11-27T09:00:00Z"})
    );
    let passed = changes["passed_over"].as_array().unwrap();
    assert!(
        passed.len() == 1
            && passed[0]
                .as_str()
                .unwrap()
                .contains(w3.file_name().unwrap().to_str().unwrap()),
        "{passed:?}"
    );
    // The attestation renewed: better.
    assert!(
        changes["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["control"] == "164.308(a)(2)" && c["direction"] == "better")
    );
    // bob's MFA finding failed first in week 2: recurring since then, id unchanged.
    let bob = support::finding(&r4, "iam.user_console_mfa", "user/bob.martinez");
    assert_eq!(bob["change"], "recurring");
    assert_eq!(bob["first_seen"], "2026-11-27T09:00:00Z");
    let r2 = json(&w2.join("results.json"));
    assert_eq!(
        bob["id"],
        support::finding(&r2, "iam.user_console_mfa", "user/bob.martinez")["id"]
    );
    // A finding failing since week 1 keeps week 1 as its first sighting through week 2.
    let r1 = json(&s.weeks[0].join("results.json"));
    let key = support::finding(
        &r1,
        "iam.user_access_key_rotation",
        "user/ci-legacy-deployer#access_key_1",
    );
    let key4 = support::finding(
        &r4,
        "iam.user_access_key_rotation",
        "user/ci-legacy-deployer#access_key_1",
    );
    assert_eq!(key["id"], key4["id"]);
    assert!(key4["first_seen"].is_string());
    let md = std::fs::read_to_string(w4.join("report.md")).unwrap();
    assert!(
        md.contains("## Changes since 2026-11-27T09:00:00Z"),
        "report section"
    );
    assert!(md.contains("recurring since 2026-11-27T09:00:00Z"));
    let csv = std::fs::read_to_string(w4.join("results.csv")).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains("finding_id,first_seen,change,")
    );

    // The trend.
    let out_dir = s.work.join("trend");
    let account = s.reports.join("483920175634");
    let started = std::time::Instant::now();
    let out = run(safeguard()
        .arg("history")
        .arg(&account)
        .arg("-o")
        .arg(&out_dir));
    assert_eq!(
        out.status.code(),
        Some(1),
        "a package was left out: {}",
        text(&out)
    );
    assert!(started.elapsed().as_secs() < 30);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("LEFT OUT") && stdout.contains("fails verification"),
        "{stdout}"
    );
    let dir = out_dir.join("483920175634");
    let folder = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let h = json(&folder.join("history.json"));
    assert_eq!(h["schema"], "safeguard.history.v1");
    documented(&h, "history.json");
    documented(&json(&folder.join("manifest.json")), "the history manifest");
    assert_eq!(h["runs"].as_array().unwrap().len(), 3, "{:#}", h["runs"]);
    assert_eq!(h["excluded"].as_array().unwrap().len(), 1);
    let flapping = h["flapping"].as_array().unwrap();
    let flapped = flapping
        .iter()
        .find(|f| f["control"] == "164.308(a)(2)")
        .unwrap_or_else(|| panic!("{flapping:?}"));
    assert_eq!(
        flapped["statuses"],
        serde_json::json!(["pass", "manual", "pass"])
    );
    let fixed = h["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == "iam.user_unused_credentials")
        .unwrap();
    assert_eq!(fixed["days"], 7.0);
    assert!(h["median_days_to_fix"].is_number());
    let png = std::fs::read(folder.join("trend.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(folder.join("trend.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Failing findings"));
    let md = std::fs::read_to_string(folder.join("history.md")).unwrap();
    assert!(md.contains("](trend.svg)") && md.contains("## Controls that flapped"));
    let pdf = std::fs::read(folder.join("history.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.windows(8).any(|w| w == b"/XObject"));
    ok(&run(safeguard().arg("verify").arg(&folder)));
    // The same packages give the same report (the manifest's time aside).
    let again = s.work.join("trend2");
    run(safeguard()
        .arg("history")
        .arg(&account)
        .arg("-q")
        .arg("-o")
        .arg(&again));
    let folder2 = std::fs::read_dir(again.join("483920175634"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for f in [
        "history.json",
        "history.md",
        "history.pdf",
        "trend.svg",
        "trend.png",
    ] {
        assert_eq!(
            std::fs::read(folder.join(f)).unwrap(),
            std::fs::read(folder2.join(f)).unwrap(),
            "{f} differs between two runs"
        );
    }
    // A history report kept beside the packages is neither counted nor excluded by aggregate.
    let out = run(safeguard()
        .arg("history")
        .arg(&account)
        .arg("-q")
        .arg("-o")
        .arg(s.reports.join("history")));
    assert_eq!(
        out.status.code(),
        Some(1),
        "the tampered week: {}",
        text(&out)
    );
    let out = run(safeguard()
        .arg("aggregate")
        .arg(&s.reports)
        .arg("-o")
        .arg(s.work.join("rollup")));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("LEFT OUT") && !stdout.contains("history"),
        "only the tampered week is excluded: {stdout}"
    );
    // A folder with no package: exit 2.
    let empty = s.work.join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(
        run(safeguard().arg("history").arg(&empty)).status.code(),
        Some(2)
    );
}

#[test]
fn signatures_catch_every_tampering() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let out = ok(&run(safeguard().current_dir(t).args(["keygen", "k"])));
    assert!(out.contains("key id ed25519:"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(t.join("k.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the private key is readable by others");
    }
    // Never overwritten.
    assert_eq!(
        run(safeguard().current_dir(t).args(["keygen", "k"]))
            .status
            .code(),
        Some(2)
    );
    ok(&run(safeguard().current_dir(t).args(["keygen", "other"])));
    // The keys are the standard formats: OpenSSL 3.0 reads the private key (PKCS#8 v1) and
    // the public key (SPKI), and derives from the one the other.
    let openssl = |args: &[&str]| {
        Command::new("openssl")
            .current_dir(t)
            .args(args)
            .output()
            .expect("openssl (Debian's openssl package) runs")
    };
    let private = openssl(&["pkey", "-in", "k.key", "-pubout"]);
    assert!(
        private.status.success(),
        "openssl cannot read keygen's private key: {}",
        String::from_utf8_lossy(&private.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&private.stdout),
        std::fs::read_to_string(t.join("k.pub")).unwrap(),
        "the public key is the private key's"
    );
    let public = openssl(&["pkey", "-pubin", "-in", "k.pub", "-noout"]);
    assert!(
        public.status.success(),
        "openssl cannot read keygen's public key"
    );
    let der = openssl(&["pkey", "-in", "k.key", "-outform", "DER"]);
    // RFC 8410's 48-byte PKCS#8 v1 (version 0), not v2 with the public key attached.
    assert_eq!(der.stdout.len(), 48, "PKCS#8 v1");
    assert_eq!(der.stdout[2..5], [0x02, 0x01, 0x00], "version 0 (v1)");

    let pkg = |name: &str| {
        let o = ok(&run(safeguard().current_dir(t).args([
            "demo",
            "-q",
            "--sign-key",
            "k.key",
            "-o",
            name,
        ])));
        t.join(o.lines().next().unwrap().trim())
    };
    let verify = |dir: &Path, key: &str| {
        run(safeguard()
            .current_dir(t)
            .arg("verify")
            .arg(dir)
            .args(["--key", key]))
    };

    let good = pkg("a");
    let out = verify(&good, "k.pub");
    assert!(ok(&out).contains("SIGNED   by ed25519:"), "{}", text(&out));
    let envelope = json(&good.join("signature.json"));
    documented(&envelope, "signature.json");
    assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
    use base64::Engine;
    let statement: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(envelope["payload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    documented(&statement, "the signed statement");
    assert_eq!(statement["subject"][0]["name"], "manifest.json");
    assert_eq!(
        statement["subject"][0]["digest"]["sha256"],
        safeguard::snapshot::sha256_hex(&std::fs::read(good.join("manifest.json")).unwrap())
            .as_str()
    );
    for field in [
        "tool",
        "catalog_sha256",
        "account",
        "collected_at",
        "preparer",
        "signed_at",
    ] {
        assert!(
            !statement["predicate"][field].is_null(),
            "predicate.{field}"
        );
    }
    // Every file of a signed package has one mode: another user who can read the package can
    // read its signature (it was once 0600 while the rest were 0644).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| {
            std::fs::metadata(good.join(p))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("signature.json"), mode("manifest.json"));
        assert_eq!(mode("signature.json"), mode("report.md"));
    }
    // The signer shown is the key that verified, never the envelope's unsigned keyid.
    let relabelled = pkg("relabel");
    let mut env = json(&relabelled.join("signature.json"));
    env["signatures"][0]["keyid"] =
        "arn:aws:kms:us-east-1:111122223333:key/compliance-officer-hsm".into();
    std::fs::write(
        relabelled.join("signature.json"),
        serde_json::to_vec(&env).unwrap(),
    )
    .unwrap();
    let out = verify(&relabelled, "k.pub");
    let shown = ok(&out);
    assert!(!shown.contains("compliance-officer-hsm"), "{shown}");
    assert!(shown.contains("SIGNED   by ed25519:"), "{shown}");
    assert!(
        shown.contains("envelope's keyid names another key"),
        "{shown}"
    );
    // Without a key the hashes are checked and the signature is only noted.
    assert!(ok(&run(safeguard().arg("verify").arg(&good))).contains("not checked"));

    // Another key: exit 1.
    let out = verify(&good, "other.pub");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("BADSIG"), "{}", text(&out));

    // manifest.json edited (every file still matches it): only the signature tells.
    let m = pkg("b");
    let mut manifest = json(&m.join("manifest.json"));
    manifest["created_at"] = "2020-01-01T00:00:00Z".into();
    std::fs::write(
        m.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    // Even without a key, verify sees that the signature beside it is over another manifest.
    let out = run(safeguard().arg("verify").arg(&m));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("signature.json signs another manifest.json"),
        "{}",
        text(&out)
    );
    let out = verify(&m, "k.pub");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("another manifest.json"),
        "{}",
        text(&out)
    );

    // A file altered and the manifest re-hashed to match, as an editor with the tool could do.
    let r = pkg("c");
    std::fs::write(r.join("results.csv"), "row\n").unwrap();
    let mut manifest = json(&r.join("manifest.json"));
    for f in manifest["files"].as_array_mut().unwrap() {
        if f["path"] == "results.csv" {
            f["sha256"] = safeguard::snapshot::sha256_hex(b"row\n").into();
            f["size"] = 4.into();
        }
    }
    std::fs::write(
        r.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let out = run(safeguard().arg("verify").arg(&r));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("signs another manifest.json"),
        "{}",
        text(&out)
    );
    assert_eq!(verify(&r, "k.pub").status.code(), Some(1));

    // signature.json altered: one signature byte, or the signed statement.
    let sdir = pkg("d");
    let mut env = json(&sdir.join("signature.json"));
    let sig = env["signatures"][0]["sig"].as_str().unwrap().to_string();
    let flipped = match sig.strip_prefix('A') {
        Some(rest) => format!("B{rest}"),
        None => format!("A{}", &sig[1..]),
    };
    env["signatures"][0]["sig"] = flipped.into();
    std::fs::write(
        sdir.join("signature.json"),
        serde_json::to_vec(&env).unwrap(),
    )
    .unwrap();
    assert_eq!(verify(&sdir, "k.pub").status.code(), Some(1));
    let pdir = pkg("e");
    let mut env = json(&pdir.join("signature.json"));
    let mut st = statement.clone();
    st["predicate"]["account"] = "111122223333".into();
    env["payload"] = base64::engine::general_purpose::STANDARD
        .encode(serde_json::to_vec(&st).unwrap())
        .into();
    std::fs::write(
        pdir.join("signature.json"),
        serde_json::to_vec(&env).unwrap(),
    )
    .unwrap();
    assert_eq!(verify(&pdir, "k.pub").status.code(), Some(1));
    std::fs::write(pdir.join("signature.json"), "not json").unwrap();
    assert_eq!(verify(&pdir, "k.pub").status.code(), Some(1));

    // No signature where a key is given: exit 1.
    std::fs::remove_file(pdir.join("signature.json")).unwrap();
    let out = verify(&pdir, "k.pub");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("UNSIGNED"), "{}", text(&out));
    // The key file itself: a private key, garbage, a folder, missing: exit 2 naming it.
    for bad in ["k.key", "nothing-here.pub"] {
        let out = verify(&good, bad);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out));
    }
    std::fs::write(
        t.join("garbage.pub"),
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    )
    .unwrap();
    assert_eq!(verify(&good, "garbage.pub").status.code(), Some(2));
    assert_eq!(verify(&good, ".").status.code(), Some(2));
    let out =
        run(safeguard()
            .current_dir(t)
            .args(["demo", "-q", "--sign-key", "k.pub", "-o", "f"]));
    assert_eq!(
        out.status.code(),
        Some(2),
        "a public key cannot sign: {}",
        text(&out)
    );
    assert!(
        !t.join("f").exists(),
        "nothing is written when the key is bad"
    );

    // A key openssl made signs too (PKCS#8 PEM is what `openssl genpkey` writes).
    let made = Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(t.join("o.key"))
        .status();
    if made.is_ok_and(|s| s.success()) {
        assert!(
            Command::new("openssl")
                .args(["pkey", "-pubout", "-in"])
                .arg(t.join("o.key"))
                .arg("-out")
                .arg(t.join("o.pub"))
                .status()
                .unwrap()
                .success()
        );
        ok(&run(safeguard()
            .current_dir(t)
            .arg("sign")
            .arg(&good)
            .args(["--sign-key", "o.key"])));
        ok(&verify(&good, "o.pub"));
        assert_eq!(
            verify(&good, "k.pub").status.code(),
            Some(1),
            "re-signed by another key"
        );
    }
    // A tampered package is not signed. (`sign --key` names the key as `verify --key` does.)
    let out = run(safeguard()
        .current_dir(t)
        .arg("sign")
        .arg(&r)
        .args(["--key", "k.key"]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "r's hashes match its (re-hashed) manifest"
    );
    std::fs::write(r.join("report.md"), "edited").unwrap();
    let out = run(safeguard()
        .current_dir(t)
        .arg("sign")
        .arg(&r)
        .args(["--sign-key", "k.key"]));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

struct S3 {
    moto: support::Moto,
    users: Value,
}

impl S3 {
    fn start() -> S3 {
        // A server of its own: the seed turns moto's authorization on for the whole server.
        let moto = support::Moto::start();
        let users = moto.seed_with(
            "seed_moto_s3.py",
            &[
                &root().join("policies/safeguard-upload.json"),
                &root().join("policies/safeguard-verify-s3.json"),
            ],
        );
        S3 { moto, users }
    }

    fn as_user(&self, user: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
        self.moto.aws_env(&mut c);
        c.env(
            "AWS_ACCESS_KEY_ID",
            self.users[user]["key"].as_str().unwrap(),
        )
        .env(
            "AWS_SECRET_ACCESS_KEY",
            self.users[user]["secret"].as_str().unwrap(),
        );
        c
    }

    /// Runs boto3 as `user` (a short script with `s3` bound to a client).
    fn python(&self, user: &str, script: &str) -> String {
        let mut c = Command::new(self.moto.bin.join("python"));
        self.moto.aws_env(&mut c);
        c.env("AWS_ACCESS_KEY_ID", self.users[user]["key"].as_str().unwrap())
            .env("AWS_SECRET_ACCESS_KEY", self.users[user]["secret"].as_str().unwrap())
            .arg("-c")
            .arg(format!(
                "import boto3, json, os\ns3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name='us-east-1')\n{script}"
            ));
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

#[test]
fn upload_with_object_lock_and_verify_in_place() {
    let s3 = S3::start();
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    ok(&run(safeguard().current_dir(t).args(["keygen", "k"])));
    // Signed and uploaded as the uploader (exactly policies/safeguard-upload.json).
    let out = run(s3.as_user("uploader").current_dir(t).args([
        "demo",
        "--sign-key",
        "k.key",
        "--upload",
        "s3://safeguard-evidence-lock/weekly",
        "-o",
        "reports",
    ]));
    let stdout = ok(&out);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("uploaded: "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("Object Lock GOVERNANCE until"), "{line}");
    let url = line
        .strip_prefix("uploaded: ")
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(
        url.starts_with("s3://safeguard-evidence-lock/weekly/483920175634/"),
        "{url}"
    );
    let key_prefix = url
        .trim_start_matches("s3://safeguard-evidence-lock/")
        .to_string();
    // Every object: the package's files, manifest and signature, each under GOVERNANCE retention
    // about six years out, with its SHA-256 checksum. (HeadObject: moto 5.2 does not serve
    // GetObjectRetention.)
    let listing = s3.python(
        "auditor",
        &format!(
            "r = s3.list_objects_v2(Bucket='safeguard-evidence-lock', Prefix='{key_prefix}')\n\
             for o in r['Contents']:\n\
             \x20   h = s3.head_object(Bucket='safeguard-evidence-lock', Key=o['Key'], ChecksumMode='ENABLED')\n\
             \x20   print(json.dumps({{'key': o['Key'][len('{key_prefix}'):], 'mode': h['ObjectLockMode'], 'until': h['ObjectLockRetainUntilDate'].isoformat(), 'sha256': h.get('ChecksumSHA256')}}))"
        ),
    );
    let objects: Vec<Value> = listing
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let package = t.join("reports/483920175634");
    let local = std::fs::read_dir(&package)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let manifest = json(&local.join("manifest.json"));
    assert_eq!(
        objects.len(),
        manifest["files"].as_array().unwrap().len() + 2,
        "{listing}"
    );
    let six_years = chrono::Utc::now() + chrono::Duration::days(2189);
    use base64::Engine;
    for o in &objects {
        assert_eq!(o["mode"], "GOVERNANCE", "{o}");
        let name = o["key"].as_str().unwrap();
        let bytes = std::fs::read(local.join(name)).unwrap();
        let sha = base64::engine::general_purpose::STANDARD
            .encode(hex::decode(safeguard::snapshot::sha256_hex(&bytes)).unwrap());
        assert_eq!(o["sha256"], sha.as_str(), "{name}: the checksum S3 holds");
        let until = chrono::DateTime::parse_from_rfc3339(o["until"].as_str().unwrap()).unwrap();
        assert!(until > six_years, "{o}");
    }
    assert!(objects.iter().any(|o| o["key"] == "signature.json"));

    // Verified in place by the auditor (read-only policy), signature too.
    let out = run(s3
        .as_user("auditor")
        .arg("verify")
        .arg(&url)
        .args(["--key"])
        .arg(t.join("k.pub")));
    let stdout = ok(&out);
    assert!(
        stdout.contains("RETAINED manifest.json: Object Lock GOVERNANCE"),
        "{stdout}"
    );
    assert!(stdout.contains("signature verified"), "{stdout}");

    // COMPLIANCE on request, with the days asked for.
    let out = run(s3.as_user("uploader").current_dir(t).args([
        "assess",
        &local.join("snapshot.json").display().to_string(),
        "--upload",
        "s3://safeguard-evidence-lock/weekly",
        "--retention-mode",
        "COMPLIANCE",
        "--retain-days",
        "30",
        "--fail-on",
        "never",
        "-o",
        "reports",
    ]));
    let stdout = ok(&out);
    assert!(stdout.contains("Object Lock COMPLIANCE until"), "{stdout}");

    // The roll-up too: signed and uploaded under org-<id>/, whatever its local folder is called.
    let out = run(s3.as_user("uploader").current_dir(t).args([
        "aggregate",
        "reports",
        "-o",
        "rollups/org-rollup",
        "--sign-key",
        "k.key",
        "--upload",
        "s3://safeguard-evidence-lock/weekly",
    ]));
    let stdout = text(&out);
    let rollup_url = stdout
        .lines()
        .find_map(|l| l.strip_prefix("uploaded: "))
        .unwrap_or_else(|| panic!("{stdout}"))
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(
        rollup_url.starts_with("s3://safeguard-evidence-lock/weekly/org-o-k3x9v2m4q7/"),
        "{rollup_url}"
    );
    let out = run(s3
        .as_user("auditor")
        .arg("verify")
        .arg(&rollup_url)
        .arg("--key")
        .arg(t.join("k.pub")));
    assert!(ok(&out).contains("signature verified"), "{}", text(&out));

    // Altered after upload (a new version of one object, an extra object): caught in place.
    s3.python(
        "tamperer",
        &format!(
            "s3.put_object(Bucket='safeguard-evidence-lock', Key='{key_prefix}results.csv', Body=b'row\\n')\n\
             s3.put_object(Bucket='safeguard-evidence-lock', Key='{key_prefix}note.txt', Body=b'x')\n\
             s3.put_object(Bucket='safeguard-evidence-lock', Key='{key_prefix}parameters.json', Body=b' ' * 5_000_000)"
        ),
    );
    let out = run(s3.as_user("auditor").arg("verify").arg(&url));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("ALTERED  results.csv") && stdout.contains("EXTRA    note.txt"),
        "{stdout}"
    );
    // An object grown past its listed size is reported without being downloaded.
    assert!(
        stdout.contains("ALTERED  parameters.json (larger than the")
            && !stdout.contains("MISSING  parameters.json"),
        "{stdout}"
    );

    // A bucket without Object Lock: uploaded, and said to have no retention.
    let out = run(s3.as_user("uploader").current_dir(t).args([
        "demo",
        "--upload",
        "s3://safeguard-evidence-plain/weekly",
        "-o",
        "plain",
    ]));
    assert!(
        ok(&out).contains("the bucket has no Object Lock: no retention was set"),
        "{}",
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("warning: safeguard-evidence-plain has no Object Lock"),
        "{}",
        text(&out)
    );

    // A prefix that is not a package (the account folder, one level up): exit 2, like a wrong
    // local folder, naming the packages below it; 4 stays for transfer failures.
    let out = run(s3
        .as_user("auditor")
        .arg("verify")
        .arg("s3://safeguard-evidence-lock/weekly/483920175634/"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("is not an evidence package")
            && text(&out).contains("packages below it (newest first): s3://safeguard-evidence-lock/weekly/483920175634/"),
        "{}",
        text(&out)
    );

    // Refused: exit 4, AWS's reason named, the local package kept and intact.
    let out = run(s3.as_user("nobody").current_dir(t).args([
        "demo",
        "-q",
        "--upload",
        "s3://safeguard-evidence-lock/weekly",
        "-o",
        "refused",
    ]));
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(
        text(&out).contains("AccessDenied") && text(&out).contains("is kept at"),
        "{}",
        text(&out)
    );
    let kept = std::fs::read_dir(t.join("refused/483920175634"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    ok(&run(safeguard().arg("verify").arg(&kept)));
    // Outside the policy's prefix: refused too.
    let out = run(s3.as_user("uploader").current_dir(t).args([
        "demo",
        "-q",
        "--upload",
        "s3://safeguard-evidence-lock/elsewhere",
        "-o",
        "x",
    ]));
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    // A malformed destination is a usage error before anything runs.
    let out = run(safeguard().current_dir(t).args([
        "demo",
        "-q",
        "--upload",
        "s3://Bad_Bucket/x",
        "-o",
        "y",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(!t.join("y").exists());
}

#[test]
fn hostile_series_never_hang_and_never_count() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let good = PathBuf::from(
        ok(&run(safeguard()
            .current_dir(t)
            .args(["demo", "-q", "-o", "reports"])))
        .trim()
        .to_string(),
    );
    let good = t.join(good);
    let account = t.join("reports/483920175634");
    // A link to a package (not followed), a folder whose manifest.json is a FIFO (not read), a
    // package whose results.json does not parse though its manifest was re-hashed to match.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&good, account.join("20990101T000000Z")).unwrap();
        std::fs::create_dir(account.join("20980101T000000Z")).unwrap();
        assert!(
            Command::new("mkfifo")
                .arg(account.join("20980101T000000Z/manifest.json"))
                .status()
                .unwrap()
                .success()
        );
    }
    let bad = account.join("20970101T000000Z");
    std::fs::create_dir(&bad).unwrap();
    for entry in std::fs::read_dir(&good).unwrap() {
        let e = entry.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), bad.join(e.file_name())).unwrap();
        }
    }
    for sub in ["inputs", "attestations"] {
        if good.join(sub).is_dir() {
            std::fs::create_dir_all(bad.join(sub)).unwrap();
            for e in std::fs::read_dir(good.join(sub)).unwrap() {
                let e = e.unwrap();
                std::fs::copy(e.path(), bad.join(sub).join(e.file_name())).unwrap();
            }
        }
    }
    let garbage = br#"{"schema": "safeguard.results.v2", "checks": 7}"#;
    std::fs::write(bad.join("results.json"), garbage).unwrap();
    let mut manifest = json(&bad.join("manifest.json"));
    for f in manifest["files"].as_array_mut().unwrap() {
        if f["path"] == "results.json" {
            f["sha256"] = safeguard::snapshot::sha256_hex(garbage).into();
            f["size"] = garbage.len().into();
        }
    }
    std::fs::write(
        bad.join("manifest.json"),
        serde_json::to_vec(&manifest).unwrap(),
    )
    .unwrap();

    let started = std::time::Instant::now();
    let out = run(safeguard()
        .arg("history")
        .arg(&account)
        .arg("-o")
        .arg(t.join("h")));
    assert!(started.elapsed().as_secs() < 60, "history hung");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 run(s)"),
        "only the intact package counts: {stdout}"
    );
    assert!(
        stdout.contains(
            "20970101T000000Z: fails verification: results.json is not safeguard results"
        ),
        "{stdout}"
    );
    // diff refuses the unparsable one at its JSON pointer, and a FIFO without blocking.
    let out = run(safeguard().arg("diff").arg(&good).arg(&bad));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("results.json"), "{}", text(&out));
    #[cfg(unix)]
    {
        let fifo = account.join("20980101T000000Z/manifest.json");
        let out = run(safeguard().arg("diff").arg(&good).arg(&fifo));
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let out = run(safeguard()
            .arg("demo")
            .arg("-q")
            .arg("--previous")
            .arg(&fifo)
            .arg("-o")
            .arg(t.join("p")));
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(
            !t.join("p").exists(),
            "nothing written when the previous package is bad"
        );
    }
}

#[test]
fn a_scheduled_run_signs_from_the_environment_and_verify_names_an_unsigned_package() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    ok(&run(safeguard().current_dir(t).args(["keygen", "k"])));
    // The demo's package folder, with the environment given.
    let demo = |out: &str, env: &[(&str, &str)]| {
        let mut c = safeguard();
        c.current_dir(t)
            .args(["demo", "-q", "-o", out])
            .envs(env.iter().copied());
        PathBuf::from(ok(&run(&mut c)).lines().next().unwrap().trim())
    };
    // No flag: SAFEGUARD_SIGN_KEY signs, as a cron job or container sets it once.
    let signed = demo("a", &[("SAFEGUARD_SIGN_KEY", "k.key")]);
    let out = ok(&run(safeguard()
        .current_dir(t)
        .arg("verify")
        .arg(&signed)
        .args(["--key", "k.pub"])));
    assert!(out.contains("SIGNED   by ed25519:"), "{out}");
    // Without a signature, verify says so on a line of its own.
    let unsigned = demo("b", &[]);
    let out = ok(&run(safeguard()
        .current_dir(t)
        .arg("verify")
        .arg(&unsigned)));
    assert!(
        out.lines()
            .any(|l| l.starts_with("UNSIGNED") && l.contains("not who produced them")),
        "{out}"
    );
}

/// Copies a package folder (files and one level of subfolders).
fn copy_package(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_package(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// What a reader printed after `<name>: ` on the line naming the package folder `name`.
fn reason_for(stdout: &str, name: &str) -> String {
    let key = format!("{name}: ");
    let line = stdout
        .lines()
        .find(|l| l.contains(&key))
        .unwrap_or_else(|| panic!("{name} is not named: {stdout}"));
    line[line.find(&key).unwrap() + key.len()..].to_string()
}

/// A package is rejected for one reason, said in one wording, by every command that reads
/// packages: history, aggregate and diff leave out (or refuse) a tampered package, one whose
/// results.json an earlier version wrote, one whose manifest.json is not a file, and a
/// roll-up given where an account's package is expected — never silently, never counted.
#[test]
fn every_reader_rejects_a_bad_package_in_the_same_words() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let good = t.join(
        ok(&run(safeguard()
            .current_dir(t)
            .args(["demo", "-q", "-o", "reports"])))
        .trim(),
    );
    let account = t.join("reports/483920175634");
    let tampered = account.join("20970101T000000Z");
    copy_package(&good, &tampered);
    let mut md = std::fs::read(tampered.join("report.md")).unwrap();
    md.extend_from_slice(b"\nAll controls pass.\n");
    std::fs::write(tampered.join("report.md"), md).unwrap();

    // An earlier schema, re-hashed so that only the schema is wrong.
    let older = account.join("20960101T000000Z");
    copy_package(&good, &older);
    let mut results = json(&older.join("results.json"));
    results["schema"] = "safeguard.results.v1".into();
    let bytes = serde_json::to_vec(&results).unwrap();
    std::fs::write(older.join("results.json"), &bytes).unwrap();
    let mut manifest = json(&older.join("manifest.json"));
    for f in manifest["files"].as_array_mut().unwrap() {
        if f["path"] == "results.json" {
            f["sha256"] = safeguard::snapshot::sha256_hex(&bytes).into();
            f["size"] = bytes.len().into();
        }
    }
    std::fs::write(
        older.join("manifest.json"),
        serde_json::to_vec(&manifest).unwrap(),
    )
    .unwrap();

    // A manifest.json that is a folder: a package that cannot be verified, not "no package".
    let broken = account.join("20950101T000000Z");
    std::fs::create_dir_all(broken.join("manifest.json")).unwrap();

    let history = run(safeguard()
        .arg("history")
        .arg(&account)
        .arg("-o")
        .arg(t.join("h")));
    assert_eq!(history.status.code(), Some(1), "{}", text(&history));
    let history = String::from_utf8_lossy(&history.stdout).into_owned();
    assert!(history.contains("1 run(s)"), "{history}");
    let aggregate = run(safeguard()
        .arg("aggregate")
        .arg(&account)
        .arg("-o")
        .arg(t.join("r")));
    let aggregate = String::from_utf8_lossy(&aggregate.stdout).into_owned();
    assert!(aggregate.contains("1 account"), "{aggregate}");

    let expected = [
        (
            "20970101T000000Z",
            "fails verification: altered report.md (expected sha256",
        ),
        (
            "20960101T000000Z",
            "results.json is safeguard.results.v1, which this version does not read (re-run `assess` on its snapshot.json)",
        ),
        ("20950101T000000Z", "cannot be verified: "),
    ];
    for (name, reason) in expected {
        let said = reason_for(&history, name);
        assert!(said.starts_with(reason), "history on {name}: {said}");
        assert_eq!(
            reason_for(&aggregate, name),
            said,
            "aggregate and history word {name}'s rejection alike"
        );
        // diff refuses it (exit 2) with the same reason (an unverifiable one as the error
        // itself, at its file).
        let out = run(safeguard().arg("diff").arg(&good).arg(account.join(name)));
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let first = said
            .trim_start_matches("cannot be verified: ")
            .split(" (expected")
            .next()
            .unwrap();
        assert!(text(&out).contains(first), "diff on {name}: {}", text(&out));
    }

    // A signature.json that is a link is a problem, not "unsigned" and not ignored.
    #[cfg(unix)]
    {
        let linked = t.join("linked");
        copy_package(&good, &linked);
        std::os::unix::fs::symlink("/etc/hostname", linked.join("signature.json")).unwrap();
        let out = run(safeguard().arg("verify").arg(&linked));
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            text(&out).contains("MISMATCH signature.json is a symbolic link"),
            "{}",
            text(&out)
        );
        let out = run(safeguard().arg("history").arg(&linked));
        assert!(
            text(&out).contains("fails verification: signature.json is a symbolic link"),
            "{}",
            text(&out)
        );
    }

    // A roll-up where an account's package is expected.
    let rollup = std::fs::read_dir(t.join("r"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("manifest.json").is_file())
        .expect("the roll-up was written");
    let out = run(safeguard().arg("diff").arg(&good).arg(&rollup));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("is an organization roll-up, not an account's evidence package"),
        "{}",
        text(&out)
    );
}

/// A narrower PHI scope between two runs: the stores it drops are named, with the reason they
/// are out, and counted as worse; widening it back names them as entered, and is not worse.
#[test]
fn diff_names_data_stores_that_left_or_entered_the_phi_scope() {
    let tmp = tempfile::tempdir().unwrap();
    let example = root().join("examples/clinic-account");
    let wide = tmp.path().join("wide.yaml");
    std::fs::write(
        &wide,
        "scope:\n  tags:\n    phi: [true, yes]\n    data-classification: [phi]\n",
    )
    .unwrap();
    let narrow = tmp.path().join("narrow.yaml");
    std::fs::write(&narrow, "scope:\n  tags:\n    phi: [true, yes]\n").unwrap();
    let assess = |config: &Path, out: &str| -> PathBuf {
        let stdout = run(safeguard()
            .arg("assess")
            .arg(&example)
            .arg("--config")
            .arg(config)
            .args(["--format", "json", "--fail-on", "never", "-q", "-o"])
            .arg(tmp.path().join(out)));
        PathBuf::from(ok(&stdout).trim())
    };
    let (before, after) = (assess(&wide, "wide"), assess(&narrow, "narrow"));
    let out = run(safeguard()
        .arg("diff")
        .arg(&before)
        .arg(&after)
        .args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    documented(&d, "diff.json");
    let left: std::collections::BTreeSet<&str> = d["scope"]["left"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["resource"].as_str().unwrap())
        .collect();
    // The billing database, the intake-forms table, the billing API's load balancer and the
    // imaging viewer's CloudFront distribution are tagged data-classification=phi only, and
    // the fax gateway's volume is attached to an instance tagged so.
    assert_eq!(
        left,
        [
            "arn:aws:rds:us-east-1:483920175634:db:clinic-billing-prod",
            "arn:aws:dynamodb:us-east-1:483920175634:table/clinic-phi-intake-forms",
            "arn:aws:elasticloadbalancing:us-east-1:483920175634:loadbalancer/app/clinic-billing-api/2c7e9a0b1d4f3e58",
            "arn:aws:cloudfront::483920175634:distribution/E2IMAGING4RT8ZB",
            "arn:aws:ec2:us-east-1:483920175634:volume/vol-0b2f3c4d5e6f70812",
        ]
        .into(),
        "{d:#}"
    );
    assert!(
        d["scope"]["left"][0]["now"]
            .as_str()
            .unwrap()
            .contains("outside the PHI scope"),
        "{d:#}"
    );
    assert_ne!(d["scope"]["old_sha256"], d["scope"]["new_sha256"]);
    assert!(
        d["worse"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("left the PHI scope")),
        "{:#}",
        d["worse"]
    );
    // Back the other way: entered, and the Markdown says both.
    let out = run(safeguard().arg("diff").arg(&after).arg(&before));
    let md = text(&out);
    assert!(
        md.contains("Data stores that entered the scope (5)") && md.contains("clinic-billing-prod"),
        "{md}"
    );
    assert!(md.contains("The scope's definition changed"), "{md}");
    // The same scope on both sides: no scope section at all.
    let same = run(safeguard().arg("diff").arg(&before).arg(&before));
    assert!(!text(&same).contains("## The PHI scope"), "{}", text(&same));
}
