//! A user's first week: the wrong results and frictions a fresh reader of the README met, each
//! pinned. Stale evidence never invents a fix (in `diff`, a package's "Changes since" and
//! `history`); a stale credential report is loud; the weekly recipe works from an empty folder;
//! undecided controls fail the exit code; dates and inferred collection times are said.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn safeguard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SOURCE_DATE_EPOCH", "1764979200");
    c
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A copy of the example export under `dir/name`.
fn export(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/clinic-account"),
        &to,
    );
    to
}

/// Moves only export-info.json's collection time, as when a client forgets to regenerate the
/// credential report before exporting again.
fn collected(export: &Path, at: &str) {
    let p = export.join("export-info.json");
    let mut info: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    info["collected_at"] = at.into();
    std::fs::write(&p, serde_json::to_vec_pretty(&info).unwrap()).unwrap();
}

fn assess(export: &Path, reports: &Path, extra: &[&str]) -> (Output, PathBuf) {
    let out = safeguard()
        .arg("assess")
        .arg(export)
        .arg("-o")
        .arg(reports)
        .args(extra)
        .output()
        .unwrap();
    let pkg = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("package: ").map(PathBuf::from))
        .unwrap_or_else(|| panic!("no package: {}", text(&out)));
    (out, pkg)
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// The three user findings the example fails on and a stale report cannot judge.
const USER_CHECKS: [&str; 3] = [
    "iam.user_console_mfa",
    "iam.user_access_key_rotation",
    "iam.user_unused_credentials",
];

#[test]
fn a_stale_credential_report_invents_no_fix_anywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    let week1 = export(tmp.path(), "week1");
    let week2 = export(tmp.path(), "week2");
    collected(&week2, "2026-11-27T09:00:00Z");
    let (_, p1) = assess(&week1, &reports, &["--history", reports.to_str().unwrap()]);
    let (out, p2) = assess(&week2, &reports, &["--history", reports.to_str().unwrap()]);

    // The package's "Changes since": nothing of a user check resolved; they are undetermined.
    let r2 = json(&p2.join("results.json"));
    let changes = &r2["changes"];
    let resolved = changes["resolved"].as_array().unwrap();
    assert!(
        resolved
            .iter()
            .all(|r| !USER_CHECKS.contains(&r["check"].as_str().unwrap())),
        "{resolved:#?}"
    );
    assert!(
        changes["undetermined"].as_u64().unwrap() >= 3,
        "{changes:#}"
    );
    // The terminal says so too.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(", 0 resolved, "), "{stdout}");
    assert!(stdout.contains("cannot be judged now"), "{stdout}");
    // The report's "Changes since" section.
    let md = std::fs::read_to_string(p2.join("report.md")).unwrap();
    assert!(md.contains("0 resolved, "), "{md}");
    assert!(
        md.contains("| Cannot be judged now (not resolved) |")
            && md.contains("`arn:aws:iam::483920175634:user/bob.martinez` | 2026-11-20T09:00:00Z | not judged: an evidence gap covers it |"),
        "{md}"
    );
    // A failing control that can no longer be judged did not get better.
    for c in changes["controls"].as_array().unwrap() {
        if c["from"] == "fail" && c["to"] == "insufficient_evidence" {
            assert_eq!(c["direction"], "neither", "{c}");
        }
    }

    // `diff`: the user findings are undetermined ("not_judged"), never resolved ("gone").
    let d = safeguard()
        .args(["diff", "--format", "json"])
        .arg(&p1)
        .arg(&p2)
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&d.stdout).unwrap();
    for r in d["resolved"].as_array().unwrap() {
        assert!(
            !USER_CHECKS.contains(&r["check"].as_str().unwrap()),
            "resolved from stale evidence: {r:#}"
        );
    }
    let undetermined = d["undetermined"].as_array().unwrap();
    for check in USER_CHECKS {
        let u = undetermined
            .iter()
            .find(|u| u["check"] == check)
            .unwrap_or_else(|| panic!("{check} not undetermined: {undetermined:#?}"));
        assert_eq!(u["now"], "not_judged", "{u:#}");
    }

    // `history`: nothing fixed, no time to fix; the streaks stay open, marked undetermined.
    let h = safeguard()
        .arg("history")
        .arg(&reports)
        .args(["--format", "json", "-o"])
        .arg(tmp.path().join("history"))
        .output()
        .unwrap();
    let line = text(&h);
    assert!(line.contains("0 finding(s) resolved"), "{line}");
    assert!(!line.contains("days to fix"), "{line}");
    let hist_dir = std::fs::read_dir(tmp.path().join("history/483920175634"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let hist = json(&hist_dir.join("history.json"));
    assert_eq!(hist["resolved"], serde_json::json!([]));
    assert!(hist["median_days_to_fix"].is_null());
    let open = hist["open"].as_array().unwrap();
    for check in USER_CHECKS {
        assert!(
            open.iter()
                .any(|o| o["check"] == check && o["undetermined"] == true),
            "{check}: {open:#?}"
        );
    }

    // Another stale week: the streak runs on through both gaps.
    let week2b = export(tmp.path(), "week2b");
    collected(&week2b, "2026-11-30T09:00:00Z");
    let (_, p2b) = assess(&week2b, &reports, &["--history", reports.to_str().unwrap()]);
    let r2b = json(&p2b.join("results.json"));
    let carried = r2b["changes"]["undetermined_findings"].as_array().unwrap();
    assert!(
        carried
            .iter()
            .any(|u| u["check"] == "iam.user_console_mfa"
                && u["first_seen"] == "2026-11-20T09:00:00Z"),
        "{carried:#?}"
    );
    assert_eq!(r2b["changes"]["resolved"], serde_json::json!([]));

    // Week 3: the report is regenerated (the week-1 export again, a fortnight on, with the
    // report's time moved too) and the failures are judged again: still failing, with their
    // first week's first_seen.
    let week3 = export(tmp.path(), "week3");
    collected(&week3, "2026-12-04T09:00:00Z");
    let report = week3.join("iam/credential-report.json");
    let fresh = std::fs::read_to_string(&report)
        .unwrap()
        .replace("2026-11-20T08:55:02", "2026-12-04T08:55:02");
    std::fs::write(&report, fresh).unwrap();
    let (_, p3) = assess(&week3, &reports, &["--history", reports.to_str().unwrap()]);
    let r3 = json(&p3.join("results.json"));
    let mfa = r3["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "iam.user_console_mfa")
        .unwrap();
    let bob = mfa["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["resource"]
                .as_str()
                .unwrap()
                .ends_with("user/bob.martinez")
        })
        .unwrap();
    assert_eq!(bob["status"], "fail");
    assert_eq!(bob["first_seen"], "2026-11-20T09:00:00Z", "{bob:#}");
}

#[test]
fn a_stale_credential_report_is_a_loud_gap_with_a_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let week2 = export(tmp.path(), "week2");
    collected(&week2, "2026-11-27T09:00:00Z");
    let (out, pkg) = assess(&week2, &tmp.path().join("reports"), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The terminal lists it, says stale, and how to fix it.
    assert!(
        stdout.contains("stale      /iam/credential_report/generated_time"),
        "{stdout}"
    );
    assert!(
        stdout.contains("iam.credential_report.max_age_hours"),
        "{stdout}"
    );
    // results.json: one gap for every check it leaves undecided.
    let r = json(&pkg.join("results.json"));
    let gaps = r["evidence_gaps"].as_array().unwrap();
    let stale: Vec<&Value> = gaps.iter().filter(|g| g["kind"] == "stale").collect();
    assert_eq!(stale.len(), 1, "{gaps:#?}");
    let checks = stale[0]["checks"].as_array().unwrap();
    for check in USER_CHECKS {
        assert!(checks.iter().any(|c| c == check), "{check}: {checks:?}");
    }
    // The report: "Evidence gaps" and "Next steps" list it; findings say "Gap: stale", never
    // "evidence missing".
    let md = std::fs::read_to_string(pkg.join("report.md")).unwrap();
    let gaps_section = &md[md.find("## Evidence gaps").unwrap()..];
    assert!(
        gaps_section.contains("`/iam/credential_report/generated_time` | **stale**"),
        "{gaps_section}"
    );
    let steps = &md[md.find("### Next steps").unwrap()..md.find("## Controls\n").unwrap()];
    assert!(
        steps.contains("Evidence gap (stale)") && steps.contains("max_age_hours"),
        "{steps}"
    );
    assert!(md.contains("| Gap: stale |"), "report findings");
    assert!(!md.contains("evidence missing"), "{md}");
    // `aggregate` and `history` count the same gaps as the report.
    let n = gaps.len();
    let h = safeguard()
        .arg("history")
        .arg(tmp.path().join("reports"))
        .args(["--format", "json", "-o"])
        .arg(tmp.path().join("h"))
        .output()
        .unwrap();
    assert!(h.status.success(), "{}", text(&h));
    let hist_dir = std::fs::read_dir(tmp.path().join("h/483920175634"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        json(&hist_dir.join("history.json"))["runs"][0]["gaps"],
        n as u64
    );
    let a = safeguard()
        .arg("aggregate")
        .arg(tmp.path().join("reports"))
        .args(["--format", "json", "-o"])
        .arg(tmp.path().join("agg"))
        .output()
        .unwrap();
    let agg_dir = std::fs::read_dir(tmp.path().join("agg"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let rollup = json(&agg_dir.join("rollup.json"));
    assert_eq!(rollup["accounts"][0]["gaps"], n as u64, "{}", text(&a));
    assert!(stdout.contains(&format!("evidence gaps ({n})")), "{stdout}");
}

/// The README's weekly recipe, `assess EXPORT -o reports/ --history reports/`, from a folder
/// that does not exist yet through three weeks.
#[test]
fn the_weekly_recipe_works_from_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    assert!(!reports.exists());
    let mut packages = Vec::new();
    for (i, at) in [
        "2026-11-20T09:00:00Z",
        "2026-11-27T09:00:00Z",
        "2026-12-04T09:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        let week = export(tmp.path(), &format!("week{i}"));
        collected(&week, at);
        // Each week's credential report is fresh.
        let report = week.join("iam/credential-report.json");
        let day = &at[..10];
        let fresh = std::fs::read_to_string(&report)
            .unwrap()
            .replace("2026-11-20T08:55:02", &format!("{day}T08:55:02"));
        std::fs::write(&report, fresh).unwrap();
        let (out, pkg) = assess(&week, &reports, &["--history", reports.to_str().unwrap()]);
        // The example fails controls (exit 1) and the package is written every week.
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(pkg.join("manifest.json").is_file());
        let stdout = String::from_utf8_lossy(&out.stdout);
        if i == 0 {
            assert!(stdout.contains("no earlier intact package"), "{stdout}");
        } else {
            assert!(stdout.contains("changes since"), "{stdout}");
        }
        packages.push(pkg);
    }
    let r3 = json(&packages[2].join("results.json"));
    assert_eq!(r3["changes"]["since"], "2026-11-27T09:00:00Z");
    let held = r3["controls"][0]["held"].clone();
    assert_eq!(held["of"], 3, "{held}");
    // history -o DIR writes DIR/<account>/<timestamp>/, as the README says.
    let h = safeguard()
        .arg("history")
        .arg(&reports)
        .arg("-o")
        .arg(tmp.path().join("trend"))
        .output()
        .unwrap();
    assert!(h.status.success(), "{}", text(&h));
    let dir = std::fs::read_dir(tmp.path().join("trend/483920175634"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(dir.join("history.md").is_file() && dir.join("trend.svg").is_file());
}

#[test]
fn undecided_controls_fail_the_exit_code_and_inferred_times_are_said() {
    let tmp = tempfile::tempdir().unwrap();
    // An export holding only the caller's identity.
    let bare = tmp.path().join("bare");
    std::fs::create_dir_all(bare.join("sts")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/clinic-account/sts/caller-identity.json"),
        bare.join("sts/caller-identity.json"),
    )
    .unwrap();
    let out = safeguard()
        .arg("assess")
        .arg(&bare)
        .arg("-o")
        .arg(tmp.path().join("r"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("inferred from the import time") && err.contains("--collected-at"),
        "{err}"
    );
    // --fail-on fail keeps the old meaning: only failures fail the exit code.
    let out = safeguard()
        .arg("assess")
        .arg(&bare)
        .args(["--fail-on", "fail", "--collected-at", "2026-11-20", "-o"])
        .arg(tmp.path().join("r"))
        .output()
        .unwrap();
    let r = String::from_utf8_lossy(&out.stdout);
    assert!(
        r.contains("evidence as of 2026-11-20T00:00:00Z"),
        "{}",
        text(&out)
    );
    // Without export-info.json the time comes from the credential report: said.
    let week = export(tmp.path(), "noinfo");
    std::fs::remove_file(week.join("export-info.json")).unwrap();
    let out = safeguard()
        .args(["import", "-o"])
        .arg(tmp.path().join("s.json"))
        .arg(&week)
        .output()
        .unwrap();
    assert!(
        text(&out).contains("inferred from the credential report's generation time"),
        "{}",
        text(&out)
    );
    // --collected-at over export-info.json: said.
    let week = export(tmp.path(), "override");
    let out = safeguard()
        .args([
            "import",
            "--collected-at",
            "2026-11-21T10:00:00+01:00",
            "-o",
        ])
        .arg(tmp.path().join("s2.json"))
        .arg(&week)
        .output()
        .unwrap();
    assert!(
        text(&out).contains("--collected-at 2026-11-21T09:00:00Z overrides export-info.json, which says 2026-11-20T09:00:00Z"),
        "{}",
        text(&out)
    );
    // --collected-at on a snapshot.json (which says when it was collected): refused, not ignored.
    let out = safeguard()
        .arg("assess")
        .arg(tmp.path().join("s2.json"))
        .args(["--collected-at", "2026-11-20", "-o"])
        .arg(tmp.path().join("r2"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("--collected-at applies to an export folder"),
        "{}",
        text(&out)
    );
    // A wrong form shows an example.
    let out = safeguard()
        .args(["import", "--collected-at", "20/11/2026"])
        .arg(&week)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("2026-11-20T09:00:00Z"),
        "{}",
        text(&out)
    );
    // The demo still exits 0.
    let out = safeguard()
        .args(["demo", "-q", "-o"])
        .arg(tmp.path().join("demo"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn wrong_folders_and_files_say_what_to_give() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    let week = export(tmp.path(), "export");
    let (_, pkg) = assess(&week, &reports, &[]);
    // verify reports/: not a package; the packages below it are named.
    let out = safeguard().arg("verify").arg(&reports).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let t = text(&out);
    assert!(
        t.contains("is not an evidence package (no manifest.json)")
            && t.contains(&pkg.display().to_string()),
        "{t}"
    );
    // An empty folder: no package below it either.
    std::fs::create_dir_all(tmp.path().join("nothing")).unwrap();
    let out = safeguard()
        .arg("verify")
        .arg(tmp.path().join("nothing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("no package below it either"),
        "{}",
        text(&out)
    );
    // verify …/manifest.json: give the folder.
    let out = safeguard()
        .arg("verify")
        .arg(pkg.join("manifest.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains(&format!(
            "give the package folder (safeguard verify {})",
            pkg.display()
        )),
        "{}",
        text(&out)
    );
    // assess export/iam: not an export; its parent is.
    let out = safeguard()
        .arg("assess")
        .arg(week.join("iam"))
        .arg("-o")
        .arg(tmp.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("does not look like an AWS CLI export folder")
            && text(&out).contains("its parent does"),
        "{}",
        text(&out)
    );
    assert!(!tmp.path().join("x").exists());
    // An empty file, or one of blanks: re-run the export for it.
    for (file, body) in [
        ("iam/password-policy.json", ""),
        ("iam/account-authorization-details.json", " \n"),
        ("cloudtrail/us-east-1/trails.json", "\n"),
    ] {
        let broken = export(tmp.path(), &format!("broken-{}", file.replace('/', "-")));
        std::fs::write(broken.join(file), body).unwrap();
        let out = safeguard()
            .arg("assess")
            .arg(&broken)
            .arg("-o")
            .arg(tmp.path().join("y"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}: {}", text(&out));
        assert!(
            text(&out).contains(&format!("{file}:1:1: empty file"))
                && text(&out).contains("re-run the export for it"),
            "{file}: {}",
            text(&out)
        );
        assert!(!tmp.path().join("y").exists());
    }
}

#[test]
fn regions_controls_and_keys_are_named_the_way_users_write_them() {
    // Regions: each name checked before any call, the one meant named.
    for (given, expect) in [
        ("eu-wst-1", "did you mean \"eu-west-1\""),
        ("us-east-1,US-EAST-2", "did you mean \"us-east-2\""),
        ("useast1", "did you mean \"us-east-1\""),
    ] {
        let out = safeguard()
            .args(["collect", "--regions", given, "-o", "/dev/null"])
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{given}: {}", text(&out));
        assert!(text(&out).contains(expect), "{given}: {}", text(&out));
    }
    let out = safeguard()
        .args(["collect", "--region", "eu-wst-1", "-o", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    // Controls: §, case and a section prefix; did-you-mean for checks; --checks lists them.
    let show = |args: &[&str]| {
        let out = safeguard().arg("controls").args(args).output().unwrap();
        (out.status.code(), text(&out))
    };
    let (code, t) = show(&["§164.312(B)"]);
    assert_eq!(code, Some(0), "{t}");
    assert!(t.starts_with("164.312(b) — Audit controls"), "{t}");
    let (_, t) = show(&["164.312"]);
    assert!(
        t.contains("164.312(a)(1)") && t.contains("164.312(e)(1)") && !t.contains("164.308"),
        "{t}"
    );
    let (_, t) = show(&["IAM.Password_Policy"]);
    assert!(t.starts_with("iam.password_policy — "), "{t}");
    let (code, t) = show(&["iam.pasword_policy"]);
    assert_eq!(code, Some(2));
    assert!(t.contains("did you mean \"iam.password_policy\""), "{t}");
    let (_, t) = show(&["--checks"]);
    assert!(
        t.contains("iam.privilege_escalation") && t.contains("high"),
        "{t}"
    );
    // The list's columns never run into each other: the title column is cut, with a space after.
    let (_, t) = show(&[]);
    for line in t.lines().skip(1) {
        let decided = &line.chars().skip(22 + 1 + 12 + 1 + 45).collect::<String>();
        assert!(
            line.chars().nth(22 + 1 + 12 + 1 + 44) == Some(' ') && !decided.is_empty(),
            "{line}"
        );
    }
}

/// A YAML file's structural mistakes (unknown fields, missing ones, the wrong kind of value)
/// are all reported at once, each at its line and column, with the field meant.
#[test]
fn yaml_structure_problems_are_reported_together() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |flag: &str, yaml: &str| {
        let p = tmp.path().join("input.yaml");
        std::fs::write(&p, yaml).unwrap();
        let out = safeguard()
            .args(["demo", "-q", "-o"])
            .arg(tmp.path().join("out"))
            .arg(flag)
            .arg(&p)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(!tmp.path().join("out").exists());
        text(&out)
    };
    let t = run(
        "--config",
        "paramters:\n  iam.password_policy:\n    min_length: 14\ngovernance:\n  waiver_max_day: 30\nreport: Dana\n",
    );
    assert!(t.contains("input.yaml:1:1: unknown field \"paramters\" in the top level; did you mean \"parameters\"?"), "{t}");
    assert!(t.contains("input.yaml:5:3: unknown field \"waiver_max_day\" in governance; did you mean \"waiver_max_days\"?"), "{t}");
    assert!(
        t.contains("input.yaml:6:9: report is a single value, expected a mapping"),
        "{t}"
    );
    assert!(t.contains("3 problems"), "{t}");
    // A waivers file without its top-level key.
    let t = run(
        "--waivers",
        "- check: iam.user_console_mfa\n  resource: x\n",
    );
    assert!(
        t.contains("the top level is a list, expected a mapping"),
        "{t}"
    );
    let t = run("--waivers", "waiver:\n  - check: x\n");
    assert!(
        t.contains("unknown field \"waiver\" in the top level; did you mean \"waivers\"?"),
        "{t}"
    );
    assert!(
        t.contains("the top level lacks the field \"waivers\""),
        "{t}"
    );
    // Bad indentation: where, and the usual cause.
    let t = run(
        "--attestations",
        "attestations:\n  - control: 164.308(a)(2)\n     statement: x\n",
    );
    assert!(
        t.contains("input.yaml:3:") && t.contains("not valid YAML") && t.contains("indent"),
        "{t}"
    );
}
