//! `iam.user_in_groups`: every IAM user gets its permissions through at least one group, so
//! access is granted and reviewed by role rather than person by person.

use crate::checks::{Context, Finding, Outcome};

check! {
    UserInGroups = "iam.user_in_groups",
    "Every IAM user belongs to at least one group",
    severity: Low => "hygiene: permissions given person by person are harder to review",
    remediation: "Put every user in a group that reflects their role."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let d = super::authorization_details(ctx)?;
    let mut out: Vec<Finding> = d
        .user_detail_list
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let ptr = format!("/iam/authorization_details/UserDetailList/{i}/GroupList");
            if u.group_list.is_empty() {
                Finding::fail(
                    &u.arn,
                    format!("user {} belongs to no group", u.user_name),
                    ptr,
                )
            } else {
                Finding::pass(
                    &u.arn,
                    format!("user {} is in {}", u.user_name, u.group_list.join(", ")),
                    ptr,
                )
            }
        })
        .collect();
    if out.is_empty() {
        out.push(Finding::not_applicable(
            ctx.account_resource("iam"),
            "the account has no IAM users",
            "/iam/authorization_details/UserDetailList",
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
    fn users_without_a_group_fail() {
        let s = with_details(details(
            vec![user("a", &[], &[], &["Devs"]), user("b", &[], &[], &[])],
            vec![group("Devs", &[], &[])],
            vec![],
            vec![],
        ));
        let f = run(&UserInGroups, &s);
        assert_eq!(statuses(&f), ["pass", "fail"]);
        assert!(f[1].resource.ends_with("user/b"));
        assert_eq!(
            f[1].evidence,
            "/iam/authorization_details/UserDetailList/1/GroupList"
        );
    }
}
