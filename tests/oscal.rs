//! `results.oscal.json` is a valid OSCAL assessment-results document: checked against NIST's
//! official JSON schema (vendored, its hash pinned; see tests/fixtures/oscal/PROVENANCE.md),
//! deterministic, and in step with results.json.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

const SCHEMA_SHA256: &str = "ccbb55a80f8b5753e9f6dfbc317e7b35a2800f013ce17cb04ee69e6ad4cd6a9e";

fn demo(out: &Path) -> PathBuf {
    demo_with(out, &[])
}

fn demo_with(out: &Path, extra: &[&str]) -> PathBuf {
    let o = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args(["demo", "-q", "--format", "json,oscal", "-o"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    PathBuf::from(String::from_utf8(o.stdout).unwrap().trim())
}

#[test]
fn the_oscal_document_is_valid_against_the_official_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema_bytes =
        std::fs::read(root.join("tests/fixtures/oscal/oscal_assessment-results_schema-1.0.4.json"))
            .unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&schema_bytes)),
        SCHEMA_SHA256,
        "the vendored schema is not NIST's"
    );
    let schema: Value = serde_json::from_slice(&schema_bytes).unwrap();
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the official schema compiles");

    // As written for the demo, and past the detail limit (passing evidence counted in remarks).
    for extra in [&[][..], &["--detail-limit", "10"]] {
        let out = tempfile::tempdir().unwrap();
        let package = demo_with(out.path(), extra);
        let doc: Value =
            serde_json::from_slice(&std::fs::read(package.join("results.oscal.json")).unwrap())
                .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(20)
            .collect();
        assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
        let remarks = doc["assessment-results"]["results"][0]["observations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o.get("remarks").is_some())
            .count();
        assert_eq!(remarks > 0, !extra.is_empty(), "{extra:?}");
    }

    let out = tempfile::tempdir().unwrap();
    let package = demo(out.path());
    let doc: Value =
        serde_json::from_slice(&std::fs::read(package.join("results.oscal.json")).unwrap())
            .unwrap();

    // A broken document is refused: the validator is really checking.
    let mut broken = doc.clone();
    broken["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] =
        Value::String("nearly".into());
    assert!(!validator.is_valid(&broken));

    // In step with results.json: one finding per control with the same verdict, one
    // observation per check.
    let results: Value =
        serde_json::from_slice(&std::fs::read(package.join("results.json")).unwrap()).unwrap();
    let controls = results["controls"].as_array().unwrap();
    let result = &doc["assessment-results"]["results"][0];
    let findings = result["findings"].as_array().unwrap();
    assert_eq!(findings.len(), controls.len());
    for (f, c) in findings.iter().zip(controls) {
        let satisfied = f["target"]["status"]["state"] == "satisfied";
        assert_eq!(satisfied, c["status"] == "pass", "{}", c["id"]);
        assert_eq!(f["props"][0]["value"], c["status"]);
    }
    let mut check_ids: Vec<&str> = controls
        .iter()
        .flat_map(|c| c["checks"].as_array().unwrap())
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    check_ids.sort_unstable();
    check_ids.dedup();
    assert_eq!(
        result["observations"].as_array().unwrap().len(),
        check_ids.len()
    );
    // Every piece of relevant evidence points into the package's snapshot.
    let snapshot: Value =
        serde_json::from_slice(&std::fs::read(package.join("snapshot.json")).unwrap()).unwrap();
    for o in result["observations"].as_array().unwrap() {
        for e in o["relevant-evidence"].as_array().into_iter().flatten() {
            let href = e["href"].as_str().unwrap();
            let pointer = href.strip_prefix("snapshot.json#").unwrap();
            let pointer = percent_decode(pointer);
            assert!(snapshot.pointer(&pointer).is_some(), "{href}");
        }
    }

    // The same snapshot and catalog give the same document, byte for byte.
    let out2 = tempfile::tempdir().unwrap();
    let again = demo(out2.path());
    assert_eq!(
        std::fs::read(package.join("results.oscal.json")).unwrap(),
        std::fs::read(again.join("results.oscal.json")).unwrap()
    );
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}
