//! `results.ocsf.json` holds one valid OCSF 1.6.0 Compliance Finding per finding: every event is
//! checked against the class schema generated from OCSF 1.6.0 (vendored, its hash pinned; see
//! tests/fixtures/ocsf/PROVENANCE.md), a broken event is refused by the same schema, the
//! statuses say what results.json says (a waiver is never a pass, a gap never a verdict), and
//! the file is deterministic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const SCHEMA_SHA256: &str = "87169f25e66dbe80b8bf678590d10aee242b5180548b35271c7add161aecbac6";

fn demo(out: &Path) -> PathBuf {
    let o = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args(["demo", "-q", "--format", "json,ocsf", "-o"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    PathBuf::from(String::from_utf8(o.stdout).unwrap().trim())
}

fn validator() -> jsonschema::Validator {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ocsf/compliance_finding-1.6.0-cloud.schema.json"),
    )
    .unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        SCHEMA_SHA256,
        "the vendored schema is not the generated one"
    );
    let schema: Value = serde_json::from_slice(&bytes).unwrap();
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the class schema compiles")
}

fn errors(v: &jsonschema::Validator, event: &Value) -> Vec<String> {
    v.iter_errors(event)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(10)
        .collect()
}

#[test]
fn every_finding_is_one_valid_compliance_finding_that_says_what_results_json_says() {
    let out = tempfile::tempdir().unwrap();
    let pkg = demo(out.path());
    let bytes = std::fs::read(pkg.join("results.ocsf.json")).unwrap();
    let events: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
    // One event per line inside the array: loadable as JSON, splittable as lines.
    assert_eq!(
        String::from_utf8_lossy(&bytes).lines().count(),
        events.len() + 2
    );
    let results: Value =
        serde_json::from_slice(&std::fs::read(pkg.join("results.json")).unwrap()).unwrap();

    let v = validator();
    for e in &events {
        let errs = errors(&v, e);
        assert!(
            errs.is_empty(),
            "{}:\n{}",
            e["finding_info"]["uid"],
            errs.join("\n")
        );
    }

    // Every finding of every check, once, by its stable id.
    let findings: BTreeMap<&str, (&Value, &Value)> = results["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |f| (c, f))
        })
        .map(|(c, f)| (f["id"].as_str().unwrap(), (c, f)))
        .collect();
    assert_eq!(events.len(), findings.len());
    let collected =
        chrono::DateTime::parse_from_rfc3339(results["snapshot"]["collected_at"].as_str().unwrap())
            .unwrap()
            .timestamp_millis();
    let mut seen = BTreeMap::new();
    for e in &events {
        let uid = e["finding_info"]["uid"].as_str().unwrap();
        let (check, f) = findings[uid];
        *seen.entry(uid).or_insert(0) += 1;
        assert_eq!(e["compliance"]["control"], check["id"]);
        assert_eq!(e["compliance"]["status_code"], f["status"]);
        assert_eq!(e["resources"][0]["uid"], f["resource"]);
        assert_eq!(e["time"], json!(collected));
        assert_eq!(e["cloud"]["account"]["uid"], results["account"]["id"]);
        assert_eq!(e["metadata"]["version"], "1.6.0");
        assert_eq!(e["metadata"]["labels"], json!(["example-data"]));
        assert_eq!(
            e["unmapped"]["safeguard"]["evidence"],
            json!(format!("snapshot.json#{}", f["evidence"].as_str().unwrap()))
        );
        // The citations are the check's, each with its role.
        let mapped: Vec<String> = results["controls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["id"] == check["id"])
            })
            .map(|c| format!("HIPAA {}", c["id"].as_str().unwrap()))
            .collect();
        assert_eq!(e["compliance"]["requirements"], json!(mapped), "{uid}");
        let waived = f["waiver"]["status"] == "valid";
        let (compliance, status, severity) = (
            e["compliance"]["status"].as_str().unwrap(),
            e["status"].as_str().unwrap(),
            e["severity"].as_str().unwrap(),
        );
        match f["status"].as_str().unwrap() {
            "pass" => assert_eq!((compliance, severity), ("Pass", "Informational"), "{uid}"),
            "fail" if waived => {
                assert_eq!((compliance, status), ("Warning", "Suppressed"), "{uid}");
                let detail = e["status_detail"].as_str().unwrap();
                assert!(detail.contains(f["waiver"]["approved_by"].as_str().unwrap()));
                assert_eq!(e["unmapped"]["safeguard"]["waiver"]["status"], "valid");
            }
            "fail" => {
                assert_eq!((compliance, status), ("Fail", "New"), "{uid}");
                assert_ne!(severity, "Informational");
                assert!(
                    e["remediation"]["desc"]
                        .as_str()
                        .is_some_and(|d| !d.is_empty())
                );
            }
            "error" => assert_eq!(compliance, "Unknown", "{uid}"),
            "not_applicable" => assert_eq!(compliance, "Other", "{uid}"),
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(seen.values().all(|n| *n == 1));
    // The demo has every kind.
    for kind in ["Pass", "Fail", "Warning", "Unknown", "Other"] {
        assert!(
            events.iter().any(|e| e["compliance"]["status"] == kind),
            "no {kind} event in the demo"
        );
    }

    // The same results give the same bytes.
    let again = tempfile::tempdir().unwrap();
    let pkg2 = demo(again.path());
    assert_eq!(
        bytes,
        std::fs::read(pkg2.join("results.ocsf.json")).unwrap()
    );
}

/// One way to break a valid event.
type Break = fn(&mut Value);

#[test]
fn the_schema_refuses_a_broken_event() {
    let out = tempfile::tempdir().unwrap();
    let pkg = demo(out.path());
    let events: Vec<Value> =
        serde_json::from_slice(&std::fs::read(pkg.join("results.ocsf.json")).unwrap()).unwrap();
    let good = &events[0];
    let v = validator();
    assert!(errors(&v, good).is_empty());
    let breaks: [(&str, Break); 5] = [
        ("a compliance status OCSF does not define", |e| {
            e["compliance"]["status_id"] = json!(7)
        }),
        ("another class", |e| e["class_uid"] = json!(2004)),
        ("no finding uid", |e| {
            e["finding_info"].as_object_mut().unwrap().remove("uid");
        }),
        ("a field the class lacks", |e| {
            e["verdict_text"] = json!("pass")
        }),
        ("no cloud provider", |e| {
            e["cloud"].as_object_mut().unwrap().remove("provider");
        }),
    ];
    for (what, break_it) in breaks {
        let mut bad = good.clone();
        break_it(&mut bad);
        assert!(!errors(&v, &bad).is_empty(), "the schema took {what}");
    }
}
