//! `iam.no_admin_policy`: no policy grants administrator access.
//!
//! Judged on the policy engine, per policy: every statement's actions expanded against the
//! action catalog, `NotAction` included, Denies of the same policy subtracted. A policy is
//! admin-equivalent when it allows every action on every resource, or every IAM action (with
//! which a holder grants itself anything, e.g. `iam:*` beside `sts:*`).

use safeguard_policy::{PolicyRef, PrincipalInput, PrincipalKind, RequestContext};

use super::access::{cite, model};
use crate::checks::{Context, Finding, Outcome};

check! {
    NoAdminPolicy = "iam.no_admin_policy",
    "No attached managed or inline policy grants every action, or every IAM action, on every resource",
    severity: High => "a policy granting every action makes each principal it is attached to an administrator",
    remediation: "Replace policies that allow * on * with least-privilege ones; keep full access for a designated break-glass role.",
    params {
        include_aws_managed: bool(true) "also judge attached AWS-managed policies such as AdministratorAccess (Steampipe judges customer-managed only)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let model = model(ctx)?;
    let acct = &model.account;
    let include_aws = settings.include_aws_managed;
    let iam_all = acct.catalog.service_actions("iam");
    let mut out = Vec::new();
    let mut broken = Vec::new();
    if let Some(d) = &ctx.snapshot.iam.authorization_details {
        for (i, p) in d.policies.iter().enumerate() {
            if p.default_version().is_none() {
                broken.push(ctx.missing(
                    &p.arn,
                    &format!("/iam/authorization_details/Policies/{i}/PolicyVersionList"),
                    "the policy's default version document",
                ));
            }
        }
    }
    for (pi, pol) in acct.policies.iter_enumerated() {
        // Trust policies and the organization's SCPs are not identity policies of the account.
        if pol.label.ends_with("(trust policy)") || model.scp[pi] {
            continue;
        }
        if model.aws_managed[pi] && !include_aws {
            continue;
        }
        let resource = pol.label.clone();
        let holders = &model.holders[pi];
        if holders.is_empty() && model.attachment_count[pi] == Some(0) {
            let base = pol
                .pointer
                .split("/PolicyVersionList")
                .next()
                .unwrap_or(&pol.pointer);
            out.push(Finding::not_applicable(
                &resource,
                "not attached to any user, group or role",
                format!("{base}/AttachmentCount"),
            ));
            continue;
        }
        if let Err(e) = &pol.policy {
            out.push(Finding::new(
                &resource,
                crate::checks::FindingStatus::Error,
                format!("the policy document cannot be read: {e}"),
                e.evidence_pointer(&pol.pointer),
            ));
            continue;
        }
        // The policy on its own, as if it were a principal's only policy.
        let alone = PrincipalInput {
            arn: String::new(),
            name: String::new(),
            kind: PrincipalKind::Role,
            policies: vec![PolicyRef {
                policy: pi,
                via_group: None,
            }],
            groups: Vec::new(),
            boundary: None,
            trust: None,
            tags: Vec::new(),
            console_password: None,
            access_keys: None,
            instance_profile: false,
        };
        // The document on its own terms: an SCP bounds the account, not what the policy says.
        let fa = acct.full_access_ignoring_scps(&alone, &RequestContext::new());
        let who = if holders.is_empty() {
            String::new()
        } else {
            format!("; attached to {}", holders.join(", "))
        };
        let unknown = if pol.unknown_actions.is_empty() {
            String::new()
        } else {
            format!(
                "; names {} action(s) the catalog does not know: {}",
                pol.unknown_actions.len(),
                pol.unknown_actions
                    .iter()
                    .map(|(_, a)| a.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let conds: Vec<String> = fa.grants.iter().flat_map(|g| g.undecided.clone()).collect();
        let when = if conds.is_empty() || fa.sure.len() == acct.catalog.len() {
            String::new()
        } else {
            format!(" when {}", conds.join(" and "))
        };
        let ptr = fa
            .grants
            .first()
            .map(|r| acct.pointer(r))
            .unwrap_or_else(|| pol.pointer.clone());
        if fa.maybe_admin(acct.catalog) {
            out.push(Finding::fail(
                &resource,
                format!(
                    "allows every action on every resource{when} through {}{who}{unknown}",
                    cite(model, &fa.grants)
                ),
                ptr,
            ));
        } else if fa.maybe.is_superset_of(&iam_all) {
            out.push(Finding::fail(&resource, format!("allows every IAM action on every resource{when} through {}, which is admin-equivalent (a holder can grant itself anything){who}{unknown}", cite(model, &fa.grants)), ptr));
        } else {
            out.push(Finding::pass(
                &resource,
                format!(
                    "grants {} of {} actions on every resource, not admin-equivalent{who}{unknown}",
                    fa.maybe.len(),
                    acct.catalog.len()
                ),
                pol.pointer.clone(),
            ));
        }
    }
    out.extend(broken);
    Ok(out)
}

#[cfg(test)]
mod tests;
