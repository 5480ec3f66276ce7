//! Which account and when: the caller identity, the export's collection time, and the enabled
//! regions (`account/regions.json`, or `account/ec2-regions.json` standing in).

use super::*;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CallerIdentity {
    pub(super) account: Option<String>,
    pub(super) arn: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ExportInfo {
    pub(super) collected_at: DateTime<Utc>,
    /// The script that made the export, and the AWS CLI it ran (provenance the report cites
    /// as the export's own claims).
    #[serde(default)]
    pub(super) exported_by: Option<String>,
    #[serde(default)]
    pub(super) aws_cli: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RegionsFile {
    pub(super) regions: Vec<RegionEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RegionEntry {
    pub(super) region_name: String,
    /// account list-regions: ENABLED, ENABLED_BY_DEFAULT, DISABLED, ...
    #[serde(default)]
    pub(super) region_opt_status: Option<String>,
    /// ec2 describe-regions: opt-in-not-required, opted-in, not-opted-in.
    #[serde(default)]
    pub(super) opt_in_status: Option<String>,
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

pub(super) fn account_from_arns(iam: &Iam) -> Option<String> {
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

impl Importer<'_> {
    /// The enabled regions: `account/regions.json` (account list-regions), or when that call
    /// failed `account/ec2-regions.json` (ec2 describe-regions), saying so; `None` with a gap
    /// when neither is in the evidence. Only regions the listing marks enabled count (the
    /// request asked for those, but an endpoint may ignore the filter), and only those of the
    /// account's `partition` when it is known: the export script applies the same two rules.
    pub(super) fn enabled_regions(
        &mut self,
        partition: Option<&str>,
    ) -> Result<Option<EnabledRegions>> {
        let primary = "account/regions.json";
        let fallback = "account/ec2-regions.json";
        let (file, source, listing) = match self.read::<RegionsFile>(primary)? {
            Read::Ok(f) => (f, "account:ListRegions".to_string(), primary),
            first => {
                let why = match first {
                    Read::Failed(reason) => format!("account:ListRegions failed: {reason}"),
                    _ => format!("{primary} is missing from the export"),
                };
                match self.read::<RegionsFile>(fallback)? {
                    Read::Ok(f) => (f, format!("ec2:DescribeRegions, because {why}"), fallback),
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
        let (mut regions, elsewhere): (Vec<String>, Vec<String>) = file
            .regions
            .into_iter()
            .filter(RegionEntry::enabled)
            .map(|r| r.region_name)
            .partition(|r| {
                // A partition AWS would not issue is refused later, naming the caller's ARN.
                partition
                    .filter(|p| crate::snapshot::valid_partition(p))
                    .is_none_or(|p| crate::regions::partition_of(r) == p)
            });
        regions.sort();
        regions.dedup();
        let mut source = source;
        if !elsewhere.is_empty() {
            source.push_str(&format!(
                "; left out, as regions of another partition than the account's ({}): {}",
                partition.unwrap_or_default(),
                elsewhere.join(", ")
            ));
        }
        if regions.is_empty() && !elsewhere.is_empty() {
            return Err(Error::bad_input(
                self.path(listing),
                Location {
                    pointer: Some("/Regions".into()),
                    ..Location::default()
                },
                format!(
                    "every enabled region listed ({}) belongs to another partition than the account's ({}), as sts/caller-identity.json names it",
                    elsewhere.join(", "),
                    partition.unwrap_or_default()
                ),
            ));
        }
        if regions.is_empty() {
            return Err(Error::bad_input(
                self.path(listing),
                Location {
                    pointer: Some("/Regions".into()),
                    ..Location::default()
                },
                "no enabled region listed: expected the output of aws account list-regions",
            ));
        }
        Ok(Some(EnabledRegions { regions, source }))
    }

    pub(super) fn caller_identity(&mut self) -> Result<Option<CallerIdentity>> {
        self.read_or_gap(
            "sts/caller-identity.json",
            "/account/caller_arn",
            "aws sts get-caller-identity",
        )
    }

    /// What export-info.json claims about the export: who made it, with which AWS CLI, and
    /// when. Each is a claim of the export, not something the evidence proves.
    pub(super) fn export_claims(&mut self) -> Result<crate::snapshot::ExportClaims> {
        // A claim is one line a report prints; a longer value is cut, not trusted further.
        let short = |s: Option<String>| {
            s.map(|v| {
                crate::text::one_line(&v)
                    .chars()
                    .take(200)
                    .collect::<String>()
            })
            .filter(|v| !v.trim().is_empty())
        };
        Ok(match self.read::<ExportInfo>("export-info.json")? {
            Read::Ok(info) => crate::snapshot::ExportClaims {
                exported_by: short(info.exported_by),
                aws_cli: short(info.aws_cli),
                collected_at: Some(
                    info.collected_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                ),
            },
            _ => crate::snapshot::ExportClaims::default(),
        })
    }

    /// When the export was taken, and where that came from.
    pub(super) fn collected_at(&mut self, iam: &Iam) -> Result<(DateTime<Utc>, &'static str)> {
        if let Read::Ok(info) = self.read::<ExportInfo>("export-info.json")? {
            return Ok((info.collected_at, FROM_EXPORT_INFO));
        }
        if let Some(t) = iam
            .credential_report
            .as_ref()
            .and_then(|r| r.generated_time.as_ref())
            .and_then(AwsTime::parse)
        {
            return Ok((t, FROM_CREDENTIAL_REPORT));
        }
        let now = Utc::now();
        self.gap(
            "/collected_at",
            "export-info.json or the credential report's GeneratedTime",
            "the export does not say when it was taken; the import time was used (pass --collected-at to fix it)",
        );
        Ok((now, FROM_IMPORT_TIME))
    }
}

/// Where an export's collection time came from (`Source::collected_at_from`).
pub const FROM_EXPORT_INFO: &str = "export-info.json";
pub const FROM_OPTION: &str = "--collected-at";
pub const FROM_CREDENTIAL_REPORT: &str =
    "the credential report's generation time (export-info.json is missing)";
pub const FROM_IMPORT_TIME: &str =
    "the import time (the export does not say when it was taken: a gap)";
