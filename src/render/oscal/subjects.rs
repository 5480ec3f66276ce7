//! What each check examined, in OSCAL: every resource a finding is about is an inventory item of
//! the result (its ARN as `asset-id`), and each check's observation names its resources as
//! subjects, each with the finding's status, so a GRC tool sees which resource failed. The tool
//! itself is a component of the result and the actor of every check's observation.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{Ids, NS};
use crate::render::view::Detail;
use crate::results::{CheckResult, Results};

/// The tool as the origin of an observation: an actor of type `tool`, the result's component.
pub(super) fn origin(ids: &Ids) -> Value {
    json!({"actors": [{"type": "tool", "actor-uuid": ids.id("component", "safeguard")}]})
}

/// The resources the shown findings are about (the reports' detail applies, as for the
/// relevant evidence), once each, in order.
fn resources(results: &Results, detail: Detail) -> BTreeSet<&str> {
    results
        .checks
        .iter()
        .flat_map(|c| c.findings.iter())
        .filter(|f| detail.shows(f))
        .map(|f| f.resource.as_str())
        .collect()
}

/// One inventory item per resource examined.
pub(super) fn inventory(results: &Results, ids: &Ids, detail: Detail) -> Vec<Value> {
    resources(results, detail)
        .into_iter()
        .map(|r| {
            json!({
                "uuid": ids.id("inventory-item", r),
                "description": format!("AWS resource {r} (account {})", results.account.id),
                "props": [{"name": "asset-id", "value": r}],
            })
        })
        .collect()
}

/// The result's local definitions: the tool as a software component, and the inventory.
pub(super) fn local_definitions(results: &Results, ids: &Ids, inventory: Vec<Value>) -> Value {
    let mut d = json!({
        "components": [{
            "uuid": ids.id("component", "safeguard"),
            "type": "software",
            "title": format!("{} {}", results.tool.name, results.tool.version),
            "description": "The tool that collected or imported the evidence and ran every check.",
            "status": {"state": "operational"},
        }],
    });
    if !inventory.is_empty() {
        d["inventory-items"] = Value::Array(inventory);
    }
    d
}

/// A check's subjects: each resource its shown findings are about, with the finding's status
/// (`fail` first, as the findings are ordered) as a property.
pub(super) fn of_check(check: &CheckResult, ids: &Ids, detail: Detail) -> Vec<Value> {
    let mut seen = BTreeSet::new();
    check
        .findings
        .iter()
        .filter(|f| detail.shows(f))
        .filter(|f| seen.insert(f.resource.as_str()))
        .map(|f| {
            json!({
                "subject-uuid": ids.id("inventory-item", &f.resource),
                "type": "inventory-item",
                "title": f.resource,
                "props": [{"name": "finding-status", "ns": NS, "value": f.status.as_str()}],
            })
        })
        .collect()
}
