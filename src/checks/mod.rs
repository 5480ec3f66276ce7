//! Automated checks: each reads the snapshot and returns one finding per evaluated resource.
//!
//! One check per file, grouped by AWS service (`checks/<service>/<what_is_checked>.rs`), so the
//! code for `iam.root_mfa_enabled` is `src/checks/iam/root_mfa_enabled.rs`. Every check declares
//! its id, a one-line description, a docs anchor and its parameters with defaults.

pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod docs;
pub mod iam;
mod params;
pub mod reference_events;
mod validity;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::snapshot::Snapshot;
pub use params::{ParamDefault, ParamSpec, ParamValue, Params, parse_param_override};
pub use validity::Validity;

/// Outcome of one check on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Ordered so that sorting puts failures first in reports.
    Fail,
    Error,
    Pass,
    NotApplicable,
}

impl FindingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Pass => "pass",
            FindingStatus::Fail => "fail",
            FindingStatus::NotApplicable => "not_applicable",
            FindingStatus::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// An ARN, or a stable name such as `account/123456789012/password-policy`.
    pub resource: String,
    pub status: FindingStatus,
    pub message: String,
    /// JSON pointer into snapshot.json to the evidence the verdict rests on.
    pub evidence: String,
    /// The waiver that covers this failing finding, valid or expired (then ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Box<AppliedWaiver>>,
    /// A failure that is possible rather than proven: it rests on conditions the evidence
    /// cannot decide or on resources that may exist (an escalation path through an existing
    /// Lambda function, stack or instance).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub possible: bool,
}

/// A waiver as applied to one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedWaiver {
    pub justification: String,
    pub approved_by: String,
    pub expires: chrono::NaiveDate,
    /// `valid`: the finding no longer fails its control; `expired`: ignored.
    pub status: Validity,
}

impl Finding {
    /// A failing finding no valid waiver covers.
    pub fn fails(&self) -> bool {
        self.status == FindingStatus::Fail
            && !self
                .waiver
                .as_ref()
                .is_some_and(|w| w.status == Validity::Valid)
    }

    /// A failing finding a valid waiver covers.
    pub fn is_waived(&self) -> bool {
        self.status == FindingStatus::Fail && !self.fails()
    }
}

impl Finding {
    pub fn new(
        resource: impl Into<String>,
        status: FindingStatus,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) -> Self {
        Finding {
            resource: resource.into(),
            status,
            message: message.into(),
            evidence: evidence.into(),
            waiver: None,
            possible: false,
        }
    }
    pub fn pass(
        resource: impl Into<String>,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) -> Self {
        Self::new(resource, FindingStatus::Pass, message, evidence)
    }
    pub fn fail(
        resource: impl Into<String>,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) -> Self {
        Self::new(resource, FindingStatus::Fail, message, evidence)
    }
    pub fn not_applicable(
        resource: impl Into<String>,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) -> Self {
        Self::new(resource, FindingStatus::NotApplicable, message, evidence)
    }
}

/// What a check declares about itself.
#[derive(Debug)]
pub struct CheckInfo {
    pub id: &'static str,
    pub description: &'static str,
    /// Anchor in docs/checks.md.
    pub docs: &'static str,
    pub params: &'static [ParamSpec],
}

/// Everything a check may read.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub params: &'a Params,
    /// Time-based checks are evaluated as of the snapshot's collection time, not the wall
    /// clock, so re-assessing an old snapshot gives the same verdicts.
    pub as_of: DateTime<Utc>,
    /// The IAM evidence as the policy engine sees it, built once per assessment.
    pub access: &'a crate::access::AccessModel<'a>,
    /// `iam.credential_report.max_age_hours`: every check reading the credential report
    /// treats an older report as a gap.
    pub credential_report_max_age_hours: i64,
}

impl Context<'_> {
    /// An `error` finding for evidence that is not in the snapshot, quoting the recorded gap.
    pub fn missing(&self, resource: impl Into<String>, pointer: &str, what: &str) -> Finding {
        let gap =
            self.snapshot.gaps.iter().find(|g| {
                pointer == g.evidence || pointer.starts_with(&format!("{}/", g.evidence))
            });
        let message = match gap {
            Some(g) => format!(
                "{what} is missing from the evidence: {} — {}",
                g.source, g.reason
            ),
            None => format!("{what} is missing from the evidence"),
        };
        Finding::new(resource, FindingStatus::Error, message, pointer)
    }

    /// For checks that claim something of every region: the `error` finding that says the set
    /// of enabled regions is not in the evidence, so "every region" is not proven.
    pub fn region_scope_gap(&self) -> Option<Finding> {
        if self.snapshot.enabled_regions.is_some() {
            return None;
        }
        let mut f = self.missing(
            self.account_resource("regions"),
            "/enabled_regions",
            "the account's list of enabled regions",
        );
        f.message.push_str(&format!(
            "; regions beyond the {} assessed ({}) may exist unassessed",
            self.snapshot.regions.len(),
            self.snapshot.regions.join(", ")
        ));
        Some(f)
    }

    pub fn account_resource(&self, what: &str) -> String {
        format!("account/{}/{what}", self.snapshot.account.id)
    }

    pub fn days_since(&self, t: DateTime<Utc>) -> i64 {
        (self.as_of - t).num_days()
    }
}

pub trait Check: Sync {
    fn info(&self) -> &'static CheckInfo;
    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding>;
}

/// Every check, in id order.
pub fn registry() -> Vec<&'static dyn Check> {
    let mut all: Vec<&'static dyn Check> = Vec::new();
    all.extend(iam::checks());
    all.extend(cloudtrail::checks());
    all.extend(cloudwatch::checks());
    all.extend(config::checks());
    all.sort_by_key(|c| c.info().id);
    all
}

pub fn find(id: &str) -> Option<&'static dyn Check> {
    registry().into_iter().find(|c| c.info().id == id)
}

/// The effective parameters of every check: declared defaults overridden per run.
pub fn effective_params(
    overrides: &BTreeMap<String, BTreeMap<String, ParamValue>>,
) -> crate::error::Result<BTreeMap<String, Params>> {
    let mut out = BTreeMap::new();
    for check in registry() {
        let info = check.info();
        out.insert(
            info.id.to_string(),
            Params::resolve(info, overrides.get(info.id))?,
        );
    }
    for id in overrides.keys() {
        if !out.contains_key(id) {
            return Err(crate::error::Error::Usage(format!(
                "parameter given for unknown check {id:?}"
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_dotted_lower_snake_case() {
        let ids: Vec<&str> = registry().iter().map(|c| c.info().id).collect();
        let mut sorted = ids.clone();
        sorted.dedup();
        assert_eq!(ids, sorted, "duplicate check id");
        for id in ids {
            let (service, what) = id.split_once('.').expect("dotted id");
            for part in [service, what] {
                assert!(
                    !part.is_empty()
                        && part
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "{id}"
                );
            }
        }
    }

    #[test]
    fn every_check_declares_description_and_docs() {
        for c in registry() {
            let info = c.info();
            assert!(
                !info.description.is_empty() && !info.description.contains('\n'),
                "{}",
                info.id
            );
            assert_eq!(
                info.docs,
                format!("docs/checks.md#{}", docs::anchor(info.id)),
                "{}",
                info.id
            );
        }
    }
}
