//! The findings safeguard sends to Security Hub, in the AWS Security Finding Format (ASFF),
//! built from results.json alone so that the same results give the same findings.
//!
//! One ASFF finding per safeguard finding: `Id` the stable finding id, `GeneratorId` the check,
//! `Compliance.Status` `FAILED`, `WARNING` (a failure a valid waiver covers), `NOT_AVAILABLE`
//! (an evidence gap, or nothing to judge) or `PASSED`, `Compliance.RelatedRequirements` the
//! citations (`HIPAA 164.312(d)`), the check's severity for anything but a pass, the resource
//! with its ASFF type, and the check's next step as the recommendation. Lengths are cut to
//! ASFF's limits on character boundaries.

use std::collections::BTreeMap;

use crate::results::{CheckResult, ResolvedFinding, Results};
use crate::verdict::{Finding, FindingStatus, Severity, Validity};

/// The finding type every safeguard finding has (ASFF's types taxonomy).
pub const FINDING_TYPE: &str =
    "Software and Configuration Checks/Industry and Regulatory Standards/HIPAA Controls (USA)";

/// ASFF's limits (AwsSecurityFinding): title, description, recommendation text, one product
/// field value, and the related requirements of one finding.
const MAX_TITLE: usize = 256;
const MAX_DESCRIPTION: usize = 1024;
const MAX_RECOMMENDATION: usize = 512;
const MAX_FIELD_VALUE: usize = 2048;
const MAX_REQUIREMENTS: usize = 32;

/// Which findings are sent: those that need attention (failing, waived, gaps), or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    Failing,
    All,
}

/// ASFF's compliance status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compliance {
    Passed,
    Warning,
    Failed,
    NotAvailable,
}

impl Compliance {
    pub fn as_str(self) -> &'static str {
        match self {
            Compliance::Passed => "PASSED",
            Compliance::Warning => "WARNING",
            Compliance::Failed => "FAILED",
            Compliance::NotAvailable => "NOT_AVAILABLE",
        }
    }
}

/// One finding as ASFF carries it (the fields safeguard fills).
#[derive(Debug, Clone, PartialEq)]
pub struct AsffFinding {
    pub id: String,
    pub generator_id: String,
    pub title: String,
    pub description: String,
    /// `INFORMATIONAL`, `LOW`, `MEDIUM` or `HIGH`.
    pub severity: &'static str,
    pub compliance: Compliance,
    /// Why the status is what it is, for anything but a plain pass or failure
    /// (`{ReasonCode, Description}`).
    pub status_reason: Option<(String, String)>,
    pub requirements: Vec<String>,
    pub resource_type: String,
    pub resource_id: String,
    pub partition: String,
    pub region: Option<String>,
    pub recommendation: Option<String>,
    /// `ARCHIVED`: the finding failed before and is resolved now.
    pub archived: bool,
    /// When it was first seen failing (`CreatedAt`), else the collection time.
    pub created_at: String,
    pub product_fields: BTreeMap<String, String>,
}

/// The findings `selection` sends for `results`, in results.json's order.
pub fn of_results(results: &Results, selection: Selection) -> Vec<AsffFinding> {
    let citations = citations(results);
    results
        .checks
        .iter()
        .flat_map(|c| c.findings.iter().map(move |f| (c, f)))
        .filter(|(_, f)| {
            selection == Selection::All
                || !matches!(f.status, FindingStatus::Pass | FindingStatus::NotApplicable)
        })
        .map(|(c, f)| finding(results, c, f, &citations))
        .collect()
}

/// The findings that failed in the previous package and are resolved now, archived so
/// Security Hub keeps no stale failure; those `sent` this run already say their new state.
pub fn archived(results: &Results, sent: &[AsffFinding]) -> Vec<AsffFinding> {
    let Some(changes) = &results.changes else {
        return Vec::new();
    };
    let citations = citations(results);
    // A set: an account's run can send a hundred thousand findings and resolve thousands.
    let sent: std::collections::HashSet<&str> = sent.iter().map(|s| s.id.as_str()).collect();
    changes
        .resolved
        .iter()
        .filter(|r| !sent.contains(r.id.as_str()))
        .map(|r| resolved(results, r, &citations))
        .collect()
}

fn finding(
    results: &Results,
    check: &CheckResult,
    f: &Finding,
    citations: &BTreeMap<&str, Vec<String>>,
) -> AsffFinding {
    let waived = f
        .waiver
        .as_ref()
        .is_some_and(|w| w.status == Validity::Valid);
    let (compliance, status_reason) = match f.status {
        FindingStatus::Pass => (Compliance::Passed, None),
        FindingStatus::Fail | FindingStatus::Waived if waived => {
            let w = f.waiver.as_ref().expect("waived");
            (
                Compliance::Warning,
                Some((
                    "WAIVED".to_string(),
                    format!(
                        "Risk accepted: waived by {} until {}: {}",
                        w.approved_by, w.expires, w.justification
                    ),
                )),
            )
        }
        FindingStatus::Fail | FindingStatus::Waived => (Compliance::Failed, None),
        FindingStatus::Error => (
            Compliance::NotAvailable,
            Some((
                "EVIDENCE_GAP".to_string(),
                format!(
                    "The evidence is {}: the check cannot decide. {}",
                    f.gap.map_or("missing", |g| g.as_str()),
                    f.message
                ),
            )),
        ),
        FindingStatus::NotApplicable => (
            Compliance::NotAvailable,
            Some(("NOT_APPLICABLE".to_string(), f.message.clone())),
        ),
    };
    let severity = match compliance {
        Compliance::Passed => "INFORMATIONAL",
        _ if f.status == FindingStatus::NotApplicable => "INFORMATIONAL",
        _ => severity_label(f.severity),
    };
    let mut fields = BTreeMap::new();
    fields.insert("safeguard/check".to_string(), check.id.clone());
    fields.insert(
        "safeguard/evidence".to_string(),
        format!("snapshot.json#{}", f.evidence),
    );
    fields.insert(
        "safeguard/status".to_string(),
        f.status.as_str().to_string(),
    );
    if f.possible {
        fields.insert("safeguard/possible".to_string(), "true".to_string());
    }
    if let Some(ou) = &f.ou_path {
        fields.insert("safeguard/ou-path".to_string(), ou.clone());
    }
    for v in fields.values_mut() {
        *v = cut(v, MAX_FIELD_VALUE);
    }
    let (resource_type, resource_id, partition, region) =
        resource(&f.resource, &results.account.id, &results.account.partition);
    AsffFinding {
        id: f.id.clone(),
        generator_id: check.id.clone(),
        title: cut(&format!("{}: {}", check.id, f.resource), MAX_TITLE),
        description: cut(
            &format!("{}. {}", check.description.trim_end_matches('.'), f.message),
            MAX_DESCRIPTION,
        ),
        severity,
        compliance,
        status_reason,
        requirements: citations
            .get(check.id.as_str())
            .cloned()
            .unwrap_or_default(),
        resource_type,
        resource_id,
        partition,
        region,
        recommendation: (!check.remediation.is_empty())
            .then(|| cut(&check.remediation, MAX_RECOMMENDATION)),
        archived: false,
        created_at: f
            .first_seen
            .clone()
            .unwrap_or_else(|| results.snapshot.collected_at.clone()),
        product_fields: fields,
    }
}

/// A resolved finding, archived: what it is now says its compliance status.
fn resolved(
    results: &Results,
    r: &ResolvedFinding,
    citations: &BTreeMap<&str, Vec<String>>,
) -> AsffFinding {
    let (resource_type, resource_id, partition, region) =
        resource(&r.resource, &results.account.id, &results.account.partition);
    let compliance = if r.now == "pass" {
        Compliance::Passed
    } else {
        Compliance::NotAvailable
    };
    let mut fields = BTreeMap::new();
    fields.insert("safeguard/check".to_string(), r.check.clone());
    fields.insert("safeguard/status".to_string(), r.now.clone());
    AsffFinding {
        id: r.id.clone(),
        generator_id: r.check.clone(),
        title: cut(&format!("{}: {}", r.check, r.resource), MAX_TITLE),
        description: cut(
            &format!(
                "Resolved: failing since {}, {} as of {}.",
                r.first_seen,
                match r.now.as_str() {
                    "gone" => "the resource or finding is no longer there",
                    "not_applicable" => "nothing to judge",
                    other => other,
                },
                results.snapshot.collected_at
            ),
            MAX_DESCRIPTION,
        ),
        severity: "INFORMATIONAL",
        compliance,
        status_reason: Some(("RESOLVED".to_string(), format!("now {}", r.now))),
        requirements: citations.get(r.check.as_str()).cloned().unwrap_or_default(),
        resource_type,
        resource_id,
        partition,
        region,
        recommendation: None,
        archived: true,
        created_at: r.first_seen.clone(),
        product_fields: fields,
    }
}

fn severity_label(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::High) => "HIGH",
        Some(Severity::Medium) => "MEDIUM",
        Some(Severity::Low) => "LOW",
        None => "INFORMATIONAL",
    }
}

/// Each check's citations as ASFF related requirements (`HIPAA 164.312(d)`), at most 32.
fn citations(results: &Results) -> BTreeMap<&str, Vec<String>> {
    let mut out: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for control in &results.controls {
        for k in &control.checks {
            let list = out.entry(k.id.as_str()).or_default();
            if list.len() < MAX_REQUIREMENTS {
                list.push(crate::render::ocsf::requirement(&control.id));
            }
        }
    }
    out
}

/// A finding's resource in ASFF: its type (from the ARN's service and resource type), its id
/// (the ARN; an account setting is the account, `AWS::::Account:<id>`), partition and region.
fn resource(uid: &str, account: &str, partition: &str) -> (String, String, String, Option<String>) {
    let parts: Vec<&str> = uid.splitn(6, ':').collect();
    if parts.len() == 6 && parts[0] == "arn" {
        let kind = parts[5].split_once(['/', ':']).map_or("", |(t, _)| t);
        let ty = match (parts[2], kind) {
            ("iam", "user") => "AwsIamUser",
            ("iam", "role") => "AwsIamRole",
            ("iam", "group") => "AwsIamGroup",
            ("iam", "policy") => "AwsIamPolicy",
            ("s3", _) => "AwsS3Bucket",
            ("cloudtrail", "trail") => "AwsCloudTrailTrail",
            ("kms", "key") => "AwsKmsKey",
            ("rds", "db") => "AwsRdsDbInstance",
            ("rds", "cluster") => "AwsRdsDbCluster",
            ("dynamodb", "table") => "AwsDynamoDbTable",
            ("ec2", "volume") => "AwsEc2Volume",
            ("ec2", "vpc") => "AwsEc2Vpc",
            ("ec2", "security-group") => "AwsEc2SecurityGroup",
            ("elasticloadbalancing", "loadbalancer") => "AwsElbv2LoadBalancer",
            ("cloudfront", "distribution") => "AwsCloudFrontDistribution",
            ("guardduty", "detector") => "AwsGuardDutyDetector",
            ("backup", "backup-plan") => "AwsBackupBackupPlan",
            ("backup", "backup-vault") => "AwsBackupBackupVault",
            ("logs", "log-group") => "AwsLogsLogGroup",
            _ => "Other",
        };
        let region = (!parts[3].is_empty()).then(|| parts[3].to_string());
        (ty.into(), cut(uid, 512), parts[1].to_string(), region)
    } else {
        (
            "AwsAccount".into(),
            format!("AWS::::Account:{account}"),
            partition.to_string(),
            None,
        )
    }
}

/// `s` cut to at most `max` bytes on a character boundary, marked with `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_get_their_asff_type_and_account_settings_the_account() {
        let (t, id, p, r) = resource("arn:aws:iam::123456789012:role/app/admin", "1", "aws");
        assert_eq!((t.as_str(), p.as_str(), r), ("AwsIamRole", "aws", None));
        assert_eq!(id, "arn:aws:iam::123456789012:role/app/admin");
        let (t, _, _, r) = resource("arn:aws-us-gov:rds:us-gov-west-1:1:db:clinic", "1", "aws");
        assert_eq!(
            (t.as_str(), r.as_deref()),
            ("AwsRdsDbInstance", Some("us-gov-west-1"))
        );
        let (t, id, p, _) = resource(
            "account/123456789012/password-policy",
            "123456789012",
            "aws-cn",
        );
        assert_eq!(
            (t.as_str(), id.as_str(), p.as_str()),
            ("AwsAccount", "AWS::::Account:123456789012", "aws-cn")
        );
        assert_eq!(
            resource("arn:aws:sns:us-east-1:1:topic", "1", "aws").0,
            "Other"
        );
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let s = "é".repeat(600);
        let c = cut(&s, 256);
        assert!(c.len() <= 256 && c.ends_with('…'), "{}", c.len());
        assert_eq!(cut("short", 256), "short");
    }
}
