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

mod account;
/// Where an export's collection time came from.
pub mod account_time {
    pub use super::account::{
        FROM_CREDENTIAL_REPORT, FROM_EXPORT_INFO, FROM_IMPORT_TIME, FROM_OPTION,
    };
}
mod backup;
mod cloudfront;
mod cloudtrail;
mod cloudwatch;
mod config;
mod dynamodb;
mod ec2;
mod efs;
mod elb;
mod events;
mod guardduty;
mod iam;
mod kms;
mod organizations;
mod rds;
mod read;
mod s3;
mod source;

// Each file reads one service's evidence; they share the importer and its readers through
// this module.
use account::*;
use read::*;
use source::*;

pub use events::iam_event_region;
pub use iam::read_credential_report;
pub use source::{DirSource, Entry, EvidenceSource, MemorySource};

/// Options a user can give `import`.
#[derive(Debug, Default, Clone)]
pub struct ImportOptions {
    /// Overrides the collection time read from the export.
    pub collected_at: Option<DateTime<Utc>>,
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
    if !looks_like_export(root) {
        let parent = root
            .canonicalize()
            .ok()
            .and_then(|r| r.parent().map(Path::to_path_buf))
            .filter(|p| looks_like_export(p));
        return Err(Error::bad_input(
            root,
            Location::default(),
            match parent {
                Some(p) => format!(
                    "does not look like an AWS CLI export folder (it has none of {}); its parent does: give {}",
                    EXPORT_ENTRIES.join(", "),
                    p.display()
                ),
                None => format!(
                    "does not look like an AWS CLI export folder (it has none of {}): give the folder scripts/export-aws-evidence.sh wrote (docs/evidence-format.md)",
                    EXPORT_ENTRIES.join(", ")
                ),
            },
        ));
    }
    import_from(
        &DirSource {
            root: root.to_path_buf(),
        },
        opts,
    )
}

/// What an export folder's top level holds (docs/evidence-format.md); one of them is enough.
const EXPORT_ENTRIES: [&str; 8] = [
    "export-info.json",
    "sts/",
    "iam/",
    "account/",
    "cloudtrail/",
    "cloudwatch/",
    "config/",
    "organizations/",
];

fn looks_like_export(dir: &Path) -> bool {
    EXPORT_ENTRIES
        .iter()
        .any(|e| dir.join(e.trim_end_matches('/')).exists())
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
    let caller_partition = caller
        .as_ref()
        .and_then(|c| c.arn.as_deref())
        .and_then(|a| a.split(':').nth(1))
        .map(str::to_string);
    let enabled_regions = im.enabled_regions(caller_partition.as_deref())?;
    if let Some(e) = &enabled_regions {
        regions.extend(e.regions.iter().cloned());
    }
    let mut cloudtrail = im.cloudtrail(&regions)?;
    let cloudwatch = im.cloudwatch(&cloudtrail)?;
    let partition = caller_partition.unwrap_or_else(|| "aws".to_string());
    cloudtrail.event_history = im.event_history(&regions, &partition)?;
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

    let claims = if src.method() == "import" {
        im.export_claims()?
    } else {
        crate::snapshot::ExportClaims::default()
    };
    let (collected_at, collected_at_from) = match opts.collected_at {
        Some(t) => (t, account::FROM_OPTION),
        None => im.collected_at(&iam)?,
    };

    let mut organization = im.organization(&account_id)?;
    if let Some(org) = organization.as_mut()
        && !org.is_management(&account_id)
    {
        org.trail_logs = im.org_trail_logs(&cloudtrail, &org.management_account_id)?;
    }

    let s3 = im.s3(&partition, &account_id)?;
    let kms = im.kms(&regions, &partition, &account_id)?;
    let rds = im.rds(&regions, &partition, &account_id)?;
    let dynamodb = im.dynamodb(&regions, &partition, &account_id)?;
    let ec2 = im.ec2(&regions, &partition, &account_id)?;
    let efs = im.efs(&regions, &partition, &account_id)?;
    let elb = im.elb(&regions, &partition, &account_id)?;
    let backup = im.backup(&regions, &partition, &account_id)?;
    let cloudfront = im.cloudfront(&partition, &account_id)?;
    let guardduty = im.guardduty(&regions)?;

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
            export: claims,
            collected_at_from: (src.method() == "import").then(|| collected_at_from.to_string()),
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
        s3,
        kms,
        rds,
        dynamodb,
        ec2,
        efs,
        elb,
        backup,
        cloudfront,
        guardduty,
        organization,
        gaps,
    };
    Ok(snapshot.sanitized())
}

#[cfg(test)]
mod tests;
