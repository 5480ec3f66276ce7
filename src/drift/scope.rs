//! Which data stores entered or left the PHI scope between two assessments, and whether the
//! scope's definition changed. A store that leaves the scope is judged by no data-plane check
//! any more, so `diff` names it and counts it as worse: an auditor asks why.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::results::Results;
use crate::verdict::FindingStatus;

/// `diff.json`'s `scope`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScopeDrift {
    /// The SHA-256 of each side's scope definition (`None`: no `scope:` block, every store in).
    pub old_sha256: Option<String>,
    pub new_sha256: Option<String>,
    /// Stores judged now that were outside the scope before.
    pub entered: Vec<StoreChange>,
    /// Stores outside the scope now that were judged before, with the reason they are out.
    pub left: Vec<StoreChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreChange {
    pub resource: String,
    /// What the store's listing check says of it now.
    pub now: String,
}

/// Where each data store stands in one assessment: `true` in the scope (judged, whatever
/// the verdict), `false` outside it, with the finding's message. Stores whose scope was
/// undecided (a gap) are left out: a gap is no change of scope.
fn membership(r: &Results) -> BTreeMap<&str, (bool, &str)> {
    let mut out = BTreeMap::new();
    for kind in &crate::render::view::STORE_KINDS {
        let listing = kind.columns[0].0;
        let Some(check) = r.checks.iter().find(|c| c.id == listing) else {
            continue;
        };
        for f in &check.findings {
            if !f.resource.contains(kind.arn_part) {
                continue;
            }
            let inside = match f.status {
                FindingStatus::NotApplicable if crate::phi_scope::is_outside_reason(&f.message) => {
                    false
                }
                // Nothing to judge for another reason (an instance its cluster stands for).
                FindingStatus::NotApplicable => continue,
                FindingStatus::Error if f.message.contains("decide whether it holds PHI") => {
                    continue;
                }
                _ => true,
            };
            out.insert(f.resource.as_str(), (inside, f.message.as_str()));
        }
    }
    out
}

fn sha(r: &Results) -> Option<String> {
    r.scope
        .as_ref()
        .and_then(|s| s.phi.as_ref())
        .and_then(|p| p.sha256.clone())
}

pub(super) fn compare(o: &Results, n: &Results) -> ScopeDrift {
    let (before, now) = (membership(o), membership(n));
    let mut drift = ScopeDrift {
        old_sha256: sha(o),
        new_sha256: sha(n),
        ..Default::default()
    };
    for (resource, (inside, message)) in &now {
        match before.get(resource) {
            Some((false, _)) if *inside => drift.entered.push(StoreChange {
                resource: resource.to_string(),
                now: "in the PHI scope, judged".into(),
            }),
            Some((true, _)) if !*inside => drift.left.push(StoreChange {
                resource: resource.to_string(),
                now: message.to_string(),
            }),
            _ => {}
        }
    }
    drift
}

impl ScopeDrift {
    pub fn definition_changed(&self) -> bool {
        self.old_sha256 != self.new_sha256
    }

    pub fn is_empty(&self) -> bool {
        !self.definition_changed() && self.entered.is_empty() && self.left.is_empty()
    }
}
