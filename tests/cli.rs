//! End-to-end tests of the `safeguard` binary over the bundled example account.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/clinic-account")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The package folders written under `root/<account>/`.
fn packages(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(accounts) = fs::read_dir(root) {
        for a in accounts.flatten() {
            for p in fs::read_dir(a.path()).unwrap().flatten() {
                out.push(p.path());
            }
        }
    }
    out.sort();
    out
}

fn assess_example(out: &Path, extra: &[&str]) -> (Output, PathBuf) {
    let export = example();
    let mut args = vec![
        "assess",
        export.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    let pkgs = packages(out);
    assert_eq!(pkgs.len(), 1, "{}", text(&o));
    (o, pkgs[0].clone())
}

#[test]
fn demo_writes_a_complete_verifiable_package() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&["demo", "-o", out.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let pkgs = packages(out.path());
    assert_eq!(pkgs.len(), 1);
    let pkg = &pkgs[0].clone();
    assert!(pkg.parent().unwrap().ends_with("483920175634"));
    for f in [
        "snapshot.json",
        "results.json",
        "results.csv",
        "report.md",
        "report.pdf",
        "results.oscal.json",
        "assessment-plan.oscal.json",
        "nist-sp800-66r2.oscal.json",
        "results.ocsf.json",
        "manifest.json",
    ] {
        assert!(pkg.join(f).is_file(), "{f} missing");
    }
    let stdout = String::from_utf8_lossy(&o.stdout);
    // The summary fits one screen: counts, failing checks with their next step, the gaps
    // with their reason and next step, and what the waivers cover.
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.len() <= 40, "{stdout}");
    assert!(lines.iter().all(|l| l.chars().count() <= 120), "{stdout}");
    assert!(stdout.contains("1 risk accepted"), "{stdout}");
    assert!(
        stdout.contains("failing checks (")
            && stdout.contains("high   iam.admin_access (3): Require MFA"),
        "{stdout}"
    );
    assert!(
        stdout.contains("evidence gaps (2)") && stdout.contains("unrecorded"),
        "{stdout}"
    );
    assert!(
        stdout.contains("waivers: 6 finding(s) waived by 5 waiver(s); 1 waiver(s) expired"),
        "{stdout}"
    );
    // -v adds the controls that need action: one whose only deciding failure is waived is
    // "Risk accepted" there too.
    let verbose = run(&["demo", "-v", "-o", out.path().to_str().unwrap()]);
    let verbose = String::from_utf8_lossy(&verbose.stdout);
    assert!(
        verbose.contains("Risk accepted          164.308(a)(5)(ii)(C)"),
        "{verbose}"
    );
    let v = run(&["verify", pkg.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    assert!(text(&v).contains("OK: 20 file(s) match"), "{}", text(&v));
    // No staging folder is left behind.
    let leftovers: Vec<_> = fs::read_dir(pkg.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn verify_reports_altered_missing_and_extra_files() {
    let out = tempfile::tempdir().unwrap();
    let (_, pkg) = assess_example(out.path(), &["--fail-on", "never"]);
    let p = pkg.to_str().unwrap();

    let mut results = fs::read_to_string(pkg.join("results.json")).unwrap();
    results = results.replacen("\"status\": \"fail\"", "\"status\": \"pass\"", 1);
    fs::write(pkg.join("results.json"), results).unwrap();
    fs::remove_file(pkg.join("report.pdf")).unwrap();
    fs::write(pkg.join("notes.txt"), "added later").unwrap();

    let v = run(&["verify", p]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    let t = text(&v);
    assert!(t.contains("ALTERED  results.json"), "{t}");
    assert!(t.contains("MISSING  report.pdf"), "{t}");
    assert!(t.contains("EXTRA    notes.txt"), "{t}");
    assert!(t.contains("FAILED: 3 problem(s)"), "{t}");

    fs::remove_file(pkg.join("manifest.json")).unwrap();
    assert_eq!(run(&["verify", p]).status.code(), Some(2));
}

#[test]
fn verify_says_when_a_package_is_an_older_results_schema() {
    let out = tempfile::tempdir().unwrap();
    let (_, pkg) = assess_example(out.path(), &["--fail-on", "never", "--format", "json"]);
    // A package as an earlier build wrote it: results.json in schema v1, hashed in the manifest.
    let mut results: serde_json::Value =
        serde_json::from_slice(&fs::read(pkg.join("results.json")).unwrap()).unwrap();
    results["schema"] = "safeguard.results.v1".into();
    results.as_object_mut().unwrap().remove("checks");
    let bytes = serde_json::to_vec_pretty(&results).unwrap();
    fs::write(pkg.join("results.json"), &bytes).unwrap();
    let manifest_path = pkg.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(&manifest_path).unwrap()).unwrap();
    for f in manifest["files"].as_array_mut().unwrap() {
        if f["path"] == "results.json" {
            f["sha256"] = safeguard::snapshot::sha256_hex(&bytes).into();
            f["size"] = bytes.len().into();
        }
    }
    fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();

    let v = run(&["verify", pkg.to_str().unwrap()]);
    let t = text(&v);
    assert_eq!(v.status.code(), Some(0), "{t}");
    assert!(
        t.contains("OLDER    results.json is safeguard.results.v1")
            && t.contains("safeguard.results.v2"),
        "{t}"
    );
    // A current package says nothing of the kind.
    let out2 = tempfile::tempdir().unwrap();
    let (_, current) = assess_example(out2.path(), &["--fail-on", "never", "--format", "json"]);
    let t = text(&run(&["verify", current.to_str().unwrap()]));
    assert!(!t.contains("OLDER"), "{t}");
}

#[test]
fn same_snapshot_gives_identical_outputs() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    // Dated by SOURCE_DATE_EPOCH (the reports' cover carries the generation time).
    let dated = |args: &[&str]| {
        bin()
            .args(args)
            .env("SOURCE_DATE_EPOCH", "1764979200")
            .output()
            .unwrap()
    };
    let export = example();
    dated(&[
        "assess",
        export.to_str().unwrap(),
        "-o",
        a.path().to_str().unwrap(),
    ]);
    let pa = packages(a.path()).remove(0);
    // Assess the written snapshot.json this time: the same verdicts from the stored evidence.
    let o = dated(&[
        "assess",
        pa.join("snapshot.json").to_str().unwrap(),
        "-o",
        b.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let pb = &packages(b.path())[0];
    for f in [
        "snapshot.json",
        "results.json",
        "results.csv",
        "report.md",
        "report.pdf",
    ] {
        assert!(
            fs::read(pa.join(f)).unwrap() == fs::read(pb.join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
    let ma: serde_json::Value =
        serde_json::from_slice(&fs::read(pa.join("manifest.json")).unwrap()).unwrap();
    let mb: serde_json::Value =
        serde_json::from_slice(&fs::read(pb.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(ma["files"], mb["files"]);
}

/// Golden files: regenerate with `UPDATE_GOLDEN=1 cargo test --test suite cli::golden`.
#[test]
fn golden_markdown_and_json() {
    let out = tempfile::tempdir().unwrap();
    // The cover's generation time comes from SOURCE_DATE_EPOCH, so the report is reproducible.
    let o = bin()
        .args([
            "assess",
            example().to_str().unwrap(),
            "-o",
            out.path().to_str().unwrap(),
            "--format",
            "md,json,csv",
        ])
        .env("SOURCE_DATE_EPOCH", "1764979200")
        .output()
        .unwrap();
    let pkgs = packages(out.path());
    assert_eq!(pkgs.len(), 1, "{}", text(&o));
    let pkg = pkgs[0].clone();
    compare_golden(
        &pkg,
        "clinic-account",
        &["report.md", "results.json", "results.csv"],
    );
    assert!(
        !pkg.join("report.pdf").exists(),
        "--format leaves out what was not asked for"
    );
}

/// The text of every page of a PDF, as a reader extracts it (lopdf, the library that writes it,
/// reads it back through each font's ToUnicode map).
fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().into_keys().collect();
    doc.extract_text(&pages).expect("text extracts")
}

#[test]
fn pdf_text_is_extractable_with_citations_and_statuses() {
    let out = tempfile::tempdir().unwrap();
    let (_, pkg) = assess_example(out.path(), &["--format", "pdf,json"]);
    let bytes = fs::read(pkg.join("report.pdf")).unwrap();
    let text = pdf_text(&bytes);
    let results: serde_json::Value =
        serde_json::from_slice(&fs::read(pkg.join("results.json")).unwrap()).unwrap();
    for c in results["controls"].as_array().unwrap() {
        assert!(
            text.contains(&format!("§{}", c["id"].as_str().unwrap())),
            "missing {}",
            c["id"]
        );
    }
    for label in [
        "✓ Pass",
        "✗ Fail",
        "? Insufficient evidence",
        "✎ Manual",
        "– Not applicable",
        "≥ 14",
    ] {
        assert!(text.contains(label), "{label} not in the PDF text");
    }
    let sha = results["snapshot"]["sha256"].as_str().unwrap();
    let pages = text
        .matches(&format!("snapshot sha256 {sha} · page "))
        .count();
    assert!(pages > 10, "footer on every page, found {pages}");
    let total = text.matches(&format!(" of {pages}")).count();
    assert!(total >= pages, "page N of {pages}");
    // A long ARN is wrapped, not cut: its pieces are all there.
    assert!(text.contains("AmazonECSTaskExecutionRolePolicy"));
}

#[test]
fn exit_codes_follow_the_worst_control() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "assess",
        example().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(1), "a control fails in the example");
    let o = run(&[
        "assess",
        example().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "-q",
        "--fail-on",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(0));
    // -q prints only the package path.
    let path = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(Path::new(&path).join("manifest.json").is_file(), "{path}");
}

#[test]
fn parameters_can_be_overridden_and_are_recorded() {
    let out = tempfile::tempdir().unwrap();
    let (_, pkg) = assess_example(
        out.path(),
        &[
            "--format",
            "json",
            "--set",
            "iam.password_policy.min_length=12",
            "--set",
            "iam.password_policy.require_symbols=false",
            "--set",
            "iam.password_policy.reuse_prevention=5",
        ],
    );
    let r: serde_json::Value =
        serde_json::from_slice(&fs::read(pkg.join("results.json")).unwrap()).unwrap();
    let check = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "iam.password_policy")
        .unwrap();
    assert_eq!(check["status"], "pass");
    assert_eq!(check["parameters"]["min_length"], 12);

    let o = run(&[
        "assess",
        example().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--set",
        "iam.password_policy.min_lenght=12",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("has no parameter \"min_lenght\""),
        "{}",
        text(&o)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn bad_input_exits_2_names_the_spot_and_leaves_no_package() {
    let export = tempfile::tempdir().unwrap();
    copy_dir(&example(), export.path());
    let f = export.path().join("cloudtrail/us-east-1/trails.json");
    let t = fs::read_to_string(&f).unwrap();
    fs::write(&f, &t[..t.len() - 40]).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "assess",
        export.path().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cloudtrail/us-east-1/trails.json:") && err.contains("EOF while parsing"),
        "{err}"
    );
    assert!(packages(out.path()).is_empty(), "no package on bad input");
    assert!(!err.contains("panicked"));

    // Not UTF-8 at all.
    fs::write(&f, [0xff, 0xfe, 0x00, 0x7b]).unwrap();
    let o = run(&[
        "assess",
        export.path().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn snapshots_of_another_schema_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    let o = run(&[
        "import",
        example().to_str().unwrap(),
        "-o",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let t = fs::read_to_string(&snap)
        .unwrap()
        .replace("safeguard.snapshot.v1", "safeguard.snapshot.v9");
    fs::write(&snap, t).unwrap();
    let o = run(&[
        "assess",
        snap.to_str().unwrap(),
        "-o",
        dir.path().join("r").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains(
            "(at /schema_version): unknown snapshot schema version \"safeguard.snapshot.v9\""
        ),
        "{}",
        text(&o)
    );
    assert!(!dir.path().join("r").exists());
}

#[test]
fn a_catalog_naming_an_unknown_check_is_refused_with_its_location() {
    let cat = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("controls"),
        cat.path(),
    );
    let f = cat.path().join("164.312.yaml");
    let t = fs::read_to_string(&f).unwrap().replacen(
        "{check: iam.root_no_access_keys,",
        "{check: iam.root_no_access_key,",
        1,
    );
    fs::write(&f, t).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "assess",
        example().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--catalog",
        cat.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("164.312.yaml:")
            && err.contains("unknown check id \"iam.root_no_access_key\"")
            && err.contains("did you mean \"iam.root_no_access_keys\""),
        "{err}"
    );
    assert!(packages(out.path()).is_empty());
}

#[test]
fn a_broken_template_is_bad_input_and_leaves_no_package() {
    let tpl = tempfile::tempdir().unwrap();
    fs::write(
        tpl.path().join("report.md.j2"),
        "# {{ results.account.id }\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "assess",
        example().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--templates",
        tpl.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("report.md.j2:1"), "{}", text(&o));
    assert!(packages(out.path()).is_empty());

    fs::write(
        tpl.path().join("report.md.j2"),
        "Account {{ results.account.id }}: {{ results.summary.fail }} failing\n",
    )
    .unwrap();
    let (_, pkg) = assess_example(
        out.path(),
        &[
            "--templates",
            tpl.path().to_str().unwrap(),
            "--format",
            "md",
        ],
    );
    assert_eq!(
        fs::read_to_string(pkg.join("report.md")).unwrap(),
        "Account 483920175634: 20 failing\n"
    );
}

#[test]
fn controls_lists_and_explains() {
    let o = run(&["controls"]);
    assert_eq!(o.status.code(), Some(0));
    let t = text(&o);
    assert!(
        t.contains("164.312(b)")
            && t.contains("2 check(s) + manual")
            && t.contains("inherited from AWS (the BAA)"),
        "{t}"
    );
    let o = run(&["controls", "164.312(d)"]);
    assert!(text(&o).contains("iam.password_policy") && text(&o).contains("min_length=14"));
    let o = run(&["controls", "164.999(z)"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn import_then_assess_equals_assess_of_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    assert_eq!(
        run(&[
            "import",
            example().to_str().unwrap(),
            "-o",
            snap.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    let (_, from_folder) = assess_example(&dir.path().join("a"), &["--format", "json"]);
    assert_eq!(
        fs::read(&snap).unwrap(),
        fs::read(from_folder.join("snapshot.json")).unwrap()
    );
}

/// The example's attestations, waivers and parameters: each reaches the verdicts, the package
/// and every output, and an expired one is ignored with the reason shown.
#[test]
fn attestations_waivers_and_config_reach_every_output() {
    let out = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let file = |n: &str| examples.join(n).to_str().unwrap().to_string();
    let (a, w, c) = (
        file("attestations.yaml"),
        file("waivers.yaml"),
        file("config.yaml"),
    );
    let (_, pkg) = assess_example(
        out.path(),
        &[
            "--attestations",
            &a,
            "--waivers",
            &w,
            "--config",
            &c,
            "--set",
            "iam.user_unused_credentials.max_unused_days=45",
        ],
    );
    let r: serde_json::Value =
        serde_json::from_slice(&fs::read(pkg.join("results.json")).unwrap()).unwrap();
    let control = |id: &str| {
        r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    // An attested manual part passes; an expired attestation counts as absent, and says so.
    assert_eq!(control("164.308(a)(2)")["status"], "pass");
    let lapsed = control("164.316(b)(2)(i)");
    assert_eq!(lapsed["status"], "manual");
    assert!(
        lapsed["status_reason"]
            .as_str()
            .unwrap()
            .contains("expired on 2026-05-01"),
        "{lapsed}"
    );
    assert_eq!(
        control("164.308(a)(1)(ii)(A)")["attestations"][0]["evidence"][0]["file"]["path"],
        "attestations/risk-analysis-2026-summary.md"
    );
    // Waived findings stay listed, marked; an expired waiver is listed and ignored.
    let findings: Vec<serde_json::Value> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .flat_map(|k| {
            k["findings"]
                .as_array()
                .unwrap()
                .clone()
                .into_iter()
                .map(move |f| (k["id"].clone(), f))
        })
        .map(|(k, mut f)| {
            f["check"] = k;
            f
        })
        .collect();
    let waived = findings
        .iter()
        .find(|f| f["check"] == "iam.root_hardware_mfa")
        .unwrap();
    assert_eq!(
        (
            waived["status"].as_str(),
            waived["waiver"]["status"].as_str()
        ),
        (Some("fail"), Some("valid"))
    );
    let expired = findings
        .iter()
        .find(|f| {
            f["check"] == "iam.user_access_key_rotation"
                && f["resource"]
                    .as_str()
                    .unwrap()
                    .contains("ci-legacy-deployer")
        })
        .unwrap();
    assert_eq!(expired["waiver"]["status"], "expired");
    let statuses: Vec<&str> = r["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["valid", "valid", "valid", "valid", "valid", "expired"]
    );
    // A control whose only deciding failure is waived is "Risk accepted", never a pass, in
    // every output; a waived finding of a supporting check is an observation that decides
    // nothing (164.312(a)(2)(iii) rests on its manual part).
    let accepted = control("164.308(a)(5)(ii)(C)");
    assert_eq!(accepted["status"], "waived", "{accepted}");
    assert!(
        accepted["status_reason"]
            .as_str()
            .unwrap()
            .contains("cloudwatch.console_login_failure_alarm"),
        "{accepted}"
    );
    assert_eq!(control("164.312(a)(2)(iii)")["status"], "manual");
    let check = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "iam.role_max_session_duration")
        .unwrap();
    assert_eq!(check["status"], "waived");
    let md = fs::read_to_string(pkg.join("report.md")).unwrap();
    assert!(
        md.contains("Log-in monitoring** — Risk accepted: risk accepted: 1 failing finding(s)"),
        "report.md lists it among the controls that need action"
    );
    let csv = fs::read_to_string(pkg.join("results.csv")).unwrap();
    assert!(
        csv.contains("164.308(a)(5)(ii)(C),Log-in monitoring,waived"),
        "results.csv"
    );
    let oscal: serde_json::Value =
        serde_json::from_slice(&fs::read(pkg.join("results.oscal.json")).unwrap()).unwrap();
    let finding = oscal["assessment-results"]["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["props"][0]["value"] == "164.308(a)(5)(ii)(C)")
        .expect("the control's OSCAL finding");
    assert_eq!(finding["target"]["status"]["state"], "not-satisfied");
    assert!(
        finding["props"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "status" && p["value"] == "waived"),
        "{finding}"
    );
    // The config's parameters apply, --set wins, and both are recorded with their source.
    let params: serde_json::Value =
        serde_json::from_slice(&fs::read(pkg.join("parameters.json")).unwrap()).unwrap();
    assert_eq!(
        params["checks"]["cloudtrail.s3_data_events"]["phi_buckets"],
        serde_json::json!(["clinic-phi-documents-prod", "clinic-phi-imaging-prod"])
    );
    assert_eq!(
        params["overridden"]["iam.user_unused_credentials.max_unused_days"],
        serde_json::json!({"value": 45, "source": "--set"})
    );
    assert_eq!(
        params["overridden"]["cloudtrail.s3_data_events.phi_buckets"]["source"],
        "--config"
    );
    // Inputs and attested evidence are in the package and its manifest.
    for f in [
        "attestations/attestations.yaml",
        "inputs/waivers.yaml",
        "inputs/config.yaml",
        "attestations/risk-analysis-2026-summary.md",
    ] {
        assert!(pkg.join(f).is_file(), "{f}");
    }
    let v = run(&["verify", pkg.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    let md = fs::read_to_string(pkg.join("report.md")).unwrap();
    assert!(
        md.contains("| Fail (waived) |")
            && md.contains("| Fail (waiver expired) |")
            && md.contains("**Attestation (expired, ignored):**")
    );
    let csv = fs::read_to_string(pkg.join("results.csv")).unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(
            "waiver_status,waiver_approved_by,waiver_expires,finding_id,first_seen,change,basis,decision,attested_by,attested_on,expires,severity"
        )
    );
    assert!(csv.contains(",valid,\"Dana Reyes, Security Officer\",2027-01-31"));
}

#[test]
fn a_bad_attestation_waiver_or_config_file_exits_2_with_its_location_and_no_package() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "--attestations",
            "attestations:\n  - control: \"164.312(z)\"\n    statement: s\n    attested_by: A, B\n    date: 2026-01-01\n    expires: 2027-01-01\n",
            ":2:14: no control \"164.312(z)\"",
        ),
        (
            "--waivers",
            "waivers:\n  - check: iam.root_mfa\n    resource: \"*\"\n    justification: j\n    approved_by: A, B\n    approved_on: 2026-01-01\n    risk: low\n    expires: 2027-01-01\n",
            ":2:12: unknown check id \"iam.root_mfa\"",
        ),
        (
            "--config",
            "parameters:\n  iam.password_policy:\n    min_length: long\n",
            ":3:17: iam.password_policy.min_length expects an integer",
        ),
    ];
    for (flag, yaml, expected) in cases {
        let path = dir.path().join("input.yaml");
        fs::write(&path, yaml).unwrap();
        let out = tempfile::tempdir().unwrap();
        let o = run(&[
            "assess",
            example().to_str().unwrap(),
            "-o",
            out.path().to_str().unwrap(),
            flag,
            path.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", text(&o));
        assert!(
            text(&o).contains(&format!("input.yaml{expected}")),
            "{flag}: {}",
            text(&o)
        );
        assert!(packages(out.path()).is_empty(), "{flag}");
    }
}

#[test]
fn a_snapshot_whose_account_id_is_a_path_writes_nothing_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    let o = run(&[
        "import",
        example().to_str().unwrap(),
        "-o",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = dir.path().join("deep/r");
    for hostile in ["../../../escaped", "/tmp/absolute", "", "123<script>"] {
        let mut v: serde_json::Value = serde_json::from_slice(&fs::read(&snap).unwrap()).unwrap();
        v["account"]["id"] = serde_json::json!(hostile);
        let bad = dir.path().join("bad.json");
        fs::write(&bad, serde_json::to_vec(&v).unwrap()).unwrap();
        let o = run(&["assess", bad.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{hostile}: {}", text(&o));
        assert!(
            text(&o).contains("(at /account/id)") && text(&o).contains("not an AWS account id"),
            "{}",
            text(&o)
        );
        assert!(!out.exists() && !dir.path().join("escaped").exists());
    }
}

/// A crafted package: verify must neither hang on a FIFO nor read a device, follow a link out,
/// nor accept a path that climbs out; a name merely containing `..` is an ordinary name.
#[test]
fn verify_opens_only_regular_files_inside_the_package_and_bounds_reads() {
    use std::os::unix::fs::symlink;
    let out = tempfile::tempdir().unwrap();
    let (_, pkg) = assess_example(out.path(), &["--fail-on", "never"]);
    let manifest_path = pkg.join("manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(&manifest_path).unwrap()).unwrap();
    let with_file = |path: &str, size: u64| {
        let mut m = manifest.clone();
        m["files"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"path": path, "sha256": "00", "size": size}));
        fs::write(&manifest_path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    };

    // A FIFO where a file should be: reported, not waited on.
    let fifo = pkg.join("stuck.txt");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    with_file("stuck.txt", 10);
    let started = std::time::Instant::now();
    let v = run(&["verify", pkg.to_str().unwrap()]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(
        text(&v).contains("stuck.txt (a special file"),
        "{}",
        text(&v)
    );
    fs::remove_file(&fifo).unwrap();

    // A link to /dev/zero: never followed, never read.
    symlink("/dev/zero", pkg.join("zero.bin")).unwrap();
    with_file("zero.bin", 10);
    let v = run(&["verify", pkg.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(
        text(&v).contains("zero.bin (a symbolic link"),
        "{}",
        text(&v)
    );
    fs::remove_file(pkg.join("zero.bin")).unwrap();

    // A path that climbs out is refused outright.
    with_file("attestations/../../escape", 1);
    let v = run(&["verify", pkg.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(2), "{}", text(&v));
    assert!(text(&v).contains("leaves the package"), "{}", text(&v));

    // A file larger than its manifest size is read only one byte past it, and altered.
    fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let big = pkg.join("report.md");
    let mut grown = fs::read(&big).unwrap();
    grown.extend(std::iter::repeat_n(b'x', 1 << 20));
    fs::write(&big, grown).unwrap();
    let v = run(&["verify", pkg.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(1));
    assert!(text(&v).contains("ALTERED  report.md"), "{}", text(&v));
}

#[test]
fn an_evidence_file_whose_name_contains_dots_verifies() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("risk..analysis.md"), "summary").unwrap();
    let att = dir.path().join("attestations.yaml");
    fs::write(
        &att,
        "attestations:\n  - control: \"164.308(a)(1)(ii)(A)\"\n    statement: Done.\n    attested_by: Dana Reyes, Security Officer\n    date: 2026-09-15\n    expires: 2027-09-15\n    evidence: [risk..analysis.md]\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (_, pkg) = assess_example(
        out.path(),
        &[
            "--fail-on",
            "never",
            "--attestations",
            att.to_str().unwrap(),
        ],
    );
    assert!(pkg.join("attestations/risk..analysis.md").is_file());
    let v = run(&["verify", pkg.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
}

#[test]
fn a_template_that_never_ends_or_writes_gigabytes_is_stopped() {
    let tpl = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    for (template, says) in [
        // Nested loops far longer than any report: out of fuel, not a hang.
        (
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
            "ran out of fuel",
        ),
        // A report of gigabytes: refused at the size limit, not an out-of-memory abort.
        (
            "{% for a in range(100) %}{{ \"x\" * 10000000 }}{% endfor %}",
            "template output exceeds",
        ),
    ] {
        fs::write(tpl.path().join("report.md.j2"), template).unwrap();
        let started = std::time::Instant::now();
        let o = run(&[
            "assess",
            example().to_str().unwrap(),
            "-o",
            out.path().to_str().unwrap(),
            "--format",
            "md",
            "--templates",
            tpl.path().to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            text(&o).contains("report.md.j2") && text(&o).contains(says),
            "{}",
            text(&o)
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(120));
        assert!(packages(out.path()).is_empty());
    }
}

#[test]
fn a_snapshot_handed_to_assess_is_stripped_like_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    let o = run(&[
        "import",
        example().to_str().unwrap(),
        "-o",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut v: serde_json::Value = serde_json::from_slice(&fs::read(&snap).unwrap()).unwrap();
    v["iam"]["virtual_mfa_devices"][0]["base32StringSeed"] = "SEEDSECRET".into();
    v["iam"]["virtual_mfa_devices"][0]["User"] = serde_json::json!({"QRCodePNG": "QRSECRET"});
    v["cloudtrail"]["event_history"]["iam_changes"][0]["username"] = "AKIAZXCVBNMASDFGHJKL".into();
    fs::write(&snap, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = dir.path().join("r");
    let o = run(&[
        "assess",
        snap.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let pkg = packages(&out).remove(0);
    for f in ["snapshot.json", "results.json", "report.md", "results.csv"] {
        let t = fs::read_to_string(pkg.join(f)).unwrap();
        for secret in ["SEEDSECRET", "QRSECRET", "AKIAZXCVBNMASDFGHJKL"] {
            assert!(!t.contains(secret), "{secret} in {f}");
        }
    }
}

#[test]
fn hostile_names_stay_inert_in_the_report_and_the_terminal() {
    let (o, out) = assess_with_role_named("vendor`<img src=x onerror=alert(1)>\u{1b}[2J", "md");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(!text(&o).contains('\u{1b}'));
    let report = fs::read_to_string(packages(out.path())[0].join("report.md")).unwrap();
    assert!(report.contains("onerror"), "the name is reported");
    // Outside code spans (whose content Markdown shows literally) no tag may open.
    let outside: String = report
        .lines()
        .map(|l| without_code_spans(l) + "\n")
        .collect();
    assert!(!outside.contains("<img"), "never as HTML: {outside}");
    assert!(!report.contains('\u{1b}'));
}

/// A Markdown line with its code spans (a run of N backticks to the next run of exactly N)
/// removed.
fn without_code_spans(line: &str) -> String {
    let b: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '`' && (i == 0 || b[i - 1] != '\\') {
            let n = b[i..].iter().take_while(|c| **c == '`').count();
            let mut j = i + n;
            let mut closed = None;
            while j < b.len() {
                if b[j] == '`' {
                    let m = b[j..].iter().take_while(|c| **c == '`').count();
                    if m == n {
                        closed = Some(j + m);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            match closed {
                Some(end) => i = end,
                None => {
                    out.extend(&b[i..i + n]);
                    i += n;
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn a_name_of_thousands_of_characters_is_cut_in_the_pdf_not_drawn_off_the_page() {
    let long = format!("vendor-{}", "x".repeat(30_000));
    let (o, out) = assess_with_role_named(&long, "pdf,json");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let pkg = packages(out.path()).remove(0);
    let pdf = pdf_text(&fs::read(pkg.join("report.pdf")).unwrap());
    assert!(
        pdf.contains("(cut; full text in results.json)"),
        "the cell says it is cut"
    );
    let json = fs::read_to_string(pkg.join("results.json")).unwrap();
    assert!(json.contains(&long), "the full name stays in results.json");
}

#[test]
fn a_partial_package_left_by_a_dead_run_is_removed_by_the_next() {
    let out = tempfile::tempdir().unwrap();
    let account = out.path().join("483920175634");
    let old = account.join(".partial-died");
    let fresh = account.join(".partial-running");
    fs::create_dir_all(&old).unwrap();
    fs::create_dir_all(&fresh).unwrap();
    fs::write(old.join("report.pdf"), vec![0u8; 1024]).unwrap();
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    fs::File::open(&old)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    let o = run(&[
        "assess",
        example().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(!old.exists(), "an hour-old partial folder is swept");
    assert!(
        fresh.exists(),
        "one that may still be written is left alone"
    );
}

/// The example with the vendor role renamed to `name`, assessed to `formats`: the run's output
/// and the folder its package is under.
fn assess_with_role_named(name: &str, formats: &str) -> (Output, tempfile::TempDir) {
    let export = tempfile::tempdir().unwrap();
    copy_dir(&example(), export.path());
    let gaad = export.path().join("iam/account-authorization-details.json");
    let mut v: serde_json::Value = serde_json::from_slice(&fs::read(&gaad).unwrap()).unwrap();
    v["RoleDetailList"][6]["RoleName"] = name.into();
    v["RoleDetailList"][6]["Arn"] = format!("arn:aws:iam::483920175634:role/{name}").into();
    fs::write(&gaad, serde_json::to_vec(&v).unwrap()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "assess",
        export.path().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--format",
        formats,
    ]);
    (o, out)
}

/// `--detail failures` prints passing and not-applicable findings as counts in the reports, and
/// `--detail auto` (the default) does the same past `--detail-limit` findings; results.json
/// keeps every finding either way.
#[test]
fn detail_failures_counts_what_passed_and_keeps_it_in_results() {
    // The finding rows of report.md's "Findings by check" part, by their status cell.
    fn rows(md: &str, status: &str) -> usize {
        let part =
            &md[md.find("## Findings by check").unwrap()..md.find("## Evidence gaps").unwrap()];
        part.lines()
            .filter(|l| l.starts_with(&format!("| {status} |")))
            .count()
    }
    let mut reports = Vec::new();
    for args in [
        &["--detail", "all"][..],
        &["--detail", "failures"],
        &[],
        &["--detail-limit", "10"],
    ] {
        let out = tempfile::tempdir().unwrap();
        let mut all = vec![
            "demo",
            "-q",
            "--format",
            "md,json",
            "-o",
            out.path().to_str().unwrap(),
        ];
        all.extend(args);
        // Dated alike, so the reports differ only where the detail level makes them.
        let o = bin()
            .args(&all)
            .env("SOURCE_DATE_EPOCH", "1764979200")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let pkg = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim().to_string());
        reports.push((
            fs::read_to_string(pkg.join("report.md")).unwrap(),
            fs::read(pkg.join("results.json")).unwrap(),
        ));
    }
    let (all, failures, auto, past) = (&reports[0], &reports[1], &reports[2], &reports[3]);
    assert!(rows(&all.0, "Pass") > 0);
    assert_eq!(rows(&failures.0, "Pass"), 0);
    assert_eq!(rows(&failures.0, "Fail"), rows(&all.0, "Fail"));
    assert!(
        failures
            .0
            .contains("counted, not printed (`--detail failures`)")
    );
    // The demo is far below the default limit: auto prints everything.
    assert_eq!(auto.0, all.0);
    // Past the limit, auto prints failures only and says why.
    assert_eq!(rows(&past.0, "Pass"), 0);
    assert_eq!(rows(&past.0, "Fail"), rows(&all.0, "Fail"));
    assert!(
        past.0.contains("more than 10 findings (`--detail-limit`)"),
        "{}",
        past.0
    );
    for r in [failures, auto, past] {
        assert_eq!(all.1, r.1, "results.json keeps every finding");
    }
}

/// `--profile-phases` says on stderr where the time went, and changes no output file.
#[test]
fn profile_phases_reports_each_phase_and_changes_no_output() {
    let mut results = Vec::new();
    for extra in [&[][..], &["--profile-phases"][..]] {
        let out = tempfile::tempdir().unwrap();
        let mut args = vec![
            "demo",
            "-q",
            "--format",
            "json,csv",
            "-o",
            out.path().to_str().unwrap(),
        ];
        args.extend(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        if extra.is_empty() {
            assert!(!stderr.contains("phases:"), "{stderr}");
        } else {
            for phase in [
                "import ",
                "engine ",
                "checks ",
                "results.json ",
                "results.csv ",
                "peak RSS ",
            ] {
                assert!(stderr.contains(phase), "{phase} missing: {stderr}");
            }
        }
        let pkg = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim().to_string());
        results.push(fs::read(pkg.join("results.json")).unwrap());
    }
    assert_eq!(results[0], results[1]);
}

/// An account outside any organization (no organizations/ in the export) renders every format:
/// no organization on the cover, an empty OU path column, no OU path on its findings.
#[test]
fn an_account_outside_an_organization_renders_every_format() {
    let work = tempfile::tempdir().unwrap();
    let export = work.path().join("export");
    copy_dir(&example(), &export);
    std::fs::remove_dir_all(export.join("organizations")).unwrap();
    let out = bin()
        .arg("assess")
        .arg(&export)
        .args(["-q", "--fail-on", "never", "-o"])
        .arg(work.path().join("reports"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let pkg = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let md = std::fs::read_to_string(pkg.join("report.md")).unwrap();
    assert!(!md.contains("AWS Organization"));
    assert!(pkg.join("report.pdf").is_file() && pkg.join("results.oscal.json").is_file());
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pkg.join("results.json")).unwrap()).unwrap();
    assert!(results["account"].get("organization").is_none());
    let f = &results["checks"][0]["findings"][0];
    assert_eq!(f["account"], "483920175634");
    assert!(f.get("ou_path").is_none());
    let csv = std::fs::read_to_string(pkg.join("results.csv")).unwrap();
    let second = csv.lines().nth(1).unwrap();
    assert!(second.starts_with("control,483920175634,,"), "{second}");
}

/// Compares each of `files` of `pkg` with `tests/golden/<prefix>.<file>` (rewritten with
/// UPDATE_GOLDEN=1), naming the first differing line.
fn compare_golden(pkg: &Path, prefix: &str, files: &[&str]) {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    for f in files {
        let actual = fs::read_to_string(pkg.join(f)).unwrap();
        let path = golden.join(format!("{prefix}.{f}"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            fs::write(&path, &actual).unwrap();
        }
        let expected = fs::read_to_string(&path).unwrap_or_default();
        if actual != expected {
            let line = actual
                .lines()
                .zip(expected.lines())
                .position(|(a, e)| a != e)
                .map_or(0, |i| i + 1);
            panic!(
                "{f} differs from {} (first differing line {line}); rerun with UPDATE_GOLDEN=1 if intended",
                path.display()
            );
        }
    }
}

/// `safeguard demo` into `out`, dated by SOURCE_DATE_EPOCH so its reports are reproducible.
fn demo_at(out: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["demo", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = bin()
        .args(&args)
        .env("SOURCE_DATE_EPOCH", "1764979200")
        .env_remove("SAFEGUARD_SIGN_KEY")
        .env_remove("SAFEGUARD_SIGN_KMS_KEY")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let pkgs = packages(out);
    assert_eq!(pkgs.len(), 1, "{}", text(&o));
    pkgs[0].clone()
}

/// The demo, with its attestations, waivers and parameters, pins every rule of the verdicts at
/// once: every status and every basis, a waived-only control, supporting-only failures, a
/// standard over failing specifications, an attestation without an evidence file, an
/// addressable decision of each kind, self-approved waivers, example marking and the cover.
#[test]
fn golden_demo_report_pins_the_verdict_rules() {
    let out = tempfile::tempdir().unwrap();
    let pkg = demo_at(out.path(), &["--format", "md,json,csv"]);
    compare_golden(&pkg, "demo", &["report.md", "results.csv"]);
    let r: serde_json::Value =
        serde_json::from_slice(&fs::read(pkg.join("results.json")).unwrap()).unwrap();
    let controls = r["controls"].as_array().unwrap();
    let has = |key: &str, value: &str| controls.iter().any(|c| c[key] == value);
    for status in [
        "fail",
        "insufficient_evidence",
        "waived",
        "manual",
        "inherited",
        "pass",
    ] {
        assert!(has("status", status), "the demo shows {status}");
    }
    for basis in [
        "tested",
        "attested",
        "tested+attested",
        "inherited",
        "risk_accepted",
        "none",
    ] {
        assert!(has("basis", basis), "the demo shows basis {basis}");
    }
    assert_eq!(r["example"], true);
    let control = |id: &str| controls.iter().find(|c| c["id"] == id).unwrap();
    // A URL alone does not count: the manual part stays manual.
    let sanction = control("164.308(a)(1)(ii)(C)");
    assert_eq!(sanction["status"], "manual");
    assert_eq!(sanction["attestations"][0]["status"], "without_evidence");
    // Each decision kind, and an addressable specification without one.
    assert_eq!(control("164.308(a)(5)(ii)(A)")["decision"], "implemented");
    assert_eq!(control("164.310(d)(2)(iii)")["decision"], "alternative");
    assert_eq!(
        control("164.308(a)(7)(ii)(D)")["decision"],
        "not_reasonable"
    );
    let report = fs::read_to_string(pkg.join("report.md")).unwrap();
    assert!(report.contains("**decision not documented**"));
    assert!(report.contains("(self-approved: the package's preparer)"));
    assert!(report.contains("EXAMPLE DATA — not an assessment of a real organization"));
    assert!(report.contains(
        "| Signature | Unsigned: the hashes show the files are consistent, not who produced them |"
    ));
    assert!(report.contains("| Report generated at | 2025-12-06T00:00:00Z |"));
    // The standard takes its failing specification's status.
    let standard = control("164.308(a)(1)(i)");
    assert_eq!(standard["status"], "fail");
    assert!(
        standard["status_reason"]
            .as_str()
            .unwrap()
            .starts_with("Fail by its implementation specification(s) §164.308(a)(1)(ii)(D)")
    );
    // Supporting checks fail at §164.312(e)(2)(i) and never decide it.
    let integrity = control("164.312(e)(2)(i)");
    assert_eq!(integrity["status"], "manual");
    assert!(
        integrity["status_reason"]
            .as_str()
            .unwrap()
            .contains("observations from supporting checks, which do not decide it")
    );
    // §164.312(e)(1) is decided by its primary checks (the imaging bucket accepts plain HTTP,
    // the billing API's load balancer a policy with TLS 1.0), its supporting checks still only
    // observations.
    let transmission = control("164.312(e)(1)");
    assert_eq!(transmission["status"], "fail");
    let reason = transmission["status_reason"].as_str().unwrap();
    assert!(
        reason.starts_with("2 failing finding(s) in s3.secure_transport, elb.tls_listeners")
            && reason.contains("observations from supporting checks"),
        "{reason}"
    );
}

/// Example data is marked in every output: results.json, report.md, every PDF page, OSCAL.
#[test]
fn example_data_is_marked_everywhere() {
    let out = tempfile::tempdir().unwrap();
    let pkg = demo_at(out.path(), &[]);
    let mark = "EXAMPLE DATA — not an assessment of a real organization";
    let oscal: serde_json::Value =
        serde_json::from_slice(&fs::read(pkg.join("results.oscal.json")).unwrap()).unwrap();
    let title = oscal["assessment-results"]["metadata"]["title"]
        .as_str()
        .unwrap();
    assert!(title.starts_with(mark), "{title}");
    let pdf = fs::read(pkg.join("report.pdf")).unwrap();
    let pdf_text = pdf_text(&pdf);
    let pages = pdf_text.matches("page ").filter(|_| true).count();
    let marked = pdf_text.matches(mark).count();
    assert!(
        pages > 5 && marked > pages,
        "every page footer and the cover carry the mark: {marked} marks, {pages} pages"
    );
    // An assessment of a real export is not marked.
    let (_, real) = assess_example(out.path().join("real").as_path(), &["--format", "json,md"]);
    let r: serde_json::Value =
        serde_json::from_slice(&fs::read(real.join("results.json")).unwrap()).unwrap();
    assert!(r.get("example").is_none());
    assert!(
        !fs::read_to_string(real.join("report.md"))
            .unwrap()
            .contains(mark)
    );
}

/// The cover says who signed, or that nothing did; the PDF is dated by the generation time.
#[test]
fn the_cover_names_the_signer_or_says_unsigned() {
    let out = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let k = run(&["keygen", keys.path().join("k").to_str().unwrap()]);
    assert!(k.status.success(), "{}", text(&k));
    let key = fs::read_dir(keys.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| !p.to_string_lossy().ends_with(".pub"))
        .unwrap();
    let pkg = demo_at(
        out.path(),
        &["--format", "md,json", "--sign-key", key.to_str().unwrap()],
    );
    let report = fs::read_to_string(pkg.join("report.md")).unwrap();
    let line = report
        .lines()
        .find(|l| l.starts_with("| Signature |"))
        .unwrap();
    assert!(line.contains("Signed by ed25519:"), "{line}");
    let fingerprint = text(&k);
    let fp = fingerprint
        .split_whitespace()
        .find(|w| w.starts_with("ed25519:"))
        .unwrap_or("ed25519:");
    assert!(
        line.contains(fp.trim_end_matches([')', ',', '.'])),
        "{line} / {fingerprint}"
    );
    assert!(pkg.join("signature.json").is_file());
}

/// Re-performable from the package alone: its snapshot and its own copies of the inputs give
/// the same results.json, byte for byte.
#[test]
fn the_assessment_is_re_performable_from_the_package_alone() {
    let out = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let input = |f: &str| examples.join(f).to_str().unwrap().to_string();
    let (config, attestations, waivers) = (
        input("config.yaml"),
        input("attestations.yaml"),
        input("waivers.yaml"),
    );
    let (o, pkg) = assess_example(
        &out.path().join("first"),
        &[
            "--format",
            "json",
            "--config",
            &config,
            "--attestations",
            &attestations,
            "--waivers",
            &waivers,
        ],
    );
    assert!(o.status.code().is_some(), "{}", text(&o));
    let again = out.path().join("again");
    let p = |f: &str| pkg.join(f).to_str().unwrap().to_string();
    let o = run(&[
        "assess",
        &p("snapshot.json"),
        "-o",
        again.to_str().unwrap(),
        "--format",
        "json",
        "--config",
        &p("inputs/config.yaml"),
        "--attestations",
        &p("attestations/attestations.yaml"),
        "--waivers",
        &p("inputs/waivers.yaml"),
    ]);
    let repeated = packages(&again);
    assert_eq!(repeated.len(), 1, "{}", text(&o));
    let first = fs::read(pkg.join("results.json")).unwrap();
    let second = fs::read(repeated[0].join("results.json")).unwrap();
    assert!(
        first == second,
        "results.json differs when re-performed from the package"
    );
    // The attestations' evidence is counted again from the package's copies.
    let r: serde_json::Value = serde_json::from_slice(&second).unwrap();
    assert!(
        r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["basis"] == "attested")
    );
}

/// A waiver of every resource is refused unless it says so.
#[test]
fn a_waiver_of_every_resource_is_refused_unless_all_resources() {
    let out = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("waivers.yaml");
    let body = "waivers:\n  - check: iam.user_console_mfa\n    resource: \"*\"\n    justification: SSO for everyone.\n    approved_by: Dana Reyes, Security Officer\n    approved_on: 2026-11-01\n    risk: high\n    expires: 2027-01-31\n";
    fs::write(&w, body).unwrap();
    let o = run(&[
        "assess",
        example().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--waivers",
        w.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("waivers.yaml:3:15: resource \"*\" names no particular resource")
            && text(&o).contains("[all-resources]"),
        "{}",
        text(&o)
    );
    assert!(packages(out.path()).is_empty(), "nothing written");
    fs::write(&w, format!("{body}    all_resources: true\n")).unwrap();
    let (_, pkg) = assess_example(
        &out.path().join("ok"),
        &["--format", "md,json", "--waivers", w.to_str().unwrap()],
    );
    let report = fs::read_to_string(pkg.join("report.md")).unwrap();
    assert!(
        report.contains("**`*` (all resources)**"),
        "printed in bold"
    );
}

/// A scheduled run signs without a flag through `sign:` in `--config` (the key file relative
/// to the config file); a flag wins over it, and a `sign:` naming two signers is refused.
#[test]
fn a_config_file_can_name_the_signer() {
    let out = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let k = run(&["keygen", dir.path().join("ops").to_str().unwrap()]);
    assert!(k.status.success(), "{}", text(&k));
    let private = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| !n.ends_with(".pub"))
        .unwrap();
    let config = dir.path().join("config.yaml");
    fs::write(&config, format!("sign:\n  key: {private}\n")).unwrap();
    let pkg = demo_at(
        out.path(),
        &["--format", "md,json", "--config", config.to_str().unwrap()],
    );
    assert!(
        pkg.join("signature.json").is_file(),
        "signed without a flag"
    );
    let report = fs::read_to_string(pkg.join("report.md")).unwrap();
    assert!(
        report.contains("| Signature | Signed by ed25519:"),
        "cover names the key"
    );
    let pubkey = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".pub"))
        .unwrap();
    let v2 = run(&[
        "verify",
        pkg.to_str().unwrap(),
        "--key",
        pubkey.to_str().unwrap(),
    ]);
    assert_eq!(v2.status.code(), Some(0), "{}", text(&v2));
    assert!(text(&v2).contains("SIGNED"), "{}", text(&v2));
    // Two signers named: bad input, nothing written.
    fs::write(
        &config,
        format!("sign:\n  key: {private}\n  kms_key: arn:aws:kms:us-east-1:111122223333:key/x\n"),
    )
    .unwrap();
    let again = tempfile::tempdir().unwrap();
    let o = run(&[
        "demo",
        "-o",
        again.path().to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("sign: names one signer"), "{}", text(&o));
    assert!(packages(again.path()).is_empty());
}
