//! `safeguard import DIR`: builds a snapshot from the AWS CLI's own JSON output.
//!
//! The folder layout is docs/evidence-format.md. Each expected file is either present
//! (parsed strictly: a malformed file is bad input, exit 2), present as `<file>.error`
//! holding the CLI's error text (a gap, except `NoSuchEntity` on the password policy, which
//! means "no policy"), or absent (a gap). Nothing is dropped silently.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Location, Result, escape_pointer_token};
use crate::snapshot::*;

/// Options a user can give `import`.
#[derive(Debug, Default, Clone)]
pub struct ImportOptions {
    /// Overrides the collection time read from the export.
    pub collected_at: Option<DateTime<Utc>>,
}

/// What reading one expected file gave.
enum Read<T> {
    Ok(T),
    /// `<file>.error` exists: the CLI call failed with this text.
    Failed(String),
    Missing,
}

/// One expected evidence file as a source holds it.
#[derive(Debug, Clone)]
pub enum Entry {
    /// The call's JSON output, exactly as the AWS CLI prints it.
    Json(Vec<u8>),
    /// The call failed; the error text (AWS CLI wording, or the SDK's code and message).
    Failed(String),
}

/// Where evidence comes from: an export folder on disk, or a live collection held in memory.
/// Both speak the import-folder layout, so `collect` and `import` share one parser.
pub trait EvidenceSource {
    /// The entry at `rel` (e.g. `iam/password-policy.json`), `None` when absent.
    fn entry(&self, rel: &str) -> Result<Option<Entry>>;
    /// The region folders under `cloudtrail/` and `config/`.
    fn regions(&self) -> BTreeSet<String>;
    /// How to name `rel` in an error message.
    fn display(&self, rel: &str) -> PathBuf;
    /// `import` or `collect`, recorded in the snapshot.
    fn method(&self) -> &'static str;
    /// Gaps the source found itself (e.g. regions it could not list).
    fn gaps(&self) -> Vec<Gap> {
        Vec::new()
    }
}

/// An AWS CLI export folder (docs/evidence-format.md).
pub struct DirSource {
    pub root: PathBuf,
}

impl EvidenceSource for DirSource {
    fn entry(&self, rel: &str) -> Result<Option<Entry>> {
        let path = self.root.join(rel);
        if path.is_file() {
            return std::fs::read(&path)
                .map(|b| Some(Entry::Json(b)))
                .map_err(|e| Error::io(&path, e));
        }
        let err_path = self.root.join(format!("{rel}.error"));
        if err_path.is_file() {
            let bytes = std::fs::read(&err_path).map_err(|e| Error::io(&err_path, e))?;
            return Ok(Some(Entry::Failed(
                String::from_utf8_lossy(&bytes).into_owned(),
            )));
        }
        Ok(None)
    }

    fn regions(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for service in ["cloudtrail", "config"] {
            if let Ok(entries) = std::fs::read_dir(self.root.join(service)) {
                for e in entries.flatten() {
                    if e.path().is_dir() {
                        out.insert(e.file_name().to_string_lossy().into_owned());
                    }
                }
            }
        }
        out
    }

    fn display(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn method(&self) -> &'static str {
        "import"
    }
}

/// Evidence gathered in memory, laid out like an export folder.
#[derive(Debug, Default, Clone)]
pub struct MemorySource {
    pub entries: BTreeMap<String, Entry>,
    pub regions: BTreeSet<String>,
    pub method: &'static str,
    pub gaps: Vec<Gap>,
}

impl EvidenceSource for MemorySource {
    fn entry(&self, rel: &str) -> Result<Option<Entry>> {
        Ok(self.entries.get(rel).cloned())
    }
    fn regions(&self) -> BTreeSet<String> {
        self.regions.clone()
    }
    fn display(&self, rel: &str) -> PathBuf {
        PathBuf::from(format!("{}:{rel}", self.method))
    }
    fn method(&self) -> &'static str {
        self.method
    }
    fn gaps(&self) -> Vec<Gap> {
        self.gaps.clone()
    }
}

struct Importer<'a> {
    src: &'a dyn EvidenceSource,
    gaps: Vec<Gap>,
}

pub fn import_dir(root: &Path, opts: &ImportOptions) -> Result<Snapshot> {
    if !root.is_dir() {
        return Err(Error::bad_input(
            root,
            Location::default(),
            "not a folder: expected an AWS CLI export folder (see docs/evidence-format.md)",
        ));
    }
    import_from(
        &DirSource {
            root: root.to_path_buf(),
        },
        opts,
    )
}

/// Builds a snapshot from any evidence source.
pub fn import_from(src: &dyn EvidenceSource, opts: &ImportOptions) -> Result<Snapshot> {
    let mut im = Importer {
        src,
        gaps: Vec::new(),
    };

    let caller = im.caller_identity()?;
    let iam = im.iam()?;
    let mut regions = src.regions();
    // Every enabled region is assessed: one without evidence folders becomes a gap in each
    // per-region check instead of silently dropping out of "every region".
    let enabled_regions = im.enabled_regions()?;
    if let Some(e) = &enabled_regions {
        regions.extend(e.regions.iter().cloned());
    }
    let mut cloudtrail = im.cloudtrail(&regions)?;
    let cloudwatch = im.cloudwatch(&cloudtrail)?;
    let partition_hint = caller
        .as_ref()
        .and_then(|c| c.arn.as_deref())
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    cloudtrail.event_history = im.event_history(&regions, &partition_hint)?;
    let config = im.config(&regions)?;

    let account_id = caller
        .as_ref()
        .and_then(|c| c.account.clone())
        .or_else(|| account_from_arns(&iam))
        .ok_or_else(|| {
            Error::bad_input(
                src.display("sts/caller-identity.json"),
                Location::default(),
                "cannot tell which account this export is from: sts/caller-identity.json is missing and no ARN in the IAM evidence names an account",
            )
        })?;
    let partition = caller
        .as_ref()
        .and_then(|c| c.arn.as_deref())
        .and_then(|a| a.split(':').nth(1))
        .map(str::to_string)
        .unwrap_or_else(|| "aws".to_string());
    // The account id and partition name the package's folder and every ARN: anything but
    // what AWS issues is refused before it reaches a path.
    let identity_file = src.display("sts/caller-identity.json");
    if !crate::snapshot::valid_account_id(&account_id) {
        return Err(Error::bad_input(
            &identity_file,
            Location {
                pointer: Some("/Account".into()),
                ..Location::default()
            },
            format!("{account_id:?} is not an AWS account id: expected exactly 12 digits"),
        ));
    }
    if !crate::snapshot::valid_partition(&partition) {
        return Err(Error::bad_input(
            &identity_file,
            Location {
                pointer: Some("/Arn".into()),
                ..Location::default()
            },
            format!(
                "{partition:?} is not an AWS partition: expected aws, aws-cn, aws-us-gov or aws-iso*"
            ),
        ));
    }

    let collected_at = match opts.collected_at {
        Some(t) => t,
        None => im.collected_at(&iam)?,
    };

    if regions.is_empty() {
        im.gap(
            "/regions",
            "cloudtrail/<region>/ and config/<region>/ folders",
            "the export has no region folders, so no CloudTrail or AWS Config evidence",
        );
    }

    let mut gaps = im.gaps;
    gaps.extend(src.gaps());
    gaps.sort_by(|a, b| a.evidence.cmp(&b.evidence).then(a.source.cmp(&b.source)));
    let snapshot = Snapshot {
        schema_version: SCHEMA_VERSION.to_string(),
        collected_at,
        source: Source {
            method: src.method().into(),
            tool: "safeguard".into(),
            tool_version: env!("CARGO_PKG_VERSION").into(),
        },
        account: Account {
            id: account_id,
            partition,
            caller_arn: caller.and_then(|c| c.arn),
        },
        regions: regions.into_iter().collect(),
        enabled_regions,
        iam,
        cloudtrail,
        cloudwatch,
        config,
        gaps,
    };
    Ok(snapshot.sanitized())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CallerIdentity {
    account: Option<String>,
    arn: Option<String>,
}

#[derive(Deserialize)]
struct ExportInfo {
    collected_at: DateTime<Utc>,
}

/// The start of the CloudTrail event-history window, when the export records it.
#[derive(Deserialize)]
struct EventWindow {
    #[serde(default)]
    events_since: Option<AwsTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RolesFile {
    roles: Vec<RoleSummary>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogGroupsFile {
    #[serde(default)]
    log_groups: Vec<LogGroup>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetricFiltersFile {
    #[serde(default)]
    metric_filters: Vec<MetricFilter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AlarmsFile {
    #[serde(default)]
    metric_alarms: Vec<MetricAlarm>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LookupEventsFile {
    #[serde(default)]
    events: Vec<RawEvent>,
}

/// One entry of `aws cloudtrail lookup-events`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawEvent {
    event_id: String,
    event_name: String,
    #[serde(default)]
    read_only: Option<String>,
    #[serde(default)]
    event_time: Option<AwsTime>,
    #[serde(default)]
    event_source: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    resources: Vec<RawEventResource>,
    /// The full event record, as a JSON string.
    #[serde(default)]
    cloud_trail_event: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawEventResource {
    #[serde(default)]
    resource_type: Option<String>,
    #[serde(default)]
    resource_name: Option<String>,
}

/// The IAM evidence of an event record (the `CloudTrailEvent` string).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct EventRecord {
    #[serde(default)]
    user_identity: Option<Value>,
    #[serde(default)]
    aws_region: Option<String>,
    #[serde(rename = "sourceIPAddress", default)]
    source_ip_address: Option<String>,
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default)]
    additional_event_data: Option<Value>,
    #[serde(default)]
    response_elements: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CredentialReportFile {
    content: String,
    #[serde(default)]
    generated_time: Option<AwsTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PasswordPolicyFile {
    password_policy: PasswordPolicy,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AccountSummaryFile {
    summary_map: BTreeMap<String, i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VirtualMfaFile {
    #[serde(rename = "VirtualMFADevices")]
    virtual_mfa_devices: Vec<Value>,
}

#[derive(Deserialize)]
struct TrailsFile {
    #[serde(rename = "trailList")]
    trail_list: Vec<Trail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RecordersFile {
    configuration_recorders: Vec<ConfigurationRecorder>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RecorderStatusFile {
    configuration_recorders_status: Vec<RecorderStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeliveryChannelsFile {
    delivery_channels: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeliveryChannelStatusFile {
    delivery_channels_status: Vec<Value>,
}

/// AWS's rule for trail names (CloudTrail API, CreateTrail `Name`): 3 to 128 of letters,
/// digits, `.`, `_` and `-`, starting with a letter or digit.
fn valid_trail_name(name: &str) -> bool {
    (3..=128).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RegionsFile {
    regions: Vec<RegionEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RegionEntry {
    region_name: String,
    /// account list-regions: ENABLED, ENABLED_BY_DEFAULT, DISABLED, ...
    #[serde(default)]
    region_opt_status: Option<String>,
    /// ec2 describe-regions: opt-in-not-required, opted-in, not-opted-in.
    #[serde(default)]
    opt_in_status: Option<String>,
}

impl RegionEntry {
    fn enabled(&self) -> bool {
        let status = self
            .region_opt_status
            .as_deref()
            .or(self.opt_in_status.as_deref());
        matches!(
            status,
            None | Some("ENABLED" | "ENABLED_BY_DEFAULT" | "opt-in-not-required" | "opted-in")
        )
    }
}

impl Importer<'_> {
    /// The enabled regions: `account/regions.json` (account list-regions), or when that call
    /// failed `account/ec2-regions.json` (ec2 describe-regions), saying so; `None` with a gap
    /// when neither is in the evidence.
    fn enabled_regions(&mut self) -> Result<Option<EnabledRegions>> {
        let primary = "account/regions.json";
        let fallback = "account/ec2-regions.json";
        let (file, source) = match self.read::<RegionsFile>(primary)? {
            Read::Ok(f) => (f, "account:ListRegions".to_string()),
            first => {
                let why = match first {
                    Read::Failed(reason) => format!("account:ListRegions failed: {reason}"),
                    _ => format!("{primary} is missing from the export"),
                };
                match self.read::<RegionsFile>(fallback)? {
                    Read::Ok(f) => (f, format!("ec2:DescribeRegions, because {why}")),
                    _ => {
                        self.gap(
                            "/enabled_regions",
                            &format!("aws account list-regions --region-opt-status-contains ENABLED ENABLED_BY_DEFAULT ({primary})"),
                            format!("{why}, and there is no {fallback}: the set of enabled regions is not proven complete"),
                        );
                        return Ok(None);
                    }
                }
            }
        };
        let mut regions: Vec<String> = file
            .regions
            .into_iter()
            .filter(RegionEntry::enabled)
            .map(|r| r.region_name)
            .collect();
        regions.sort();
        regions.dedup();
        if regions.is_empty() {
            return Err(Error::bad_input(
                self.path(primary),
                Location {
                    pointer: Some("/Regions".into()),
                    ..Location::default()
                },
                "no enabled region listed: expected the output of aws account list-regions",
            ));
        }
        Ok(Some(EnabledRegions { regions, source }))
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.src.display(rel)
    }

    fn gap(&mut self, evidence: &str, source: &str, reason: impl Into<String>) {
        self.gaps.push(Gap {
            evidence: evidence.to_string(),
            source: source.to_string(),
            reason: reason.into(),
        });
    }

    /// Whether the evidence was collected live: then a response that cannot be decoded is a gap
    /// for that piece of evidence and the run goes on, where a file a person handed in is bad
    /// input (exit 2).
    fn collected(&self) -> bool {
        self.src.method() == "collect"
    }

    /// `Ok(Some)`, or for live evidence a gap at `pointer` instead of a decoding error.
    fn soften<T>(&mut self, r: Result<T>, pointer: &str, source: &str) -> Result<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Error::BadInput {
                message, location, ..
            }) if self.collected() => {
                self.gap(
                    pointer,
                    source,
                    format!("the response could not be decoded{location}: {message}"),
                );
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn read<T: DeserializeOwned>(&self, rel: &str) -> Result<Read<T>> {
        match self.src.entry(rel)? {
            Some(Entry::Json(bytes)) => {
                let de = &mut serde_json::Deserializer::from_slice(&bytes);
                match serde_path_to_error::deserialize(de) {
                    Ok(value) => Ok(Read::Ok(value)),
                    Err(e) => {
                        let err = Error::from_json(self.path(rel), e);
                        match err {
                            Error::BadInput {
                                message, location, ..
                            } if self.collected() => Ok(Read::Failed(format!(
                                "the response could not be decoded{location}: {message}"
                            ))),
                            other => Err(other),
                        }
                    }
                }
            }
            Some(Entry::Failed(text)) => Ok(Read::Failed(summarize_cli_error(&text))),
            None => Ok(Read::Missing),
        }
    }

    /// Reads `rel`, recording a gap at `pointer` when it failed or is missing.
    fn read_or_gap<T: DeserializeOwned>(
        &mut self,
        rel: &str,
        pointer: &str,
        command: &str,
    ) -> Result<Option<T>> {
        match self.read::<T>(rel)? {
            Read::Ok(v) => Ok(Some(v)),
            Read::Failed(reason) => {
                self.gap(
                    pointer,
                    &format!("{command} ({rel})"),
                    format!("the call failed: {reason}"),
                );
                Ok(None)
            }
            Read::Missing => {
                self.gap(
                    pointer,
                    &format!("{command} ({rel})"),
                    "file missing from the export",
                );
                Ok(None)
            }
        }
    }

    /// Like `read_or_gap`, for a file that may hold several CLI outputs one after another
    /// (one per log group, or one per page).
    fn read_pages_or_gap<T: DeserializeOwned>(
        &mut self,
        rel: &str,
        pointer: &str,
        command: &str,
    ) -> Result<Option<Vec<T>>> {
        match self.src.entry(rel)? {
            Some(Entry::Json(bytes)) => {
                let path = self.path(rel);
                let pages = json_document_ranges(&path, &bytes).and_then(|ranges| {
                    ranges
                        .into_iter()
                        .map(|(start, end)| parse_at_offset(&path, &bytes, start, end))
                        .collect::<Result<Vec<T>>>()
                });
                self.soften(pages, pointer, &format!("{command} ({rel})"))
            }
            _ => self.read_or_gap::<T>(rel, pointer, command).map(|_| None),
        }
    }

    fn caller_identity(&mut self) -> Result<Option<CallerIdentity>> {
        self.read_or_gap(
            "sts/caller-identity.json",
            "/account/caller_arn",
            "aws sts get-caller-identity",
        )
    }

    fn collected_at(&mut self, iam: &Iam) -> Result<DateTime<Utc>> {
        if let Read::Ok(info) = self.read::<ExportInfo>("export-info.json")? {
            return Ok(info.collected_at);
        }
        if let Some(t) = iam
            .credential_report
            .as_ref()
            .and_then(|r| r.generated_time.as_ref())
            .and_then(AwsTime::parse)
        {
            return Ok(t);
        }
        let now = Utc::now();
        self.gap(
            "/collected_at",
            "export-info.json or the credential report's GeneratedTime",
            "the export does not say when it was taken; the import time was used (pass --collected-at to fix it)",
        );
        Ok(now)
    }

    fn iam(&mut self) -> Result<Iam> {
        let details = self.authorization_details();
        let authorization_details = self
            .soften(
                details,
                "/iam/authorization_details",
                "aws iam get-account-authorization-details (iam/account-authorization-details.json)",
            )?
            .flatten();
        let credential_report =
            match self.read::<CredentialReportFile>("iam/credential-report.json")? {
                Read::Ok(file) => {
                    let decoded =
                        decode_credential_report(&self.path("iam/credential-report.json"), file);
                    self.soften(
                        decoded,
                        "/iam/credential_report",
                        "aws iam get-credential-report (iam/credential-report.json)",
                    )?
                }
                Read::Failed(reason) => {
                    self.gap(
                        "/iam/credential_report",
                        "aws iam get-credential-report (iam/credential-report.json)",
                        format!("the call failed: {reason}"),
                    );
                    None
                }
                Read::Missing => {
                    self.gap(
                        "/iam/credential_report",
                        "aws iam get-credential-report (iam/credential-report.json)",
                        "file missing from the export",
                    );
                    None
                }
            };
        let password_policy = match self.read::<PasswordPolicyFile>("iam/password-policy.json")? {
            Read::Ok(file) => Some(PasswordPolicyEvidence::Set {
                policy: file.password_policy,
            }),
            Read::Failed(reason) if reason.contains("NoSuchEntity") => {
                Some(PasswordPolicyEvidence::NotSet { detail: reason })
            }
            Read::Failed(reason) => {
                self.gap(
                    "/iam/password_policy",
                    "aws iam get-account-password-policy (iam/password-policy.json)",
                    format!("the call failed: {reason}"),
                );
                None
            }
            Read::Missing => {
                self.gap(
                    "/iam/password_policy",
                    "aws iam get-account-password-policy (iam/password-policy.json)",
                    "file missing from the export",
                );
                None
            }
        };
        let account_summary = self
            .read_or_gap::<AccountSummaryFile>(
                "iam/account-summary.json",
                "/iam/account_summary",
                "aws iam get-account-summary",
            )?
            .map(|f| f.summary_map);
        let virtual_mfa_devices = self
            .read_or_gap::<VirtualMfaFile>(
                "iam/virtual-mfa-devices.json",
                "/iam/virtual_mfa_devices",
                "aws iam list-virtual-mfa-devices",
            )?
            // Seeds and QR codes are dropped with every other secret when the snapshot is
            // sanitized, at the end of the import.
            .map(|f| f.virtual_mfa_devices);
        let roles = self
            .read_or_gap::<RolesFile>("iam/roles.json", "/iam/roles", "aws iam list-roles")?
            .map(|f| {
                let mut roles = f.roles;
                roles.sort_by(|a, b| a.arn.cmp(&b.arn));
                roles
            });
        Ok(Iam {
            authorization_details,
            credential_report,
            password_policy,
            account_summary,
            virtual_mfa_devices,
            roles,
        })
    }

    /// get-account-authorization-details, possibly several pages concatenated in one file.
    fn authorization_details(&mut self) -> Result<Option<AuthorizationDetails>> {
        let rel = "iam/account-authorization-details.json";
        let path = self.path(rel);
        let Some(Entry::Json(bytes)) = self.src.entry(rel)? else {
            let source = format!("aws iam get-account-authorization-details ({rel})");
            match self.read::<Value>(rel)? {
                Read::Failed(reason) => self.gap(
                    "/iam/authorization_details",
                    &source,
                    format!("the call failed: {reason}"),
                ),
                _ => self.gap(
                    "/iam/authorization_details",
                    &source,
                    "file missing from the export",
                ),
            }
            return Ok(None);
        };
        let mut merged = AuthorizationDetails::default();
        let mut pages = 0;
        for (start, end) in json_document_ranges(&path, &bytes)? {
            let page: AuthorizationDetails = parse_at_offset(&path, &bytes, start, end)?;
            pages += 1;
            merged.user_detail_list.extend(page.user_detail_list);
            merged.group_detail_list.extend(page.group_detail_list);
            merged.role_detail_list.extend(page.role_detail_list);
            merged.policies.extend(page.policies);
        }
        if pages == 0 {
            return Err(Error::bad_input(
                &path,
                Location {
                    line: Some(1),
                    column: Some(1),
                    pointer: None,
                },
                "empty file: expected the JSON output of get-account-authorization-details",
            ));
        }
        for p in merged
            .policies
            .iter_mut()
            .filter(|p| p.policy_name.is_empty())
        {
            p.policy_name = p.arn.rsplit('/').next().unwrap_or_default().to_string();
        }
        // One stable order whatever the pagination: collect and import must agree.
        merged.user_detail_list.sort_by(|a, b| a.arn.cmp(&b.arn));
        merged.group_detail_list.sort_by(|a, b| a.arn.cmp(&b.arn));
        merged.role_detail_list.sort_by(|a, b| a.arn.cmp(&b.arn));
        merged.policies.sort_by(|a, b| a.arn.cmp(&b.arn));
        merged.user_detail_list.dedup_by(|a, b| a.arn == b.arn);
        merged.group_detail_list.dedup_by(|a, b| a.arn == b.arn);
        merged.role_detail_list.dedup_by(|a, b| a.arn == b.arn);
        merged.policies.dedup_by(|a, b| a.arn == b.arn);
        Ok(Some(merged))
    }

    fn cloudtrail(&mut self, regions: &BTreeSet<String>) -> Result<CloudTrail> {
        let mut ct = CloudTrail::default();
        let mut by_arn: BTreeMap<String, Trail> = BTreeMap::new();
        for region in regions {
            let rel = format!("cloudtrail/{region}/trails.json");
            let ptr = crate::snapshot::pointer::region("cloudtrail", region);
            let listed = self.read_or_gap::<TrailsFile>(
                &rel,
                &ptr,
                &format!(
                    "aws cloudtrail describe-trails --include-shadow-trails --region {region}"
                ),
            )?;
            if let Some(f) = &listed {
                for (i, t) in f.trail_list.iter().enumerate() {
                    // The name becomes part of a path below (trail-status/<name>.json): only
                    // what AWS allows in a trail name is accepted.
                    if !valid_trail_name(&t.name) {
                        return Err(Error::bad_input(
                            self.path(&rel),
                            Location {
                                pointer: Some(format!("/trailList/{i}/Name")),
                                ..Location::default()
                            },
                            format!(
                                "{:?} is not a trail name: expected 3 to 128 letters, digits, '.', '_' or '-'",
                                t.name
                            ),
                        ));
                    }
                }
            }
            let arns = listed.map(|f| {
                let mut arns: Vec<String> = Vec::new();
                for t in f.trail_list {
                    arns.push(t.trail_arn.clone());
                    // Prefer the copy listed in the trail's home region: it is authoritative.
                    let is_home = t.home_region.as_deref() == Some(region.as_str());
                    match by_arn.get(&t.trail_arn) {
                        Some(_) if !is_home => {}
                        _ => {
                            by_arn.insert(t.trail_arn.clone(), t);
                        }
                    }
                }
                arns.sort();
                arns.dedup();
                arns
            });
            ct.regions.insert(region.clone(), arns);
        }
        for (idx, (_, trail)) in by_arn.into_iter().enumerate() {
            // Status and selectors are exported from the trail's home region, and read from
            // there only: two single-region trails may share a name, and one's missing status
            // must not be filled from the other's.
            let home = trail
                .home_region
                .clone()
                .or_else(|| trail.trail_arn.split(':').nth(3).map(str::to_string))
                .unwrap_or_default();
            let candidates: Vec<&String> = regions.iter().filter(|r| **r == home).collect();
            let name = trail.name.clone();
            let status = self.trail_file::<TrailStatus>(
                &candidates,
                "trail-status",
                &name,
                idx,
                "status",
                "aws cloudtrail get-trail-status",
            )?;
            let event_selectors = self.trail_file::<EventSelectors>(
                &candidates,
                "event-selectors",
                &name,
                idx,
                "event_selectors",
                "aws cloudtrail get-event-selectors",
            )?;
            ct.trails.push(TrailEvidence {
                trail,
                status,
                event_selectors,
            });
        }
        Ok(ct)
    }

    #[allow(clippy::too_many_arguments)]
    fn trail_file<T: DeserializeOwned>(
        &mut self,
        regions: &[&String],
        folder: &str,
        name: &str,
        idx: usize,
        field: &str,
        command: &str,
    ) -> Result<Option<T>> {
        let mut failure = None;
        for region in regions {
            let rel = format!("cloudtrail/{region}/{folder}/{name}.json");
            match self.read::<T>(&rel)? {
                Read::Ok(v) => return Ok(Some(v)),
                Read::Failed(reason) => failure = failure.or(Some((rel, reason))),
                Read::Missing => {}
            }
        }
        let ptr = format!("/cloudtrail/trails/{idx}/{field}");
        match failure {
            Some((rel, reason)) => self.gap(
                &ptr,
                &format!("{command} --name {name} ({rel})"),
                format!("the call failed: {reason}"),
            ),
            None => self.gap(
                &ptr,
                &format!("{command} --name {name} (cloudtrail/<home region>/{folder}/{name}.json)"),
                "file missing from the export",
            ),
        }
        Ok(None)
    }

    /// CloudWatch Logs and alarms, for the regions holding a trail's log group.
    fn cloudwatch(&mut self, ct: &CloudTrail) -> Result<CloudWatch> {
        let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for t in &ct.trails {
            if let Some((region, name)) = t
                .trail
                .cloud_watch_logs_log_group_arn
                .as_deref()
                .and_then(log_group_of_arn)
            {
                wanted.entry(region).or_default().insert(name);
            }
        }
        let mut cw = CloudWatch::default();
        for (region, names) in wanted {
            let base = format!("/cloudwatch/regions/{}", escape_pointer_token(&region));
            let log_groups = self
                .read_pages_or_gap::<LogGroupsFile>(
                    &format!("logs/{region}/log-groups.json"),
                    &format!("{base}/log_groups"),
                    &format!("aws logs describe-log-groups --log-group-name-prefix NAME --region {region}"),
                )?
                .map(|pages| {
                    let mut groups: Vec<LogGroup> = pages
                        .into_iter()
                        .flat_map(|p| p.log_groups)
                        // A prefix query also returns longer names: keep the trails' own groups.
                        .filter(|g| names.contains(&g.log_group_name))
                        .collect();
                    groups.sort_by(|a, b| a.log_group_name.cmp(&b.log_group_name));
                    groups.dedup_by(|a, b| a.log_group_name == b.log_group_name);
                    groups
                });
            let metric_filters = self
                .read_pages_or_gap::<MetricFiltersFile>(
                    &format!("logs/{region}/metric-filters.json"),
                    &format!("{base}/metric_filters"),
                    &format!(
                        "aws logs describe-metric-filters --log-group-name NAME --region {region}"
                    ),
                )?
                .map(|pages| {
                    let mut filters: Vec<MetricFilter> = pages
                        .into_iter()
                        .flat_map(|p| p.metric_filters)
                        .filter(|f| names.contains(&f.log_group_name))
                        .collect();
                    filters.sort_by(|a, b| {
                        (&a.log_group_name, &a.filter_name)
                            .cmp(&(&b.log_group_name, &b.filter_name))
                    });
                    filters.dedup_by(|a, b| {
                        a.log_group_name == b.log_group_name && a.filter_name == b.filter_name
                    });
                    filters
                });
            let alarms = self
                .read_pages_or_gap::<AlarmsFile>(
                    &format!("cloudwatch/{region}/alarms.json"),
                    &format!("{base}/alarms"),
                    &format!(
                        "aws cloudwatch describe-alarms --alarm-types MetricAlarm --region {region}"
                    ),
                )?
                .map(|pages| {
                    let mut alarms: Vec<MetricAlarm> =
                        pages.into_iter().flat_map(|p| p.metric_alarms).collect();
                    alarms.sort_by(|a, b| a.alarm_name.cmp(&b.alarm_name));
                    alarms.dedup_by(|a, b| a.alarm_name == b.alarm_name);
                    alarms
                });
            cw.regions.insert(
                region,
                CloudWatchRegion {
                    log_groups,
                    metric_filters,
                    alarms,
                },
            );
        }
        Ok(cw)
    }

    /// CloudTrail event history: IAM changes from the region IAM records in, root activity
    /// from every region.
    fn event_history(
        &mut self,
        regions: &BTreeSet<String>,
        partition: &str,
    ) -> Result<EventHistory> {
        let start_time = match self.read::<EventWindow>("export-info.json")? {
            Read::Ok(w) => w.events_since,
            _ => None,
        };
        let iam_region = iam_event_region(partition);
        let iam_changes = self
            .read_lookup(
                "events/iam-changes.json",
                "/cloudtrail/event_history/iam_changes",
                &format!("aws cloudtrail lookup-events --region {iam_region} --lookup-attributes AttributeKey=EventSource,AttributeValue=iam.amazonaws.com"),
            )?
            .map(|events| events.into_iter().filter(|e| e.read_only != Some(true)).collect());
        let mut root_activity = BTreeMap::new();
        for region in regions {
            let events = self.read_lookup(
                &format!("events/{region}/root-activity.json"),
                &crate::snapshot::pointer::root_activity(region),
                &format!("aws cloudtrail lookup-events --region {region} --lookup-attributes AttributeKey=Username,AttributeValue=root"),
            )?;
            root_activity.insert(region.clone(), events);
        }
        Ok(EventHistory {
            start_time,
            iam_changes,
            root_activity,
        })
    }

    fn read_lookup(
        &mut self,
        rel: &str,
        pointer: &str,
        command: &str,
    ) -> Result<Option<Vec<CloudTrailEvent>>> {
        let Some(pages) = self.read_pages_or_gap::<LookupEventsFile>(rel, pointer, command)? else {
            return Ok(None);
        };
        let path = self.path(rel);
        let reduced: Result<Vec<CloudTrailEvent>> = pages
            .into_iter()
            .flat_map(|p| p.events)
            .enumerate()
            .map(|(i, raw)| reduce_event(&path, i, raw))
            .collect();
        let Some(mut events) = self.soften(reduced, pointer, &format!("{command} ({rel})"))? else {
            return Ok(None);
        };
        events.sort_by(|a, b| {
            (a.event_time.as_ref().map(|t| &t.0), &a.event_id)
                .cmp(&(b.event_time.as_ref().map(|t| &t.0), &b.event_id))
        });
        events.dedup_by(|a, b| a.event_id == b.event_id);
        Ok(Some(events))
    }

    fn config(&mut self, regions: &BTreeSet<String>) -> Result<ConfigService> {
        let mut cfg = ConfigService::default();
        for region in regions {
            let base = crate::snapshot::pointer::region("config", region);
            let recorders = self
                .read_or_gap::<RecordersFile>(
                    &format!("config/{region}/configuration-recorders.json"),
                    &format!("{base}/recorders"),
                    &format!(
                        "aws configservice describe-configuration-recorders --region {region}"
                    ),
                )?
                .map(|f| f.configuration_recorders);
            let recorder_statuses = self
                .read_or_gap::<RecorderStatusFile>(
                    &format!("config/{region}/configuration-recorder-status.json"),
                    &format!("{base}/recorder_statuses"),
                    &format!(
                        "aws configservice describe-configuration-recorder-status --region {region}"
                    ),
                )?
                .map(|f| f.configuration_recorders_status);
            let delivery_channels = self
                .read_or_gap::<DeliveryChannelsFile>(
                    &format!("config/{region}/delivery-channels.json"),
                    &format!("{base}/delivery_channels"),
                    &format!("aws configservice describe-delivery-channels --region {region}"),
                )?
                .map(|f| f.delivery_channels);
            let delivery_channel_statuses = self
                .read_or_gap::<DeliveryChannelStatusFile>(
                    &format!("config/{region}/delivery-channel-status.json"),
                    &format!("{base}/delivery_channel_statuses"),
                    &format!(
                        "aws configservice describe-delivery-channel-status --region {region}"
                    ),
                )?
                .map(|f| f.delivery_channels_status);
            cfg.regions.insert(
                region.clone(),
                ConfigRegion {
                    recorders,
                    recorder_statuses,
                    delivery_channels,
                    delivery_channel_statuses,
                },
            );
        }
        Ok(cfg)
    }
}

/// Splits a file of concatenated JSON documents (pages written one after another) into
/// byte ranges; a syntax error anywhere is reported with the file's own line and column.
fn json_document_ranges(path: &Path, bytes: &[u8]) -> Result<Vec<(usize, usize)>> {
    let mut ranges = Vec::new();
    let mut stream =
        serde_json::Deserializer::from_slice(bytes).into_iter::<serde::de::IgnoredAny>();
    let mut start = 0;
    while let Some(item) = stream.next() {
        item.map_err(|e| Error::from_json_syntax(path, &e))?;
        let end = stream.byte_offset();
        ranges.push((start, end));
        start = end;
    }
    // An empty (or blank) file is not "no pages": it is a broken export, never "nothing found".
    if ranges.is_empty() {
        return Err(Error::bad_input(
            path,
            Location {
                line: Some(1),
                column: Some(1),
                pointer: None,
            },
            "empty file: expected the JSON output of the AWS CLI",
        ));
    }
    Ok(ranges)
}

/// Deserializes `bytes[start..end]`, reporting errors at their line in the whole file.
fn parse_at_offset<T: DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
    start: usize,
    end: usize,
) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(&bytes[start..end]);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let line_offset = bytes[..start].iter().filter(|b| **b == b'\n').count();
        match Error::from_json(path, e) {
            Error::BadInput {
                file,
                mut location,
                message,
            } => {
                if line_offset > 0 {
                    // Column numbers stay right except on the page's first line; good enough
                    // to find the spot, and exact for the usual one-page file.
                    location.line = location.line.map(|l| l + line_offset);
                }
                Error::BadInput {
                    file,
                    location,
                    message,
                }
            }
            other => other,
        }
    })
}

/// A credential-report file (the output of `aws iam get-credential-report`) read and decoded as
/// the importer does: the report, or bad input naming `path`. Public for the fuzzer.
pub fn read_credential_report(path: &Path, bytes: &[u8]) -> Result<CredentialReport> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let file: CredentialReportFile =
        serde_path_to_error::deserialize(de).map_err(|e| Error::from_json(path, e))?;
    decode_credential_report(path, file)
}

/// The credential-report columns the checks read.
const CREDENTIAL_REPORT_COLUMNS: &[&str] = &[
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
];

fn decode_credential_report(path: &Path, file: CredentialReportFile) -> Result<CredentialReport> {
    let bad = |msg: String| {
        Error::bad_input(
            path,
            Location {
                pointer: Some("/Content".into()),
                ..Default::default()
            },
            msg,
        )
    };
    let cleaned: String = file
        .content
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let csv_bytes = base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|e| bad(format!("credential report Content is not base64: {e}")))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(csv_bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| bad(format!("credential report CSV has no header row: {e}")))?
        .clone();
    // The columns the checks read (IAM User Guide, "Getting credential reports"). A renamed
    // or missing one would read as "not enabled" and turn a failure into a pass.
    let present: Vec<&str> = headers.iter().collect();
    for column in CREDENTIAL_REPORT_COLUMNS {
        if !present.contains(column) {
            let hint = crate::catalog::did_you_mean(column, &present);
            return Err(bad(format!(
                "credential report CSV has no {column:?} column{hint}; expected the columns of aws iam get-credential-report"
            )));
        }
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| bad(format!("credential report CSV row {}: {e}", i + 2)))?;
        rows.push(
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        );
    }
    Ok(CredentialReport {
        generated_time: file.generated_time,
        rows,
    })
}

/// The region global IAM events are recorded in, per partition.
pub fn iam_event_region(partition: &str) -> &'static str {
    match partition {
        "aws-us-gov" => "us-gov-west-1",
        "aws-cn" => "cn-north-1",
        _ => "us-east-1",
    }
}

/// A LookupEvents entry reduced to an allow-list of what the checks and the auditor need: who
/// (identity type and ARN, user name, MFA), what (event name and source, resource names), when,
/// from where, and the error code. Request parameters, error messages, the caller's access key
/// and everything else in the record are left out; access-key ids anywhere in what is kept are
/// masked when the snapshot is sanitized.
fn reduce_event(path: &Path, i: usize, raw: RawEvent) -> Result<CloudTrailEvent> {
    let record: EventRecord = match raw.cloud_trail_event.as_deref() {
        None => EventRecord::default(),
        Some(text) => serde_json::from_str(text).map_err(|e| {
            Error::bad_input(
                path,
                Location {
                    pointer: Some(format!("/Events/{i}/CloudTrailEvent")),
                    ..Default::default()
                },
                format!("the event record is not JSON: {e}"),
            )
        })?,
    };
    let identity = record.user_identity.unwrap_or(Value::Null);
    let flag = |v: Option<&Value>| match v.and_then(Value::as_str) {
        Some(s) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") => Some(true),
        Some(s) if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") => Some(false),
        _ => v.and_then(Value::as_bool),
    };
    let mfa = flag(identity.pointer("/sessionContext/attributes/mfaAuthenticated")).or_else(|| {
        flag(
            record
                .additional_event_data
                .as_ref()
                .and_then(|d| d.get("MFAUsed")),
        )
    });
    // A failed console sign-in has no errorCode; its outcome is in responseElements.
    let console_failure = record
        .response_elements
        .as_ref()
        .and_then(|r| r.get("ConsoleLogin"))
        .and_then(Value::as_str)
        .filter(|s| *s == "Failure")
        .map(|_| "ConsoleLoginFailure".to_string());
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    Ok(CloudTrailEvent {
        event_id: raw.event_id,
        event_time: raw.event_time,
        event_name: raw.event_name,
        event_source: raw.event_source.unwrap_or_default(),
        aws_region: record.aws_region,
        username: raw.username,
        identity_type: text(identity.get("type")),
        identity_arn: text(identity.get("arn")),
        mfa_authenticated: mfa,
        source_ip: record.source_ip_address,
        error_code: record.error_code.or(console_failure),
        read_only: raw
            .read_only
            .as_deref()
            .map(|s| s.eq_ignore_ascii_case("true")),
        resources: raw
            .resources
            .into_iter()
            .map(|r| {
                // CreateAccessKey and friends name the key: masked here, where it is common.
                crate::snapshot::mask_access_keys(
                    format!(
                        "{} {}",
                        r.resource_type.unwrap_or_default(),
                        r.resource_name.unwrap_or_default()
                    )
                    .trim(),
                )
            })
            .collect(),
    })
}

/// What of a `<file>.error` reaches the outputs. An AWS error keeps its code and operation
/// only ("An error occurred (AccessDenied) when calling the GetAccountPasswordPolicy
/// operation"): the message after it can carry ARNs, request ids or anything an attacker typed.
/// Any other first line is cut to 120 characters, control characters dropped and access-key
/// ids masked.
fn summarize_cli_error(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("(empty error file)");
    if let Some(rest) = line.split("An error occurred (").nth(1)
        && let Some((code, rest)) = rest.split_once(')')
        && let Some(op) = rest
            .strip_prefix(" when calling the ")
            .and_then(|r| r.split_once(" operation"))
            .map(|(op, _)| op)
    {
        let clean = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'))
                .take(100)
                .collect()
        };
        return format!(
            "An error occurred ({}) when calling the {} operation",
            clean(code),
            clean(op)
        );
    }
    let shown: String = line.chars().filter(|c| !c.is_control()).take(120).collect();
    let mut s = crate::snapshot::mask_access_keys(&shown);
    if line.chars().count() > 120 {
        s.push('…');
    }
    s
}

fn account_from_arns(iam: &Iam) -> Option<String> {
    let details = iam.authorization_details.as_ref()?;
    let arns = details
        .user_detail_list
        .iter()
        .map(|u| &u.arn)
        .chain(details.role_detail_list.iter().map(|r| &r.arn))
        .chain(details.group_detail_list.iter().map(|g| &g.arn));
    arns.filter_map(|a| a.split(':').nth(4))
        .find(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
}

#[cfg(test)]
mod tests;
