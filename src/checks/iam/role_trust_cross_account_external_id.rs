//! `iam.role_trust_cross_account_external_id`: roles another account may assume require an
//! external id.
//!
//! Without `sts:ExternalId`, a third party that assumes the role for several customers can be
//! tricked into using it for someone else (the confused deputy). Accounts of one's own
//! organization can be listed as trusted.

use super::trust::each_role;
use crate::checks::{Context, Finding, Outcome};

check! {
    RoleTrustCrossAccountExternalId = "iam.role_trust_cross_account_external_id",
    "Roles that another AWS account may assume require an sts:ExternalId",
    severity: Medium => "a third party's role can be turned against this account (the confused deputy)",
    remediation: "Require an external id (sts:ExternalId) in the trust of roles other accounts assume, or list the account as trusted.",
    params {
        trusted_accounts: list("") "comma-separated account ids (e.g. your organization's) that need no external id",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let trusted = &settings.trusted_accounts;
    Ok(each_role(ctx, |model, role| {
        let own = &model.account.id;
        let foreign: Vec<_> = role
            .grants
            .iter()
            .filter(|g| {
                g.trustee
                    .account()
                    .is_some_and(|a| !a.is_empty() && a != own)
            })
            .collect();
        if foreign.is_empty() {
            return Finding::not_applicable(
                role.arn,
                format!("role {} trusts no other account", role.name),
                role.pointer.clone(),
            );
        }
        let mut bad = Vec::new();
        let mut good = Vec::new();
        for g in &foreign {
            let acct = g.trustee.account().unwrap_or_default();
            let external_id = g
                .constrains("sts:ExternalId")
                .is_some_and(|v| v.iter().all(|x| !x.contains(['*', '?']) && !x.is_empty()));
            if external_id {
                good.push(format!("{} with an external id", g.trustee.describe()));
            } else if trusted.iter().any(|t| t == acct) {
                good.push(format!("{} (a trusted account)", g.trustee.describe()));
            } else {
                bad.push(g);
            }
        }
        match bad.first() {
            Some(g) => Finding::fail(
                role.arn,
                format!(
                    "role {} can be assumed by {} without an sts:ExternalId condition",
                    role.name,
                    bad.iter()
                        .map(|g| g.trustee.describe())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                role.at(g, model),
            ),
            None => Finding::pass(
                role.arn,
                format!("role {} trusts {}", role.name, good.join(", ")),
                role.at(foreign[0], model),
            ),
        }
    }))
}

#[cfg(test)]
mod tests;
