//! `--security-hub`: the package's findings imported into AWS Security Hub with
//! `BatchImportFindings`, into the assessed account's own default product
//! (`arn:<partition>:securityhub:<region>:<account>:product/<account>/default`).
//!
//! Security Hub takes a default-product finding only from the account it is about, so the
//! credentials must be the assessed account's (checked first with STS; `run --org` imports each
//! member's findings with the role it assumed there). Findings go in batches of at most 100 and
//! about 200 KB (the API's limits are 100 and 240 KB); with `--previous`/`--history`, the
//! findings that failed before and are resolved now are sent again `ARCHIVED`, so Security Hub
//! keeps no stale failure. Every finding Security Hub refuses is reported with its id and AWS's
//! error; the caller exits 4 and keeps the package. The only call besides STS is
//! `securityhub:BatchImportFindings` (`policies/safeguard-securityhub.json`).

pub mod findings;

use std::collections::HashMap;

use aws_config::SdkConfig;
use aws_sdk_securityhub::types as sh;

use crate::collect::sdk_error_text;
use crate::error::{Error, Result};
use crate::results::Results;
pub use findings::{AsffFinding, Selection};

/// ASFF's schema version.
const SCHEMA_VERSION: &str = "2018-10-08";
/// Findings per `BatchImportFindings` call (the API's limit).
const BATCH: usize = 100;
/// Bytes per call, kept under the API's 240 KB with room for the JSON the SDK adds.
const BATCH_BYTES: usize = 200_000;

/// What `--security-hub` asks for.
#[derive(Debug, Clone)]
pub struct SecurityHubOptions {
    pub selection: Selection,
    pub profile: Option<String>,
    pub region: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub product_arn: String,
    /// Findings Security Hub took, of which `archived` were resolved ones archived.
    pub imported: usize,
    pub archived: usize,
    /// Each finding Security Hub refused: its id, and AWS's error code and message.
    pub failed: Vec<(String, String)>,
    /// Calls that failed as a whole: how many findings each carried, and why.
    pub failed_calls: Vec<(usize, String)>,
}

impl ImportReport {
    /// The refusals as one error (exit 4), the first ten named.
    pub fn failure(&self) -> Option<Error> {
        let in_calls: usize = self.failed_calls.iter().map(|(n, _)| n).sum();
        if self.failed.is_empty() && in_calls == 0 {
            return None;
        }
        let mut lines: Vec<String> = self
            .failed_calls
            .iter()
            .map(|(n, why)| format!("  a call of {n} finding(s) failed: {why}"))
            .collect();
        lines.extend(
            self.failed
                .iter()
                .take(10)
                .map(|(id, why)| format!("  {id}: {why}")),
        );
        if self.failed.len() > 10 {
            lines.push(format!("  … and {} more", self.failed.len() - 10));
        }
        Some(Error::Delivery(format!(
            "Security Hub refused {} of {} finding(s) sent to {}:\n{}",
            self.failed.len() + in_calls,
            self.failed.len() + in_calls + self.imported,
            self.product_arn,
            lines.join("\n")
        )))
    }
}

/// Imports `results`' findings with the credentials `options` names (single account).
pub fn import(results: &Results, options: &SecurityHubOptions) -> Result<ImportReport> {
    crate::collect::block_on_own(async {
        let config =
            crate::collect::delivery_config(options.profile.as_deref(), options.region.as_deref())
                .await;
        import_with(&config, results, options.selection).await
    })?
}

/// Imports `results`' findings with `config`'s credentials and region.
pub async fn import_with(
    config: &SdkConfig,
    results: &Results,
    selection: Selection,
) -> Result<ImportReport> {
    let region = config.region().map(|r| r.to_string()).ok_or_else(|| {
        Error::Usage(
            "--security-hub needs a region (--region, AWS_REGION or the profile's): Security Hub is regional"
                .into(),
        )
    })?;
    let account = &results.account.id;
    let caller = aws_sdk_sts::Client::new(config)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| {
            Error::Delivery(format!(
                "Security Hub: who am I (STS): {}",
                sdk_error_text(&e)
            ))
        })?;
    if caller.account() != Some(account.as_str()) {
        return Err(Error::Delivery(format!(
            "Security Hub takes the findings of account {account} only from that account, and these credentials are account {}'s: use credentials (or a role) in {account}",
            caller.account().unwrap_or("unknown")
        )));
    }
    let partition = &results.account.partition;
    let product_arn =
        format!("arn:{partition}:securityhub:{region}:{account}:product/{account}/default");
    let mut sent = findings::of_results(results, selection);
    let archived = findings::archived(results, &sent);
    sent.extend(archived);
    let updated_at =
        crate::clock::generated_at().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let client = aws_sdk_securityhub::Client::new(config);
    let mut report = ImportReport {
        product_arn: product_arn.clone(),
        ..ImportReport::default()
    };
    for batch in batches(&sent) {
        let asff: Vec<sh::AwsSecurityFinding> = batch
            .iter()
            .map(|f| {
                to_asff(
                    f,
                    &product_arn,
                    account,
                    &updated_at,
                    &results.snapshot.collected_at,
                )
            })
            .collect();
        match client
            .batch_import_findings()
            .set_findings(Some(asff))
            .send()
            .await
        {
            Ok(out) => {
                let refused: Vec<(String, String)> = out
                    .failed_findings()
                    .iter()
                    .map(|e| {
                        (
                            e.id().unwrap_or("?").to_string(),
                            format!(
                                "{}: {}",
                                e.error_code().unwrap_or("Unknown"),
                                e.error_message().unwrap_or("no message")
                            ),
                        )
                    })
                    .collect();
                report.imported += batch.len() - refused.len();
                report.archived += batch
                    .iter()
                    .filter(|f| f.archived && !refused.iter().any(|(id, _)| *id == f.id))
                    .count();
                report.failed.extend(refused);
            }
            // The whole call failed: every finding in it is refused, for one reason.
            Err(e) => report.failed_calls.push((batch.len(), sdk_error_text(&e))),
        }
    }
    Ok(report)
}

/// The findings in calls of at most [`BATCH`] findings and about [`BATCH_BYTES`].
fn batches(all: &[AsffFinding]) -> Vec<&[AsffFinding]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, f) in all.iter().enumerate() {
        let size = approximate_size(f);
        if i > start && (i - start == BATCH || bytes + size > BATCH_BYTES) {
            out.push(&all[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < all.len() {
        out.push(&all[start..]);
    }
    out
}

/// A finding's size in the request, from its text fields plus the fixed ones.
fn approximate_size(f: &AsffFinding) -> usize {
    let text: usize = [
        &f.id,
        &f.generator_id,
        &f.title,
        &f.description,
        &f.resource_id,
        &f.resource_type,
        &f.created_at,
    ]
    .iter()
    .map(|s| s.len())
    .sum();
    let reasons = f
        .status_reason
        .as_ref()
        .map_or(0, |(c, d)| c.len() + d.len());
    let fields: usize = f
        .product_fields
        .iter()
        .map(|(k, v)| k.len() + v.len() + 8)
        .sum();
    let reqs: usize = f.requirements.iter().map(|r| r.len() + 4).sum();
    text + reasons + fields + reqs + f.recommendation.as_ref().map_or(0, String::len) + 900
}

fn to_asff(
    f: &AsffFinding,
    product_arn: &str,
    account: &str,
    updated_at: &str,
    observed_at: &str,
) -> sh::AwsSecurityFinding {
    let label = sh::SeverityLabel::from(f.severity);
    let mut resource = sh::Resource::builder()
        .r#type(&f.resource_type)
        .id(&f.resource_id)
        .partition(sh::Partition::from(f.partition.as_str()));
    if let Some(region) = &f.region {
        resource = resource.region(region);
    }
    let mut compliance = sh::Compliance::builder()
        .status(sh::ComplianceStatus::from(f.compliance.as_str()))
        .set_related_requirements(Some(f.requirements.clone()));
    if let Some((code, text)) = &f.status_reason {
        compliance = compliance.status_reasons(
            sh::StatusReason::builder()
                .reason_code(code)
                .description(text)
                .build(),
        );
    }
    let mut finding = sh::AwsSecurityFinding::builder()
        .schema_version(SCHEMA_VERSION)
        .id(&f.id)
        .product_arn(product_arn)
        .generator_id(&f.generator_id)
        .aws_account_id(account)
        .types(findings::FINDING_TYPE)
        .created_at(&f.created_at)
        .updated_at(updated_at)
        .first_observed_at(&f.created_at)
        .last_observed_at(observed_at)
        .severity(sh::Severity::builder().label(label.clone()).build())
        .finding_provider_fields(
            sh::FindingProviderFields::builder()
                .severity(sh::FindingProviderSeverity::builder().label(label).build())
                .types(findings::FINDING_TYPE)
                .build(),
        )
        .title(&f.title)
        .description(&f.description)
        .product_name("safeguard")
        .company_name("safeguard")
        .resources(resource.build())
        .compliance(compliance.build())
        .record_state(if f.archived {
            sh::RecordState::Archived
        } else {
            sh::RecordState::Active
        })
        .set_product_fields(Some(
            f.product_fields
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<HashMap<_, _>>(),
        ));
    if let Some(text) = &f.recommendation {
        finding = finding.remediation(
            sh::Remediation::builder()
                .recommendation(sh::Recommendation::builder().text(text).build())
                .build(),
        );
    }
    finding.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: usize, description_bytes: usize) -> AsffFinding {
        AsffFinding {
            id: format!("check#{id:016x}"),
            generator_id: "check".into(),
            title: "t".into(),
            description: "d".repeat(description_bytes),
            severity: "HIGH",
            compliance: findings::Compliance::Failed,
            status_reason: None,
            requirements: vec!["HIPAA 164.312(d)".into()],
            resource_type: "AwsIamRole".into(),
            resource_id: "arn:aws:iam::1:role/r".into(),
            partition: "aws".into(),
            region: None,
            recommendation: None,
            archived: false,
            created_at: "2026-12-01T00:00:00Z".into(),
            product_fields: Default::default(),
        }
    }

    #[test]
    fn batches_hold_at_most_100_findings_and_about_200_kb() {
        let small: Vec<AsffFinding> = (0..250).map(|i| finding(i, 10)).collect();
        let sizes: Vec<usize> = batches(&small).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [100, 100, 50]);
        let large: Vec<AsffFinding> = (0..100).map(|i| finding(i, 5_000)).collect();
        let b = batches(&large);
        assert!(b.len() >= 3, "{}", b.len());
        assert!(
            b.iter()
                .all(|b| b.iter().map(approximate_size).sum::<usize>() <= BATCH_BYTES)
        );
        assert_eq!(b.iter().map(|b| b.len()).sum::<usize>(), 100);
        assert!(batches(&[]).is_empty());
    }
}
