//! `iam.privilege_escalation`: no principal can make itself an administrator.
//!
//! Runs the engine's escalation graph (assume-role, credential creation for other users,
//! policy attachment and rewriting, boundary removal, PassRole to compute services, ...) over
//! every principal with all of its policies together, and reports each path step by step.

use super::access::{cite, in_scope, model, pass_or_incomplete};
use crate::checks::{Context, Finding, Outcome};

check! {
    PrivilegeEscalation = "iam.privilege_escalation",
    "No user or role can escalate to administrator through a chain of its own permissions",
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
        // A path open to a credential without MFA is the worse one; report it first.
        let (path, session) = match (
            &without_mfa.paths[p],
            with_mfa.as_ref().map(|a| &a.paths[p]),
        ) {
            (Some(path), _) if !path.is_empty() => (Some(path), ""),
            (_, Some(Some(path))) if !path.is_empty() => {
                (Some(path), " in a session authenticated with MFA")
            }
            _ => (None, ""),
        };
        let analysis = &without_mfa;
        match path {
            Some(path) => {
                let steps: Vec<String> = path
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let mut t = format!("({}) {} [{}]", i + 1, s.action, cite(model, &s.enabled_by));
                        if !s.caveats.is_empty() {
                            t.push_str(&format!(" — {}", s.caveats.join("; ")));
                        }
                        t
                    })
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
                        path.len(),
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
                    "no path to admin from {} ({} escalation methods over {} principals and {} can-become edges)",
                    model.noun(p),
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

#[cfg(test)]
mod tests;
