//! `results.json`, schema `safeguard.results.v1` (docs/results-schema.md). Field names are a public
//! interface: add fields freely, never rename or remove one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{Requirement, Safeguard};
use crate::checks::ParamValue;
pub use crate::inputs::config::Preparer;
use crate::inputs::{EvidenceRef, Validity};
use crate::snapshot::Gap;
pub use crate::verdict::ControlStatus;
use crate::verdict::{Finding, FindingStatus};

pub const SCHEMA: &str = "safeguard.results.v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub schema: String,
    pub tool: Tool,
    pub account: AccountRef,
    pub snapshot: SnapshotRef,
    pub catalog: CatalogRef,
    /// One count per control status (all five keys always present).
    pub summary: BTreeMap<ControlStatus, usize>,
    pub controls: Vec<ControlResult>,
    /// Evidence the snapshot lacks, copied from it so the report can list it.
    pub gaps: Vec<Gap>,
    /// Every waiver handed in, with whether it held and how many findings it covered.
    #[serde(default)]
    pub waivers: Vec<WaiverResult>,
    /// The time the evidence covers.
    #[serde(default)]
    pub period: Option<Period>,
    /// What was assessed, and what was not.
    #[serde(default)]
    pub scope: Option<Scope>,
    /// Who prepared the package, as `--prepared-by` and `--organization` (or `--config`) say.
    #[serde(default)]
    pub preparer: Preparer,
}

/// The time the evidence covers: configuration as of `collected_at`; activity (CloudTrail
/// event history) from `events_from` to `collected_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub collected_at: String,
    /// The start of the event-history window, when the evidence records it.
    pub events_from: Option<String>,
    pub events_to: String,
}

/// The scope statement of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    /// The sections of 45 CFR Part 164 Subpart C the catalog covers (`164.308`, ...).
    pub sections: Vec<String>,
    /// Regions with CloudTrail or AWS Config evidence.
    pub regions_evidenced: Vec<String>,
    /// Regions assessed without any of that evidence (each is a gap).
    pub regions_not_evidenced: Vec<String>,
    /// Whether the account's enabled regions are in the evidence, so the list is complete.
    pub regions_complete: bool,
    /// The AWS services whose configuration is evidence.
    pub services: Vec<String>,
    /// What this assessment does not cover.
    pub exclusions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaiverResult {
    pub check: String,
    pub resource: String,
    pub justification: String,
    pub approved_by: String,
    pub expires: chrono::NaiveDate,
    pub status: Validity,
    /// Failing findings it covers (ignored ones included when expired).
    pub findings: usize,
}

/// An attestation of a control's manual part, as the assessment judged it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttestationResult {
    pub statement: String,
    pub attested_by: String,
    pub date: chrono::NaiveDate,
    pub expires: chrono::NaiveDate,
    pub status: Validity,
    pub evidence: Vec<EvidenceRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRef {
    pub id: String,
    pub partition: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotRef {
    pub sha256: String,
    /// RFC 3339, UTC: the instant the verdicts are "as of".
    pub collected_at: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogRef {
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlResult {
    /// The citation, e.g. `164.312(b)`.
    pub id: String,
    pub title: String,
    pub safeguard: Safeguard,
    pub requirement: Requirement,
    pub summary: String,
    pub status: ControlStatus,
    /// One sentence on why the status is what it is.
    pub status_reason: String,
    /// What a person must attest, when the control has a manual part.
    pub manual: Option<String>,
    /// Why the control is not applicable, when it is inherited.
    pub not_applicable: Option<String>,
    /// Why AWS operates the control for this account, when it is inherited.
    #[serde(default)]
    pub inherited: Option<String>,
    /// Attestations handed in for this control, valid or not.
    #[serde(default)]
    pub attestations: Vec<AttestationResult>,
    /// Shared between the controls a check serves: evaluated once, never copied.
    pub checks: Vec<std::sync::Arc<CheckResult>>,
    /// Each check's role for this control (`primary` or `supporting`) and why, in the order of
    /// `checks`.
    #[serde(default)]
    pub mappings: Vec<crate::catalog::Mapping>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: String,
    pub description: String,
    /// What the owner of a failing resource does next.
    #[serde(default)]
    pub remediation: String,
    /// `fail` if any finding fails unwaived, else `error` if any evidence was missing, else
    /// `pass` if anything passed (or was waived), else `not_applicable`.
    pub status: FindingStatus,
    /// The effective parameters the check ran with.
    pub parameters: BTreeMap<String, ParamValue>,
    /// Failing findings a valid waiver covers (they stay listed, marked waived).
    #[serde(default)]
    pub waived: usize,
    /// Failing first, then errors, passes and not-applicable, each by resource.
    pub findings: Vec<Finding>,
}

impl Results {
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("results serialize");
        bytes.push(b'\n');
        bytes
    }

    /// Count of controls with this status.
    pub fn count(&self, status: ControlStatus) -> usize {
        self.summary.get(&status).copied().unwrap_or(0)
    }
}
