//! The snapshot: every piece of raw evidence one assessment reads, in one JSON file.
//!
//! AWS objects keep the field names AWS gives them (PascalCase for IAM and CloudTrail,
//! camelCase for AWS Config) so an auditor can match them to the AWS documentation, and
//! fields we do not model are kept verbatim (`extra`). Our own envelope is snake_case.
//! Evidence that could not be read is `null` in place and explained in `gaps`, so a check
//! can tell "absent in the account" from "not seen by us".

pub mod backup;
pub mod cloudfront;
pub mod dynamodb;
pub mod ec2;
pub mod efs;
pub mod elb;
pub mod guardduty;
pub mod kms;
pub mod organization;
pub mod pointer;
pub mod policy_document;
pub mod rds;
pub mod s3;
pub mod time;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Location, Result};
pub use organization::Organization;
pub use policy_document::PolicyDocument;
pub use time::{AwsTime, parse_aws_time};

pub(crate) const SCHEMA_VERSION: &str = "safeguard.snapshot.v1";

/// Whether `id` is `prefix` followed by lower-case hex digits, as many as `digits` allows: the
/// shape of the ids EC2 (`vol-`, `i-`, `vpc-`) and EFS (`fs-`) issue, the only ones that become
/// ARNs, paths and messages.
pub fn prefixed_hex_id(id: &str, prefix: &str, digits: std::ops::RangeInclusive<usize>) -> bool {
    id.strip_prefix(prefix).is_some_and(|h| {
        digits.contains(&h.len())
            && h.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

type Extra = BTreeMap<String, Value>;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Snapshot {
    pub schema_version: String,
    /// When the evidence was gathered; every time-based check is evaluated as of this instant.
    pub collected_at: DateTime<Utc>,
    pub source: Source,
    pub account: Account,
    /// Regions assessed: those with evidence, and every enabled region (so that an enabled
    /// region without evidence is a gap, not left out).
    pub regions: Vec<String>,
    /// The account's enabled regions, as the evidence proves them (`account/regions.json`);
    /// `None`: not in the evidence, so `regions` is not proven complete.
    #[serde(default)]
    pub enabled_regions: Option<EnabledRegions>,
    pub iam: Iam,
    pub cloudtrail: CloudTrail,
    /// CloudWatch Logs and alarms for the log groups the trails deliver to.
    #[serde(default)]
    pub cloudwatch: CloudWatch,
    pub config: ConfigService,
    /// The S3 buckets: the first data stores judged within the PHI scope.
    #[serde(default)]
    pub s3: s3::S3,
    /// The KMS keys and aliases of every region read: the keys the data stores name.
    #[serde(default)]
    pub kms: kms::Kms,
    /// The RDS DB instances and clusters of every region read.
    #[serde(default)]
    pub rds: rds::Rds,
    /// The DynamoDB tables of every region read.
    #[serde(default)]
    pub dynamodb: dynamodb::DynamoDb,
    /// EBS encryption by default, the volumes and instances, and the VPCs with their flow logs,
    /// of every region read.
    #[serde(default)]
    pub ec2: ec2::Ec2,
    /// The EFS file systems of every region read.
    #[serde(default)]
    pub efs: efs::Efs,
    /// The load balancers of every region read, with their listeners.
    #[serde(default)]
    pub elb: elb::Elb,
    /// The AWS Backup plans, selections and vaults of every region read.
    #[serde(default)]
    pub backup: backup::Backup,
    /// The CloudFront distributions (global), with their behaviors, origins and certificate.
    #[serde(default)]
    pub cloudfront: cloudfront::CloudFront,
    /// The GuardDuty detectors of every region read, and their open high-severity findings.
    #[serde(default)]
    pub guardduty: guardduty::GuardDuty,
    /// The account's place in its AWS Organization and the SCPs bounding it, when the
    /// evidence holds them (`organizations/`, gathered from the management side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// Evidence that should be here and is not, with why.
    pub gaps: Vec<Gap>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EnabledRegions {
    pub regions: Vec<String>,
    /// The call that listed them, e.g. `account:ListRegions`, or the fallback used and why.
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Source {
    /// `import` (AWS CLI export folder) or `collect` (live SDK).
    pub method: String,
    pub tool: String,
    pub tool_version: String,
    /// For an export: what its export-info.json claims (who made it, with which AWS CLI,
    /// when). Claims, not proven facts; absent for a live collection.
    #[serde(default, skip_serializing_if = "ExportClaims::is_empty")]
    pub export: ExportClaims,
    /// For an export: where `collected_at` came from (`export-info.json`, `--collected-at`,
    /// the credential report's generation time, or the import time); absent for a live
    /// collection, whose clock is the collector's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at_from: Option<String>,
}

/// What an AWS CLI export says of itself (export-info.json).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ExportClaims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_cli: Option<String>,
    /// The export's own collection time (RFC 3339), which `--collected-at` may override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
}

impl ExportClaims {
    pub fn is_empty(&self) -> bool {
        self == &ExportClaims::default()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Account {
    pub id: String,
    pub partition: String,
    /// The identity that gathered the evidence (sts get-caller-identity), when known.
    #[serde(default)]
    pub caller_arn: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Gap {
    /// JSON pointer into this snapshot where the evidence would be.
    pub evidence: String,
    /// The API call or export file it comes from.
    pub source: String,
    pub reason: String,
}

// ---------------------------------------------------------------- IAM

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Iam {
    pub authorization_details: Option<AuthorizationDetails>,
    pub credential_report: Option<CredentialReport>,
    pub password_policy: Option<PasswordPolicyEvidence>,
    /// `SummaryMap` of get-account-summary.
    pub account_summary: Option<BTreeMap<String, i64>>,
    /// list-virtual-mfa-devices, seeds and QR codes removed.
    pub virtual_mfa_devices: Option<Vec<Value>>,
    /// list-roles: the role fields get-account-authorization-details lacks (MaxSessionDuration).
    #[serde(default)]
    pub roles: Option<Vec<RoleSummary>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct RoleSummary {
    pub role_name: String,
    pub arn: String,
    /// Seconds; AWS's default is 3600 when the field is absent.
    #[serde(default)]
    pub max_session_duration: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationDetails {
    #[serde(default)]
    pub user_detail_list: Vec<UserDetail>,
    #[serde(default)]
    pub group_detail_list: Vec<GroupDetail>,
    #[serde(default)]
    pub role_detail_list: Vec<RoleDetail>,
    #[serde(default)]
    pub policies: Vec<ManagedPolicyDetail>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    pub policy_document: PolicyDocument,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    pub policy_name: String,
    pub policy_arn: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct UserDetail {
    pub user_name: String,
    pub arn: String,
    #[serde(default)]
    pub user_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub group_list: Vec<String>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct GroupDetail {
    pub group_name: String,
    pub arn: String,
    #[serde(default)]
    pub group_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct RoleDetail {
    pub role_name: String,
    pub arn: String,
    #[serde(default)]
    pub assume_role_policy_document: Option<PolicyDocument>,
    #[serde(default)]
    pub role_policy_list: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicyDetail {
    /// Some AWS-compatible endpoints omit it; the importer then derives it from the ARN.
    #[serde(default)]
    pub policy_name: String,
    pub arn: String,
    #[serde(default)]
    pub default_version_id: Option<String>,
    #[serde(default)]
    pub attachment_count: Option<i64>,
    #[serde(default)]
    pub policy_version_list: Vec<PolicyVersion>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl ManagedPolicyDetail {
    /// AWS-managed policies live under the `aws` account in their ARN.
    pub(crate) fn is_aws_managed(&self) -> bool {
        self.arn.split(':').nth(4) == Some("aws")
    }

    /// The default version and its index in `PolicyVersionList`.
    pub(crate) fn default_version(&self) -> Option<(usize, &PolicyVersion)> {
        self.policy_version_list
            .iter()
            .enumerate()
            .find(|(_, v)| v.is_default_version)
            .or_else(|| {
                let id = self.default_version_id.as_deref()?;
                self.policy_version_list
                    .iter()
                    .enumerate()
                    .find(|(_, v)| v.version_id.as_deref() == Some(id))
            })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    pub document: PolicyDocument,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub is_default_version: bool,
    #[serde(flatten)]
    pub extra: Extra,
}

/// get-credential-report, its base64 CSV decoded into one map per row (column → value).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CredentialReport {
    pub generated_time: Option<AwsTime>,
    pub rows: Vec<BTreeMap<String, String>>,
}

pub(crate) const ROOT_ACCOUNT_USER: &str = "<root_account>";

impl CredentialReport {
    pub fn root(&self) -> Option<(usize, &BTreeMap<String, String>)> {
        self.rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.get("user").map(String::as_str) == Some(ROOT_ACCOUNT_USER))
    }

    pub fn users(&self) -> impl Iterator<Item = (usize, &BTreeMap<String, String>)> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.get("user").map(String::as_str) != Some(ROOT_ACCOUNT_USER))
    }
}

/// Reads a credential-report boolean column ("true"/"false").
pub(crate) fn report_flag(row: &BTreeMap<String, String>, column: &str) -> Option<bool> {
    match row
        .get(column)
        .map(|s| s.trim().to_ascii_lowercase())
        .as_deref()
    {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PasswordPolicyEvidence {
    Set {
        policy: PasswordPolicy,
    },
    /// get-account-password-policy answered NoSuchEntity: the account has none.
    NotSet {
        detail: String,
    },
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    #[serde(default)]
    pub minimum_password_length: Option<i64>,
    #[serde(default)]
    pub require_symbols: Option<bool>,
    #[serde(default)]
    pub require_numbers: Option<bool>,
    #[serde(default)]
    pub require_uppercase_characters: Option<bool>,
    #[serde(default)]
    pub require_lowercase_characters: Option<bool>,
    #[serde(default)]
    pub expire_passwords: Option<bool>,
    #[serde(default)]
    pub max_password_age: Option<i64>,
    #[serde(default)]
    pub password_reuse_prevention: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------- CloudTrail

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CloudTrail {
    /// Per region: the trail ARNs describe-trails listed there (shadow trails included),
    /// or `null` when that region's listing could not be read.
    pub regions: BTreeMap<String, Option<Vec<String>>>,
    /// Every trail once (deduplicated by ARN), sorted by ARN.
    pub trails: Vec<TrailEvidence>,
    /// CloudTrail event history (LookupEvents) over the look-back window.
    #[serde(default)]
    pub event_history: EventHistory,
}

/// What `LookupEvents` returned for the look-back window ending at `collected_at`. Each event is
/// reduced to the fields an auditor reads: who, what, when, from where, with or without MFA.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EventHistory {
    /// Start of the window (RFC 3339), when the export says.
    #[serde(default)]
    pub start_time: Option<AwsTime>,
    /// Write events of `iam.amazonaws.com` (read-only calls dropped), from the region IAM records
    /// its events in; `null` when not read.
    #[serde(default)]
    pub iam_changes: Option<Vec<CloudTrailEvent>>,
    /// Per region: events made by the root user; `null` when that region was not read.
    #[serde(default)]
    pub root_activity: BTreeMap<String, Option<Vec<CloudTrailEvent>>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CloudTrailEvent {
    pub event_id: String,
    pub event_time: Option<AwsTime>,
    pub event_name: String,
    pub event_source: String,
    #[serde(default)]
    pub aws_region: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    /// `userIdentity.type`: Root, IAMUser, AssumedRole, AWSService, ...
    #[serde(default)]
    pub identity_type: Option<String>,
    #[serde(default)]
    pub identity_arn: Option<String>,
    /// `sessionContext.attributes.mfaAuthenticated`, or `MFAUsed` of a console sign-in.
    #[serde(default)]
    pub mfa_authenticated: Option<bool>,
    #[serde(default)]
    pub source_ip: Option<String>,
    #[serde(default)]
    pub error_code: Option<String>,
    #[serde(default)]
    pub read_only: Option<bool>,
    /// `ResourceType ResourceName` pairs LookupEvents lists.
    #[serde(default)]
    pub resources: Vec<String>,
}

impl CloudTrailEvent {
    /// One line: when, who, what, on which resources, and how it ended.
    pub fn describe(&self) -> String {
        let when = self
            .event_time
            .as_ref()
            .map(|t| t.0.as_str())
            .unwrap_or("?");
        let who = self
            .identity_arn
            .as_deref()
            .or(self.username.as_deref())
            .unwrap_or("an unknown identity");
        let mut s = format!("{when} {who} called {}", self.event_name);
        if !self.resources.is_empty() {
            s.push_str(&format!(" on {}", self.resources.join(", ")));
        }
        if let Some(region) = &self.aws_region {
            s.push_str(&format!(" in {region}"));
        }
        if let Some(ip) = &self.source_ip {
            s.push_str(&format!(" from {ip}"));
        }
        match self.mfa_authenticated {
            Some(true) => s.push_str(" with MFA"),
            Some(false) => s.push_str(" without MFA"),
            None => {}
        }
        if let Some(code) = &self.error_code {
            s.push_str(&format!(" — failed: {code}"));
        }
        s
    }
}

// ---------------------------------------------------------------- CloudWatch

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CloudWatch {
    /// Per region holding a trail's log group.
    pub regions: BTreeMap<String, CloudWatchRegion>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CloudWatchRegion {
    /// describe-log-groups entries of the trails' log groups; `null` when not read.
    pub log_groups: Option<Vec<LogGroup>>,
    /// describe-metric-filters of those log groups; `null` when not read.
    pub metric_filters: Option<Vec<MetricFilter>>,
    /// describe-alarms (metric alarms) of the region; `null` when not read.
    pub alarms: Option<Vec<MetricAlarm>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LogGroup {
    pub log_group_name: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// Absent: events never expire.
    #[serde(default)]
    pub retention_in_days: Option<i64>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MetricFilter {
    pub filter_name: String,
    #[serde(default)]
    pub filter_pattern: String,
    pub log_group_name: String,
    #[serde(default)]
    pub metric_transformations: Vec<MetricTransformation>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MetricTransformation {
    pub metric_name: String,
    pub metric_namespace: String,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct MetricAlarm {
    pub alarm_name: String,
    #[serde(default)]
    pub alarm_arn: Option<String>,
    #[serde(default)]
    pub metric_name: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub actions_enabled: Option<bool>,
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    #[serde(default)]
    pub state_value: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Where a trail's CloudWatch Logs log group stands in the evidence.
pub(crate) enum TrailLogGroup<'a> {
    /// The trail delivers to no log group.
    NotConfigured,
    Found {
        group: &'a LogGroup,
        /// JSON pointer to the log group.
        pointer: String,
        /// The region's CloudWatch evidence the group is in (this account's, or the management
        /// account's for an organization trail), and its JSON pointer.
        evidence: &'a CloudWatchRegion,
        base: String,
    },
    /// The region's log groups were not read (a gap at `pointer`).
    Unread { pointer: String },
    /// Read, and the group the trail names is not there (deleted).
    Absent { name: String, pointer: String },
    /// The group lives in another account (an organization trail delivering to the management
    /// account) whose evidence the snapshot does not hold: this account's groups, filters and
    /// alarms are not its evidence.
    OtherAccount { account: String, name: String },
}

impl Snapshot {
    /// The account's root user, `arn:<partition>:iam::<account>:root`.
    pub(crate) fn root_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:root",
            self.account.partition, self.account.id
        )
    }

    /// The CloudTrail event at an evidence pointer (`/cloudtrail/event_history/iam_changes/N`
    /// or `/cloudtrail/event_history/root_activity/REGION/N`), if it names one.
    pub(crate) fn event_at(&self, pointer: &str) -> Option<&CloudTrailEvent> {
        let rest = pointer.strip_prefix("/cloudtrail/event_history/")?;
        let history = &self.cloudtrail.event_history;
        if let Some(i) = rest.strip_prefix("iam_changes/") {
            return history.iam_changes.as_ref()?.get(i.parse::<usize>().ok()?);
        }
        let (region, i) = rest.strip_prefix("root_activity/")?.split_once('/')?;
        let region = region.replace("~1", "/").replace("~0", "~");
        history
            .root_activity
            .get(&region)?
            .as_ref()?
            .get(i.parse::<usize>().ok()?)
    }

    pub(crate) fn trail_log_group(&self, trail: &Trail) -> TrailLogGroup<'_> {
        let Some((region, name)) = trail
            .cloud_watch_logs_log_group_arn
            .as_deref()
            .filter(|a| !a.is_empty())
            .and_then(log_group_of_arn)
        else {
            return TrailLogGroup::NotConfigured;
        };
        let (cloudwatch, prefix) = match trail
            .cloud_watch_logs_log_group_arn
            .as_deref()
            .and_then(|a| a.split(':').nth(4))
            .filter(|a| !a.is_empty() && *a != self.account.id)
        {
            None => (&self.cloudwatch, "/cloudwatch"),
            // An organization trail delivering to the management account: judged on that
            // account's log group when the organization evidence holds it.
            Some(account) => match self
                .organization
                .as_ref()
                .and_then(|o| o.trail_logs.as_ref())
                .filter(|t| t.account == account)
            {
                Some(t) => (&t.cloudwatch, "/organization/trail_logs/cloudwatch"),
                None => {
                    return TrailLogGroup::OtherAccount {
                        account: account.to_string(),
                        name,
                    };
                }
            },
        };
        let region_base = format!(
            "{prefix}/regions/{}",
            crate::error::escape_pointer_token(&region)
        );
        let base = format!("{region_base}/log_groups");
        let Some(cw) = cloudwatch.regions.get(&region) else {
            return TrailLogGroup::Unread { pointer: base };
        };
        let Some(groups) = &cw.log_groups else {
            return TrailLogGroup::Unread { pointer: base };
        };
        match groups.iter().position(|g| g.log_group_name == name) {
            Some(i) => TrailLogGroup::Found {
                group: &groups[i],
                pointer: format!("{base}/{i}"),
                evidence: cw,
                base: region_base,
            },
            None => TrailLogGroup::Absent {
                name,
                pointer: base,
            },
        }
    }
}

/// Removes what must never be in a snapshot, wherever it is: virtual MFA seeds and QR codes
/// (`Base32StringSeed`, `QRCodePNG`, in any case, at any depth) are dropped, and every
/// access-key-id-shaped string is masked. Run on every snapshot made or read, so a crafted
/// snapshot handed to `assess` is held to the same rule as an import.
fn sanitize_value(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.to_ascii_lowercase().as_str(),
                        "base32stringseed" | "qrcodepng"
                    )
                })
                .map(|(k, v)| (k, sanitize_value(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(sanitize_value).collect()),
        Value::String(s) => Value::String(mask_access_keys(&s)),
        other => other,
    }
}

impl Snapshot {
    /// The snapshot with secrets removed (see [`sanitize_value`]). The serialized text is
    /// scanned first, and the tree rebuilt only when it holds something to remove: most
    /// snapshots hold none, and a 10,000-principal one is large.
    pub(crate) fn sanitized(self) -> Snapshot {
        let text = serde_json::to_vec(&self).expect("snapshot serializes");
        if !may_hold_secrets(&text) {
            return self;
        }
        let value: Value = serde_json::from_slice(&text).expect("own output parses");
        drop(text);
        serde_json::from_value(sanitize_value(value)).unwrap_or(self)
    }
}

/// Whether serialized JSON may hold what [`sanitize_value`] removes: an access-key-id prefix or
/// an MFA seed or QR-code key (in any case). A false positive only costs the full pass.
fn may_hold_secrets(text: &[u8]) -> bool {
    let lower_has = |needle: &[u8]| {
        text.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    text.windows(4).any(|w| w == b"AKIA" || w == b"ASIA")
        || lower_has(b"base32stringseed")
        || lower_has(b"qrcodepng")
}

/// The text with every access-key-id-shaped word (`AKIA`/`ASIA` and 16 more upper-case
/// letters or digits) replaced by `AKIA****************`-style masks, so a key id in an error
/// message or event never reaches a package.
pub(crate) fn mask_access_keys(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let candidate = b.len() - i >= 20
            && (b[i..].starts_with(b"AKIA") || b[i..].starts_with(b"ASIA"))
            && b[i + 4..i + 20]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 20).is_none_or(|c| !c.is_ascii_alphanumeric());
        if candidate {
            out.push_str(&text[i..i + 4]);
            out.push_str("****************");
            i += 20;
        } else {
            let ch = text[i..].chars().next().expect("in bounds");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Exactly 12 ASCII digits, as AWS issues account ids.
pub(crate) fn valid_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// One of the AWS partitions: `aws`, `aws-cn`, `aws-us-gov`, or an `aws-iso…` partition.
pub(crate) fn valid_partition(p: &str) -> bool {
    matches!(p, "aws" | "aws-cn" | "aws-us-gov")
        || p.strip_prefix("aws-iso")
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
}

/// The region and name of a log group from the ARN CloudTrail holds
/// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`).
pub(crate) fn log_group_of_arn(arn: &str) -> Option<(String, String)> {
    let mut parts = arn.splitn(7, ':');
    let (_, _, service, region, _, kind) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if service != "logs" || kind != "log-group" || region.is_empty() {
        return None;
    }
    let name = parts.next()?;
    let name = name.strip_suffix(":*").unwrap_or(name);
    (!name.is_empty()).then(|| (region.to_string(), name.to_string()))
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrailEvidence {
    pub trail: Trail,
    /// get-trail-status, `null` when not read.
    pub status: Option<TrailStatus>,
    /// get-event-selectors, `null` when not read.
    pub event_selectors: Option<EventSelectors>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Trail {
    pub name: String,
    #[serde(rename = "TrailARN")]
    pub trail_arn: String,
    #[serde(default)]
    pub home_region: Option<String>,
    #[serde(default)]
    pub is_multi_region_trail: bool,
    #[serde(default)]
    pub is_organization_trail: bool,
    #[serde(default)]
    pub log_file_validation_enabled: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct TrailStatus {
    #[serde(default)]
    pub is_logging: Option<bool>,
    #[serde(default)]
    pub latest_cloud_watch_logs_delivery_time: Option<AwsTime>,
    #[serde(default)]
    pub latest_cloud_watch_logs_delivery_error: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct EventSelectors {
    #[serde(default)]
    pub event_selectors: Option<Vec<EventSelector>>,
    #[serde(default)]
    pub advanced_event_selectors: Option<Vec<AdvancedEventSelector>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct EventSelector {
    #[serde(default)]
    pub read_write_type: Option<String>,
    #[serde(default)]
    pub include_management_events: Option<bool>,
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
    /// Data events: `AWS::S3::Object` with `arn:aws:s3` (every bucket) or bucket prefixes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_resources: Vec<DataResource>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DataResource {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AdvancedEventSelector {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub field_selectors: Vec<AdvancedFieldSelector>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AdvancedFieldSelector {
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_equals: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_with: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_starts_with: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------- AWS Config

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ConfigService {
    pub regions: BTreeMap<String, ConfigRegion>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ConfigRegion {
    pub recorders: Option<Vec<ConfigurationRecorder>>,
    pub recorder_statuses: Option<Vec<RecorderStatus>>,
    pub delivery_channels: Option<Vec<Value>>,
    /// describe-delivery-channel-status: whether delivery last succeeded; `null` when not read.
    #[serde(default)]
    pub delivery_channel_statuses: Option<Vec<Value>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationRecorder {
    pub name: String,
    #[serde(default)]
    pub recording_group: Option<RecordingGroup>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RecordingGroup {
    #[serde(default)]
    pub all_supported: Option<bool>,
    #[serde(default)]
    pub include_global_resource_types: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RecorderStatus {
    pub name: String,
    #[serde(default)]
    pub recording: Option<bool>,
    #[serde(default)]
    pub last_status: Option<String>,
    #[serde(default)]
    pub last_error_code: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------- (de)serialization

impl Snapshot {
    /// The canonical bytes: JSON with sorted map keys, newline-terminated, pretty or (when
    /// large) compact ([`crate::layout`]). Byte-identical for identical evidence; its SHA-256
    /// names the snapshot everywhere.
    pub fn to_canonical_json(&self) -> Vec<u8> {
        // Round-trip through Value and sort every object's keys ourselves: serde_json's map is
        // key-ordered only while no crate in the build enables its `preserve_order` feature.
        let value = sorted(serde_json::to_value(self).expect("snapshot serializes"));
        crate::layout::json(&value)
    }

    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_slice(path, &bytes)
    }

    pub fn from_slice(path: &Path, bytes: &[u8]) -> Result<Self> {
        // Check the schema first so an old or foreign file gets a clear message, not a type error.
        let probe: Value =
            serde_json::from_slice(bytes).map_err(|e| Error::from_json_syntax(path, &e))?;
        match probe.get("schema_version").and_then(Value::as_str) {
            Some(SCHEMA_VERSION) => {}
            Some(other) => {
                return Err(Error::bad_input(
                    path,
                    Location {
                        pointer: Some("/schema_version".into()),
                        ..Default::default()
                    },
                    format!(
                        "unknown snapshot schema version {other:?}; this safeguard reads {SCHEMA_VERSION:?}"
                    ),
                ));
            }
            None => {
                return Err(Error::bad_input(
                    path,
                    Location {
                        pointer: Some("/schema_version".into()),
                        ..Default::default()
                    },
                    format!(
                        "not a safeguard snapshot: no \"schema_version\" (expected {SCHEMA_VERSION:?})"
                    ),
                ));
            }
        }
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        let snapshot: Snapshot =
            serde_path_to_error::deserialize(de).map_err(|e| Error::from_json(path, e))?;
        // A snapshot is input too: its account id and partition name the package folder.
        let refuse = |pointer: &str, message: String| {
            Err(Error::bad_input(
                path,
                Location {
                    pointer: Some(pointer.into()),
                    ..Default::default()
                },
                message,
            ))
        };
        if !valid_account_id(&snapshot.account.id) {
            return refuse(
                "/account/id",
                format!(
                    "{:?} is not an AWS account id: expected exactly 12 digits",
                    snapshot.account.id
                ),
            );
        }
        if !valid_partition(&snapshot.account.partition) {
            return refuse(
                "/account/partition",
                format!(
                    "{:?} is not an AWS partition: expected aws, aws-cn, aws-us-gov or aws-iso*",
                    snapshot.account.partition
                ),
            );
        }
        Ok(snapshot.sanitized())
    }
}

/// The same JSON with every object's keys in sorted order, whatever map type serde_json uses.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// SHA-256 of bytes as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
