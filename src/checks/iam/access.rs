//! Helpers shared by the checks that run on the policy engine (`crate::access`).

use safeguard_policy::{Decision, Outcome, PrincipalId, StatementRef};

use crate::access::Model;
use crate::checks::{Context, Finding};

/// The engine's model, or the `error` finding that says the authorization details are missing.
pub(crate) fn model<'a>(ctx: &Context<'a>) -> Result<&'a Model, Box<Finding>> {
    ctx.access.model().ok_or_else(|| {
        Box::new(ctx.missing(
            ctx.account_resource("iam"),
            "/iam/authorization_details",
            "the IAM authorization details",
        ))
    })
}

/// "user/alice inline policy x statement \"Admin\"; arn:...:policy/y statement #0".
pub(crate) fn cite(model: &Model, refs: &[StatementRef]) -> String {
    let mut seen = Vec::new();
    for r in refs {
        let d = model.account.describe(r);
        if !seen.contains(&d) {
            seen.push(d);
        }
    }
    seen.join("; ")
}

/// Pointer to the first statement cited, or the principal's entry.
pub fn pointer(model: &Model, p: PrincipalId, refs: &[StatementRef]) -> String {
    refs.first()
        .map(|r| model.account.pointer(r))
        .unwrap_or_else(|| model.evidence[p].clone())
}

/// A verdict that would pass on a principal whose evidence is incomplete becomes `error`.
pub(crate) fn pass_or_incomplete(
    ctx: &Context<'_>,
    model: &Model,
    p: PrincipalId,
    message: String,
) -> Finding {
    let arn = &model.account.principals[p].arn;
    match model.incomplete[p].first() {
        None => Finding::pass(arn, message, &model.evidence[p]),
        Some(gap) => ctx.missing(
            arn,
            &model.evidence[p],
            &format!("{message}, but this cannot be relied on: {gap}; the policy"),
        ),
    }
}

/// Whether every condition a conditional grant rests on uses one of `keys` (scoping
/// conditions that make a broad grant acceptable, e.g. `iam:PassedToService`).
pub(crate) fn only_scoped_by(d: &Decision, keys: &[&str], model: &Model) -> bool {
    if d.outcome != Outcome::Conditional || !d.denies.is_empty() {
        return false;
    }
    d.grants.iter().all(|g| {
        !g.undecided.is_empty()
            && model.account.statement(g).conditions.iter().all(|c| {
                keys.iter().any(|k| {
                    c.key.eq_ignore_ascii_case(k)
                        || (k.ends_with('*')
                            && c.key
                                .to_ascii_lowercase()
                                .starts_with(&k[..k.len() - 1].to_ascii_lowercase()))
                })
            })
    })
}

/// Principals the checks judge: every user and role but AWS's service-linked roles.
pub(crate) fn in_scope(model: &Model) -> impl Iterator<Item = PrincipalId> + '_ {
    model
        .account
        .principals
        .ids()
        .filter(|&p| !model.service_linked[p])
}

/// Whether a principal is designated break-glass by name pattern or tag: the
/// `break_glass_names` and `break_glass_tag` parameters that `iam.admin_access` and
/// `iam.break_glass_role` both declare (a test keeps the two declarations identical), so both
/// name the same principals.
pub(crate) fn is_break_glass(
    names: &[String],
    tag: &str,
    pr: &safeguard_policy::PrincipalInput,
) -> bool {
    names
        .iter()
        .any(|n| safeguard_policy::glob::matches(n, &pr.name, true))
        || pr
            .tags
            .iter()
            .any(|(k, v)| k == tag && v.eq_ignore_ascii_case("true"))
}
