//! `iam.admin_access`: who is effectively an administrator, with all of their policies together.
//!
//! Every admin-equivalent principal is listed as access-review evidence. One fails when it can
//! act as admin without MFA and is not a designated break-glass identity.

use std::collections::{BTreeMap, HashMap};

use safeguard_policy::{PrincipalKind, trust};

use super::access::{cite, model, pointer};
use crate::checks::{Context, Finding, Outcome};
use crate::snapshot::report_flag;

check! {
    AdminAccess = "iam.admin_access",
    "Principals that are effectively administrators are listed, and none of them can act without MFA unless designated break-glass",
    severity: High => "an administrator who can act without MFA is one stolen password from every ePHI store",
    remediation: "Require MFA for every administrator (or designate them break-glass) and remove administrator access no one needs.",
    params {
        break_glass_names: list("*BreakGlass*,*break-glass*,*breakglass*") "comma-separated name patterns (* and ?) of designated break-glass users and roles",
        break_glass_tag: text("safeguard:break-glass") "a tag key that marks a user or role as break-glass when its value is \"true\"",
        mfa_at_identity_provider: bool(false) "trust SAML/OIDC federation to have required MFA at the identity provider",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let model = model(ctx)?;
    let acct = &model.account;
    let idp_mfa = settings.mfa_at_identity_provider;
    let iam_all = acct.catalog.service_actions("iam");
    // Every action on every resource, or every IAM action (with which it grants itself the rest).
    let admin = |fa: &safeguard_policy::FullAccess| {
        fa.maybe_admin(acct.catalog) || fa.maybe_covers(&iam_all)
    };
    let mut out = Vec::new();
    // Reconciled and indexed by user name on the first admin-equivalent user, once: doing both
    // per user was quadratic in an account where many users are admin-equivalent.
    let report = std::cell::OnceCell::new();
    for p in super::access::in_scope(model) {
        let pr = &acct.principals[p];
        let without = acct.full_access(p, &model.context(p, false));
        let with = acct.full_access(p, &model.context(p, true));
        let admin_without = admin(&without);
        if !admin_without && !admin(&with) {
            continue;
        }
        let fa = if admin_without { &without } else { &with };
        let grants = cite(model, &fa.grants);
        let ptr = pointer(model, p, &fa.grants);
        let how = if fa.maybe_admin(acct.catalog) {
            "admin-equivalent"
        } else {
            "admin-equivalent (every IAM action, so it can grant itself the rest)"
        };
        let mut what = format!("{} is {how} through {grants}", model.noun(p));
        // Said only when the SCPs hold something back (a FullAWSAccess-only path does not).
        if fa.ceiling_len(acct.catalog) < acct.catalog.len() {
            what.push_str(" (as far as the organization's service control policies allow)");
        }
        if !(fa.is_admin(acct.catalog) || fa.surely_covers(&iam_all)) {
            let conds: Vec<String> =
                fa.grants.iter().flat_map(|g| g.undecided.clone()).collect();
            if !conds.is_empty() {
                what.push_str(&format!(" (only when {})", conds.join(" and ")));
            }
        }
        if super::access::is_break_glass(&settings.break_glass_names, &settings.break_glass_tag, pr) {
            out.push(Finding::pass(&pr.arn, format!("{what}; designated break-glass, so admin access is expected (review its use)"), ptr));
            continue;
        }
        if !admin_without {
            out.push(Finding::pass(
                &pr.arn,
                format!("{what}, only in sessions authenticated with MFA"),
                ptr,
            ));
            continue;
        }
        out.push(match pr.kind {
            PrincipalKind::User => judge_user(ctx, &report, &pr.arn, &pr.name, what, ptr),
            PrincipalKind::Role => judge_role(model, p, what, ptr, idp_mfa),
        });
    }
    if out.is_empty() {
        out.push(Finding::pass(
            ctx.account_resource("iam"),
            format!(
                "no user or role is admin-equivalent ({} principals judged with all their policies)",
                acct.principals.len()
            ),
            "/iam/authorization_details",
        ));
    }
    Ok(out)
}

/// The credential report's rows by user name (the first row of each name), or why the report
/// cannot be used.
type ReportRows<'a> = Result<HashMap<&'a str, &'a BTreeMap<String, String>>, Box<Finding>>;

fn judge_user<'a>(
    ctx: &Context<'a>,
    report: &std::cell::OnceCell<ReportRows<'a>>,
    arn: &str,
    name: &str,
    what: String,
    ptr: String,
) -> Finding {
    if ctx.snapshot.iam.credential_report.is_none() {
        return ctx.missing(
            arn,
            "/iam/credential_report",
            &format!("{what}; whether it needs MFA cannot be judged: the credential report"),
        );
    }
    let rows = report.get_or_init(|| {
        super::reconciled_report(ctx).map(|view| {
            let mut rows = HashMap::new();
            for (_, r) in view.report.users() {
                if let Some(user) = r.get("user") {
                    rows.entry(user.as_str()).or_insert(r);
                }
            }
            rows
        })
    });
    let rows = match rows {
        Ok(rows) => rows,
        Err(gap) => {
            return Finding {
                resource: arn.to_string(),
                message: format!(
                    "{what}; whether it needs MFA cannot be judged: {}",
                    gap.message
                ),
                ..(**gap).clone()
            };
        }
    };
    let Some(row) = rows.get(name).copied() else {
        return Finding::fail(
            arn,
            format!(
                "{what}, and its credentials are not in the credential report, so MFA cannot be shown"
            ),
            ptr,
        );
    };
    let keys = ["access_key_1_active", "access_key_2_active"]
        .iter()
        .filter(|c| report_flag(row, c) == Some(true))
        .count();
    let password = report_flag(row, "password_enabled") == Some(true);
    let mfa = report_flag(row, "mfa_active") == Some(true);
    if keys > 0 {
        Finding::fail(
            arn,
            format!("{what}, and has {keys} active access key(s), which act without MFA"),
            ptr,
        )
    } else if password && !mfa {
        Finding::fail(
            arn,
            format!("{what}, and signs in to the console without MFA"),
            ptr,
        )
    } else {
        Finding::pass(
            arn,
            format!("{what}; no active access keys, and console sign-in requires MFA"),
            ptr,
        )
    }
}

fn judge_role(
    model: &crate::access::Model,
    p: safeguard_policy::PrincipalId,
    what: String,
    ptr: String,
    idp_mfa: bool,
) -> Finding {
    let acct = &model.account;
    let pr = &acct.principals[p];
    let Some(policy) = pr.trust.and_then(|t| acct.policies[t].policy.as_ref().ok()) else {
        return Finding::fail(
            &pr.arn,
            format!("{what}, and its trust policy cannot be read, so MFA cannot be shown"),
            ptr,
        );
    };
    let mut without_mfa = Vec::new();
    for g in trust::analyze(policy, acct.catalog) {
        let ok = match &g.trustee {
            trust::Trustee::Federated(_) => idp_mfa || g.requires_mfa(),
            _ => g.requires_mfa(),
        };
        if !ok {
            without_mfa.push(g.trustee.describe());
        }
    }
    if without_mfa.is_empty() {
        Finding::pass(
            &pr.arn,
            format!("{what}; its trust policy requires MFA to assume it"),
            ptr,
        )
    } else {
        without_mfa.dedup();
        Finding::fail(
            &pr.arn,
            format!(
                "{what}, and can be assumed without MFA by {}",
                without_mfa.join(", ")
            ),
            ptr,
        )
    }
}

#[cfg(test)]
mod tests;
