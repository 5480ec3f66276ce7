//! `results.ocsf.json`: every finding as an OCSF **Compliance Finding** (class 2003, category
//! Findings) at OCSF 1.6.0 with the `cloud` profile, the version the new Security Hub reads, for
//! data lakes and SIEMs that load OCSF.
//!
//! One event per finding of every check, whatever `--detail` says (like results.csv). The file is
//! a JSON array with one event per line, so it loads as JSON and splits as lines. Every value
//! comes from results.json (the event time is the collection time), so the same results give the
//! same bytes. The enumerations below are OCSF 1.6.0's (schema.ocsf.io, `compliance_finding`,
//! `compliance`, `account`); `tests/ocsf.rs` validates the demo's file against the class schema
//! generated from that version.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::catalog::Role;
use crate::results::{CheckResult, Results};
use crate::verdict::{Finding, FindingStatus, Severity, Validity};

/// The OCSF version the events declare (`metadata.version`).
pub const OCSF_VERSION: &str = "1.6.0";

const CLASS_UID: u64 = 2003;
const CATEGORY_UID: u64 = 2;
/// `activity_id` 1, Create: each run reports the findings it made.
const ACTIVITY_CREATE: u64 = 1;
/// `account.type_id` 10: AWS Account.
const AWS_ACCOUNT: u64 = 10;

/// The standard every event is evaluated against (`compliance.standards`).
pub const STANDARD: &str = "HIPAA Security Rule (45 CFR Part 164, Subpart C)";

/// The requirement id of a citation, as Security Hub's HIPAA findings name them.
pub fn requirement(citation: &str) -> String {
    format!("HIPAA {citation}")
}

/// `compliance.status_id` and its caption: Pass 1, Warning 2, Fail 3, Unknown 0, Other 99.
/// A waived failure is a Warning, never a Pass; a gap is Unknown: the evidence cannot say.
fn compliance_status(f: &Finding) -> (u64, &'static str) {
    match f.status {
        FindingStatus::Pass => (1, "Pass"),
        FindingStatus::Fail if waived(f) => (2, "Warning"),
        FindingStatus::Fail | FindingStatus::Waived => (3, "Fail"),
        FindingStatus::Error => (0, "Unknown"),
        FindingStatus::NotApplicable => (99, "Other"),
    }
}

/// The finding's workflow `status_id`: New 1, or Suppressed 3 under a valid waiver.
fn finding_status(f: &Finding) -> (u64, &'static str) {
    if waived(f) {
        (3, "Suppressed")
    } else {
        (1, "New")
    }
}

fn waived(f: &Finding) -> bool {
    f.waiver
        .as_ref()
        .is_some_and(|w| w.status == Validity::Valid)
}

/// `severity_id`: a failure, waiver or gap carries its check's severity (High 4, Medium 3,
/// Low 2); a pass or a not-applicable finding is Informational 1.
fn severity(f: &Finding) -> (u64, &'static str) {
    match f.status {
        FindingStatus::Pass | FindingStatus::NotApplicable => (1, "Informational"),
        _ => match f.severity {
            Some(Severity::High) => (4, "High"),
            Some(Severity::Medium) => (3, "Medium"),
            Some(Severity::Low) => (2, "Low"),
            None => (0, "Unknown"),
        },
    }
}

/// Milliseconds since the epoch of an RFC 3339 time (OCSF's `timestamp_t`).
fn millis(rfc3339: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// The resource a finding is about: its ARN (or safeguard's stable name for an account
/// setting), with the service and type and the region an ARN names.
fn resource(uid: &str, partition: &str) -> Value {
    let mut r = Map::new();
    r.insert("uid".into(), json!(uid));
    let name = uid.rsplit(['/', ':']).next().unwrap_or(uid);
    r.insert("name".into(), json!(name));
    let parts: Vec<&str> = uid.splitn(6, ':').collect();
    if parts.len() == 6 && parts[0] == "arn" {
        let kind = parts[5]
            .split_once(['/', ':'])
            .map(|(t, _)| format!("{}:{t}", parts[2]))
            .unwrap_or_else(|| parts[2].to_string());
        r.insert("type".into(), json!(kind));
        r.insert("cloud_partition".into(), json!(parts[1]));
        if !parts[3].is_empty() {
            r.insert("region".into(), json!(parts[3]));
        }
    } else {
        r.insert("type".into(), json!("account setting"));
        r.insert("cloud_partition".into(), json!(partition));
    }
    Value::Object(r)
}

/// The citations each check maps to, with its role there, in catalog order.
fn citations(results: &Results) -> BTreeMap<&str, Vec<(&str, Role)>> {
    let mut out: BTreeMap<&str, Vec<(&str, Role)>> = BTreeMap::new();
    for control in &results.controls {
        for k in &control.checks {
            out.entry(k.id.as_str())
                .or_default()
                .push((control.id.as_str(), k.role));
        }
    }
    out
}

/// The `cloud` object every event shares: AWS, the account, and its organization when known.
fn cloud(results: &Results) -> Value {
    let a = &results.account;
    let mut account = json!({"uid": a.id, "type": "AWS Account", "type_id": AWS_ACCOUNT});
    let mut c = json!({"provider": "AWS", "cloud_partition": a.partition});
    if let Some(o) = &a.organization {
        if let Some(name) = &o.account_name {
            account["name"] = json!(name);
        }
        let mut org = json!({"uid": o.id});
        if let Some(path) = &o.ou_path {
            org["ou_name"] = json!(path);
        }
        c["org"] = org;
    }
    c["account"] = account;
    c
}

/// One Compliance Finding event.
fn event(
    results: &Results,
    check: &CheckResult,
    f: &Finding,
    maps: &[(&str, Role)],
    shared: &Shared,
) -> Value {
    let (compliance_id, compliance_caption) = compliance_status(f);
    let (status_id, status) = finding_status(f);
    let (severity_id, severity) = severity(f);
    let mut compliance = json!({
        "control": check.id,
        "desc": check.description,
        "standards": [STANDARD],
        "requirements": maps.iter().map(|(c, _)| requirement(c)).collect::<Vec<_>>(),
        "status_id": compliance_id,
        "status": compliance_caption,
        "status_code": f.status.as_str(),
        "status_detail": f.message,
    });
    if !check.parameters.is_empty() {
        compliance["control_parameters"] = check
            .parameters
            .iter()
            .map(|(name, value)| json!({"name": name, "value": param_text(value)}))
            .collect();
    }
    let mut info = json!({
        "uid": f.id,
        "title": check.description,
        "desc": f.message,
        "types": ["Compliance", STANDARD],
    });
    if let Some(t) = f.first_seen.as_deref().and_then(millis) {
        info["first_seen_time"] = json!(t);
    }
    let mut e = json!({
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "time": shared.time,
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "message": f.message,
        "metadata": shared.metadata,
        "cloud": shared.cloud,
        "compliance": compliance,
        "finding_info": info,
        "resources": [resource(&f.resource, &results.account.partition)],
        "unmapped": {"safeguard": unmapped(f, maps)},
    });
    if let Some(w) = f.waiver.as_deref() {
        e["status_detail"] = json!(format!(
            "waiver ({}): {} Approved by {}, expires {}.",
            w.status.as_str(),
            w.justification,
            w.approved_by,
            w.expires
        ));
    }
    if !check.remediation.is_empty() && f.status != FindingStatus::Pass {
        e["remediation"] = json!({"desc": check.remediation});
    }
    e
}

/// What OCSF has no field for: where the evidence is, each citation's role, the waiver as
/// recorded, the gap's kind, and whether a failure is possible rather than proven.
fn unmapped(f: &Finding, maps: &[(&str, Role)]) -> Value {
    let mut u = json!({
        "evidence": format!("snapshot.json#{}", f.evidence),
        "citations": maps.iter().map(|(c, role)| json!({
            "citation": c,
            "role": match role { Role::Primary => "primary", Role::Supporting => "supporting" },
        })).collect::<Vec<_>>(),
    });
    if let Some(w) = f.waiver.as_deref() {
        u["waiver"] = json!({
            "status": w.status.as_str(),
            "justification": w.justification,
            "approved_by": w.approved_by,
            "expires": w.expires.to_string(),
        });
    }
    if let Some(g) = f.gap {
        u["gap"] = json!(g.as_str());
    }
    if f.possible {
        u["possible"] = json!(true);
    }
    if let Some(k) = &f.key {
        u["key"] = json!(k);
    }
    if let Some(c) = f.change {
        u["change"] = json!(c.as_str());
    }
    u
}

fn param_text(v: &crate::checks::ParamValue) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// What every event of one run shares.
struct Shared {
    time: i64,
    metadata: Value,
    cloud: Value,
}

/// The events of every finding, in results.json's order (checks by id, findings failing first).
pub fn events(results: &Results) -> Vec<Value> {
    let mut shared = Shared {
        time: millis(&results.snapshot.collected_at).unwrap_or(0),
        metadata: json!({
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "product": {
                "name": results.tool.name,
                "vendor_name": results.tool.name,
                "version": results.tool.version,
            },
        }),
        cloud: cloud(results),
    };
    if results.example {
        // The demo's events say they are example data, as its other outputs do.
        shared.metadata["labels"] = json!(["example-data"]);
    }
    let maps = citations(results);
    let mut out = Vec::new();
    for check in &results.checks {
        let m = maps
            .get(check.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for f in &check.findings {
            out.push(event(results, check, f, m, &shared));
        }
    }
    out
}

/// The file: a JSON array, one event per line.
pub fn render(results: &Results) -> Vec<u8> {
    let events = events(results);
    let mut out = Vec::with_capacity(events.len() * 1024 + 4);
    out.extend_from_slice(b"[");
    for (i, e) in events.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        out.extend(serde_json::to_vec(e).expect("an OCSF event serializes"));
    }
    out.extend_from_slice(b"\n]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arn_names_its_service_type_and_region_a_setting_its_account() {
        let r = resource("arn:aws:iam::123456789012:role/app/admin", "aws");
        assert_eq!(r["type"], "iam:role");
        assert_eq!(r["name"], "admin");
        assert!(r.get("region").is_none());
        let r = resource("arn:aws:rds:eu-west-1:123456789012:db:clinic", "aws");
        assert_eq!(
            (r["type"].as_str(), r["region"].as_str()),
            (Some("rds:db"), Some("eu-west-1"))
        );
        let r = resource("arn:aws:s3:::clinic-phi", "aws");
        assert_eq!(
            (r["type"].as_str(), r["name"].as_str()),
            (Some("s3"), Some("clinic-phi"))
        );
        let r = resource("account/123456789012/password-policy", "aws-us-gov");
        assert_eq!(r["type"], "account setting");
        assert_eq!(r["cloud_partition"], "aws-us-gov");
    }

    #[test]
    fn millis_are_ocsf_timestamps() {
        assert_eq!(millis("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(millis("not a time"), None);
    }
}
