//! Checks on IAM: the root user, the password policy, users' credentials and policies.

mod access;
mod admin_access;
mod break_glass_role;
mod credential_report;
mod group_has_users;
mod inline_policies;
mod kms_decrypt_unrestricted;
mod no_admin_policy;
mod passrole_unrestricted;
mod password_policy;
mod privilege_escalation;
mod role_max_session_duration;
mod role_trust_any_principal;
mod role_trust_cross_account_external_id;
mod role_trust_oidc_scoped;
mod root_hardware_mfa;
mod root_mfa_enabled;
mod root_no_access_keys;
mod service_wildcard;
mod trust;
mod user_access_key_rotation;
mod user_console_mfa;
mod user_in_groups;
mod user_no_direct_policies;
mod user_unused_credentials;

use std::collections::BTreeMap;

use super::{Check, Context, Finding, FindingStatus};
use crate::snapshot::{CredentialReport, parse_aws_time};

pub const CREDENTIAL_REPORT_MAX_AGE_HOURS: i64 = credential_report::DEFAULT_MAX_AGE_HOURS;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &admin_access::AdminAccess,
        &break_glass_role::BreakGlassRole,
        &credential_report::CredentialReportCheck,
        &group_has_users::GroupHasUsers,
        &role_max_session_duration::RoleMaxSessionDuration,
        &root_hardware_mfa::RootHardwareMfa,
        &user_in_groups::UserInGroups,
        &inline_policies::InlinePolicies,
        &kms_decrypt_unrestricted::KmsDecryptUnrestricted,
        &no_admin_policy::NoAdminPolicy,
        &passrole_unrestricted::PassroleUnrestricted,
        &privilege_escalation::PrivilegeEscalation,
        &role_trust_any_principal::RoleTrustAnyPrincipal,
        &role_trust_cross_account_external_id::RoleTrustCrossAccountExternalId,
        &role_trust_oidc_scoped::RoleTrustOidcScoped,
        &service_wildcard::ServiceWildcard,
        &password_policy::PasswordPolicyCheck,
        &root_mfa_enabled::RootMfaEnabled,
        &root_no_access_keys::RootNoAccessKeys,
        &user_access_key_rotation::UserAccessKeyRotation,
        &user_console_mfa::UserConsoleMfa,
        &user_no_direct_policies::UserNoDirectPolicies,
        &user_unused_credentials::UserUnusedCredentials,
    ]
}

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
    let resource = || ctx.account_resource("credential-report");
    let report = ctx.snapshot.iam.credential_report.as_ref().ok_or_else(|| {
        Box::new(ctx.missing(
            resource(),
            "/iam/credential_report",
            "the IAM credential report",
        ))
    })?;
    let limit = ctx.credential_report_max_age_hours;
    let gap = |message: String| {
        Box::new(Finding::new(
            resource(),
            FindingStatus::Error,
            message,
            "/iam/credential_report/generated_time",
        ))
    };
    let Some(generated) = report.generated_time.as_ref() else {
        return Err(gap(
            "the credential report's generation time is not in the evidence, so it cannot be shown to be current".into(),
        ));
    };
    let Some(at) = generated.parse() else {
        return Err(gap(format!(
            "the credential report's generation time {:?} is unreadable",
            generated.0
        )));
    };
    let age_hours = (ctx.as_of - at).num_hours();
    if age_hours > limit {
        return Err(gap(format!(
            "the credential report was generated {} ({age_hours} hours before collection; limit {limit}): credentials issued, used or removed since are not in it",
            generated.0
        )));
    }
    let mut unreported = Vec::new();
    if let Some(details) = &ctx.snapshot.iam.authorization_details {
        let listed: std::collections::HashSet<&str> = report
            .users()
            .flat_map(|(_, r)| [r.get("arn"), r.get("user")])
            .flatten()
            .map(String::as_str)
            .collect();
        for (i, u) in details.user_detail_list.iter().enumerate() {
            if !listed.contains(u.arn.as_str()) && !listed.contains(u.user_name.as_str()) {
                unreported.push(Finding::new(
                    u.arn.clone(),
                    FindingStatus::Error,
                    format!(
                        "user {} is in the authorization details but not in the credential report (generated {}): its credentials cannot be judged",
                        u.user_name, generated.0
                    ),
                    format!("/iam/authorization_details/UserDetailList/{i}"),
                ));
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
) -> Result<(&'a CredentialReport, Vec<Finding>), Finding> {
    reconciled_report(ctx)
        .map(|v| (v.report, v.unreported))
        .map_err(|f| *f)
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
