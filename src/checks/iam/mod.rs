//! Checks on IAM: the root user, the password policy, users' credentials and policies.

mod access;
mod admin_access;
mod break_glass_role;
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

use super::{Check, Context, Finding};
use crate::snapshot::{CredentialReport, parse_aws_time};

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &admin_access::AdminAccess,
        &break_glass_role::BreakGlassRole,
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

/// The credential report, or the `error` finding that says it is missing.
fn credential_report<'a>(ctx: &Context<'a>) -> Result<&'a CredentialReport, Finding> {
    ctx.snapshot.iam.credential_report.as_ref().ok_or_else(|| {
        ctx.missing(
            ctx.account_resource("credential-report"),
            "/iam/credential_report",
            "the IAM credential report",
        )
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
