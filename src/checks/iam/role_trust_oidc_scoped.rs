//! `iam.role_trust_oidc_scoped`: roles trusted by an OIDC provider name who may assume them.
//!
//! A GitHub Actions trust without a `token.actions.githubusercontent.com:sub` condition lets
//! every repository on GitHub assume the role; the same holds for any OIDC provider's `sub`
//! (for Cognito identity pools, the `aud`, the identity pool).

use safeguard_policy::trust::{Trustee, oidc_host};

use super::trust::each_role;
use crate::checks::{Context, Finding, Outcome};

check! {
    RoleTrustOidcScoped = "iam.role_trust_oidc_scoped",
    "Roles trusted by an OIDC provider (e.g. GitHub Actions) restrict the token subject to named repositories or workloads",
    severity: High => "any repository or workload of the provider can assume the role",
    remediation: "Add a sub (and aud) condition to the OIDC trust so only the intended repository or audience can assume the role."
}

const GITHUB: &str = "token.actions.githubusercontent.com";

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    Ok(each_role(ctx, |model, role| {
        let oidc: Vec<_> = role
            .grants
            .iter()
            .filter_map(|g| match &g.trustee {
                Trustee::Federated(f) => oidc_host(f).map(|h| (g, h)),
                _ => None,
            })
            .filter(|(g, _)| g.assume.contains(&"sts:AssumeRoleWithWebIdentity"))
            .collect();
        if oidc.is_empty() {
            return Finding::not_applicable(
                role.arn,
                format!("role {} is not trusted by an OIDC provider", role.name),
                role.pointer.clone(),
            );
        }
        let mut problems = Vec::new();
        let mut scopes = Vec::new();
        for (g, host) in &oidc {
            let key = if host.starts_with("cognito-identity") {
                format!("{host}:aud")
            } else {
                format!("{host}:sub")
            };
            match g.constrains(&key) {
                None => problems.push((
                    g,
                    format!(
                        "{host} with no {key} condition, so any of its tokens may assume it"
                    ),
                )),
                Some(values) => {
                    let loose: Vec<&str> = values
                        .iter()
                        .copied()
                        .filter(|v| !scoped(host, v))
                        .collect();
                    if loose.is_empty() {
                        scopes.push(format!("{key} {}", values.join(", ")));
                    } else {
                        problems.push((g, format!("{host} with {key} {} which matches far more than one repository or workload", loose.join(", "))));
                    }
                }
            }
        }
        match problems.first() {
            Some((g, _)) => Finding::fail(
                role.arn,
                format!(
                    "role {} trusts {}",
                    role.name,
                    problems
                        .iter()
                        .map(|(_, t)| t.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                role.at(g, model),
            ),
            None => Finding::pass(
                role.arn,
                format!("role {} is limited to {}", role.name, scopes.join("; ")),
                role.at(oidc[0].0, model),
            ),
        }
    }))
}

/// Whether a subject pattern names something specific: not `*`, and for GitHub an owner with no
/// wildcard (`repo:acme/*` is one organization; `repo:*` is all of GitHub).
fn scoped(host: &str, value: &str) -> bool {
    if value.is_empty() || value.trim_matches(['*', '?']).is_empty() {
        return false;
    }
    if host == GITHUB {
        let Some(rest) = value.strip_prefix("repo:") else {
            // e.g. "environment:prod" without a repository, or a wildcard before the owner.
            return false;
        };
        let owner = rest.split('/').next().unwrap_or_default();
        return !owner.is_empty() && !owner.contains(['*', '?']) && rest.contains('/');
    }
    !value.starts_with('*')
}

#[cfg(test)]
mod tests;
