//! The accuracy corpus: each case is the bundled example export with one small edit, and one
//! table says which verdict each case must give. A case is a class of error an auditor found
//! (a filter that cannot match, a trail that drops reads, a region with no evidence, ...):
//! the test runs the real `safeguard assess` on every case and checks every row.
//!
//! Layout (`tests/fixtures/accuracy/`):
//! - `base.json`: edits applied to every case first (unless the case says `"base": false`), so
//!   the starting point passes the checks the cases break;
//! - `<case>/case.json`: `{"about": "...", "edits": [...], "set": ["CHECK.PARAM=V"]}`, where an
//!   edit is `{"set": FILE, "pointer": P, "value": V}` (a pointer ending in `/-` appends),
//!   `{"remove": FILE, "pointer": P}`, `{"delete": FILE}`, `{"write": FILE, "text": T}` or
//!   `{"rename": FILE, "to": FILE}`;
//! - `<case>/credential-report.csv`: replaces the credential report's content;
//! - `<case>/waivers.yaml`: passed as `--waivers`;
//! - `<case>/config.yaml`: passed as `--config` (a PHI scope, parameters);
//! - `expected.tsv`: `case  check  resource  status  message`, tab-separated. `resource` is a
//!   substring of the finding's resource (`*`: any); `status` is the worst status among the
//!   check's findings on that resource (`exit2`: the run must refuse the input, and `message`
//!   must appear in its error); `message` must appear in a finding of that status.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/accuracy")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Applies one edit to the export in `dir`.
fn apply(dir: &Path, edit: &Value, case: &str) {
    let file = |key: &str| dir.join(edit[key].as_str().unwrap());
    let load = |p: &Path| -> Value {
        serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{case}: {p:?}: {e}")))
            .unwrap()
    };
    let save =
        |p: &Path, v: &Value| std::fs::write(p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    if edit.get("set").is_some() {
        let path = file("set");
        let mut doc = load(&path);
        let pointer = edit["pointer"].as_str().unwrap();
        let value = edit["value"].clone();
        if let Some(parent) = pointer.strip_suffix("/-") {
            doc.pointer_mut(parent)
                .and_then(Value::as_array_mut)
                .unwrap_or_else(|| panic!("{case}: no array at {parent}"))
                .push(value);
        } else {
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            let key = key.replace("~1", "/").replace("~0", "~");
            match doc
                .pointer_mut(parent)
                .unwrap_or_else(|| panic!("{case}: no {parent}"))
            {
                Value::Object(m) => {
                    m.insert(key, value);
                }
                Value::Array(a) => a[key.parse::<usize>().unwrap()] = value,
                other => panic!("{case}: cannot set inside {other}"),
            }
        }
        save(&path, &doc);
    } else if edit.get("remove").is_some() {
        let path = file("remove");
        let mut doc = load(&path);
        let pointer = edit["pointer"].as_str().unwrap();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        match doc.pointer_mut(parent).unwrap() {
            Value::Object(m) => {
                m.remove(key);
            }
            Value::Array(a) => {
                a.remove(key.parse::<usize>().unwrap());
            }
            other => panic!("{case}: cannot remove inside {other}"),
        }
        save(&path, &doc);
    } else if edit.get("delete").is_some() {
        std::fs::remove_file(file("delete")).unwrap_or_else(|e| panic!("{case}: {e}"));
    } else if edit.get("write").is_some() {
        let path = file("write");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, edit["text"].as_str().unwrap()).unwrap();
    } else if edit.get("rename").is_some() {
        let to = file("to");
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(file("rename"), to).unwrap_or_else(|e| panic!("{case}: {e}"));
    } else {
        panic!("{case}: unknown edit {edit}");
    }
}

/// What one run of a case gave: the findings per check, or the refusal.
enum Outcome {
    /// The findings by check, and every finding whose evidence pointer does not resolve in
    /// the package's snapshot.json.
    Findings(BTreeMap<String, Vec<Value>>, Vec<String>),
    Refused(String),
}

/// Every finding of the package in `package` whose `evidence` pointer names nothing in its
/// snapshot.json, as "check resource: pointer". A finding must point at the evidence its
/// verdict rests on; one that points nowhere cannot be checked by an auditor.
fn unresolved_evidence(package: &Path) -> Vec<String> {
    let results: Value =
        serde_json::from_slice(&std::fs::read(package.join("results.json")).unwrap()).unwrap();
    let snapshot: Value =
        serde_json::from_slice(&std::fs::read(package.join("snapshot.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    let mut seen = 0;
    {
        for check in results["checks"].as_array().unwrap() {
            for f in check["findings"].as_array().unwrap() {
                seen += 1;
                let pointer = f["evidence"].as_str().unwrap();
                if !pointer.starts_with('/') || snapshot.pointer(pointer).is_none() {
                    out.push(format!(
                        "{} {}: {pointer:?}",
                        check["id"].as_str().unwrap(),
                        f["resource"].as_str().unwrap()
                    ));
                }
            }
        }
    }
    assert!(seen > 0, "{package:?}: no finding to check");
    // Every finding's id is made from its account, check, resource and key alone: two findings
    // of one check on one resource must differ in key (else the id falls back to the evidence
    // pointer, which moves when the evidence does).
    let mut identities = std::collections::BTreeSet::new();
    let mut ids = std::collections::BTreeSet::new();
    for check in results["checks"].as_array().unwrap() {
        for f in check["findings"].as_array().unwrap() {
            let id = f["id"].as_str().unwrap_or_default();
            let identity = (
                check["id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                f["key"].as_str().unwrap_or("").to_string(),
            );
            if !id.starts_with(&format!("{}#", identity.0))
                || id.contains('~')
                || !ids.insert(id.to_string())
            {
                out.push(format!(
                    "{} {}: id {id:?} is not stable and unique",
                    identity.0, identity.1
                ));
            }
            if !identities.insert(identity.clone()) {
                out.push(format!(
                    "{} {}: two findings with key {:?}: the check must key them apart",
                    identity.0, identity.1, identity.2
                ));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn run_case(case: &str, scratch: &Path) -> Outcome {
    let root = corpus();
    let spec: Value = serde_json::from_slice(
        &std::fs::read(root.join(case).join("case.json"))
            .unwrap_or_else(|e| panic!("{case}/case.json: {e}")),
    )
    .unwrap_or_else(|e| panic!("{case}/case.json: {e}"));
    let export = scratch.join(case).join("export");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/clinic-account"),
        &export,
    );
    let mut edits = Vec::new();
    if spec["base"].as_bool() != Some(false) {
        let base: Value =
            serde_json::from_slice(&std::fs::read(root.join("base.json")).unwrap()).unwrap();
        edits.extend(base["edits"].as_array().unwrap().iter().cloned());
    }
    edits.extend(spec["edits"].as_array().into_iter().flatten().cloned());
    for e in &edits {
        apply(&export, e, case);
    }
    let csv = root.join(case).join("credential-report.csv");
    if csv.is_file() {
        use base64::Engine;
        let path = export.join("iam/credential-report.json");
        let mut doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        doc["Content"] = Value::String(
            base64::engine::general_purpose::STANDARD.encode(std::fs::read(&csv).unwrap()),
        );
        std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    }
    let out = scratch.join(case).join("out");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    cmd.arg("assess")
        .arg(&export)
        .args(["--format", "json", "--fail-on", "never", "-q", "-o"])
        .arg(&out);
    for s in spec["set"].as_array().into_iter().flatten() {
        cmd.args(["--set", s.as_str().unwrap()]);
    }
    let waivers = root.join(case).join("waivers.yaml");
    if waivers.is_file() {
        cmd.arg("--waivers").arg(&waivers);
    }
    // A case that needs a PHI scope (or other configuration) brings its own.
    let config = root.join(case).join("config.yaml");
    if config.is_file() {
        cmd.arg("--config").arg(&config);
    }
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    match output.status.code() {
        Some(0) => {}
        Some(2) => return Outcome::Refused(stderr),
        other => panic!("{case}: exit {other:?}: {stderr}"),
    }
    let package = PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    let results: Value =
        serde_json::from_slice(&std::fs::read(package.join("results.json")).unwrap()).unwrap();
    let mut by_check: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for check in results["checks"].as_array().unwrap() {
        by_check.insert(
            check["id"].as_str().unwrap().to_string(),
            check["findings"].as_array().unwrap().clone(),
        );
    }
    Outcome::Findings(by_check, unresolved_evidence(&package))
}

/// Worst first, as the package orders them.
fn rank(status: &str) -> usize {
    ["fail", "error", "pass", "not_applicable"]
        .iter()
        .position(|s| *s == status)
        .unwrap_or_else(|| panic!("unknown status {status}"))
}

#[test]
fn every_case_gives_its_expected_verdicts() {
    let table = std::fs::read_to_string(corpus().join("expected.tsv")).unwrap();
    let mut rows: BTreeMap<String, Vec<[String; 4]>> = BTreeMap::new();
    for (n, line) in table.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(
            cols.len() == 5,
            "expected.tsv:{}: 5 tab-separated columns",
            n + 1
        );
        rows.entry(cols[0].to_string()).or_default().push([
            cols[1].to_string(),
            cols[2].to_string(),
            cols[3].to_string(),
            cols[4].to_string(),
        ]);
    }
    // Every case folder has rows, and every row's case a folder.
    let mut folders: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let named: Vec<String> = rows.keys().cloned().collect();
    assert_eq!(folders, named, "case folders and expected.tsv disagree");
    assert!(
        folders.len() >= 30,
        "the corpus shrank to {}",
        folders.len()
    );

    // SAFEGUARD_ACCURACY_KEEP=DIR keeps every case's edited export (DIR/<case>/export), e.g. to
    // run another build of safeguard over the same inputs.
    let scratch = tempfile::tempdir().unwrap();
    let keep = std::env::var_os("SAFEGUARD_ACCURACY_KEEP").map(PathBuf::from);
    let work = keep.as_deref().unwrap_or(scratch.path());
    let mut failures = Vec::new();
    for (case, expectations) in &rows {
        let outcome = run_case(case, work);
        if let Outcome::Findings(_, unresolved) = &outcome {
            failures.extend(
                unresolved
                    .iter()
                    .map(|u| format!("{case}: evidence pointer resolves to nothing: {u}")),
            );
        }
        for [check, resource, status, message] in expectations {
            let row = format!("{case} {check} {resource} {status}");
            match (&outcome, status.as_str()) {
                (Outcome::Refused(err), "exit2") => {
                    if !err.contains(message.as_str()) {
                        failures.push(format!("{row}: refusal lacks {message:?}: {err}"));
                    }
                }
                (Outcome::Refused(err), _) => failures.push(format!("{row}: refused: {err}")),
                (Outcome::Findings(..), "exit2") => {
                    failures.push(format!("{row}: accepted, expected exit 2"))
                }
                (Outcome::Findings(by_check, _), _) => {
                    let Some(findings) = by_check.get(check) else {
                        failures.push(format!("{row}: check not in results"));
                        continue;
                    };
                    let on: Vec<&Value> = findings
                        .iter()
                        .filter(|f| {
                            resource == "*"
                                || f["resource"].as_str().unwrap().contains(resource.as_str())
                        })
                        .collect();
                    let Some(worst) = on
                        .iter()
                        .map(|f| f["status"].as_str().unwrap())
                        .min_by_key(|s| rank(s))
                    else {
                        failures.push(format!("{row}: no finding on that resource"));
                        continue;
                    };
                    let said = on.iter().any(|f| {
                        f["status"] == status.as_str()
                            && f["message"].as_str().unwrap().contains(message.as_str())
                    });
                    if worst != status || !said {
                        failures.push(format!(
                            "{row}: got {worst}; findings: {}",
                            on.iter()
                                .map(|f| format!("[{}] {}", f["status"], f["message"]))
                                .collect::<Vec<_>>()
                                .join(" | ")
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the corpus rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The bundled example as the demo assesses it (attestations, waivers, config): every
/// finding's evidence pointer names something in its snapshot.json.
#[test]
fn every_evidence_pointer_of_the_example_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .arg("assess")
        .arg(root.join("examples/clinic-account"))
        .arg("--attestations")
        .arg(root.join("examples/attestations.yaml"))
        .arg("--waivers")
        .arg(root.join("examples/waivers.yaml"))
        .arg("--config")
        .arg(root.join("examples/config.yaml"))
        .args(["--format", "json", "--fail-on", "never", "-q", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let package = PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    let unresolved = unresolved_evidence(&package);
    assert!(
        unresolved.is_empty(),
        "evidence pointers that resolve to nothing:\n{}",
        unresolved.join("\n")
    );
}
