//! `results.oscal.json`: the results as an OSCAL assessment-results document, for GRC tools
//! that read OSCAL.
//!
//! One `result` reviews every control of the catalog; one `observation` per check (method
//! `TEST`, collected at the evidence's collection time, its relevant evidence pointing into
//! `snapshot.json`) and one per attestation (method `EXAMINE` with its evidence files,
//! `INTERVIEW` without); one `finding` per control and NIST target (the statement of a key
//! activity for a standard, the statement part of an implementation specification), `satisfied`
//! only when the control passes and otherwise `not-satisfied` with a reason (`fail`, or `other`
//! for a manual, inherited, waived or undecided control, whose status and basis are properties);
//! waivers are `risks` (`deviation-approved` while valid) and attestations the result's
//! `attestations`, each with its responsible party.
//!
//! Identity: every UUID is a version-5 UUID of the SHA-256 of results.json's content and the
//! object's name, and `version` carries that hash, so a changed verdict, waiver or attestation
//! gives a new document and the same results the same one; `last-modified` is the time of
//! writing (`SOURCE_DATE_EPOCH` when set, as every generation time).
//!
//! Control ids are NIST SP 800-66r2's (the catalog's `nist:`): `reviewed-controls` selects key
//! activities (`KA_164.308.a.1.2`) and a finding targets a statement id (`D_164.308.a.1.2.1`,
//! `statement_KA_164.310.b.1`); the plan (`assessment-plan.oscal.json`, which `import-ap`
//! names) links the catalog. safeguard's own ids stay as properties: the citation, and its
//! token, `hipaa-` then the section and each parenthesised part joined by `-`, lower case
//! (§164.308(a)(1)(ii)(A) is `hipaa-164.308-a-1-ii-a`), which is also the control id of a
//! citation a user's catalog maps to nothing in NIST's.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::results::{ControlStatus, Results};

mod attested;
pub mod plan;
mod subjects;

/// The OSCAL version the documents are written against (NIST's SP 800-66r2 catalog is 1.1.3);
/// the tests also hold them to the newest JSON schema NIST's repository commits (1.0.6).
pub(crate) const OSCAL_VERSION: &str = "1.1.3";

/// The plan's name in a package: the assessment results' `import-ap`.
pub const PLAN_FILE_NAME: &str = "assessment-plan.oscal.json";

/// The namespace of safeguard's own properties: an https URL, as OSCAL 1.1's models require
/// of a `ns` (`urn:` ones are refused), under the reserved `.invalid` domain because safeguard
/// has no domain of its own (the same convention as its signature predicate type).
pub const NS: &str = "https://safeguard.invalid/ns/oscal";

/// The OSCAL control id of a citation: `164.312(a)(2)(iv)` → `hipaa-164.312-a-2-iv`.
pub(crate) fn control_id(citation: &str) -> String {
    let mut out = String::from("hipaa-");
    for ch in citation.chars() {
        match ch {
            '(' => out.push('-'),
            ')' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Deterministic UUIDs (v5) from the SHA-256 of the results' content: the same results give
/// the same document, and any change to a verdict, finding, waiver, attestation or parameter a
/// new one.
struct Ids(String);

/// Feeds serialized bytes straight into the hash, so a large account's results are hashed
/// without being held as text a second time.
struct HashWriter(sha2::Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        sha2::Digest::update(&mut self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Ids {
    fn of(results: &Results) -> Ids {
        let mut w = HashWriter(<sha2::Sha256 as sha2::Digest>::new());
        serde_json::to_writer(&mut w, results).expect("results serialize");
        Ids(hex::encode(sha2::Digest::finalize(w.0)))
    }

    fn id(&self, kind: &str, name: &str) -> String {
        Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            format!("{NS}/{}/{kind}/{name}", self.0).as_bytes(),
        )
        .to_string()
    }

    /// The first 12 hex digits of the results' hash, for `version`.
    fn short(&self) -> &str {
        &self.0[..12]
    }
}

/// The document, written at `generated_at` (RFC 3339; the cover's time).
pub fn render(results: &Results, detail: super::view::Detail, generated_at: &str) -> Vec<u8> {
    let ids = Ids::of(results);
    let at = &results.snapshot.collected_at;
    // The account (and its OU path) on every observation and finding too, so either can be
    // merged with other accounts' without losing where it came from.
    let mut account_props = vec![json!({"name": "account", "ns": NS, "value": results.account.id})];
    if let Some(ou) = results
        .account
        .organization
        .as_ref()
        .and_then(|o| o.ou_path.as_deref())
    {
        account_props.push(json!({"name": "ou-path", "ns": NS, "value": ou}));
    }
    // One observation per check, in id order, then one per attestation.
    let mut observations: Vec<Value> = super::view::checks(results)
        .iter()
        .map(|v| observation(v, &ids, at, &account_props, detail))
        .collect();
    let inventory = subjects::inventory(results, &ids, detail);
    observations.extend(attested::observations(results, &ids, at));
    let findings: Vec<Value> = results
        .controls
        .iter()
        .flat_map(|c| targets(c).into_iter().map(move |t| (c, t)))
        .map(|(c, t)| finding(c, t, &ids, &account_props))
        .collect();

    let mut result = json!({
        "uuid": ids.id("result", "assessment"),
        "title": format!("Assessment of account {} as of {at}", results.account.id),
        "description": "Automated checks of the account's identity and audit configuration, and of its S3 buckets within the PHI scope, against every standard and implementation specification of 45 CFR Part 164 Subpart C; manual parts and inherited controls are not satisfied until attested.",
        "start": results.period.as_ref().and_then(|p| p.events_from.clone()).unwrap_or_else(|| at.clone()),
        "end": at,
        "reviewed-controls": {
            "control-selections": [{"include-controls": reviewed_controls(results)}],
        },
        "findings": findings,
    });
    if !observations.is_empty() {
        result["observations"] = Value::Array(observations);
    }
    result["local-definitions"] = subjects::local_definitions(results, &ids, inventory);
    let risks = attested::risks(results, &ids);
    if !risks.is_empty() {
        result["risks"] = Value::Array(risks);
    }
    let attestations = attested::attestations(results, &ids);
    if !attestations.is_empty() {
        result["attestations"] = Value::Array(attestations);
    }
    let mut doc = json!({
        "assessment-results": {
            "uuid": ids.id("assessment-results", &results.account.id),
            "metadata": metadata(
                results,
                &ids,
                generated_at,
                format!("HIPAA Security Rule evidence — account {}", results.account.id),
            ),
            "import-ap": {"href": PLAN_FILE_NAME},
            "results": [result],
        }
    });
    one_line_strings(&mut doc);
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("OSCAL document serializes");
    bytes.push(b'\n');
    bytes
}

/// The controls a result or plan reviews: the key activities of every control's NIST targets,
/// each once, in catalog order.
pub(crate) fn reviewed_controls(results: &Results) -> Vec<Value> {
    key_activities(results.controls.iter())
}

/// The key activities of `controls`' NIST targets as OSCAL control selections, each once, in
/// order; a control with none is selected by its own token.
pub(crate) fn key_activities<'a>(
    controls: impl Iterator<Item = &'a crate::results::ControlResult>,
) -> Vec<Value> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for c in controls {
        for t in targets(c) {
            let id = match t {
                Some(t) => crate::catalog::nist::key_activity_of(t)
                    .unwrap_or(t)
                    .to_string(),
                None => control_id(&c.id),
            };
            if seen.insert(id.clone()) {
                out.push(json!({"control-id": id}));
            }
        }
    }
    out
}

/// What a control's findings target: each NIST id, or (none mapped) the control itself.
fn targets(c: &crate::results::ControlResult) -> Vec<Option<&str>> {
    if c.nist.is_empty() {
        vec![None]
    } else {
        c.nist.iter().map(|t| Some(t.as_str())).collect()
    }
}

/// The document's metadata, titled `title` (and marked when the data is the example): hashes, the people and organization with their roles, the
/// previous package compared with, and the example marking.
fn metadata(results: &Results, ids: &Ids, generated_at: &str, title: String) -> Value {
    let (roles, parties, responsible) = attested::parties(results, ids);
    let mut metadata = json!({
        "title": title,
        "last-modified": generated_at,
        "version": format!("{}+{}", results.tool.version, ids.short()),
        "oscal-version": OSCAL_VERSION,
        "props": [
            {"name": "account", "ns": NS, "value": results.account.id},
            {"name": "snapshot-sha256", "ns": NS, "value": results.snapshot.sha256},
            {"name": "catalog-sha256", "ns": NS, "value": results.catalog.sha256},
        ],
    });
    // The PHI scope the data stores were judged in, by its hash.
    if let Some(phi) = results.scope.as_ref().and_then(|s| s.phi.as_ref())
        && let Some(props) = metadata["props"].as_array_mut()
    {
        props.push(json!({"name": "phi-scope", "ns": NS, "value": if phi.defined { "defined" } else { "every-data-store" }}));
        if let Some(sha) = &phi.sha256 {
            props.push(json!({"name": "phi-scope-sha256", "ns": NS, "value": sha}));
        }
    }
    // Example data says so where a GRC tool shows the document.
    if results.example {
        metadata["title"] = Value::String(format!(
            "{} — {}",
            crate::render::EXAMPLE_MARK,
            metadata["title"].as_str().unwrap_or_default()
        ));
        if let Some(props) = metadata["props"].as_array_mut() {
            props.push(json!({"name": "example", "ns": NS, "value": "true"}));
        }
        metadata["remarks"] = Value::String(format!(
            "{}: written by safeguard demo from the bundled example account.",
            crate::render::EXAMPLE_MARK
        ));
    }
    if !parties.is_empty() {
        metadata["roles"] = Value::Array(roles);
        metadata["parties"] = Value::Array(parties);
        metadata["responsible-parties"] = Value::Array(responsible);
    }
    // The previous package this one was compared with (`--previous`/`--history`).
    if let Some(c) = &results.changes
        && let Some(props) = metadata["props"].as_array_mut()
    {
        props.push(json!({"name": "previous-collected-at", "ns": NS, "value": c.since}));
        if let Some(sha) = &c.previous_manifest_sha256 {
            props.push(json!({"name": "previous-manifest-sha256", "ns": NS, "value": sha}));
        }
    }
    metadata
}

/// One check as an observation, with the evidence its findings point at.
fn observation(
    v: &super::view::CheckView<'_>,
    ids: &Ids,
    at: &str,
    account_props: &[Value],
    detail: super::view::Detail,
) -> Value {
    let check = v.check;
    // Past the reports' detail limit, the evidence of passing findings is counted here
    // and listed in results.json, as the reports do.
    let mut evidence: Vec<&str> = check
        .findings
        .iter()
        .filter(|f| detail.shows(f))
        .map(|f| f.evidence.as_str())
        .collect();
    let counted = check.findings.iter().filter(|f| !detail.shows(f)).count();
    evidence.sort_unstable();
    evidence.dedup();
    let relevant: Vec<Value> = evidence
        .iter()
        .map(|p| {
            json!({
                "href": format!("snapshot.json#{}", percent_fragment(p)),
                "description": format!("evidence of {} (a JSON pointer into snapshot.json)", check.id),
            })
        })
        .collect();
    let mut o = json!({
        "uuid": ids.id("observation", &check.id),
        "title": check.id,
        "description": format!("{}. Findings: {}.", check.description, v.counts_text),
        "props": [
            {"name": "check", "ns": NS, "value": check.id},
            {"name": "status", "ns": NS, "value": check.status.as_str()},
            {"name": "severity", "ns": NS, "value": check.severity.map_or("", |s| s.as_str())},
        ],
        "methods": ["TEST"],
        "origins": [subjects::origin(ids)],
        "collected": at,
    });
    let subjects = subjects::of_check(check, ids, detail);
    if !subjects.is_empty() {
        o["subjects"] = Value::Array(subjects);
    }
    if let Some(props) = o["props"].as_array_mut() {
        props.extend(account_props.iter().cloned());
    }
    if !relevant.is_empty() {
        o["relevant-evidence"] = Value::Array(relevant);
    }
    if counted > 0 {
        o["remarks"] = format!(
            "The evidence of {counted} passing or not-applicable finding(s) is not listed ({}); results.json lists it.",
            detail.why_counted().replace('`', "")
        )
        .into();
    }
    o
}

/// One control as a finding about one of its NIST targets: satisfied only when it passes;
/// otherwise not satisfied, with the reason `fail` for a failure and `other` for every status
/// that is neither (manual, inherited, waived, insufficient evidence, not applicable), so a
/// dashboard tells "failed" from "not yet shown" by the reason and the `status` and `basis`
/// properties.
fn finding(
    c: &crate::results::ControlResult,
    target: Option<&str>,
    ids: &Ids,
    account_props: &[Value],
) -> Value {
    let (state, reason) = match c.status {
        ControlStatus::Pass => ("satisfied", "pass"),
        ControlStatus::Fail => ("not-satisfied", "fail"),
        _ => ("not-satisfied", "other"),
    };
    let (uuid, target_id, ty) = match target {
        Some(t) => (
            ids.id("finding", &format!("{}/{t}", c.id)),
            crate::catalog::nist::statement_id(t),
            "statement-id",
        ),
        None => (ids.id("finding", &c.id), control_id(&c.id), "objective-id"),
    };
    let mut f = json!({
        "uuid": uuid,
        "title": format!("§{} {}", c.id, c.title),
        "description": c.status_reason,
        "props": [
            {"name": "citation", "ns": NS, "value": c.id},
            {"name": "control-id", "ns": NS, "value": control_id(&c.id)},
            {"name": "status", "ns": NS, "value": c.status.as_str()},
            {"name": "basis", "ns": NS, "value": c.basis.as_str()},
            {"name": "requirement", "ns": NS, "value": c.requirement.as_str()},
        ],
        "target": {
            "type": ty,
            "target-id": target_id,
            "status": {"state": state, "reason": reason},
        },
    });
    // Each check's role for this control: `primary` or `supporting`, valued by the check.
    if let Some(props) = f["props"].as_array_mut() {
        props.extend(account_props.iter().cloned());
        for m in &c.checks {
            props.push(json!({"name": m.role.as_str(), "ns": NS, "value": m.id}));
        }
    }
    // Its checks' observations, then its attestations'.
    let related: Vec<Value> = c
        .checks
        .iter()
        .map(|k| ids.id("observation", &k.id))
        .chain(
            (0..c.attestations.len())
                .map(|i| ids.id("observation", &format!("attestation/{}/{i}", c.id))),
        )
        .map(|uuid| json!({"observation-uuid": uuid}))
        .collect();
    if !related.is_empty() {
        f["related-observations"] = Value::Array(related);
    }
    f
}

/// A JSON pointer as a URI fragment: characters outside RFC 3986's fragment set escaped.
fn percent_fragment(pointer: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(pointer, KEEP).to_string()
}

/// OSCAL's one-line strings (a prop's `value`, a `title`, a party's `name`) must not start or
/// end with white space nor hold a line break (`^\S(.*\S)?$`). Values from the evidence and
/// the inputs may (AWS allows an OU name ending in spaces or holding a line break): every one is
/// folded to one line here, where it enters OSCAL, and a prop left empty is dropped.
fn one_line_strings(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            for key in ["value", "title", "name"] {
                if let Some(Value::String(s)) = map.get_mut(key) {
                    let folded = crate::text::one_line(s);
                    *s = if folded.is_empty() {
                        "(none)".into()
                    } else {
                        folded
                    };
                }
            }
            if let Some(Value::Array(props)) = map.get_mut("props") {
                props.retain(|p| {
                    p.get("value")
                        .and_then(Value::as_str)
                        .is_none_or(|s| !crate::text::one_line(s).is_empty())
                });
            }
            map.values_mut().for_each(one_line_strings);
        }
        Value::Array(items) => items.iter_mut().for_each(one_line_strings),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_become_tokens() {
        assert_eq!(control_id("164.308(a)(1)(ii)(A)"), "hipaa-164.308-a-1-ii-a");
        assert_eq!(control_id("164.312(b)"), "hipaa-164.312-b");
        assert_eq!(percent_fragment("/a b/c~1d"), "/a%20b/c~1d");
    }
}
