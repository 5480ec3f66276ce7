//! `assessment-plan.oscal.json`: the plan the assessment results import (`import-ap`).
//!
//! It holds what was assessed and how: the reviewed controls (NIST SP 800-66r2's key
//! activities), one activity per check (method `TEST`) with the parameters it ran with and the
//! key activities it serves, the account as the subject, and in back-matter the catalog, both
//! NIST's file and the extract in the package with its SHA-256. The system security plan it
//! imports is `--oscal-ssp HREF` when given; otherwise a back-matter resource that says there is
//! none (an evidence package assesses an account, not a documented system).

use serde_json::{Value, json};

use super::{Ids, NS};
use crate::catalog::nist;
use crate::checks::ParamValue;
use crate::results::Results;

/// The plan, written at `generated_at`, importing `ssp` when given.
pub fn render(results: &Results, generated_at: &str, ssp: Option<&str>) -> Vec<u8> {
    let ids = Ids::of(results);
    let mut metadata = super::metadata(
        results,
        &ids,
        generated_at,
        format!(
            "HIPAA Security Rule assessment plan — account {}",
            results.account.id
        ),
    );
    if let Some(props) = metadata["props"].as_array_mut() {
        props.push(json!({"name": "nist-catalog-sha256", "ns": NS, "value": nist::sha256()}));
    }
    let catalog_uuid = ids.id("resource", "nist-sp800-66r2");
    let mut resources = vec![json!({
        "uuid": catalog_uuid,
        "title": "NIST SP 800-66r2, Implementing the HIPAA Security Rule: A Cybersecurity Resource Guide (OSCAL catalog)",
        "description": "The catalog the reviewed controls are from: NIST's file, and the extract of its identifiers that this package holds (its SHA-256 here and in manifest.json).",
        "props": [{"name": "type", "value": "catalog"}],
        "rlinks": [
            {"href": nist::FILE_NAME, "media-type": "application/json", "hashes": [{"algorithm": "SHA-256", "value": nist::sha256()}]},
            {"href": nist::SOURCE_URL, "media-type": "application/xml"},
        ],
    })];
    let import_ssp = match ssp {
        Some(href) => json!({"href": href}),
        None => {
            let placeholder = ids.id("resource", "no-ssp");
            resources.push(json!({
                "uuid": placeholder,
                "title": "No system security plan",
                "description": "safeguard assesses an AWS account's configuration, not a documented system: no SSP is imported. Name one with --oscal-ssp HREF to link the plan to it.",
            }));
            json!({"href": format!("#{placeholder}"), "remarks": "A placeholder: see the back-matter resource it points at."})
        }
    };
    let mut plan = json!({
        "assessment-plan": {
            "uuid": ids.id("assessment-plan", &results.account.id),
            "metadata": metadata,
            "import-ssp": import_ssp,
            "local-definitions": {"activities": activities(results, &ids)},
            "reviewed-controls": {
                "description": "The key activities of NIST SP 800-66r2 that the catalog's citations map to: every standard and implementation specification of 45 CFR Part 164 Subpart C.",
                "links": [{"href": format!("#{catalog_uuid}"), "rel": "reference"}],
                "control-selections": [{"include-controls": super::reviewed_controls(results)}],
            },
            "assessment-subjects": [{
                "type": "component",
                "description": format!("The AWS account {} (partition {}), as its snapshot of {} shows it.", results.account.id, results.account.partition, results.snapshot.collected_at),
                "include-all": {},
            }],
            "back-matter": {"resources": resources},
        }
    });
    super::one_line_strings(&mut plan);
    let mut bytes = serde_json::to_vec_pretty(&plan).expect("OSCAL plan serializes");
    bytes.push(b'\n');
    bytes
}

/// One activity per check: what it tests, the parameters it ran with (a property each) and the
/// key activities of the controls it serves.
fn activities(results: &Results, ids: &Ids) -> Vec<Value> {
    results
        .checks
        .iter()
        .map(|c| {
            let mut props = vec![json!({"name": "check", "ns": NS, "value": c.id})];
            props.extend(c.parameters.iter().map(|(name, value)| {
                json!({"name": "parameter", "ns": NS, "class": name, "value": param_text(value)})
            }));
            let mut a = json!({
                "uuid": ids.id("activity", &c.id),
                "title": c.id,
                "description": c.description,
                "props": props,
                "steps": [{
                    "uuid": ids.id("activity-step", &c.id),
                    "title": "Evaluate the snapshot",
                    "description": "Evaluate the check on the account's snapshot with the parameters above; every finding points at the evidence it rests on.",
                }],
            });
            let kas: Vec<Value> = super::key_activities(
                results
                    .controls
                    .iter()
                    .filter(|k| c.controls.contains(&k.id)),
            );
            if !kas.is_empty() {
                a["related-controls"] = json!({"control-selections": [{"include-controls": kas}]});
            }
            a
        })
        .collect()
}

/// A parameter's value as one line: lists comma-separated.
fn param_text(v: &ParamValue) -> String {
    match v {
        ParamValue::Bool(b) => b.to_string(),
        ParamValue::Int(i) => i.to_string(),
        ParamValue::Str(s) => s.clone(),
        ParamValue::List(items) if items.is_empty() => "(none)".into(),
        ParamValue::List(items) => items.join(","),
    }
}
