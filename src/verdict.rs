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
    /// A check's status only (a finding covered by a waiver stays `fail`, with its waiver):
    /// every failing finding of the check is covered by a valid waiver. Never "pass".
    Waived,
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
            FindingStatus::Waived => "waived",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable across runs: `<check>#<16 hex>`, a hash of the account, the check, the resource
    /// and [`Finding::key`], never of the position, status or message (set by the assessment;
    /// docs/results-schema.md).
    #[serde(default)]
    pub id: String,
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
    /// Its check's severity (set by the assessment, not the check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The account the finding is about, on every finding so that findings of many accounts
    /// can be merged (set by the assessment, not the check).
    #[serde(default)]
    pub account: String,
    /// The account's OU path in its organization (`Root/Production`), when the evidence has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou_path: Option<String>,
    /// What tells apart two findings of one check on one resource (a region, an escalation
    /// method), for the checks that make more than one; part of the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// For an `error` finding: what is wrong with the evidence (`None`: missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<GapKind>,
    /// When this finding was first seen failing, in this run or a run before it without a
    /// pass between (set from `--previous`/`--history`; RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// For a failing finding, when a previous package was given: whether it failed there too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
}

/// What is wrong with the evidence an `error` finding could not be decided from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// Not in the evidence: the call failed or was denied, or the export lacks the file.
    Missing,
    /// Present, but older than the assessment may rely on (a credential report generated
    /// long before collection).
    Stale,
    /// Present, but it leaves out things other evidence shows exist (a user the credential
    /// report lacks).
    Incomplete,
    /// Present, but a value the check needs cannot be read.
    Unreadable,
    /// AWS itself has no record of the value (a password's last use before AWS tracked it):
    /// collecting again cannot close it.
    Unrecorded,
}

impl GapKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GapKind::Missing => "missing",
            GapKind::Stale => "stale",
            GapKind::Incomplete => "incomplete",
            GapKind::Unreadable => "unreadable",
            GapKind::Unrecorded => "unrecorded",
        }
    }
}

/// A failing finding against the previous package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// It did not fail in the previous package.
    New,
    /// It failed in the previous package too.
    Recurring,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Recurring => "recurring",
        }
    }
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

/// The stable id of a finding: `<check>#` and the first 16 hex digits of the SHA-256 of the
/// account, check, resource and key, NUL-separated (a NUL cannot occur in any of them).
pub fn finding_id(account: &str, check: &str, resource: &str, key: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [account, check, resource, key.unwrap_or("")] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let mut id = String::with_capacity(check.len() + 17);
    id.push_str(check);
    id.push('#');
    for b in &digest[..8] {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

/// Gives every finding of one check its stable id. Findings the check did not tell apart
/// (same resource, no key or the same key) are told apart by their evidence pointer, and if
/// that is shared too, by `~2`, `~3`... in the order the check made them, so ids are unique.
/// (A check that makes several findings per resource should set a key: the accuracy corpus
/// tests that every id is made without the fallbacks.)
pub fn assign_ids(account: &str, check: &str, findings: &mut [Finding]) {
    use std::collections::HashMap;
    let mut twins: HashMap<(String, Option<String>), usize> = HashMap::new();
    for f in findings.iter() {
        *twins
            .entry((f.resource.clone(), f.key.clone()))
            .or_insert(0) += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in findings.iter_mut() {
        let shared = twins[&(f.resource.clone(), f.key.clone())] > 1;
        let key = if shared {
            Some(format!(
                "{}\u{0}{}",
                f.key.as_deref().unwrap_or(""),
                f.evidence
            ))
        } else {
            f.key.clone()
        };
        let id = finding_id(account, check, &f.resource, key.as_deref());
        let n = seen.entry(id.clone()).or_insert(0);
        *n += 1;
        f.id = if *n == 1 { id } else { format!("{id}~{n}") };
    }
}

/// What a later assessment can say of a finding that failed in an earlier one. One rule for
/// `diff`, a package's "Changes since" and `history`: a finding is resolved only when the later
/// assessment judged it (pass, not applicable, waived), or its check ran with no gap covering
/// its resource and no longer finds it. When a gap covers it (an `error` finding on the
/// account, such as a stale credential report, or on that resource) or the check did not
/// run, an absent finding proves nothing: it is undetermined, never a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    StillFailing,
    Resolved,
    Undetermined,
}

/// How completely a check was judged in the later assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckCoverage {
    /// It ran; `gaps` are the resources of its `error` findings (empty: judged completely).
    Ran { gaps: Vec<String> },
    /// It is not in the later assessment (another catalog, or it was removed).
    NotRun,
}

impl CheckCoverage {
    /// A check's coverage from its findings' resources and statuses.
    pub fn of<'a>(findings: impl IntoIterator<Item = (&'a str, FindingStatus)>) -> CheckCoverage {
        CheckCoverage::Ran {
            gaps: findings
                .into_iter()
                .filter(|(_, s)| *s == FindingStatus::Error)
                .map(|(r, _)| r.to_string())
                .collect(),
        }
    }

    /// Whether the check could have judged `resource`: it ran, and no gap covers it. A gap on
    /// one resource (an ARN) covers it and what lies under it (`user/bob#access_key_1`); a gap
    /// on the account, a region or a piece of evidence (a non-ARN name such as
    /// `account/123456789012/credential-report`) covers every resource of the check.
    pub fn judged(&self, resource: &str) -> bool {
        match self {
            CheckCoverage::NotRun => false,
            CheckCoverage::Ran { gaps } => !gaps.iter().any(|g| {
                !g.starts_with("arn:")
                    || resource == g
                    || resource
                        .strip_prefix(g.as_str())
                        .is_some_and(|rest| rest.starts_with('#') || rest.starts_with('/'))
            }),
        }
    }
}

/// [`Since`] for an earlier failing finding on `resource`, given its status now (`None`:
/// absent; `waived` counts as judged) and how completely its check was judged now.
pub fn since(now: Option<(FindingStatus, bool)>, resource: &str, check: &CheckCoverage) -> Since {
    match now {
        Some((FindingStatus::Fail, false)) => Since::StillFailing,
        Some((FindingStatus::Error, _)) => Since::Undetermined,
        Some(_) => Since::Resolved,
        None if check.judged(resource) => Since::Resolved,
        None => Since::Undetermined,
    }
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
    pub(crate) fn is_waived(&self) -> bool {
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
            id: String::new(),
            resource: resource.into(),
            status,
            message: message.into(),
            evidence: evidence.into(),
            waiver: None,
            possible: false,
            severity: None,
            account: String::new(),
            ou_path: None,
            key: None,
            gap: None,
            first_seen: None,
            change: None,
        }
    }

    /// An `error` finding whose evidence is there but cannot be relied on, and why.
    pub(crate) fn with_gap(mut self, kind: GapKind) -> Self {
        self.gap = Some(kind);
        self
    }

    /// What is wrong with this finding's evidence, for an `error` finding.
    pub(crate) fn gap_kind(&self) -> Option<GapKind> {
        (self.status == FindingStatus::Error).then(|| self.gap.unwrap_or(GapKind::Missing))
    }

    /// The status as a report shows this finding: an `error` says what is wrong with its
    /// evidence ("Gap: stale").
    pub fn label(&self) -> String {
        match self.gap_kind() {
            Some(k) => format!("Gap: {}", k.as_str()),
            None => label(self.status.as_str())
                .unwrap_or(self.status.as_str())
                .to_string(),
        }
    }
    /// What tells this finding apart from the check's other findings on the same resource.
    pub(crate) fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
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
    /// Its only failures are covered by valid waivers: a risk accepted, not met. Never "pass".
    Waived,
    Manual,
    /// Operated by AWS for this account (under the BAA), not yet confirmed by an attestation.
    Inherited,
    Pass,
    NotApplicable,
}

impl ControlStatus {
    pub const ALL: [ControlStatus; 7] = [
        ControlStatus::Fail,
        ControlStatus::InsufficientEvidence,
        ControlStatus::Waived,
        ControlStatus::Manual,
        ControlStatus::Inherited,
        ControlStatus::Pass,
        ControlStatus::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Fail => "fail",
            ControlStatus::InsufficientEvidence => "insufficient_evidence",
            ControlStatus::Waived => "waived",
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

/// What a control's status rests on (docs/results-schema.md, "Basis"): `tested` (its primary
/// checks passed on present evidence), `attested` (a person vouched for its manual part, with
/// evidence in the package), both, `inherited` (AWS operates it under the BAA), `risk_accepted`
/// (valid waivers cover its failures), or `none` (nothing shows it is met: it fails, lacks
/// evidence, or waits for a person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Basis {
    #[serde(rename = "tested")]
    Tested,
    #[serde(rename = "attested")]
    Attested,
    #[serde(rename = "tested+attested")]
    TestedAttested,
    #[serde(rename = "inherited")]
    Inherited,
    #[serde(rename = "risk_accepted")]
    RiskAccepted,
    #[serde(rename = "none")]
    None,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Tested => "tested",
            Basis::Attested => "attested",
            Basis::TestedAttested => "tested+attested",
            Basis::Inherited => "inherited",
            Basis::RiskAccepted => "risk_accepted",
            Basis::None => "none",
        }
    }

    /// As a report prints it beside the status.
    pub fn label(self) -> &'static str {
        match self {
            Basis::Tested => "tested",
            Basis::Attested => "attested",
            Basis::TestedAttested => "tested + attested",
            Basis::Inherited => "inherited from AWS",
            Basis::RiskAccepted => "risk accepted",
            Basis::None => "no basis",
        }
    }
}

/// How much a failure matters, worst first: `high` (a path to the whole account or to ePHI:
/// escalation to admin, admins or console users without MFA, root keys or root use),
/// `medium` (a detective or preventive control weakened), `low` (hygiene that makes reviews
/// harder). Declared once per check (`check!`), carried by every finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::High, Severity::Medium, Severity::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
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
    /// An attestation whose evidence is only URLs (or nothing): recorded, but it does not
    /// count, because nothing it points at is in the package.
    WithoutEvidence,
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
            Validity::WithoutEvidence => "attested without evidence",
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
        "waived" => "Risk accepted",
        "manual" => "Manual",
        "inherited" => "Inherited",
        "pass" => "Pass",
        "not_applicable" => "Not applicable",
        "error" => "Evidence gap",
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
            FindingStatus::Waived,
            FindingStatus::Pass,
            FindingStatus::NotApplicable,
        ] {
            assert!(label(s.as_str()).is_some(), "{s:?}");
        }
        assert_eq!(label("nonsense"), None);
    }

    #[test]
    fn ids_rest_on_account_check_resource_and_key_only() {
        let mut a = vec![
            Finding::fail("arn:x", "first message", "/a/0"),
            Finding::pass("arn:y", "fine", "/a/1"),
        ];
        let mut b = vec![
            Finding::pass("arn:y", "other words", "/b/7"),
            Finding::new("arn:x", FindingStatus::Pass, "fixed", "/b/3"),
        ];
        assign_ids("123456789012", "c.check", &mut a);
        assign_ids("123456789012", "c.check", &mut b);
        // Position, status, message and evidence pointer do not move an id.
        assert_eq!(a[0].id, b[1].id);
        assert_eq!(a[1].id, b[0].id);
        assert!(a[0].id.starts_with("c.check#") && a[0].id.len() == "c.check#".len() + 16);
        // Another account, check or key is another finding.
        let mut c = vec![Finding::fail("arn:x", "m", "/a/0")];
        assign_ids("210987654321", "c.check", &mut c);
        assert_ne!(c[0].id, a[0].id);
        let mut d = vec![Finding::fail("arn:x", "m", "/a/0").with_key("eu-west-1")];
        assign_ids("123456789012", "c.check", &mut d);
        assert_ne!(d[0].id, a[0].id);
        // Twins the check did not key apart are told apart by evidence, then by order.
        let mut t = vec![
            Finding::fail("arn:x", "m", "/e/0"),
            Finding::fail("arn:x", "m", "/e/1"),
            Finding::fail("arn:x", "m", "/e/1"),
        ];
        assign_ids("123456789012", "c.check", &mut t);
        assert_ne!(t[0].id, t[1].id);
        assert_eq!(t[2].id, format!("{}~2", t[1].id));
    }
}
