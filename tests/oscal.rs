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
        // 2025-12-06T00:00:00Z: the time of writing, as reproducible builds fix it.
        .env("SOURCE_DATE_EPOCH", "1764979200")
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
    // Satisfied only for a pass; otherwise the reason tells a failure from everything that is
    // not yet shown (manual, inherited, waived, undecided), whose status is a property.
    let mut reasons = std::collections::BTreeSet::new();
    for (f, c) in findings.iter().zip(controls) {
        let status = &f["target"]["status"];
        let satisfied = status["state"] == "satisfied";
        assert_eq!(satisfied, c["status"] == "pass", "{}", c["id"]);
        let reason = status["reason"].as_str().unwrap();
        let expected = match c["status"].as_str().unwrap() {
            "pass" => "pass",
            "fail" => "fail",
            _ => "other",
        };
        assert_eq!(reason, expected, "{}", c["id"]);
        reasons.insert(reason);
        assert_eq!(f["props"][0]["value"], c["status"]);
        assert_eq!(f["props"][1]["name"], "basis");
    }
    assert_eq!(
        reasons.len(),
        3,
        "the demo has a pass, a failure and another status"
    );
    let mut check_ids: Vec<&str> = controls
        .iter()
        .flat_map(|c| c["checks"].as_array().unwrap())
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    check_ids.sort_unstable();
    check_ids.dedup();
    let attested: usize = controls
        .iter()
        .map(|c| c["attestations"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(attested > 0);
    let observations = result["observations"].as_array().unwrap();
    assert_eq!(observations.len(), check_ids.len() + attested);
    // Checks are tested; attestations examined (evidence files) or taken by interview.
    let methods = |o: &Value| o["methods"][0].as_str().unwrap().to_string();
    assert!(
        observations[..check_ids.len()]
            .iter()
            .all(|o| methods(o) == "TEST")
    );
    let attestation_methods: std::collections::BTreeSet<String> = observations[check_ids.len()..]
        .iter()
        .map(methods)
        .collect();
    assert!(
        attestation_methods.contains("EXAMINE"),
        "{attestation_methods:?}"
    );
    assert!(
        attestation_methods
            .iter()
            .all(|m| m == "EXAMINE" || m == "INTERVIEW")
    );
    // Every piece of relevant evidence points into the package's snapshot, or is an attested
    // evidence file in the package (or the URL an attestation gave).
    let snapshot: Value =
        serde_json::from_slice(&std::fs::read(package.join("snapshot.json")).unwrap()).unwrap();
    for o in observations {
        for e in o["relevant-evidence"].as_array().into_iter().flatten() {
            let href = e["href"].as_str().unwrap();
            if let Some(pointer) = href.strip_prefix("snapshot.json#") {
                let pointer = percent_decode(pointer);
                assert!(snapshot.pointer(&pointer).is_some(), "{href}");
            } else if !href.starts_with("https://") {
                assert!(href.starts_with("attestations/"), "{href}");
                assert!(package.join(href).is_file(), "{href}");
            }
        }
    }
    // Every uuid an observation list names is an observation of the document.
    let uuids: std::collections::BTreeSet<&str> = observations
        .iter()
        .map(|o| o["uuid"].as_str().unwrap())
        .collect();
    for r in findings.iter().chain(result["risks"].as_array().unwrap()) {
        for o in r["related-observations"].as_array().into_iter().flatten() {
            assert!(uuids.contains(o["observation-uuid"].as_str().unwrap()));
        }
    }

    // Each check names the resources it examined as subjects (inventory items of the result,
    // the ARN as asset-id), every failing one with its status; the tool is every check's actor.
    let local = &result["local-definitions"];
    let items: std::collections::BTreeMap<&str, &str> = local["inventory-items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["uuid"].as_str().unwrap(),
                i["props"][0]["value"].as_str().unwrap(),
            )
        })
        .collect();
    let tool = local["components"][0]["uuid"].as_str().unwrap();
    let mut failing_named = 0;
    for (o, id) in observations.iter().zip(&check_ids) {
        assert_eq!(o["origins"][0]["actors"][0]["actor-uuid"], tool);
        let check = results["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == *id)
            .unwrap();
        let subjects = o["subjects"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        for s in subjects {
            assert_eq!(items[s["subject-uuid"].as_str().unwrap()], s["title"]);
        }
        for f in check["findings"].as_array().unwrap() {
            if f["status"] == "fail" {
                // Findings are ordered failing first: the subject carries the failure.
                assert!(
                    subjects
                        .iter()
                        .any(|s| s["title"] == f["resource"] && s["props"][0]["value"] == "fail"),
                    "{id}: {} not a failing subject",
                    f["resource"]
                );
                failing_named += 1;
            }
        }
    }
    assert!(failing_named > 0);

    // Waivers are risks: approved deviations while valid, open once expired.
    let waivers = results["waivers"].as_array().unwrap();
    let risks = result["risks"].as_array().unwrap();
    assert_eq!(risks.len(), waivers.len());
    for (r, w) in risks.iter().zip(waivers) {
        let expected = if w["status"] == "valid" {
            "deviation-approved"
        } else {
            "open"
        };
        assert_eq!(r["status"], expected, "{}", r["title"]);
        assert!(
            r["statement"]
                .as_str()
                .unwrap()
                .contains(w["approved_by"].as_str().unwrap())
        );
    }
    assert!(
        risks.iter().any(|r| r["status"] == "open"),
        "the demo has an expired waiver"
    );
    // Attestations, each with its attestor as a party holding the attestor role.
    let metadata = &doc["assessment-results"]["metadata"];
    assert_eq!(result["attestations"].as_array().unwrap().len(), attested);
    let attestors = metadata["responsible-parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role-id"] == "attestor")
        .unwrap();
    for a in result["attestations"].as_array().unwrap() {
        let by = &a["responsible-parties"][0];
        assert_eq!(by["role-id"], "attestor");
        assert!(
            attestors["party-uuids"]
                .as_array()
                .unwrap()
                .contains(&by["party-uuids"][0])
        );
    }
    // Every object's uuid is its own.
    fn uuids_of<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(u)) = m.get("uuid") {
                    out.push(u);
                }
                m.values().for_each(|x| uuids_of(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| uuids_of(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    uuids_of(&doc, &mut all);
    let distinct: std::collections::BTreeSet<&str> = all.iter().copied().collect();
    assert_eq!(distinct.len(), all.len(), "a uuid names two objects");
    // Namespaces are https URLs; the time of writing is SOURCE_DATE_EPOCH's.
    let text =
        String::from_utf8(std::fs::read(package.join("results.oscal.json")).unwrap()).unwrap();
    assert!(!text.contains("\"ns\": \"urn:"));
    assert_eq!(metadata["last-modified"], "2025-12-06T00:00:00Z");

    // The same results give the same document, byte for byte; a changed verdict a new one.
    let out2 = tempfile::tempdir().unwrap();
    let again = demo(out2.path());
    assert_eq!(
        std::fs::read(package.join("results.oscal.json")).unwrap(),
        std::fs::read(again.join("results.oscal.json")).unwrap()
    );
    let out3 = tempfile::tempdir().unwrap();
    let changed = demo_with(
        out3.path(),
        &["--set", "iam.user_unused_credentials.max_unused_days=1"],
    );
    let other: Value =
        serde_json::from_slice(&std::fs::read(changed.join("results.oscal.json")).unwrap())
            .unwrap();
    let ar = &doc["assessment-results"];
    assert_ne!(ar["uuid"], other["assessment-results"]["uuid"]);
    assert_ne!(
        ar["metadata"]["version"],
        other["assessment-results"]["metadata"]["version"]
    );
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}
