//! `iam.credential_report`: the credential report the user checks rely on is complete and
//! fresh — it lists every IAM user the authorization details list, and was generated at most
//! `max_age_hours` before the evidence was collected (nor more than that after it: a later
//! report describes a later account).
//!
//! The per-user checks (`iam.user_console_mfa`, `iam.user_access_key_rotation`,
//! `iam.user_unused_credentials`) and the root checks apply the same rule through
//! [`super::credential_report`]: a stale report is a gap for each of them, and a user the
//! report lacks is an `error` finding in each, never silently skipped.

use super::reconciled_report_within;
use crate::checks::{Context, Finding, FindingStatus, Outcome};

check! {
    CredentialReportCheck = "iam.credential_report",
    "The IAM credential report lists every IAM user and is generated shortly before collection",
    severity: Medium => "other checks judge users from it; stale or partial, their verdicts rest on old facts",
    remediation: "Generate a fresh credential report before collecting the evidence.",
    params {
        // AWS regenerates a credential report at most every four hours; a day is the default bound.
        max_age_hours: int(24 in 1..=1_000_000) "how far from the collection time a credential report may be generated, in hours (before it, or after it), for any check to rely on it",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let resource = ctx.account_resource("credential-report");
    let view = reconciled_report_within(ctx, settings.max_age_hours)?;
    if !view.unreported.is_empty() {
        let names: Vec<&str> = view
            .unreported
            .iter()
            .map(|f| f.resource.as_str())
            .collect();
        return Ok(vec![Finding::new(
            resource,
            FindingStatus::Error,
            format!(
                "the credential report lacks {} IAM user(s) the authorization details list: {}",
                names.len(),
                names.join(", ")
            ),
            "/iam/credential_report",
        )
        .with_gap(crate::verdict::GapKind::Incomplete)]);
    }
    Ok(vec![Finding::pass(
        resource,
        format!(
            "generated {}, {} hour(s) before collection, and lists all {} IAM user(s) and the root user",
            view.generated, view.age_hours, view.users
        ),
        "/iam/credential_report/generated_time",
    )])
}
