//! What people contributed to the assessment, in OSCAL: the preparer, organization, attestors
//! and waiver approvers as parties with roles; each waiver as a risk; each attestation as an
//! attestation of the result and an observation by examination (its evidence files) or
//! interview (none).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Ids, NS, control_id};
use crate::inputs::attestations::EvidenceRef;
use crate::results::Results;
use crate::verdict::Validity;

/// The roles parties play: OSCAL role ids and their titles.
const ROLES: [(&str, &str); 5] = [
    ("preparer", "Prepared the evidence package"),
    (
        "assessor",
        "Performed the assessment: ran safeguard and reviewed its results",
    ),
    ("assessed-organization", "Organization assessed"),
    ("attestor", "Attested a manual part of a control"),
    ("waiver-approver", "Approved a waiver (an accepted risk)"),
];

/// The party uuid of a person or organization, by name.
fn party(ids: &Ids, name: &str) -> String {
    ids.id("party", name)
}

/// `metadata.roles`, `parties` and `responsible-parties`: every named person once, with every
/// role they hold.
pub(super) fn parties(results: &Results, ids: &Ids) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
    let mut named: Vec<(&str, &str, &str)> = Vec::new();
    // Whoever prepares the package ran the assessment: the preparer is its assessor too.
    if let Some(by) = &results.preparer.prepared_by {
        named.push(("preparer", by, "person"));
        named.push(("assessor", by, "person"));
    }
    if let Some(org) = &results.preparer.organization {
        named.push(("assessed-organization", org, "organization"));
    }
    for c in &results.controls {
        for a in &c.attestations {
            named.push(("attestor", &a.attested_by, "person"));
        }
    }
    for w in &results.waivers {
        named.push(("waiver-approver", &w.approved_by, "person"));
    }
    // name → (type, roles), in name order for a stable document; a name that is only white
    // space names nobody.
    let mut people: BTreeMap<&str, (&str, Vec<&str>)> = BTreeMap::new();
    for (role, who, kind) in named {
        if who.trim().is_empty() {
            continue;
        }
        let (_, roles) = people.entry(who).or_insert((kind, Vec::new()));
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    let parties = people
        .iter()
        .map(|(name, (kind, _))| json!({"uuid": party(ids, name), "type": kind, "name": name}))
        .collect();
    let mut by_role: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, (_, roles)) in &people {
        for r in roles {
            by_role.entry(r).or_default().push(party(ids, name));
        }
    }
    let roles = ROLES
        .iter()
        .filter(|(id, _)| by_role.contains_key(id))
        .map(|(id, title)| json!({"id": id, "title": title}))
        .collect();
    let responsible = ROLES
        .iter()
        .filter_map(|(id, _)| {
            by_role
                .get(id)
                .map(|uuids| json!({"role-id": id, "party-uuids": uuids}))
        })
        .collect();
    (roles, parties, responsible)
}

/// Every waiver as a risk: `deviation-approved` while valid, `open` once expired or before it
/// starts (it then covers nothing), with its approver, ticket, risk level and expiry, related to
/// the observation of its check.
pub(super) fn risks(results: &Results, ids: &Ids) -> Vec<Value> {
    results
        .waivers
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let status = if w.status == Validity::Valid {
                "deviation-approved"
            } else {
                "open"
            };
            let scope = if w.all_resources {
                "every resource".to_string()
            } else {
                w.resource.clone()
            };
            let mut statement = format!(
                "Approved by {}{}; expires {}; covers {} failing finding(s).",
                w.approved_by,
                w.approved_on
                    .map(|d| format!(" on {d}"))
                    .unwrap_or_default(),
                w.expires,
                w.findings
            );
            if let Some(c) = &w.compensating_control {
                statement.push_str(&format!(" Compensating control: {c}"));
            }
            let mut props = vec![
                json!({"name": "check", "ns": NS, "value": w.check}),
                json!({"name": "resource", "ns": NS, "value": scope}),
                json!({"name": "waiver-status", "ns": NS, "value": w.status.as_str()}),
                json!({"name": "approved-by", "ns": NS, "value": w.approved_by}),
                json!({"name": "expires", "ns": NS, "value": w.expires.to_string()}),
            ];
            if let Some(t) = &w.ticket {
                props.push(json!({"name": "ticket", "ns": NS, "value": t}));
            }
            if let Some(r) = &w.risk {
                props.push(json!({"name": "risk-level", "ns": NS, "value": r.as_str()}));
            }
            json!({
                // By position too: two waivers of one check and resource (one expired, its
                // renewal) are two risks.
                "uuid": ids.id("risk", &format!("{i}/{}/{}", w.check, w.resource)),
                "title": format!("Waiver of {} for {scope}", w.check),
                "description": w.justification,
                "statement": statement,
                "status": status,
                "props": props,
                "deadline": format!("{}T23:59:59Z", w.expires),
                "related-observations": [{"observation-uuid": ids.id("observation", &w.check)}],
            })
        })
        .collect()
}

/// The attestations of every control, each with its attestor as the responsible party.
pub(super) fn attestations(results: &Results, ids: &Ids) -> Vec<Value> {
    let mut out = Vec::new();
    for c in &results.controls {
        for (i, a) in c.attestations.iter().enumerate() {
            let mut prose = format!(
                "{} (attested by {} on {}, expires {}; {})",
                a.statement,
                a.attested_by,
                a.date,
                a.expires,
                match a.status {
                    Validity::Valid => "counted",
                    Validity::Expired => "expired: not counted",
                    Validity::NotYetValid => "dated after the evidence: not counted",
                    Validity::WithoutEvidence => "no evidence file in the package: not counted",
                }
            );
            if a.attested_by.trim().is_empty() {
                prose.push_str("; no attestor named");
            }
            let mut att = json!({
                "parts": [{
                    "uuid": ids.id("attestation", &format!("{}/{i}", c.id)),
                    "name": "attestation",
                    "ns": NS,
                    "title": format!("§{} {}", c.id, c.title),
                    "props": [
                        {"name": "control", "ns": NS, "value": control_id(&c.id)},
                        {"name": "attestation-status", "ns": NS, "value": a.status.as_str()},
                    ],
                    "prose": prose,
                }],
            });
            if !a.attested_by.trim().is_empty() {
                att["responsible-parties"] =
                    json!([{"role-id": "attestor", "party-uuids": [party(ids, &a.attested_by)]}]);
            }
            out.push(att);
        }
    }
    out
}

/// One observation per attestation: examined when it has evidence files in the package
/// (`EXAMINE`, each file its relevant evidence), otherwise an interview (`INTERVIEW`).
pub(super) fn observations(results: &Results, ids: &Ids, collected: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for c in &results.controls {
        for (i, a) in c.attestations.iter().enumerate() {
            let files: Vec<Value> = a
                .evidence
                .iter()
                .map(|e| match e {
                    EvidenceRef::File { path, sha256, .. } => json!({
                        "href": path,
                        "description": format!("attested evidence file in the package (SHA-256 {sha256})"),
                    }),
                    EvidenceRef::Url(url) => json!({
                        "href": url,
                        "description": "attested evidence by URL (not in the package)",
                    }),
                })
                .collect();
            let examined = a
                .evidence
                .iter()
                .any(|e| matches!(e, EvidenceRef::File { .. }));
            let mut o = json!({
                "uuid": ids.id("observation", &format!("attestation/{}/{i}", c.id)),
                "title": format!("Attestation of §{}", c.id),
                "description": a.statement,
                "props": [
                    {"name": "control", "ns": NS, "value": control_id(&c.id)},
                    {"name": "attestation-status", "ns": NS, "value": a.status.as_str()},
                    {"name": "attested-by", "ns": NS, "value": a.attested_by},
                    {"name": "attested-on", "ns": NS, "value": a.date.to_string()},
                ],
                "methods": [if examined { "EXAMINE" } else { "INTERVIEW" }],
                "collected": collected,
            });
            if !files.is_empty() {
                o["relevant-evidence"] = Value::Array(files);
            }
            out.push(o);
        }
    }
    out
}
