//! `iam.group_has_users`: no IAM group sits empty. An empty group with policies is access
//! nobody reviews until someone is quietly added to it.

use crate::checks::{Context, Finding, Outcome};

check! {
    GroupHasUsers = "iam.group_has_users",
    "Every IAM group has at least one member",
    severity: Low => "hygiene: an empty group grants nothing, it only clutters access reviews",
    remediation: "Remove empty groups, or assign their intended members."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let d = super::authorization_details(ctx)?;
    // Group name → members, in one pass over the users.
    let mut members_of: std::collections::HashMap<&str, Vec<&str>> = Default::default();
    for u in &d.user_detail_list {
        for g in &u.group_list {
            members_of
                .entry(g.as_str())
                .or_default()
                .push(u.user_name.as_str());
        }
    }
    let mut out: Vec<Finding> = d
        .group_detail_list
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let members = members_of
                .get(g.group_name.as_str())
                .cloned()
                .unwrap_or_default();
            let ptr = crate::snapshot::pointer::group(i);
            if members.is_empty() {
                Finding::fail(
                    &g.arn,
                    format!("group {} has no members", g.group_name),
                    ptr,
                )
            } else {
                Finding::pass(
                    &g.arn,
                    format!(
                        "group {} has {} member(s): {}",
                        g.group_name,
                        members.len(),
                        members.join(", ")
                    ),
                    ptr,
                )
            }
        })
        .collect();
    if out.is_empty() {
        out.push(Finding::not_applicable(
            ctx.account_resource("iam"),
            "the account has no IAM groups",
            "/iam/authorization_details/GroupDetailList",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::gaad::*;
    use crate::checks::testutil::*;

    #[test]
    fn empty_groups_fail() {
        let s = with_details(details(
            vec![user("a", &[], &[], &["Devs"])],
            vec![group("Devs", &[], &[]), group("Old", &[], &[])],
            vec![],
            vec![],
        ));
        let f = run(&GroupHasUsers, &s);
        assert_eq!(statuses(&f), ["pass", "fail"]);
        assert!(f[1].resource.ends_with("group/Old"));
        assert!(f[0].message.contains("1 member(s): a"));
    }
}
