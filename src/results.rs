//! `results.json`, schema `safeguard.results.v2` (docs/results-schema.md). Field names are a public
//! interface: add fields freely, never rename or remove one without a new schema version.
//!
//! v2 stores each check, with its findings, once at the top level; a control lists the checks
//! it rests on by id, with their role and counts. (v1 copied every check into every control it
//! served, so a large account's findings were written several times over.)

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{Requirement, Safeguard};
use crate::checks::ParamValue;
pub use crate::inputs::config::Preparer;
use crate::inputs::{EvidenceRef, Validity};
use crate::snapshot::Gap;
pub use crate::verdict::ControlStatus;
use crate::verdict::{Finding, FindingStatus};

pub const SCHEMA: &str = "safeguard.results.v2";

/// Schemas of older packages, which this version does not read.
pub(crate) const OLDER_SCHEMAS: [&str; 1] = ["safeguard.results.v1"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub schema: String,
    pub tool: Tool,
    pub account: AccountRef,
    pub snapshot: SnapshotRef,
    pub catalog: CatalogRef,
    /// One count per control status (every status's key always present).
    pub summary: BTreeMap<ControlStatus, usize>,
    pub controls: Vec<ControlResult>,
    /// Every check the catalog uses, once, in id order, with its findings.
    pub checks: Vec<CheckResult>,
    /// Evidence the snapshot lacks, copied from it so the report can list it.
    pub gaps: Vec<Gap>,
    /// The evidence gaps: the snapshot's gaps and the checks' `error` findings, merged by where
    /// the evidence would be, each with the checks it leaves undecided and what to do.
    #[serde(default)]
    pub evidence_gaps: Vec<EvidenceGap>,
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
    /// What changed since the account's previous package, when `--previous` or `--history`
    /// named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Changes>,
    /// Who and what gathered the evidence, as far as the evidence says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// The bundled example account (`safeguard demo`): not an assessment of a real
    /// organization, and every output says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub example: bool,
}

/// How the evidence was gathered: live with the AWS SDK (`collect`) or from an AWS CLI export
/// (`import`), by which identity, and what the export claims of itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub method: String,
    /// The identity that read the account (sts get-caller-identity), when in the evidence.
    pub caller_arn: Option<String>,
    /// An export's own claims (export-info.json): the script, the AWS CLI, its collection time.
    #[serde(
        default,
        skip_serializing_if = "crate::snapshot::ExportClaims::is_empty"
    )]
    pub export: crate::snapshot::ExportClaims,
}

/// How a control fared over the audit period: the snapshots of this account (this one
/// included) since `since`, and in how many it held (`pass`, or `inherited`/`not_applicable`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub held: usize,
    pub of: usize,
    /// The first snapshot counted (RFC 3339).
    pub since: String,
}

/// What changed since the previous package of the same account (docs/results-schema.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// The previous package's collection time (RFC 3339).
    pub since: String,
    /// The SHA-256 of the previous package's manifest.json, which names every file of it
    /// (`None`: the previous results were a results.json outside any package, unverified).
    pub previous_manifest_sha256: Option<String>,
    /// Controls whose status changed.
    pub controls: Vec<StatusChange>,
    /// Failing findings that did not fail in the previous package.
    pub new_failing: usize,
    /// Failing findings that failed there too.
    pub recurring: usize,
    /// Findings that failed there and do not fail now (pass, not applicable, waived, gone).
    pub resolved: Vec<ResolvedFinding>,
    /// Findings that failed there and cannot be judged now: their evidence is missing (an
    /// `error` finding). Not counted as resolved.
    #[serde(default)]
    pub undetermined: usize,
    /// Those findings, each with when it was first seen failing, so that the next package
    /// carries its streak on through the gap (`now`: `error` or `not_judged`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undetermined_findings: Vec<ResolvedFinding>,
    /// Evidence gaps (snapshot gaps and `error` findings) that appeared, and that closed.
    pub gaps_opened: usize,
    pub gaps_closed: usize,
    /// Newer packages `--history` passed over because they fail verification, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passed_over: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub control: String,
    pub from: ControlStatus,
    pub to: ControlStatus,
    pub direction: Direction,
}

/// Whether a status change is an improvement. `pass` and `not_applicable` rank the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Better,
    Worse,
    Neither,
}

impl Direction {
    pub fn of(from: ControlStatus, to: ControlStatus) -> Direction {
        // Worst first; pass and not applicable are equally good.
        fn rank(s: ControlStatus) -> u8 {
            match s {
                ControlStatus::Fail => 0,
                ControlStatus::InsufficientEvidence => 1,
                ControlStatus::Waived => 2,
                ControlStatus::Manual => 3,
                ControlStatus::Inherited => 4,
                ControlStatus::Pass | ControlStatus::NotApplicable => 5,
            }
        }
        // Between fail and insufficient evidence nothing is known to have improved or worsened:
        // a failure that can no longer be judged is not fixed, and one judged again is not new.
        if matches!(
            (from, to),
            (ControlStatus::Fail, ControlStatus::InsufficientEvidence)
                | (ControlStatus::InsufficientEvidence, ControlStatus::Fail)
        ) {
            return Direction::Neither;
        }
        match rank(to).cmp(&rank(from)) {
            std::cmp::Ordering::Less => Direction::Worse,
            std::cmp::Ordering::Greater => Direction::Better,
            std::cmp::Ordering::Equal => Direction::Neither,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Better => "better",
            Direction::Worse => "worse",
            Direction::Neither => "changed",
        }
    }
}

/// A finding that failed in the previous package and does not fail now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedFinding {
    pub id: String,
    pub check: String,
    pub resource: String,
    /// When it was first seen failing, as far as the packages say.
    pub first_seen: String,
    /// What it is now: `pass`, `not_applicable`, `waived` or `gone` (no such finding).
    pub now: String,
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
    /// The PHI scope the data stores were judged in (absent in packages before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phi: Option<PhiScopeRef>,
}

/// The PHI scope of a run, as results.json records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhiScopeRef {
    /// Whether `scope:` was given; without it every data store was judged.
    pub defined: bool,
    /// SHA-256 of the definition (canonical JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The definition: tags and their values, ARN patterns in and out, accounts, OUs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<PhiScopeDefinition>,
    /// One line for the cover.
    pub summary: String,
}

/// A PHI scope's definition, every key a field name (tag keys are values here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhiScopeDefinition {
    pub tags: Vec<PhiScopeTag>,
    pub arns: Vec<String>,
    pub exclude_arns: Vec<String>,
    pub accounts: Vec<String>,
    pub ous: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhiScopeTag {
    pub key: String,
    pub values: Vec<String>,
}

impl PhiScopeRef {
    pub fn of(scope: &crate::phi_scope::PhiScope) -> PhiScopeRef {
        match scope.definition() {
            None => PhiScopeRef {
                defined: false,
                sha256: None,
                definition: None,
                summary: "no PHI scope defined: every data store was judged".into(),
            },
            Some(d) => PhiScopeRef {
                defined: true,
                sha256: scope.sha256(),
                definition: Some(PhiScopeDefinition {
                    tags: d
                        .tags
                        .iter()
                        .map(|(key, values)| PhiScopeTag {
                            key: key.clone(),
                            values: values.clone(),
                        })
                        .collect(),
                    arns: d.arns.clone(),
                    exclude_arns: d.exclude_arns.clone(),
                    accounts: d.accounts.clone(),
                    ous: d.ous.clone(),
                }),
                summary: format!(
                    "{} (SHA-256 {})",
                    scope.summary(),
                    scope.sha256().unwrap_or_default()
                ),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaiverResult {
    pub check: String,
    pub resource: String,
    pub justification: String,
    pub approved_by: String,
    /// When it was approved (absent in packages before waivers were governed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<crate::inputs::waivers::Risk>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compensating_control: Option<String>,
    /// It accepts every finding of its check, on purpose (the report prints it in bold).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_resources: bool,
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
    /// `valid` counts; `expired`, `not_yet_valid` and `without_evidence` (no evidence file
    /// in the package, only URLs or nothing) are recorded and do not.
    pub status: Validity,
    pub evidence: Vec<EvidenceRef>,
    /// The decision on an addressable specification (45 CFR 164.306(d)(3)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::inputs::attestations::AddressableDecision>,
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
    /// Where the account sits in its AWS Organization, when the evidence says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationRef {
    pub id: String,
    pub management_account_id: String,
    pub account_name: Option<String>,
    /// `Root/Production/Clinical` (`None`: the path is not in the evidence).
    pub ou_path: Option<String>,
    /// Whether the organization's service control policies bounded the verdicts.
    pub scps_applied: bool,
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
    /// NIST SP 800-66r2's key activities (`KA_…`) and statement parts (`D_…`) the citation is,
    /// from the catalog's `nist:`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nist: Vec<String>,
    pub summary: String,
    pub status: ControlStatus,
    /// What the status rests on: `tested`, `attested`, `tested+attested`, `inherited`,
    /// `risk_accepted` or `none` (docs/results-schema.md, "Basis").
    #[serde(default = "no_basis")]
    pub basis: crate::verdict::Basis,
    /// For an addressable specification, the decision its counted attestation records
    /// (`None`: not documented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::inputs::attestations::Decision>,
    /// One sentence on why the status is what it is.
    pub status_reason: String,
    /// Over the audit period, with `--history` or `--previous`: held in N of M snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<Held>,
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
    /// The checks the control rests on, in catalog order; their findings are under the
    /// top-level `checks`.
    pub checks: Vec<ControlCheck>,
}

fn no_basis() -> crate::verdict::Basis {
    crate::verdict::Basis::None
}

/// A check as one control uses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlCheck {
    /// The id of a check in the top-level `checks`.
    pub id: String,
    /// `primary` (the control's verdict rests on it) or `supporting`.
    pub role: crate::catalog::Role,
    /// Why the check bears on this control.
    pub why: String,
    pub status: FindingStatus,
    pub counts: Counts,
}

/// A check's findings, counted by status.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub fail: usize,
    pub error: usize,
    pub pass: usize,
    pub not_applicable: usize,
    /// Failing findings a valid waiver covers (counted here, not in `fail`).
    pub waived: usize,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.status {
                FindingStatus::Fail if f.is_waived() => c.waived += 1,
                // (A check's status, which no finding carries.)
                FindingStatus::Fail | FindingStatus::Waived => c.fail += 1,
                FindingStatus::Error => c.error += 1,
                FindingStatus::Pass => c.pass += 1,
                FindingStatus::NotApplicable => c.not_applicable += 1,
            }
        }
        c
    }

    /// "2 fail, 1 undecided, 14 pass", leaving out zeros (an `error` finding is one an
    /// evidence gap left undecided).
    pub fn text(&self) -> String {
        let parts: Vec<String> = [
            (self.fail, "fail"),
            (self.waived, "waived"),
            (self.error, "undecided"),
            (self.pass, "pass"),
            (self.not_applicable, "not applicable"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() {
            "no findings".into()
        } else {
            parts.join(", ")
        }
    }
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
    /// How much a failure matters (`high`, `medium`, `low`; docs/checks.md says why per check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<crate::verdict::Severity>,
    /// The effective parameters the check ran with.
    pub parameters: BTreeMap<String, ParamValue>,
    /// Failing findings a valid waiver covers (they stay listed, marked waived).
    #[serde(default)]
    pub waived: usize,
    pub counts: Counts,
    /// The controls it serves, in catalog order.
    pub controls: Vec<String>,
    /// Failing first, then errors, passes and not-applicable, each by resource.
    pub findings: Vec<Finding>,
}

impl Results {
    /// results.json's bytes: pretty, or compact when large ([`crate::layout`]).
    pub fn to_json(&self) -> Vec<u8> {
        crate::layout::json(self)
    }

    /// The check with this id (every id a control lists is one).
    pub fn check(&self, id: &str) -> &CheckResult {
        let at = self
            .checks
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .unwrap_or_else(|_| panic!("results list check {id}"));
        &self.checks[at]
    }

    /// The checks of a control, with their role for it.
    pub(crate) fn checks_of<'a>(
        &'a self,
        control: &'a ControlResult,
    ) -> impl Iterator<Item = (&'a ControlCheck, &'a CheckResult)> + 'a {
        control.checks.iter().map(|k| (k, self.check(&k.id)))
    }

    /// Count of controls with this status.
    pub fn count(&self, status: ControlStatus) -> usize {
        self.summary.get(&status).copied().unwrap_or(0)
    }
}

/// One evidence gap: a piece of evidence the assessment needed and could not rely on. The
/// snapshot's gaps (a call that failed, a file the export lacks) and the checks' `error`
/// findings are merged by where the evidence would be, so a denied call that leaves three
/// checks undecided, or a stale credential report that leaves five, is one gap. The terminal,
/// the report, `diff`, `history` and `aggregate` all count these, and only these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceGap {
    /// JSON pointer into snapshot.json where the evidence is, or would be.
    pub evidence: String,
    pub kind: crate::verdict::GapKind,
    /// The API call or export file it comes from, when the snapshot says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub reason: String,
    /// The checks it leaves undecided (an `error` finding in each), in id order.
    pub checks: Vec<String>,
    /// How many findings it leaves undecided.
    pub findings: usize,
    /// What to do about it.
    pub next_step: String,
}

/// The evidence gaps of an assessment (see [`EvidenceGap`]), in pointer order.
pub fn evidence_gaps(gaps: &[Gap], checks: &[CheckResult]) -> Vec<EvidenceGap> {
    use crate::verdict::GapKind;
    let mut out: BTreeMap<String, EvidenceGap> = BTreeMap::new();
    for g in gaps {
        out.entry(g.evidence.clone())
            .or_insert_with(|| EvidenceGap {
                evidence: g.evidence.clone(),
                kind: GapKind::Missing,
                source: Some(g.source.clone()),
                reason: g.reason.clone(),
                checks: Vec::new(),
                findings: 0,
                next_step: String::new(),
            });
    }
    for c in checks {
        for f in &c.findings {
            let Some(kind) = f.gap_kind() else { continue };
            // A finding whose evidence lies under a snapshot gap is that gap.
            let under = gaps
                .iter()
                .filter(|g| {
                    f.evidence == g.evidence || f.evidence.starts_with(&format!("{}/", g.evidence))
                })
                .map(|g| g.evidence.clone())
                .min_by_key(String::len);
            let key = under.unwrap_or_else(|| f.evidence.clone());
            let gap = out.entry(key.clone()).or_insert_with(|| EvidenceGap {
                evidence: key,
                kind,
                source: None,
                reason: f.message.clone(),
                checks: Vec::new(),
                findings: 0,
                next_step: String::new(),
            });
            // The account-level finding words the gap best ("the credential report lacks 2
            // users"), not one user's.
            if gap.source.is_none() && gap.findings > 0 && f.resource.starts_with("account/") {
                gap.reason = f.message.clone();
            }
            gap.findings += 1;
            if gap.checks.last() != Some(&c.id) {
                gap.checks.push(c.id.clone());
            }
        }
    }
    let mut out: Vec<EvidenceGap> = out.into_values().collect();
    for g in &mut out {
        g.next_step = next_step(g);
    }
    out
}

/// What to do about a gap, by its kind and where it is.
fn next_step(g: &EvidenceGap) -> String {
    use crate::verdict::GapKind;
    let report = g.evidence.starts_with("/iam/credential_report");
    match (g.kind, report) {
        (GapKind::Stale, true) => "Regenerate the credential report (aws iam generate-credential-report) and collect or export again, or raise iam.credential_report.max_age_hours (--set or --config) if an older report is acceptable.".into(),
        (GapKind::Incomplete, true) => "Regenerate the credential report after the newest IAM user was created, then collect or export again.".into(),
        (GapKind::Stale, false) => "Collect or export the evidence again so that it is current.".into(),
        (GapKind::Unreadable, _) | (GapKind::Incomplete, false) => "Export or collect it again; if it stays so, report it with the file.".into(),
        (GapKind::Unrecorded, _) => "AWS has no record of it, so collecting again will not help: establish it another way (CloudTrail sign-in events, the user) and attest it, or remove the credential.".into(),
        (GapKind::Missing, _) => match &g.source {
            Some(_) => "Give the collecting identity what policies/safeguard-collector.json grants, then collect or export again (an export keeps a failed call's reason in the .error file beside it).".into(),
            None => "Collect or export this evidence (docs/evidence-format.md names the file for each pointer).".into(),
        },
    }
}
