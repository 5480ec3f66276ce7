//! `iam.service_wildcard`: no policy grants a whole service (`service:*`) on every resource.
//!
//! The AWS Config rule `iam-policy-no-statements-with-full-access` in engine terms: an Allow
//! statement on every resource whose actions cover every action of some service, whether
//! written `s3:*`, `*`, `s*:*` or as a `NotAction` that leaves whole services in.

use safeguard_policy::policy::{Effect, Patterns};

use super::access::model;
use crate::checks::{Context, Finding, Outcome};

check! {
    ServiceWildcard = "iam.service_wildcard",
    "No attached policy allows every action of a service (service:*) on every resource",
    severity: Medium => "every action of a service, destructive ones included, on every resource",
    remediation: "Replace service-wide wildcards (e.g. s3:*) with the actions the holder needs.",
    params {
        include_aws_managed: bool(true) "also judge attached AWS-managed policies (the AWS Config rule judges customer-managed and inline only)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let model = model(ctx)?;
    let acct = &model.account;
    let catalog = acct.catalog;
    let include_aws = settings.include_aws_managed;
    let mut out = Vec::new();
    for (pi, pol) in acct.policies.iter_enumerated() {
        // Trust policies and the organization's SCPs are not identity policies of the account.
        if pol.label.ends_with("(trust policy)") || model.scp[pi]
            || (model.aws_managed[pi] && !include_aws)
            || model.holders[pi].is_empty()
        {
            continue;
        }
        let Ok(policy) = &pol.policy else {
            continue; // iam.no_admin_policy reports unreadable documents
        };
        let mut hits = Vec::new();
        let mut ptr = None;
        for (si, st) in policy.statements.iter().enumerate() {
            if st.effect != Effect::Allow
                || !safeguard_policy::account::is_universal_for_allow(st)
            {
                continue;
            }
            let services: Vec<String> = match &st.actions {
                Patterns::Only(v)
                    if !v.iter().any(|a| {
                        a == "*" || a.split(':').next().is_some_and(|s| s.contains(['*', '?']))
                    }) =>
                {
                    v.iter()
                        .filter(|a| a.split_once(':').is_some_and(|(_, n)| n == "*"))
                        .map(|a| a.to_ascii_lowercase())
                        .collect()
                }
                // "*", wildcard services, NotAction: compare against every service.
                _ => catalog
                    .services
                    .iter()
                    .filter(|s| {
                        !s.actions.is_empty()
                            && s.actions.clone().all(|i| pol.actions[si].contains(i))
                    })
                    .map(|s| format!("{}:*", s.prefix))
                    .collect(),
            };
            if services.is_empty() {
                continue;
            }
            ptr.get_or_insert_with(|| format!("{}{}", pol.pointer, st.pointer));
            let shown = if pol.actions[si].len() == catalog.len() {
                "every action of every service".to_string()
            } else if services.len() > 5 {
                format!(
                    "{} and {} more services",
                    services[..5].join(", "),
                    services.len() - 5
                )
            } else {
                services.join(", ")
            };
            let when = if st.conditions.is_empty() {
                String::new()
            } else {
                format!(
                    " when {}",
                    st.conditions
                        .iter()
                        .map(|c| c.describe())
                        .collect::<Vec<_>>()
                        .join(" and ")
                )
            };
            hits.push(format!(
                "{} allows {shown} on every resource{when}",
                st.label()
            ));
        }
        let who = format!("; attached to {}", model.holders[pi].join(", "));
        out.push(match ptr {
            Some(ptr) => Finding::fail(&pol.label, format!("{}{who}", hits.join("; ")), ptr),
            None => Finding::pass(
                &pol.label,
                format!("no statement allows a whole service on every resource{who}"),
                &pol.pointer,
            ),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
