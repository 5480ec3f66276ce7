//! The verdict types every stage shares: a check's [`Finding`] on one resource and its
//! [`FindingStatus`], a control's [`ControlStatus`], the [`AppliedWaiver`] on a finding, the
//! [`Validity`] of a dated statement, and the one table of labels reports print for them.
//! The ground floor of the module graph: it depends on nothing else in the crate.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
    /// The account the finding is about, on every finding so that findings of many accounts
    /// can be merged (set by the assessment, not the check).
    #[serde(default)]
    pub account: String,
    /// The account's OU path in its organization (`Root/Production`), when the evidence has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou_path: Option<String>,
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
            account: String::new(),
            ou_path: None,
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

/// Per-control verdict, worst first: the order in which a control's findings, manual parts
/// and attestations resolve it (docs/results-schema.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Fail,
    InsufficientEvidence,
    Manual,
    /// Operated by AWS for this account (under the BAA), not yet confirmed by an attestation.
    Inherited,
    Pass,
    NotApplicable,
}

impl ControlStatus {
    pub const ALL: [ControlStatus; 6] = [
        ControlStatus::Fail,
        ControlStatus::InsufficientEvidence,
        ControlStatus::Manual,
        ControlStatus::Inherited,
        ControlStatus::Pass,
        ControlStatus::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Fail => "fail",
            ControlStatus::InsufficientEvidence => "insufficient_evidence",
            ControlStatus::Manual => "manual",
            ControlStatus::Inherited => "inherited",
            ControlStatus::Pass => "pass",
            ControlStatus::NotApplicable => "not_applicable",
        }
    }

    /// The status as a report shows it.
    pub fn label(self) -> &'static str {
        label(self.as_str()).expect("every control status has a label")
    }
}

/// Whether a dated statement holds on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    Expired,
    /// Dated after the evidence it would cover.
    NotYetValid,
}

impl Validity {
    pub fn on(from: Option<NaiveDate>, expires: NaiveDate, day: NaiveDate) -> Validity {
        if from.is_some_and(|f| f > day) {
            Validity::NotYetValid
        } else if expires < day {
            Validity::Expired
        } else {
            Validity::Valid
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Expired => "expired",
            Validity::NotYetValid => "not yet valid",
        }
    }
}

/// How a report names a status, control or finding, given its serialized form (`fail`,
/// `insufficient_evidence`, `error`, …); `None` for a string that is no status. The Markdown,
/// PDF and terminal writers all read this table.
pub fn label(status: &str) -> Option<&'static str> {
    Some(match status {
        "fail" => "Fail",
        "insufficient_evidence" => "Insufficient evidence",
        "manual" => "Manual",
        "inherited" => "Inherited",
        "pass" => "Pass",
        "not_applicable" => "Not applicable",
        "error" => "Error (evidence missing)",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_one_label() {
        for s in ControlStatus::ALL {
            assert!(label(s.as_str()).is_some(), "{s:?}");
        }
        for s in [
            FindingStatus::Fail,
            FindingStatus::Error,
            FindingStatus::Pass,
            FindingStatus::NotApplicable,
        ] {
            assert!(label(s.as_str()).is_some(), "{s:?}");
        }
        assert_eq!(label("nonsense"), None);
    }
}
