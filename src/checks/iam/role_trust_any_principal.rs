//! `iam.role_trust_any_principal`: no role can be assumed by anyone.
//!
//! A trust policy with `"Principal": "*"` (or `{"AWS": "*"}`, or an Allow with `NotPrincipal`)
//! lets every AWS account in — unless a condition pins the caller down to an organization,
//! account, principal ARN or external id.

use super::trust::each_role;
use crate::checks::{Check, CheckInfo, Context, Finding};
use safeguard_policy::trust::Trustee;

pub struct RoleTrustAnyPrincipal;

static INFO: CheckInfo = CheckInfo {
    id: "iam.role_trust_any_principal",
    description: "No role's trust policy lets any AWS principal assume it without a condition restricting who",
    docs: "docs/checks.md#iam-role_trust_any_principal",
    params: &[],
};

/// Condition keys that restrict who the caller is.
const RESTRICTING: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "sts:ExternalId",
];

impl Check for RoleTrustAnyPrincipal {
    fn info(&self) -> &'static CheckInfo {
        &INFO
    }

    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding> {
        each_role(ctx, |model, role| {
            let open: Vec<_> = role
                .grants
                .iter()
                .filter(|g| g.trustee == Trustee::Anyone)
                .collect();
            let unrestricted = open.iter().find(|g| {
                !g.conditions.iter().any(|c| {
                    !c.operator.negated && RESTRICTING.iter().any(|k| c.key.eq_ignore_ascii_case(k))
                })
            });
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
        })
    }
}

#[cfg(test)]
mod tests;
