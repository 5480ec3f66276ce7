//! Hostile input on the newer surfaces: packages, ledgers and folders crafted by someone who
//! has the tool (so every hash matches) and wants `diff`, `history`, `aggregate`, `verify` or a
//! new package's `--history` to say something untrue, hang, or carry their text into a new
//! package. One test per class; each fails on the code before issue 23.

#![expect(
    unsafe_code,
    reason = "kill(2) sends our own children SIGINT and SIGTERM"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

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

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\n{}",
        out.status.code(),
        text(out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn write_json(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
}

fn sha256(bytes: &[u8]) -> String {
    safeguard::snapshot::sha256_hex(bytes)
}

/// The bundled example, assessed into `out` (`reports/<account>/<ts>/`).
fn demo(out: &Path) -> PathBuf {
    let o = ok(&safeguard()
        .args(["demo", "-q", "-o"])
        .arg(out)
        .output()
        .unwrap());
    PathBuf::from(o.trim())
}

/// The example snapshot with its collection moved by `days`, assessed into `out`.
fn assess_at(work: &Path, out: &Path, days: i64, extra: &[&str]) -> PathBuf {
    let snapshot = work.join("example.json");
    if !snapshot.exists() {
        ok(&safeguard()
            .arg("import")
            .arg(root().join("examples/clinic-account"))
            .arg("-o")
            .arg(&snapshot)
            .output()
            .unwrap());
    }
    let mut s = json(&snapshot);
    let at = chrono::DateTime::parse_from_rfc3339(s["collected_at"].as_str().unwrap()).unwrap()
        + chrono::Duration::days(days);
    s["collected_at"] = at.format("%Y-%m-%dT%H:%M:%SZ").to_string().into();
    let path = work.join(format!("at{days}.json"));
    write_json(&path, &s);
    let o = ok(&safeguard()
        .arg("assess")
        .arg(&path)
        .args(["-q", "--fail-on", "never", "-o"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap());
    PathBuf::from(o.trim())
}

/// Re-hashes every file the manifest lists, as someone with the tool can: verify's hashes then
/// match whatever was edited.
fn rehash(dir: &Path) {
    let mut m = json(&dir.join("manifest.json"));
    for f in m["files"].as_array_mut().unwrap() {
        let bytes = std::fs::read(dir.join(f["path"].as_str().unwrap())).unwrap();
        f["sha256"] = sha256(&bytes).into();
        f["size"] = bytes.len().into();
    }
    write_json(&dir.join("manifest.json"), &m);
}

/// Edits results.json and re-hashes the package.
fn forge(dir: &Path, edit: impl FnOnce(&mut Value)) {
    let mut r = json(&dir.join("results.json"));
    edit(&mut r);
    write_json(&dir.join("results.json"), &r);
    rehash(dir);
}

/// Sets the collection time everywhere a package states it (manifest, snapshot, results), the
/// snapshot's hash with it: a whole package that agrees with itself.
fn forge_time(dir: &Path, at: &str) {
    let mut s = json(&dir.join("snapshot.json"));
    s["collected_at"] = at.into();
    let bytes = serde_json::to_vec(&s).unwrap();
    std::fs::write(dir.join("snapshot.json"), &bytes).unwrap();
    let digest = sha256(&bytes);
    let mut m = json(&dir.join("manifest.json"));
    m["snapshot"]["collected_at"] = at.into();
    m["snapshot"]["sha256"] = digest.clone().into();
    write_json(&dir.join("manifest.json"), &m);
    forge(dir, |r| {
        r["snapshot"]["collected_at"] = at.into();
        r["snapshot"]["sha256"] = digest.into();
    });
}

fn failing_findings(r: &Value) -> Vec<(String, Value)> {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            let id = c["id"].as_str().unwrap().to_string();
            c["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["status"] == "fail")
                .map(move |f| (id.clone(), f.clone()))
        })
        .collect()
}

#[test]
fn verify_refuses_a_package_whose_files_disagree_on_account_or_time() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // results.json of another account, re-hashed: the hashes match, the package is not one
    // assessment. Once verify said OK and aggregate counted it as the other account.
    let other = demo(&t.join("a"));
    forge(&other, |r| r["account"]["id"] = "111122223333".into());
    let out = safeguard().arg("verify").arg(&other).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("MISMATCH results.json names account \"111122223333\""),
        "{}",
        text(&out)
    );
    let out = safeguard()
        .arg("aggregate")
        .arg(t.join("a"))
        .arg("-o")
        .arg(t.join("roll"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let rollup = json(
        &PathBuf::from(
            text(&out)
                .lines()
                .find_map(|l| l.strip_prefix("roll-up: "))
                .unwrap()
                .trim(),
        )
        .join("rollup.json"),
    );
    assert_eq!(rollup["accounts"].as_array().unwrap().len(), 0);
    assert_eq!(rollup["excluded"].as_array().unwrap().len(), 1);

    // The snapshot's own collection time moved (and every hash made to match).
    let moved = demo(&t.join("b"));
    let mut s = json(&moved.join("snapshot.json"));
    s["collected_at"] = "2026-11-27T09:00:00Z".into();
    let bytes = serde_json::to_vec(&s).unwrap();
    std::fs::write(moved.join("snapshot.json"), &bytes).unwrap();
    let mut m = json(&moved.join("manifest.json"));
    m["snapshot"]["sha256"] = sha256(&bytes).into();
    write_json(&moved.join("manifest.json"), &m);
    forge(&moved, |r| r["snapshot"]["sha256"] = sha256(&bytes).into());
    let out = safeguard().arg("verify").arg(&moved).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("snapshot.json names collection time"),
        "{}",
        text(&out)
    );
    // A time that is the same instant written with an offset agrees.
    let same = demo(&t.join("c"));
    forge_time(&same, "2026-11-20T21:00:00+12:00");
    ok(&safeguard().arg("verify").arg(&same).output().unwrap());
}

#[test]
fn duplicate_ids_and_non_times_are_refused_and_times_compare_as_instants() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let old = assess_at(t, &t.join("r"), 0, &[]);
    let new = assess_at(t, &t.join("r"), 7, &[]);
    // Every finding of the new package given one id: last one wins, and "nothing got worse"
    // while thousands fail. Refused, at the second one's pointer.
    let r = json(&new.join("results.json"));
    let i = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["findings"].as_array().unwrap().len() >= 2)
        .unwrap();
    forge(&new, |r| {
        let first = r["checks"][i]["findings"][0]["id"].clone();
        for f in r["checks"][i]["findings"].as_array_mut().unwrap() {
            f["id"] = first.clone();
        }
    });
    let out = safeguard()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("appears twice"), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("/checks/{i}/findings/1/id")),
        "{}",
        text(&out)
    );
    let out = safeguard()
        .arg("history")
        .arg(t.join("r/483920175634"))
        .arg("-o")
        .arg(t.join("h"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("appears twice"), "{}", text(&out));
    assert!(text(&out).contains("1 run(s)"), "{}", text(&out));

    // A finding id of another check, or with markup in it.
    for bad in [
        "iam.password_policy#0123456789abcdef",
        "x#<img src=x onerror=1>",
    ] {
        let p = assess_at(t, &t.join(format!("ids-{}", bad.len())), 7, &[]);
        forge(&p, |r| r["checks"][0]["findings"][0]["id"] = bad.into());
        let out = safeguard().arg("diff").arg(&old).arg(&p).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out));
        assert!(text(&out).contains("is not a finding id"), "{}", text(&out));
    }

    // 10:00 at +12:00 is 22:00 the day before: as text it sorts after 09:00Z, as an instant
    // it is earlier. diff orders by instant and refuses OLD NEW given the wrong way round.
    let a = assess_at(t, &t.join("s"), 0, &[]);
    let b = assess_at(t, &t.join("s"), 1, &[]);
    forge_time(&b, "2026-11-20T10:00:00+12:00");
    let out = safeguard().arg("diff").arg(&a).arg(&b).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("give the older package first"),
        "{}",
        text(&out)
    );
    let out = safeguard()
        .args(["diff", "--format", "json"])
        .arg(&b)
        .arg(&a)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{}", text(&out));
    // A non-time, written consistently everywhere, never passes for a newer package.
    let c = assess_at(t, &t.join("u"), 2, &[]);
    forge_time(&c, "zzzz-not-a-time");
    let out = safeguard().arg("verify").arg(&c).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = safeguard().arg("diff").arg(&a).arg(&c).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    // --history picks the newest by instant: `a` (09:00Z), not `b` (10:00+12:00, which sorts
    // after it as text but was collected 11 hours before).
    let history = t.join("s");
    let newest = assess_at(t, &history, 14, &["--history", history.to_str().unwrap()]);
    let r = json(&newest.join("results.json"));
    assert_eq!(
        r["changes"]["since"], "2026-11-20T09:00:00Z",
        "{}",
        r["changes"]
    );
}

#[test]
fn a_crafted_earlier_package_cannot_write_into_the_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let reports = t.join("reports");
    // Week 1, crafted: a first_seen that is a formula, HTML and a heading; a failing finding
    // whose resource is markup (it will be "resolved" next week, and listed).
    let week1 = assess_at(t, &reports, 0, &[]);
    forge(&week1, |r| {
        let checks = r["checks"].as_array_mut().unwrap();
        let pw = checks
            .iter_mut()
            .find(|c| c["id"] == "iam.password_policy")
            .unwrap();
        let mut planted = pw["findings"][0].clone();
        planted["id"] = "iam.password_policy#00000000000000aa".into();
        planted["status"] = "fail".into();
        planted["resource"] =
            "`</td><img src=x onerror=alert(1)>\n# Injected heading\n=HYPERLINK(\"http://x\")"
                .into();
        pw["findings"].as_array_mut().unwrap().push(planted);
    });
    // The same week, crafted otherwise: a first_seen that is not a time.
    let crafted = reports.join("483920175634/20261121T000000Z");
    std::fs::create_dir_all(&crafted).unwrap();
    for e in std::fs::read_dir(&week1).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), crafted.join(e.file_name())).unwrap();
        }
    }
    for sub in ["attestations", "inputs"] {
        if week1.join(sub).is_dir() {
            std::fs::create_dir_all(crafted.join(sub)).unwrap();
            for e in std::fs::read_dir(week1.join(sub)).unwrap() {
                let e = e.unwrap();
                std::fs::copy(e.path(), crafted.join(sub).join(e.file_name())).unwrap();
            }
        }
    }
    forge_time(&crafted, "2026-11-21T09:00:00Z");
    forge(&crafted, |r| {
        for c in r["checks"].as_array_mut().unwrap() {
            for f in c["findings"].as_array_mut().unwrap() {
                if f["status"] == "fail" {
                    f["first_seen"] =
                        "=HYPERLINK(\"http://x\")<img src=x onerror=alert(1)>\n# Owned".into();
                }
            }
        }
    });
    ok(&safeguard().arg("verify").arg(&crafted).output().unwrap());

    // Week 2 with --history: the crafted package is passed over (named), week 1 is compared.
    let week2 = assess_at(t, &reports, 7, &["--history", reports.to_str().unwrap()]);
    ok(&safeguard().arg("verify").arg(&week2).output().unwrap());
    let r = json(&week2.join("results.json"));
    let changes = &r["changes"];
    assert_eq!(changes["since"], "2026-11-20T09:00:00Z", "{changes}");
    assert!(
        changes["passed_over"][0]
            .as_str()
            .unwrap()
            .contains("/first_seen"),
        "{changes}"
    );
    for (_, f) in failing_findings(&r) {
        let seen = f["first_seen"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(seen).is_ok(),
            "a carried time is a time: {seen}"
        );
    }
    let md = std::fs::read_to_string(week2.join("report.md")).unwrap();
    assert!(
        !md.lines()
            .any(|l| l.starts_with("# Injected") || l.starts_with("# Owned")),
        "no heading from the earlier package"
    );
    assert!(!md.contains("onerror=alert(1)>\n"), "no raw HTML line");
    for line in md.lines().filter(|l| l.contains("<img")) {
        // Only inside a code span (literal text), never as markup.
        let before = &line[..line.find("<img").unwrap()];
        assert!(
            before.matches('`').count() % 2 == 1,
            "HTML outside a code span: {line}"
        );
    }
    let csv = std::fs::read_to_string(week2.join("results.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for row in reader.records() {
        for cell in row.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '@']),
                "a formula cell in results.csv: {cell}"
            );
        }
    }
    let oscal = json(&week2.join("results.oscal.json"));
    fn one_line(v: &Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if let (true, Value::String(s)) =
                        (["value", "title", "name"].contains(&k.as_str()), x)
                    {
                        assert!(
                            !s.is_empty() && s.trim() == s && !s.contains('\n'),
                            "OSCAL {k} {s:?}"
                        );
                    }
                    one_line(x);
                }
            }
            Value::Array(a) => a.iter().for_each(one_line),
            _ => {}
        }
    }
    one_line(&oscal);
}

#[test]
fn diff_history_and_rollup_reports_escape_what_they_print() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let reports = t.join("reports");
    let old = assess_at(t, &reports, 0, &[]);
    let new = assess_at(t, &reports, 7, &[]);
    // A package kept in a folder whose name is markup.
    let evil = reports.join("483920175634/`<img src=x onerror=alert(1)>|[x](javascript:1)");
    std::fs::rename(&new, &evil).unwrap();
    // A resource that is markup, in a finding that fails in both.
    for p in [&old, &evil] {
        forge(p, |r| {
            for c in r["checks"].as_array_mut().unwrap() {
                if c["id"] == "iam.password_policy" {
                    c["findings"][0]["resource"] = "<script>x</script>\n# H".into();
                    c["findings"][0]["message"] = "`a` | [b](c)".into();
                }
            }
        });
    }
    let out = safeguard()
        .arg("diff")
        .arg(&old)
        .arg(&evil)
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    // No raw HTML from a folder name: every `<img` is either an entity or inside a code span.
    for line in md.lines().filter(|l| l.contains("<img")) {
        let before = &line[..line.find("<img").unwrap()];
        assert!(before.matches('`').count() % 2 == 1, "diff.md: {line}");
    }
    assert!(!md.contains("<script>"), "{md}");
    assert!(!md.lines().any(|l| l.starts_with("# H")), "{md}");

    let out = safeguard()
        .arg("history")
        .arg(reports.join("483920175634"))
        .arg("-o")
        .arg(t.join("h"))
        .arg("-q")
        .output()
        .unwrap();
    let h = PathBuf::from(ok(&out).trim());
    let md = std::fs::read_to_string(h.join("history.md")).unwrap();
    assert!(!md.contains("<img"), "history.md: {md}");
    assert!(
        !md.replace("\\]", "").contains("](javascript"),
        "history.md opens a link"
    );

    let out = safeguard()
        .arg("aggregate")
        .arg(&reports)
        .args(["-q", "-o"])
        .arg(t.join("roll"))
        .output()
        .unwrap();
    let roll = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim().to_string());
    let md = std::fs::read_to_string(roll.join("rollup.md")).unwrap();
    for line in md.lines().filter(|l| l.contains("<img")) {
        let before = &line[..line.find("<img").unwrap()];
        assert!(before.matches('`').count() % 2 == 1, "rollup.md: {line}");
    }
}

#[test]
fn a_new_admin_is_a_principal_never_an_account_level_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let pkg = demo(&t.join("a"));
    let old = json(&pkg.join("results.json"));
    // The only admins removed: the check says "no user or role is admin-equivalent", one
    // account-level finding.
    let mut new = old.clone();
    new["snapshot"]["collected_at"] = "2026-11-27T09:00:00Z".into();
    for c in new["checks"].as_array_mut().unwrap() {
        if c["id"] == "iam.admin_access" {
            let mut f = c["findings"][0].clone();
            f["id"] = "iam.admin_access#1111111111111111".into();
            f["resource"] = "account/483920175634/iam".into();
            f["status"] = "pass".into();
            f["message"] = "no user or role is admin-equivalent".into();
            c["findings"] = Value::Array(vec![f]);
        }
    }
    let (o, n) = (t.join("old.json"), t.join("new.json"));
    write_json(&o, &old);
    write_json(&n, &new);
    let out = safeguard()
        .args(["diff", "--format", "json"])
        .arg(&o)
        .arg(&n)
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
    assert_eq!(d["new_admins"], Value::Array(vec![]), "{}", d["new_admins"]);
    // And a real new admin still is one.
    let mut newer = new.clone();
    for c in newer["checks"].as_array_mut().unwrap() {
        if c["id"] == "iam.admin_access" {
            let mut f = c["findings"][0].clone();
            f["id"] = "iam.admin_access#2222222222222222".into();
            f["resource"] = "arn:aws:iam::483920175634:user/carol.ortiz".into();
            f["status"] = "fail".into();
            c["findings"].as_array_mut().unwrap().push(f);
        }
    }
    write_json(&n, &newer);
    let out = safeguard()
        .args(["diff", "--format", "json"])
        .arg(&o)
        .arg(&n)
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let admins: Vec<&str> = d["new_admins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["resource"].as_str().unwrap())
        .collect();
    assert_eq!(admins, ["arn:aws:iam::483920175634:user/carol.ortiz"]);
}

/// A run ledger as `run --org` writes it.
fn ledger(org: &str, run: &str, shard: Option<&str>, planned: &[&str], failed: &[&str]) -> Value {
    serde_json::json!({
        "schema": "safeguard.org-run.v1",
        "organization": org,
        "run": run,
        "shard": shard,
        "planned": planned,
        "packages": [],
        "failures": failed.iter().map(|a| serde_json::json!({"account": a, "name": null, "reason": "AccessDenied"})).collect::<Vec<_>>(),
        "skipped": []
    })
}

#[test]
fn forged_and_foreign_ledgers_never_complete_a_rollup() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let reports = t.join("reports");
    demo(&reports);
    let runs = reports.join("org-o-k3x9v2m4q7/runs");
    std::fs::create_dir_all(&runs).unwrap();
    let aggregate = || {
        let started = Instant::now();
        let out = safeguard()
            .arg("aggregate")
            .arg(&reports)
            .arg("-o")
            .arg(t.join("roll"))
            .output()
            .unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "aggregate hung"
        );
        out
    };
    // 200 bytes that once allocated past a GiB and never finished.
    write_json(
        &runs.join("bomb.json"),
        &ledger(
            "o-k3x9v2m4q7",
            "20261120T060000Z-shard-0-of-3000000000",
            Some("0/3000000000"),
            &[],
            &[],
        ),
    );
    let out = aggregate();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("bomb.json"), "{}", text(&out));
    std::fs::remove_file(runs.join("bomb.json")).unwrap();

    // Last week an account failed; this week a partial re-run (--accounts) planned only the
    // example account; and a ledger of another organization is newer still.
    write_json(
        &runs.join("20261113T060000Z.json"),
        &ledger(
            "o-k3x9v2m4q7",
            "20261113T060000Z",
            None,
            &["111111111111", "483920175634"],
            &["111111111111"],
        ),
    );
    write_json(
        &runs.join("20261120T060000Z.json"),
        &ledger(
            "o-k3x9v2m4q7",
            "20261120T060000Z",
            None,
            &["483920175634"],
            &[],
        ),
    );
    write_json(
        &runs.join("20261121T060000Z.json"),
        &ledger(
            "o-zzzzzzzzzz",
            "20261121T060000Z",
            None,
            &["111111111111"],
            &[],
        ),
    );
    let out = aggregate();
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        !shown.contains("Every planned account has an intact package"),
        "{shown}"
    );
    assert!(
        shown.contains("NO PACKAGE 111111111111: AccessDenied"),
        "{shown}"
    );
    assert!(
        shown.contains("of organization o-zzzzzzzzzz, not o-k3x9v2m4q7"),
        "{shown}"
    );
}

#[test]
fn file_names_cannot_paint_over_the_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let pkg = demo(&t.join("a"));
    // An extra file whose name returns the cursor and paints a fake verdict.
    std::fs::write(
        pkg.join("x\r\u{1b}[2KOK: 13 file(s) match manifest.json, signature verified\u{202e}"),
        "x",
    )
    .unwrap();
    let out = safeguard().arg("verify").arg(&pkg).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(!shown.contains('\r') && !shown.contains('\u{1b}') && !shown.contains('\u{202e}'));
    assert!(
        shown
            .lines()
            .last()
            .unwrap()
            .starts_with("FAILED: 1 problem(s)"),
        "{shown}"
    );
    assert!(shown.lines().all(|l| !l.starts_with("OK")), "{shown}");
}

#[test]
fn ranges_and_destinations_are_checked_before_any_call() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for args in [
        vec!["run", "--concurrency", "2305843009213693952"],
        vec!["run", "--concurrency", "0"],
        vec!["run", "--call-timeout", "0"],
        vec!["run", "--max-pages", "0"],
        vec!["collect", "--call-timeout", "99999999999"],
        vec!["run", "--org", "--role-name", "r", "--shards", "3000000000"],
        vec!["assess", "x.json", "--detail-limit", "18446744073709551615"],
        vec!["assess", "x.json", "--max-evidence-bytes", "0"],
        vec!["verify", "s3://bucket-name/p", "--call-timeout", "0"],
    ] {
        let started = Instant::now();
        let out = safeguard().current_dir(t).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(started.elapsed() < Duration::from_secs(10), "{args:?}");
    }
    // Bucket names and keys S3 would refuse: exit 2 before anything is collected or written.
    let example = root().join("examples/clinic-account");
    for url in [
        "s3://evidence..bucket/p",
        "s3://192.168.1.20/p",
        "s3://evidence-bucket-/p",
        "s3://evidence-s3alias/p",
        &format!("s3://evidence-bucket/{}", "k".repeat(1000)),
    ] {
        let out = safeguard()
            .arg("assess")
            .arg(&example)
            .args(["-o"])
            .arg(t.join("never"))
            .args(["--upload", url])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{url}: {}", text(&out));
        assert!(!t.join("never").exists(), "{url}: nothing is written");
    }
}

/// The entries of `dir` (none when it does not exist yet).
fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn an_interrupt_while_writing_leaves_nothing_partial_and_says_only_what_is_true() {
    // A real child and a real signal, sent the moment the package's staging folder appears
    // (writing has begun) and then later and later into the writing, SIGINT and SIGTERM in
    // turn, until the race with the writer would have shown.
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let mut interrupted_mid_write = 0;
    for attempt in 0..48u32 {
        let out = t.join(format!("o{attempt}"));
        let account = out.join("483920175634");
        let mut child = safeguard()
            .args(["demo", "-q", "-o"])
            .arg(&out)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline
            && !entries(&account).iter().any(|e| e.starts_with(".partial-"))
            && child.try_wait().unwrap().is_none()
        {
            std::thread::yield_now();
        }
        let delay = Duration::from_micros(u64::from(attempt % 16) * 150);
        let spin = Instant::now();
        while spin.elapsed() < delay {
            std::hint::spin_loop();
        }
        let signal = if attempt % 2 == 0 {
            libc::SIGINT
        } else {
            libc::SIGTERM
        };
        // SAFETY: kill(2) on our own child's pid, which has not been waited for.
        unsafe { libc::kill(child.id() as libc::pid_t, signal) };
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let code = output.status.code();
        assert!(
            matches!(code, Some(0) | Some(130)),
            "attempt {attempt}: exit {code:?} (killed before the handler?) {stderr}"
        );
        let left = entries(&account);
        assert!(
            !left.iter().any(|e| e.starts_with(".partial-")),
            "attempt {attempt}: a partial package was left: {left:?}; {stderr}"
        );
        let packages: Vec<&String> = left.iter().filter(|e| !e.starts_with('.')).collect();
        if stderr.contains("the partial package was removed") {
            interrupted_mid_write += 1;
            assert!(
                packages.is_empty(),
                "attempt {attempt}: said removed, yet {packages:?}"
            );
        }
        for p in packages {
            ok(&safeguard()
                .arg("verify")
                .arg(account.join(p))
                .output()
                .unwrap());
        }
    }
    eprintln!("{interrupted_mid_write} of 48 signals arrived while the package was written");
    assert!(
        interrupted_mid_write >= 3,
        "only {interrupted_mid_write} of 48 signals arrived while writing: the test did not exercise the race"
    );
}

/// How a fake S3 endpoint misbehaves.
#[derive(Clone, Copy, PartialEq)]
enum Misbehave {
    /// results.csv without Content-Length, chunked, never ending.
    Unbounded,
    /// ListObjectsV2 pages that are empty, truncated and always carry a fresh token.
    EndlessListing,
    /// results.csv at its listed length, one byte every half second.
    Trickle,
    /// A listing whose keys hold a carriage return, a bidi override and a C1 CSI.
    Names,
}

/// A hostile S3 endpoint on 127.0.0.1 (path-style, as the SDK addresses an IP endpoint):
/// bucket `evidence`, prefix `p/`, serving `pkg`'s files and misbehaving as `mode` says.
struct FakeS3 {
    endpoint: String,
    /// Body bytes the server managed to send for the misbehaving object.
    sent: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// ListObjectsV2 requests answered.
    lists: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

fn fake_s3(pkg: &Path, mode: Misbehave) -> FakeS3 {
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicU64::new(0));
    let lists = Arc::new(AtomicUsize::new(0));
    let (sent2, lists2, root) = (sent.clone(), lists.clone(), pkg.to_path_buf());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let (sent, lists, root) = (sent2.clone(), lists2.clone(), root.clone());
            std::thread::spawn(move || {
                let _ = conn.set_read_timeout(Some(Duration::from_secs(120)));
                let mut buf = Vec::new();
                loop {
                    // One request: its head (GETs have no body).
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        let mut chunk = [0u8; 4096];
                        match conn.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                    buf.drain(..head_end);
                    let target = head.split(' ').nth(1).unwrap_or("/").to_string();
                    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                    let respond = |conn: &mut std::net::TcpStream, status: &str, body: &[u8]| {
                        let _ = conn.write_all(
                            format!(
                                "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n",
                                body.len()
                            )
                            .as_bytes(),
                        );
                        let _ = conn.write_all(body);
                    };
                    const NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";
                    if query.contains("location") {
                        respond(&mut conn, "200 OK", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><LocationConstraint xmlns=\"{NS}\">us-east-1</LocationConstraint>").as_bytes());
                        continue;
                    }
                    if query.contains("list-type=2") {
                        let n = lists.fetch_add(1, Ordering::SeqCst);
                        let body = match mode {
                            Misbehave::EndlessListing => format!(
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"{NS}\"><Name>evidence</Name><Prefix>p/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>fresh-{n}</NextContinuationToken></ListBucketResult>"
                            ),
                            Misbehave::Names => format!(
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"{NS}\"><Name>evidence</Name><Prefix>p/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>p/x&#13;\u{202e}\u{9b}2KOK: 13 file(s) match</Key><Size>1</Size></Contents></ListBucketResult>"
                            ),
                            _ => format!(
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"{NS}\"><Name>evidence</Name><Prefix>p/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>"
                            ),
                        };
                        respond(&mut conn, "200 OK", body.as_bytes());
                        continue;
                    }
                    let key = path.strip_prefix("/evidence/p/").unwrap_or("");
                    let mut decoded = Vec::new();
                    let bytes = key.as_bytes();
                    let mut i = 0;
                    while i < bytes.len() {
                        if bytes[i] == b'%' && i + 2 < bytes.len() {
                            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                            decoded.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                            i += 3;
                        } else {
                            decoded.push(bytes[i]);
                            i += 1;
                        }
                    }
                    let rel = String::from_utf8_lossy(&decoded).into_owned();
                    let file = root.join(&rel);
                    if rel.is_empty() || rel == "signature.json" || !file.is_file() {
                        respond(&mut conn, "404 Not Found", format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>none</Message><Key>{rel}</Key></Error>").as_bytes());
                        continue;
                    }
                    let body = std::fs::read(&file).unwrap();
                    match (mode, rel.as_str()) {
                        (Misbehave::Unbounded, "results.csv") => {
                            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n");
                            let chunk = vec![b'x'; 64 << 10];
                            let framed = [
                                format!("{:x}\r\n", chunk.len()).into_bytes(),
                                chunk,
                                b"\r\n".to_vec(),
                            ]
                            .concat();
                            // Never ends: until the reader hangs up (or 4 GiB, a test bound).
                            while sent.load(Ordering::SeqCst) < 4 << 30 {
                                if conn.write_all(&framed).is_err() {
                                    break;
                                }
                                sent.fetch_add(64 << 10, Ordering::SeqCst);
                            }
                            return;
                        }
                        (Misbehave::Trickle, "results.csv") => {
                            let _ = conn.write_all(format!("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes());
                            for b in &body {
                                if conn.write_all(&[*b]).is_err() {
                                    break;
                                }
                                sent.fetch_add(1, Ordering::SeqCst);
                                std::thread::sleep(Duration::from_millis(500));
                            }
                            return;
                        }
                        _ => {
                            let _ = conn.write_all(format!("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes());
                            let _ = conn.write_all(&body);
                        }
                    }
                }
            });
        }
    });
    FakeS3 {
        endpoint,
        sent,
        lists,
    }
}

fn verify_s3(s3: &FakeS3, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    c.args(["verify", "s3://evidence/p/"])
        .args(args)
        .env("AWS_ENDPOINT_URL", &s3.endpoint)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

#[test]
fn verify_s3_bounds_every_read_and_every_wait_whatever_the_endpoint_says() {
    use std::sync::atomic::Ordering;
    let tmp = tempfile::tempdir().unwrap();
    let pkg = demo(&tmp.path().join("a"));
    let listed = std::fs::metadata(pkg.join("results.csv")).unwrap().len();

    // A body with no Content-Length that never ends: read up to its listed size, then left.
    let s3 = fake_s3(&pkg, Misbehave::Unbounded);
    let started = Instant::now();
    let out = verify_s3(&s3, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(&format!(
            "ALTERED  results.csv (larger than the {listed} bytes the manifest lists)"
        )),
        "{}",
        text(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    let sent = s3.sent.load(Ordering::SeqCst);
    assert!(
        sent < 64 << 20,
        "{sent} bytes were taken for a {listed}-byte file"
    );

    // Empty pages with fresh tokens: pages are counted, and the listing ends.
    let s3 = fake_s3(&pkg, Misbehave::EndlessListing);
    let out = verify_s3(&s3, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("still paging after 100 pages"),
        "{}",
        text(&out)
    );
    assert!(s3.lists.load(Ordering::SeqCst) <= 101);

    // A body trickled a byte every half second: it has a deadline.
    let s3 = fake_s3(&pkg, Misbehave::Trickle);
    let started = Instant::now();
    let out = verify_s3(&s3, &["--call-timeout", "2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("did not arrive within"),
        "{}",
        text(&out)
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );

    // Keys that would paint a verdict reach the terminal inert.
    let s3 = fake_s3(&pkg, Misbehave::Names);
    let out = verify_s3(&s3, &[]).output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("EXTRA"), "{shown}");
    for c in ['\r', '\u{202e}', '\u{9b}', '\u{1b}'] {
        assert!(!shown.contains(c), "{c:?} reached the terminal: {shown:?}");
    }
}

#[cfg(unix)]
#[test]
fn an_interrupted_s3_verification_leaves_no_download_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = demo(&tmp.path().join("a"));
    let staging = tmp.path().join("tmp");
    std::fs::create_dir(&staging).unwrap();
    let s3 = fake_s3(&pkg, Misbehave::Trickle);
    let child = verify_s3(&s3, &["--call-timeout", "600"])
        .env("TMPDIR", &staging)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the download has begun (the manifest is on disk), then interrupt.
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline
        && !entries(&staging)
            .iter()
            .any(|d| staging.join(d).join("manifest.json").exists())
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!entries(&staging).is_empty(), "the download never began");
    // SAFETY: kill(2) on our own child, not yet waited for.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    assert_eq!(
        entries(&staging),
        Vec::<String>::new(),
        "the download was left in TMPDIR"
    );
}

#[test]
fn organization_names_with_odd_white_space_keep_oscal_valid_and_the_terminal_inert() {
    // AWS allows an OU name that ends in spaces or holds a line break.
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export");
    let copy = Command::new("cp")
        .arg("-r")
        .arg(root().join("examples/clinic-account"))
        .arg(&export)
        .status()
        .unwrap();
    assert!(copy.success());
    let ou = export.join("organizations/ous/ou-k3x9-clin4q8z.json");
    let mut v = json(&ou);
    fn rename(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if m.get("Name").and_then(Value::as_str) == Some("Clinical") {
                    m.insert("Name".into(), "Clinical  \n\u{1b}[2J  Care   ".into());
                }
                m.values_mut().for_each(rename);
            }
            Value::Array(a) => a.iter_mut().for_each(rename),
            _ => {}
        }
    }
    rename(&mut v);
    write_json(&ou, &v);
    let out = safeguard()
        .arg("assess")
        .arg(&export)
        .args(["--fail-on", "never", "--format", "json,oscal,csv", "-o"])
        .arg(tmp.path().join("r"))
        .output()
        .unwrap();
    let shown = ok(&out);
    assert!(!shown.contains('\u{1b}'), "{shown}");
    let pkg = PathBuf::from(
        shown
            .lines()
            .find_map(|l| l.strip_prefix("package: "))
            .unwrap()
            .trim(),
    );
    let oscal = json(&pkg.join("results.oscal.json"));
    let mut values = Vec::new();
    fn strings(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if let ("value" | "title" | "name", Value::String(s)) = (k.as_str(), x) {
                        out.push(s.clone());
                    }
                    strings(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    strings(&oscal, &mut values);
    let ou_values: Vec<&String> = values.iter().filter(|s| s.contains("Care")).collect();
    assert!(!ou_values.is_empty(), "the OU path is in OSCAL");
    for s in &values {
        // OSCAL's string: ^\S(.*\S)?$
        assert!(
            !s.is_empty() && s.trim() == s && !s.contains(['\n', '\r', '\u{1b}']),
            "{s:?}"
        );
    }
}
