//! `iam.inline_policies`: permissions are granted through managed policies, not inline ones.
//!
//! Inline policies cannot be reviewed, versioned or reused in one place; the AWS Config rule
//! `iam-no-inline-policy-check` asks for none on users, groups and roles. Service-linked roles
//! (managed by AWS) are left out.

use super::access::model;
use crate::checks::{Context, Finding, Outcome};

check! {
    InlinePolicies = "iam.inline_policies",
    "No user, group or role has inline policies",
    severity: Low => "hygiene: inline policies are harder to review, not more permissive",
    remediation: "Move inline policies into managed policies that can be reviewed and reused.",
    params {
        include_roles: bool(true) "also judge roles (workload roles often carry a small inline policy by design)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let model = model(ctx)?;
    let Some(d) = &ctx.snapshot.iam.authorization_details else {
        return Ok(Vec::new());
    };
    let include_roles = settings.include_roles;
    let mut out = Vec::new();
    let mut judge = |arn: &str, noun: String, names: Vec<&str>, ptr: String, list: &str| {
        out.push(if names.is_empty() {
            Finding::pass(arn, format!("{noun} has no inline policies"), ptr)
        } else {
            Finding::fail(
                arn,
                format!(
                    "{noun} has {} inline polic{}: {}",
                    names.len(),
                    if names.len() == 1 { "y" } else { "ies" },
                    names.join(", ")
                ),
                format!("{ptr}/{list}/0"),
            )
        });
    };
    for (i, u) in d.user_detail_list.iter().enumerate() {
        judge(
            &u.arn,
            format!("user/{}", u.user_name),
            u.user_policy_list
                .iter()
                .map(|p| p.policy_name.as_str())
                .collect(),
            crate::snapshot::pointer::user(i),
            "UserPolicyList",
        );
    }
    for (i, g) in d.group_detail_list.iter().enumerate() {
        judge(
            &g.arn,
            format!("group/{}", g.group_name),
            g.group_policy_list
                .iter()
                .map(|p| p.policy_name.as_str())
                .collect(),
            crate::snapshot::pointer::group(i),
            "GroupPolicyList",
        );
    }
    if include_roles {
        for (i, r) in d.role_detail_list.iter().enumerate() {
            let service_linked = model
                .account
                .principal_by_arn(&r.arn)
                .is_some_and(|p| model.service_linked[p]);
            if service_linked {
                continue;
            }
            judge(
                &r.arn,
                format!("role/{}", r.role_name),
                r.role_policy_list
                    .iter()
                    .map(|p| p.policy_name.as_str())
                    .collect(),
                crate::snapshot::pointer::role(i),
                "RolePolicyList",
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
