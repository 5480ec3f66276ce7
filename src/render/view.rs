//! What the Markdown and PDF reports show beyond results.json itself, derived once so the two
//! agree: each check with its findings printed a single time (controls refer to it), counts
//! by status, the controls each check serves, and the safeguard-category summary.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::results::{CheckResult, ControlStatus, Results};
use crate::verdict::{FindingStatus, Severity};

/// How much of each check's findings the reports print: every finding, or the failing, waived
/// and undecided ones with the rest as counts. results.json and results.csv keep every finding
/// either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Detail {
    #[default]
    All,
    /// Asked for (`--detail failures`).
    Failures,
    /// Chosen because the assessment has more findings than this limit (`--detail auto`).
    FailuresPast(usize),
}

/// The findings past which `--detail auto` prints only failures: a report a person reads
/// end to end, and a PDF written in a second or two.
pub(crate) const DEFAULT_DETAIL_LIMIT: usize = 5_000;

impl Detail {
    /// `--detail auto`: every finding up to `limit` findings in all, else the failures.
    pub fn auto(results: &Results, limit: usize) -> Detail {
        let findings: usize = results.checks.iter().map(|k| k.findings.len()).sum();
        if findings > limit {
            Detail::FailuresPast(limit)
        } else {
            Detail::All
        }
    }

    /// Whether a finding is printed at this level of detail.
    pub fn shows(self, f: &crate::verdict::Finding) -> bool {
        self == Detail::All
            || !matches!(f.status, FindingStatus::Pass | FindingStatus::NotApplicable)
    }

    /// `all` or `failures`, as the template tests it.
    pub fn mode(self) -> &'static str {
        match self {
            Detail::All => "all",
            Detail::Failures | Detail::FailuresPast(_) => "failures",
        }
    }

    /// Why passing findings are counted rather than printed.
    pub(crate) fn why_counted(self) -> String {
        match self {
            Detail::All => String::new(),
            Detail::Failures => "`--detail failures`".into(),
            Detail::FailuresPast(limit) => format!(
                "the assessment has more than {limit} findings (`--detail-limit`); `--detail all` prints every one"
            ),
        }
    }
}

pub use crate::results::Counts;

/// One check as the "Findings by check" part prints it.
#[derive(Debug, Serialize)]
pub struct CheckView<'a> {
    #[serde(flatten)]
    pub check: &'a CheckResult,
    pub counts: Counts,
    pub counts_text: String,
    /// The controls it serves, in catalog order.
    pub serves: Vec<&'a str>,
}

/// Every check of the results once, in id order.
pub fn checks(results: &Results) -> Vec<CheckView<'_>> {
    results
        .checks
        .iter()
        .map(|k| CheckView {
            check: k,
            counts: k.counts,
            counts_text: k.counts.text(),
            serves: k.controls.iter().map(String::as_str).collect(),
        })
        .collect()
}

/// A control that needs action, with the worst severity among the failures that decide it.
#[derive(Debug, Serialize)]
pub struct Action<'a> {
    #[serde(flatten)]
    pub control: &'a crate::results::ControlResult,
    /// `high`, `medium` or `low`; `None` for a control that lacks evidence or is waived.
    pub severity: Option<&'static str>,
}

/// "Controls that need action": failing, lacking evidence or resting on an accepted risk,
/// the worst failing severity first, then by status, then in catalog order.
pub(crate) fn need_action(results: &Results) -> Vec<Action<'_>> {
    let mut out: Vec<(Option<Severity>, ControlStatus, usize, Action<'_>)> = results
        .controls
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            matches!(
                c.status,
                ControlStatus::Fail | ControlStatus::InsufficientEvidence | ControlStatus::Waived
            )
        })
        .map(|(i, c)| {
            let worst = worst_failing(results, c);
            // A control failing only by roll-up takes its specifications' worst severity.
            let worst = worst.or_else(|| {
                (c.status == ControlStatus::Fail)
                    .then(|| rolled_up_severity(results, c))
                    .flatten()
            });
            (
                worst,
                c.status,
                i,
                Action {
                    control: c,
                    severity: worst.map(Severity::as_str),
                },
            )
        })
        .collect();
    // `None` (no failing finding) sorts after every severity.
    out.sort_by_key(|(s, status, i, _)| (s.is_none(), *s, *status, *i));
    out.into_iter().map(|(.., a)| a).collect()
}

/// The worst severity failing in a standard's specifications (a standard failing by roll-up).
fn rolled_up_severity(
    results: &Results,
    standard: &crate::results::ControlResult,
) -> Option<Severity> {
    results
        .controls
        .iter()
        .filter(|c| {
            c.status == ControlStatus::Fail && crate::catalog::specification_of(&standard.id, &c.id)
        })
        .filter_map(|c| worst_failing(results, c))
        .min()
}

/// The worst severity among a control's failing findings of its primary checks.
fn worst_failing(results: &Results, control: &crate::results::ControlResult) -> Option<Severity> {
    results
        .checks_of(control)
        .filter(|(m, _)| m.role == crate::catalog::Role::Primary)
        .flat_map(|(_, k)| {
            k.findings
                .iter()
                .filter(|f| f.fails())
                .map(move |f| f.severity.or(k.severity))
        })
        .flatten()
        .min()
}

/// Failing findings (unwaived) of the whole assessment, counted by severity, worst first.
pub(crate) fn failing_by_severity(results: &Results) -> Vec<(&'static str, usize)> {
    Severity::ALL
        .iter()
        .map(|s| {
            let n = results
                .checks
                .iter()
                .flat_map(|k| k.findings.iter().map(move |f| (k, f)))
                .filter(|(k, f)| f.fails() && f.severity.or(k.severity) == Some(*s))
                .count();
            (s.as_str(), n)
        })
        .collect()
}

/// One safeguard category and how many of its controls are in each status.
#[derive(Debug, Serialize)]
pub(crate) struct Category {
    pub safeguard: &'static str,
    /// Control status → count, for every status.
    pub counts: BTreeMap<&'static str, usize>,
    pub total: usize,
}

/// The categories in the rule's order (administrative, physical, technical, organizational,
/// documentation), each with its controls counted by status.
pub(crate) fn categories(results: &Results) -> Vec<Category> {
    let mut out: Vec<Category> = Vec::new();
    for c in &results.controls {
        let name = c.safeguard.as_str();
        if !out.iter().any(|k| k.safeguard == name) {
            out.push(Category {
                safeguard: name,
                counts: ControlStatus::ALL.iter().map(|s| (s.as_str(), 0)).collect(),
                total: 0,
            });
        }
        let k = out
            .iter_mut()
            .find(|k| k.safeguard == name)
            .expect("just added");
        *k.counts.get_mut(c.status.as_str()).expect("every status") += 1;
        k.total += 1;
    }
    out
}

/// The anchor of a check's findings in report.md.
pub(crate) fn check_anchor(id: &str) -> String {
    format!("check-{}", anchor(id))
}

/// GitHub-style heading anchor: the letters and digits, lower case (`164.312(b)` → `164312b`).
pub fn anchor(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_leave_out_zeros() {
        let c = Counts {
            fail: 2,
            pass: 14,
            ..Default::default()
        };
        assert_eq!(c.text(), "2 fail, 14 pass");
        assert_eq!(Counts::default().text(), "no findings");
        assert_eq!(
            check_anchor("iam.root_mfa_enabled"),
            "check-iamrootmfaenabled"
        );
    }
}

/// One data store as the "Data stores in scope" tables print it: what each data-plane check
/// found of it, in the check's own words.
#[derive(Debug, Serialize)]
pub struct DataStore<'a> {
    pub resource: &'a str,
    /// Per data-plane check of its kind, in order: its status and message (`None`: the check
    /// has no finding on the store).
    pub judged: Vec<Option<(&'a str, &'a str)>>,
}

/// One kind of data store: its table's title, how its resources are told apart, and the
/// data-plane checks that are its columns (the first lists every store of the kind).
pub struct StoreKind {
    pub title: &'static str,
    /// A piece of the ARN only this kind's stores have.
    pub arn_part: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
}

/// Every kind of data store, in the order the report prints them.
pub const STORE_KINDS: [StoreKind; 7] = [
    StoreKind {
        title: "S3 buckets",
        arn_part: ":s3:::",
        columns: &[
            ("s3.default_encryption", "Encryption at rest"),
            ("kms.pending_deletion", "Key usable"),
            ("s3.public_access_blocked", "Public access blocked"),
            ("s3.secure_transport", "TLS only"),
            ("s3.versioning", "Versioning"),
            ("backup.plan_coverage", "AWS Backup plan"),
        ],
    },
    StoreKind {
        title: "RDS databases",
        arn_part: ":rds:",
        columns: &[
            ("rds.storage_encrypted", "Encryption at rest"),
            ("kms.pending_deletion", "Key usable"),
            ("rds.backup_retention", "Automated backups"),
            ("backup.plan_coverage", "AWS Backup plan"),
        ],
    },
    StoreKind {
        title: "DynamoDB tables",
        arn_part: ":dynamodb:",
        columns: &[
            ("dynamodb.point_in_time_recovery", "Point-in-time recovery"),
            ("kms.pending_deletion", "Key usable"),
            ("backup.plan_coverage", "AWS Backup plan"),
        ],
    },
    StoreKind {
        title: "EFS file systems",
        arn_part: ":elasticfilesystem:",
        columns: &[
            ("efs.encrypted", "Encryption at rest"),
            ("kms.pending_deletion", "Key usable"),
            ("backup.plan_coverage", "AWS Backup plan"),
        ],
    },
    StoreKind {
        title: "EBS volumes",
        arn_part: ":volume/",
        columns: &[
            ("ebs.volume_encrypted", "Encryption at rest"),
            ("kms.pending_deletion", "Key usable"),
            ("backup.plan_coverage", "AWS Backup plan"),
        ],
    },
    // Not a store: the way ePHI reaches the stores' workloads, judged within the same scope.
    StoreKind {
        title: "Load balancers",
        arn_part: ":elasticloadbalancing:",
        columns: &[("elb.tls_listeners", "TLS in transit")],
    },
    StoreKind {
        title: "CloudFront distributions",
        arn_part: ":cloudfront::",
        columns: &[("cloudfront.https_only", "HTTPS only")],
    },
];

/// One table of the "Data stores in scope" section.
#[derive(Debug, Serialize)]
pub struct StoreTable<'a> {
    pub title: &'static str,
    pub columns: Vec<&'static str>,
    /// The stores of this kind in the PHI scope (those the first check judged).
    pub rows: Vec<DataStore<'a>>,
    /// How many of this kind are outside the scope (`not_applicable`).
    pub outside: usize,
}

/// The data stores in the PHI scope, one table per kind with at least one store, each row with
/// every data-plane check's verdict on the store.
pub fn data_stores(results: &Results) -> Vec<StoreTable<'_>> {
    let check = |id: &str| results.checks.iter().find(|k| k.id == id);
    let mut tables = Vec::new();
    for kind in &STORE_KINDS {
        let Some(first) = check(kind.columns[0].0) else {
            continue;
        };
        let mut table = StoreTable {
            title: kind.title,
            columns: kind.columns.iter().map(|(_, name)| *name).collect(),
            rows: Vec::new(),
            outside: 0,
        };
        for f in first
            .findings
            .iter()
            .filter(|f| f.resource.starts_with("arn:") && f.resource.contains(kind.arn_part))
        {
            if f.status == crate::verdict::FindingStatus::NotApplicable {
                // Not a store of its own (an instance of a cluster) is neither row nor count.
                if crate::phi_scope::is_outside_reason(&f.message) {
                    table.outside += 1;
                }
                continue;
            }
            let judged = kind
                .columns
                .iter()
                .map(|(id, _)| {
                    check(id)
                        .and_then(|k| k.findings.iter().find(|g| g.resource == f.resource))
                        .map(|g| (g.status.as_str(), g.message.as_str()))
                })
                .collect();
            table.rows.push(DataStore {
                resource: &f.resource,
                judged,
            });
        }
        if !table.rows.is_empty() || table.outside > 0 {
            tables.push(table);
        }
    }
    tables
}
