//! `iam.role_trust_any_principal`: no role can be assumed by anyone.
//!
//! A trust policy with `"Principal": "*"` (or `{"AWS": "*"}`, or an Allow with `NotPrincipal`)
//! lets every AWS account in — unless a condition pins the caller down to an organization,
//! account, principal ARN or external id. A condition pins nothing when its value is a
//! wildcard (`arn:aws:iam::*:role/*`), when it is negated, or when `…IfExists` lets in the
//! callers that lack the key (`StringEqualsIfExists aws:PrincipalOrgID`: anyone outside an
//! organization).

use super::trust::each_role;
use crate::checks::{Context, Finding, Outcome};
use safeguard_policy::trust::Trustee;

check! {
    RoleTrustAnyPrincipal = "iam.role_trust_any_principal",
    "No role's trust policy lets any AWS principal assume it without a condition restricting who",
    severity: High => "any AWS account in the world can assume the role",
    remediation: "Restrict the role's trust policy to named principals or accounts."
}

/// Condition keys that can restrict who the caller is, and whether every caller carries the
/// key (an `…IfExists` operator on a key some callers lack lets those callers in).
const RESTRICTING: &[(&str, bool)] = &[
    ("aws:PrincipalOrgID", false),
    ("aws:PrincipalOrgPaths", false),
    ("aws:PrincipalAccount", true),
    ("aws:PrincipalArn", true),
    ("aws:SourceAccount", false),
    ("aws:SourceArn", false),
    ("aws:SourceOrgID", false),
    ("sts:ExternalId", false),
];

/// Whether a `*` or `?` appears in a value.
fn wild(v: &str) -> bool {
    v.contains('*') || v.contains('?')
}

/// Whether one condition value binds the caller to something specific: an organization, an
/// account, an ARN in a named account, an external id. `arn:aws:iam::*:role/*` binds nothing.
fn binds(key: &str, value: &str) -> bool {
    let key = key.to_ascii_lowercase();
    match key.as_str() {
        "aws:principalarn" | "aws:sourcearn" => {
            let account = value.split(':').nth(4).unwrap_or_default();
            if account.is_empty() {
                // An ARN without an account (an S3 bucket) binds only when written out whole.
                !wild(value) && value.starts_with("arn:")
            } else {
                account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
            }
        }
        "aws:principalorgpaths" => value
            .split('/')
            .next()
            .is_some_and(|org| org.starts_with("o-") && !wild(org)),
        _ => !value.is_empty() && !wild(value),
    }
}

/// Whether a condition restricts who may assume the role: a positive string or ARN match on a
/// restricting key, every value of which binds the caller, that holds for every caller (no
/// `IfExists` on a key some callers lack, no `ForAllValues:` that an absent key satisfies).
fn restricts(c: &safeguard_policy::condition::Condition) -> bool {
    use safeguard_policy::condition::{Family, SetQualifier};
    let Some((_, always_present)) = RESTRICTING
        .iter()
        .find(|(k, _)| c.key.eq_ignore_ascii_case(k))
    else {
        return false;
    };
    let matching = matches!(
        c.operator.family,
        Family::StringEquals
            | Family::StringEqualsIgnoreCase
            | Family::StringLike
            | Family::ArnLike
    );
    matching
        && !c.operator.negated
        && (!c.operator.if_exists || *always_present)
        && c.operator.set != Some(SetQualifier::ForAllValues)
        && !c.values.is_empty()
        && c.values.iter().all(|v| binds(&c.key, v))
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    Ok(each_role(ctx, |model, role| {
        let open: Vec<_> = role
            .grants
            .iter()
            .filter(|g| g.trustee == Trustee::Anyone)
            .collect();
        let unrestricted = open.iter().find(|g| !g.conditions.iter().any(restricts));
        match (unrestricted, open.first()) {
            (Some(g), _) => Finding::fail(
                role.arn,
                format!(
                    "role {} can be assumed by any AWS principal ({}){}",
                    role.name,
                    g.assume.join(", "),
                    if g.conditions.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ", whose conditions ({}) do not restrict who",
                            g.conditions
                                .iter()
                                .map(|c| c.describe())
                                .collect::<Vec<_>>()
                                .join(" and ")
                        )
                    }
                ),
                role.at(g, model),
            ),
            (None, Some(g)) => Finding::pass(
                role.arn,
                format!(
                    "role {} trusts \"*\" but only when {}",
                    role.name,
                    g.conditions
                        .iter()
                        .map(|c| c.describe())
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
                role.at(g, model),
            ),
            (None, None) => Finding::pass(
                role.arn,
                format!("role {} trusts only named principals", role.name),
                role.pointer.clone(),
            ),
        }
    }))
}

#[cfg(test)]
mod tests;
