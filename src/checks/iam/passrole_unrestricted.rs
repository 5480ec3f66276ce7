//! `iam.passrole_unrestricted`: no principal may pass every role to a service.
//!
//! `iam:PassRole` on `*` (or on `role/*`) lets its holder hand any role — an admin one
//! included — to compute it controls. Judged per principal with all of its policies, boundary
//! and Denies; an `iam:PassedToService` or `iam:AssociatedResourceArn` condition scopes it.

use safeguard_policy::{Outcome as Access, Target};

use super::access::{cite, in_scope, model, only_scoped_by, pass_or_incomplete, pointer};
use crate::checks::{Context, Finding, Outcome};

check! {
    PassroleUnrestricted = "iam.passrole_unrestricted",
    "No user or role may pass every role (iam:PassRole on *) without a condition scoping it",
    severity: High => "passing any role to a service is a step to any role's permissions, admin included",
    remediation: "Scope iam:PassRole to the roles and services the holder needs (Resource and iam:PassedToService)."
}

const SCOPING_KEYS: &[&str] = &["iam:PassedToService", "iam:AssociatedResourceArn"];

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let model = model(ctx)?;
    let acct = &model.account;
    let action = acct
        .catalog
        .id("iam:PassRole")
        .expect("iam:PassRole in the catalog");
    // A role name nobody would grant by name: a grant that reaches it reaches every role.
    let probe = format!(
        "arn:{}:iam::{}:role/safeguard-probe/any-role",
        acct.partition, acct.id
    );
    let mut out = Vec::new();
    for p in in_scope(model) {
        let c = model.context(p, false);
        let mut d = acct.decide(p, action, Target::All, &c);
        if !d.outcome.is_possible() {
            d = acct.decide(p, action, Target::Arn(&probe), &c);
        }
        let arn = &acct.principals[p].arn;
        out.push(match d.outcome {
            Access::Allowed => Finding::fail(
                arn,
                format!(
                    "{} may pass any role, through {}",
                    model.noun(p),
                    cite(model, &d.grants)
                ),
                pointer(model, p, &d.grants),
            ),
            Access::Conditional if only_scoped_by(&d, SCOPING_KEYS, model) => {
                pass_or_incomplete(
                    ctx,
                    model,
                    p,
                    format!(
                        "{} may pass any role, but only {} (through {})",
                        model.noun(p),
                        d.caveats().join(", "),
                        cite(model, &d.grants)
                    ),
                )
            }
            Access::Conditional => Finding::fail(
                arn,
                format!(
                    "{} may pass any role {} (through {})",
                    model.noun(p),
                    d.caveats().join(", "),
                    cite(model, &d.grants)
                ),
                pointer(model, p, &d.grants),
            ),
            _ => pass_or_incomplete(
                ctx,
                model,
                p,
                format!("{} may not pass every role", model.noun(p)),
            ),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
