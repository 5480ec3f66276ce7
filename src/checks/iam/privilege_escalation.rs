//! `iam.privilege_escalation`: no principal can make itself an administrator.
//!
//! Runs the engine's escalation graph (assume-role, credential creation for other users,
//! policy attachment and rewriting, boundary removal, PassRole to compute services, ...) over
//! every principal with all of its policies together, and reports each path step by step.

use safeguard_policy::{PrincipalId, Target};

use super::access::{cite, in_scope, model, pass_or_incomplete};
use crate::checks::{Context, Finding, Outcome};

check! {
    PrivilegeEscalation = "iam.privilege_escalation",
    "No user or role can escalate to administrator through a chain of its own permissions",
    severity: High => "a principal that can make itself administrator is an administrator in waiting",
    remediation: "Remove the permission the path starts from (see the finding) or scope it to resources that do not lead to administrator.",
    params {
        include_mfa_sessions: bool(true) "judge MFA-authenticated sessions too (an insider signed in with MFA); false judges only credentials without MFA, such as a leaked access key, which MFA conditions stop",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let model = model(ctx)?;
    let Some(without_mfa) = ctx.access.escalation(false) else {
        return Ok(Vec::new());
    };
    let with_mfa = if settings.include_mfa_sessions {
        ctx.access.escalation(true)
    } else {
        None
    };
    let acct = &model.account;
    let mut out = Vec::new();
    for p in in_scope(model) {
        let pr = &acct.principals[p];
        if without_mfa.power[p].is_some()
            || with_mfa.as_ref().is_some_and(|a| a.power[p].is_some())
        {
            out.push(Finding::not_applicable(
                &pr.arn,
                format!(
                    "{} is already admin-equivalent (see iam.admin_access)",
                    model.noun(p)
                ),
                &model.evidence[p],
            ));
            continue;
        }
        // A path open to a credential without MFA is the worse one; report it first. A path
        // that needs MFA is open to a user the credential report shows without a device only
        // if the user can enroll one for itself: then that is its first step.
        let mut enrol: Option<String> = None;
        let mut closed = false;
        let (path, session) = match (
            &without_mfa.paths[p],
            with_mfa.as_ref().map(|a| &a.paths[p]),
        ) {
            (Some(path), _) if !path.is_empty() => (Some(path), ""),
            (_, Some(Some(path))) if !path.is_empty() => match mfa_device(ctx, &pr.arn) {
                Some(false) => match self_enrolment(model, p) {
                    Some(how) => {
                        enrol = Some(how);
                        (
                            Some(path),
                            " in a session authenticated with MFA, after enrolling an MFA device for itself",
                        )
                    }
                    None => {
                        closed = true;
                        (None, "")
                    }
                },
                _ => (Some(path), " in a session authenticated with MFA"),
            },
            _ => (None, ""),
        };
        let analysis = &without_mfa;
        match path {
            Some(path) => {
                let steps: Vec<String> = enrol
                    .iter()
                    .cloned()
                    .chain(path.iter().map(|s| {
                        let mut t = format!("{} [{}]", s.action, cite(model, &s.enabled_by));
                        if !s.caveats.is_empty() {
                            t.push_str(&format!(" — {}", s.caveats.join("; ")));
                        }
                        t
                    }))
                    .enumerate()
                    .map(|(i, t)| format!("({}) {t}", i + 1))
                    .collect();
                let end = match path.last().and_then(|s| s.to) {
                    Some(q) => format!("becoming admin-equivalent {}", model.noun(q)),
                    None => "gaining admin-equivalent permissions".to_string(),
                };
                let ptr = path[0]
                    .enabled_by
                    .first()
                    .map(|r| acct.pointer(r))
                    .unwrap_or_else(|| model.evidence[p].clone());
                // A path resting on an undecided condition or on a resource that may
                // exist is possible, not proven; it still fails, and says which it is.
                let possible = path.iter().any(|s| s.is_possible());
                let mut f = Finding::fail(
                    &pr.arn,
                    format!(
                        "{} can escalate{session} in {} step(s), {end}{}: {}",
                        model.noun(p),
                        steps.len(),
                        if possible {
                            " (possible path: a step rests on a condition the evidence cannot decide or on a resource that may exist)"
                        } else {
                            " (proven path)"
                        },
                        steps.join(" ")
                    ),
                    ptr,
                );
                f.possible = possible;
                out.push(f);
            }
            None => out.push(pass_or_incomplete(
                ctx,
                model,
                p,
                format!(
                    "no path to admin from {}{} ({} escalation methods over {} principals and {} can-become edges)",
                    model.noun(p),
                    if closed {
                        " (a path needs a session authenticated with MFA: the credential report shows no MFA device, and it cannot enroll one for itself)"
                    } else {
                        ""
                    },
                    safeguard_policy::escalation::IAM_METHODS.len()
                        + safeguard_policy::escalation::COMPUTE_METHODS.len(),
                    acct.principals.len(),
                    analysis.edges
                ),
            )),
        }
    }
    Ok(out)
}

/// Whether the credential report shows an MFA device for the user (`None`: not a user in the
/// report, or the column does not say).
fn mfa_device(ctx: &Context<'_>, arn: &str) -> Option<bool> {
    let report = ctx.snapshot.iam.credential_report.as_ref()?;
    report
        .users()
        .find(|(_, row)| row.get("arn").map(String::as_str) == Some(arn))
        .and_then(|(_, row)| crate::snapshot::report_flag(row, "mfa_active"))
}

/// How a user without an MFA device can enroll one for itself without MFA (the common "manage
/// your own MFA" policy): `iam:CreateVirtualMFADevice` on `mfa/<its name>` and
/// `iam:EnableMFADevice` on its own user. The step's wording, or `None` when it cannot.
fn self_enrolment(model: &crate::access::Model, p: PrincipalId) -> Option<String> {
    let acct = &model.account;
    let pr = &acct.principals[p];
    let (prefix, _) = pr.arn.split_once(":user/")?;
    let device = format!("{prefix}:mfa/{}", pr.name);
    let c = model.context(p, false);
    let mut statements = Vec::new();
    for (action, target) in [
        ("iam:CreateVirtualMFADevice", device.as_str()),
        ("iam:EnableMFADevice", pr.arn.as_str()),
    ] {
        let id = acct.catalog.id(action)?;
        let d = acct.decide(p, id, Target::Arn(target), &c);
        if !d.outcome.is_possible() {
            return None;
        }
        statements.extend(d.grants.into_iter().take(1));
    }
    Some(format!(
        "iam:CreateVirtualMFADevice then iam:EnableMFADevice on its own user (it has no MFA device) [{}]",
        cite(model, &statements)
    ))
}

#[cfg(test)]
mod tests;
