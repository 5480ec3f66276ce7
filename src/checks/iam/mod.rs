//! Checks on IAM: the root user, the password policy, users' credentials and policies.

crate::checks::register! {
    admin_access,
    break_glass_role,
    credential_report,
    group_has_users,
    inline_policies,
    kms_decrypt_unrestricted,
    no_admin_policy,
    passrole_unrestricted,
    password_policy,
    privilege_escalation,
    role_max_session_duration,
    role_trust_any_principal,
    role_trust_cross_account_external_id,
    role_trust_oidc_scoped,
    root_hardware_mfa,
    root_mfa_enabled,
    root_no_access_keys,
    service_wildcard,
    user_access_key_rotation,
    user_console_mfa,
    user_in_groups,
    user_no_direct_policies,
    user_unused_credentials,
}

mod access;
mod trust;

use std::collections::BTreeMap;

use super::{Context, Finding, FindingStatus};
use crate::snapshot::{CredentialReport, parse_aws_time};
use crate::verdict::GapKind;

/// The authorization details, or the `error` finding that says they are missing.
fn authorization_details<'a>(
    ctx: &Context<'a>,
) -> Result<&'a crate::snapshot::AuthorizationDetails, Box<Finding>> {
    ctx.snapshot
        .iam
        .authorization_details
        .as_ref()
        .ok_or_else(|| {
            Box::new(ctx.missing(
                ctx.account_resource("iam"),
                "/iam/authorization_details",
                "the IAM authorization details",
            ))
        })
}

/// The credential report, reconciled with the authorization details.
pub(crate) struct ReportView<'a> {
    pub report: &'a CredentialReport,
    /// One `error` finding per IAM user the authorization details list and the report lacks:
    /// each per-user check adds them, so a missing row is a gap, never a silent skip.
    pub unreported: Vec<Finding>,
    pub generated: String,
    pub age_hours: i64,
    pub users: usize,
}

/// The credential report if the checks may rely on it: present, with a known generation time
/// at most `iam.credential_report.max_age_hours` before collection; else the `error` finding
/// (a gap) that says why.
pub(crate) fn reconciled_report<'a>(ctx: &Context<'a>) -> Result<ReportView<'a>, Box<Finding>> {
    reconciled_report_within(ctx, ctx.credential_report_max_age_hours)
}

/// [`reconciled_report`] with the age limit given: `iam.credential_report` passes its own
/// parameter, which the assessment also hands every other check as
/// `Context::credential_report_max_age_hours`.
pub(crate) fn reconciled_report_within<'a>(
    ctx: &Context<'a>,
    limit: i64,
) -> Result<ReportView<'a>, Box<Finding>> {
    let resource = || ctx.account_resource("credential-report");
    let report = ctx.snapshot.iam.credential_report.as_ref().ok_or_else(|| {
        Box::new(ctx.missing(
            resource(),
            "/iam/credential_report",
            "the IAM credential report",
        ))
    })?;
    let gap = |kind: GapKind, message: String| {
        Box::new(
            Finding::new(
                resource(),
                FindingStatus::Error,
                message,
                "/iam/credential_report/generated_time",
            )
            .with_gap(kind),
        )
    };
    let Some(generated) = report.generated_time.as_ref() else {
        return Err(gap(
            GapKind::Incomplete,
            "the credential report's generation time is not in the evidence, so it cannot be shown to be current".into(),
        ));
    };
    let Some(at) = generated.parse() else {
        return Err(gap(
            GapKind::Unreadable,
            format!(
                "the credential report's generation time {:?} is unreadable",
                generated.0
            ),
        ));
    };
    let age_hours = (ctx.as_of - at).num_hours();
    // A report from well after the collection describes a later account (users created since
    // are in it): not the state as of collection either. The collector and the export script
    // generate it minutes after they start, well within the limit.
    if -age_hours > limit {
        return Err(gap(
            GapKind::Stale,
            format!(
                "the credential report was generated {}, {} hours after the evidence was collected (limit {limit}): it describes a later state of the account",
                generated.0, -age_hours
            ),
        ));
    }
    if age_hours > limit {
        return Err(gap(
            GapKind::Stale,
            format!(
                "the credential report is stale: generated {}, {age_hours} hours before collection (limit {limit}), so credentials issued, used or removed since are not in it",
                generated.0
            ),
        ));
    }
    let mut unreported = Vec::new();
    if let Some(details) = &ctx.snapshot.iam.authorization_details {
        let listed: std::collections::HashSet<&str> = report
            .users()
            .flat_map(|(_, r)| [r.get("arn"), r.get("user")])
            .flatten()
            .map(String::as_str)
            .collect();
        for u in &details.user_detail_list {
            if !listed.contains(u.arn.as_str()) && !listed.contains(u.user_name.as_str()) {
                unreported.push(
                    Finding::new(
                        u.arn.clone(),
                        FindingStatus::Error,
                        format!(
                            "user {} is in the authorization details but not in the credential report (generated {}): its credentials cannot be judged",
                            u.user_name, generated.0
                        ),
                        // Where the missing row would be: every such finding is one gap.
                        "/iam/credential_report",
                    )
                    .with_gap(GapKind::Incomplete),
                );
            }
        }
    }
    Ok(ReportView {
        report,
        users: report.users().count(),
        unreported,
        generated: generated.0.clone(),
        age_hours,
    })
}

/// [`reconciled_report`] for the per-user checks: the report, and the findings for users it
/// lacks (to be added to the check's own).
fn credential_report<'a>(
    ctx: &Context<'a>,
) -> Result<(&'a CredentialReport, Vec<Finding>), Box<Finding>> {
    reconciled_report(ctx).map(|v| (v.report, v.unreported))
}

/// A credential-report yes/no column: `Ok` with its value, or `Err` saying what it holds
/// instead (`not_supported`, `no_information`, a renamed or missing column).
fn report_bool(row: &BTreeMap<String, String>, column: &str) -> Result<bool, String> {
    crate::snapshot::report_flag(row, column).ok_or_else(|| match row.get(column) {
        Some(v) => format!("{column} is {v:?}, neither true nor false"),
        None => format!("{column} is not in the credential report"),
    })
}

/// A credential-report user's ARN (its resource name in findings).
fn row_arn(row: &BTreeMap<String, String>) -> String {
    row.get("arn").cloned().unwrap_or_else(|| {
        format!(
            "user/{}",
            row.get("user").map(String::as_str).unwrap_or("?")
        )
    })
}

fn row_pointer(idx: usize, column: &str) -> String {
    format!("/iam/credential_report/rows/{idx}/{column}")
}

/// Days from a credential-report date column to the evaluation time; `None` when the column
/// says N/A, no_information, or is absent.
fn days_since_column(
    ctx: &Context<'_>,
    row: &BTreeMap<String, String>,
    column: &str,
) -> Option<i64> {
    row.get(column)
        .and_then(|v| parse_aws_time(v))
        .map(|t| ctx.days_since(t))
}
