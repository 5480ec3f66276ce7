//! `results.oscal.json` is a valid OSCAL assessment-results document, `assessment-plan.oscal.json`
//! the plan it imports and `nist-sp800-66r2.oscal.json` the catalog the plan links: each checked
//! against NIST's official JSON schema (vendored, hashes pinned; see
//! tests/fixtures/oscal/PROVENANCE.md), deterministic, and in step with results.json.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support;

/// NIST's JSON schemas, as the newest commit of usnistgov/OSCAL that has them publishes them.
const SCHEMAS: [(&str, &str); 3] = [
    (
        "oscal_assessment-results_schema-1.0.6.json",
        "aba6545539577ff98bd36ae3fbd1f944bfbf5527e0c6dd1b4d4847113ce42095",
    ),
    (
        "oscal_assessment-plan_schema-1.0.6.json",
        "8ea3a720d90668fa5f64fcece2275da10e292533b7a615ed026b059dd8b579b3",
    ),
    (
        "oscal_catalog_schema-1.0.6.json",
        "86ac212e10a452ebbda10a8b9969f0fa2da34f75090473643264c1ac6467414f",
    ),
];

/// The validator of NIST's schema `name`, after checking the vendored file is NIST's.
fn validator(name: &str, sha256: &str) -> jsonschema::Validator {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(root.join("tests/fixtures/oscal").join(name)).unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        sha256,
        "the vendored {name} is not NIST's"
    );
    let schema: Value = serde_json::from_slice(&bytes).unwrap();
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the official schema compiles")
}

fn errors_of(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(20)
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

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
    let validator = validator(SCHEMAS[0].0, SCHEMAS[0].1);

    // As written for the demo, and past the detail limit (passing evidence counted in remarks).
    for extra in [&[][..], &["--detail-limit", "10"]] {
        let out = tempfile::tempdir().unwrap();
        let package = demo_with(out.path(), extra);
        let doc: Value =
            serde_json::from_slice(&std::fs::read(package.join("results.oscal.json")).unwrap())
                .unwrap();
        let errors = errors_of(&validator, &doc);
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

    // In step with results.json: one finding per control and NIST target with the control's
    // verdict, one observation per check.
    let results: Value =
        serde_json::from_slice(&std::fs::read(package.join("results.json")).unwrap()).unwrap();
    let controls = results["controls"].as_array().unwrap();
    let result = &doc["assessment-results"]["results"][0];
    let findings = result["findings"].as_array().unwrap();
    let per_control: Vec<&Value> = controls
        .iter()
        .flat_map(|c| std::iter::repeat_n(c, c["nist"].as_array().unwrap().len()))
        .collect();
    assert_eq!(findings.len(), per_control.len());
    assert!(
        findings.len() > controls.len(),
        "some citations have two targets"
    );
    // Satisfied only for a pass; otherwise the reason tells a failure from everything that is
    // not yet shown (manual, inherited, waived, undecided), whose status is a property.
    let mut reasons = std::collections::BTreeSet::new();
    for (f, c) in findings.iter().zip(per_control) {
        // The target is a statement of NIST's catalog; safeguard's citation a property.
        assert_eq!(f["target"]["type"], "statement-id");
        let target = f["target"]["target-id"].as_str().unwrap();
        assert!(
            c["nist"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == target || format!("statement_{}", t.as_str().unwrap()) == target),
            "{target} is not among {}'s targets",
            c["id"]
        );
        assert_eq!(f["props"][0]["name"], "citation");
        assert_eq!(f["props"][0]["value"], c["id"]);
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
        assert_eq!(f["props"][2]["value"], c["status"]);
        assert_eq!(f["props"][3]["name"], "basis");
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
    // Attestations, each with its attestor as a party holding the attestor role; the preparer
    // is the assessor.
    let metadata = &doc["assessment-results"]["metadata"];
    let role_of = |role: &str| {
        metadata["responsible-parties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["role-id"] == role)
            .map(|r| r["party-uuids"].clone())
    };
    assert!(role_of("assessor").is_some());
    assert_eq!(role_of("assessor"), role_of("preparer"));
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

/// The assessment results import the plan in the package, the plan links the catalog in the
/// package by its hash, and all three are valid against NIST's schemas; the controls reviewed
/// and every finding's target are NIST SP 800-66r2's.
#[test]
fn the_plan_and_the_catalog_resolve_inside_the_package() {
    let out = tempfile::tempdir().unwrap();
    let package = demo(out.path());
    let ar = read_json(&package.join("results.oscal.json"));
    let href = ar["assessment-results"]["import-ap"]["href"]
        .as_str()
        .unwrap();
    assert_eq!(href, "assessment-plan.oscal.json");
    let plan = read_json(&package.join(href));
    let ap_validator = validator(SCHEMAS[1].0, SCHEMAS[1].1);
    let errors = errors_of(&ap_validator, &plan);
    assert!(
        errors.is_empty(),
        "plan schema errors:\n{}",
        errors.join("\n")
    );
    let mut broken = plan.clone();
    broken["assessment-plan"]
        .as_object_mut()
        .unwrap()
        .remove("reviewed-controls");
    assert!(!ap_validator.is_valid(&broken));
    let ap = &plan["assessment-plan"];

    // The catalog: linked by the plan with its hash, in the package, NIST's schema holds.
    let resources = ap["back-matter"]["resources"].as_array().unwrap();
    let catalog = resources
        .iter()
        .find(|r| r["props"][0]["value"] == "catalog")
        .unwrap();
    let local = &catalog["rlinks"][0];
    let bytes = std::fs::read(package.join(local["href"].as_str().unwrap())).unwrap();
    assert_eq!(
        local["hashes"][0]["value"],
        hex::encode(Sha256::digest(&bytes))
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        bytes,
        std::fs::read(root.join("controls/nist/sp800-66r2.oscal.json")).unwrap()
    );
    assert!(
        catalog["rlinks"][1]["href"]
            .as_str()
            .unwrap()
            .starts_with("https://raw.githubusercontent.com/usnistgov/capordino/")
    );
    let nist: Value = serde_json::from_slice(&bytes).unwrap();
    let catalog_validator = validator(SCHEMAS[2].0, SCHEMAS[2].1);
    let errors = errors_of(&catalog_validator, &nist);
    assert!(
        errors.is_empty(),
        "catalog schema errors:\n{}",
        errors.join("\n")
    );
    let mut broken = nist.clone();
    broken["catalog"]["groups"][0]["controls"] = Value::String("none".into());
    assert!(!catalog_validator.is_valid(&broken));
    // The reference links of the plan resolve to its resources.
    let link = ap["reviewed-controls"]["links"][0]["href"]
        .as_str()
        .unwrap();
    assert_eq!(link, format!("#{}", catalog["uuid"].as_str().unwrap()));
    let ssp = ap["import-ssp"]["href"].as_str().unwrap();
    assert!(
        resources
            .iter()
            .any(|r| format!("#{}", r["uuid"].as_str().unwrap()) == ssp),
        "{ssp}"
    );

    // Every id the documents use is the catalog's: reviewed key activities, findings'
    // statements, activities' related controls.
    fn ids_of(v: &Value, out: &mut std::collections::BTreeMap<String, String>) {
        match v {
            Value::Object(m) => {
                if let (Some(Value::String(id)), Some(kind)) =
                    (m.get("id"), m.get("class").or(m.get("name")))
                {
                    out.insert(id.clone(), kind.as_str().unwrap_or_default().to_string());
                }
                m.values().for_each(|x| ids_of(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| ids_of(x, out)),
            _ => {}
        }
    }
    let mut ids = std::collections::BTreeMap::new();
    ids_of(&nist, &mut ids);
    let reviewed = |doc: &Value| -> Vec<String> {
        doc["reviewed-controls"]["control-selections"][0]["include-controls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["control-id"].as_str().unwrap().to_string())
            .collect()
    };
    let result = &ar["assessment-results"]["results"][0];
    let kas = reviewed(ap);
    assert_eq!(
        kas,
        reviewed(result),
        "the result reviews what the plan does"
    );
    assert_eq!(kas.len(), 104, "every key activity of NIST's catalog");
    for ka in &kas {
        assert_eq!(
            ids.get(ka).map(String::as_str),
            Some("key_activity"),
            "{ka}"
        );
    }
    for f in result["findings"].as_array().unwrap() {
        let t = f["target"]["target-id"].as_str().unwrap();
        assert!(
            matches!(
                ids.get(t).map(String::as_str),
                Some("statement" | "description")
            ),
            "{t}"
        );
    }
    // One activity per check, with the parameters it ran with and the key activities it serves.
    let results = read_json(&package.join("results.json"));
    let activities = ap["local-definitions"]["activities"].as_array().unwrap();
    assert_eq!(
        activities.len(),
        results["checks"].as_array().unwrap().len()
    );
    let policy = activities
        .iter()
        .find(|a| a["title"] == "iam.password_policy")
        .unwrap();
    assert!(
        policy["props"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "parameter" && p["class"] == "min_length"),
        "{policy}"
    );
    for a in activities {
        for c in a["related-controls"]["control-selections"][0]["include-controls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert!(kas.contains(&c["control-id"].as_str().unwrap().to_string()));
        }
    }

    // The manifest hashes both files, and the package verifies.
    let manifest = std::fs::read_to_string(package.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"assessment-plan.oscal.json\""));
    assert!(manifest.contains("\"nist-sp800-66r2.oscal.json\""));
    let verify = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .arg("verify")
        .arg(&package)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );

    // The same results, the same plan; --oscal-ssp names the SSP; a href with a space is
    // refused before anything is written.
    let out2 = tempfile::tempdir().unwrap();
    let again = demo_with(out2.path(), &["--oscal-ssp", "https://grc.example/ssp/42"]);
    let plan2 = read_json(&again.join("assessment-plan.oscal.json"));
    assert_eq!(
        plan2["assessment-plan"]["import-ssp"]["href"],
        "https://grc.example/ssp/42"
    );
    let out3 = tempfile::tempdir().unwrap();
    let third = demo(out3.path());
    assert_eq!(
        std::fs::read(package.join("assessment-plan.oscal.json")).unwrap(),
        std::fs::read(third.join("assessment-plan.oscal.json")).unwrap()
    );
    let out4 = tempfile::tempdir().unwrap();
    let refused = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args(["demo", "-q", "--oscal-ssp", "my ssp.json", "-o"])
        .arg(out4.path())
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("is not a URI reference"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(std::fs::read_dir(out4.path()).unwrap().count(), 0);
}

/// compliance-trestle's OSCAL 1.1.3 models load the results, the plan and the catalog, and
/// refuse each broken the way a GRC import would notice.
#[test]
fn compliance_trestle_loads_the_results_the_plan_and_the_catalog() {
    let bin = support::venv_with("trestle", support::TRESTLE_PACKAGES);
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/oscal/trestle_check.py");
    let trestle = |files: &[PathBuf]| {
        Command::new(bin.join("python"))
            .arg(&script)
            .args(files)
            .output()
            .unwrap()
    };
    let out = tempfile::tempdir().unwrap();
    let package = demo(out.path());
    let files: Vec<PathBuf> = [
        "results.oscal.json",
        "assessment-plan.oscal.json",
        "nist-sp800-66r2.oscal.json",
    ]
    .iter()
    .map(|f| package.join(f))
    .collect();
    let o = trestle(&files);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).matches(" ok").count(), 3);

    // Broken the ways trestle's models catch: a status outside OSCAL's, a `urn:` namespace,
    // a plan without the SSP it imports, a catalog control without its id.
    let broken = out.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    type Edit = (&'static str, fn(&mut Value));
    let edits: [Edit; 4] = [
        ("results.oscal.json", |d| {
            d["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] =
                "nearly".into()
        }),
        ("results.oscal.json", |d| {
            d["assessment-results"]["metadata"]["props"][0]["ns"] = "urn:safeguard".into()
        }),
        ("assessment-plan.oscal.json", |d| {
            d["assessment-plan"]
                .as_object_mut()
                .unwrap()
                .remove("import-ssp");
        }),
        ("nist-sp800-66r2.oscal.json", |d| {
            d["catalog"]["groups"][0]["groups"][0]["controls"][0]
                .as_object_mut()
                .unwrap()
                .remove("id");
        }),
    ];
    let mut files = Vec::new();
    for (i, (name, edit)) in edits.iter().enumerate() {
        let mut doc = read_json(&package.join(name));
        edit(&mut doc);
        let path = broken.join(format!("{i}-{name}"));
        std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
        files.push(path);
    }
    let o = trestle(&files);
    assert!(!o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout)
            .matches(" refused: ")
            .count(),
        4,
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}
