//! `iam.user_no_direct_policies`: users get permissions through groups (or roles), never directly.

use crate::checks::{Context, Finding, Outcome};

check! {
    UserNoDirectPolicies = "iam.user_no_direct_policies",
    "No IAM user has managed or inline policies attached directly",
    severity: Low => "hygiene: permissions given person by person are harder to review",
    remediation: "Detach policies from users and grant them through groups."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let details = super::authorization_details(ctx)?;
    Ok(details
        .user_detail_list
        .iter()
        .enumerate()
        .map(|(i, user)| {
            let ptr = crate::snapshot::pointer::user(i);
            let mut direct: Vec<String> = user
                .attached_managed_policies
                .iter()
                .map(|p| format!("managed policy {}", p.policy_arn))
                .collect();
            direct.extend(
                user.user_policy_list
                    .iter()
                    .map(|p| format!("inline policy {:?}", p.policy_name)),
            );
            if direct.is_empty() {
                Finding::pass(&user.arn, "no policies attached directly", ptr)
            } else {
                let field = if user.attached_managed_policies.is_empty() {
                    "UserPolicyList"
                } else {
                    "AttachedManagedPolicies"
                };
                Finding::fail(
                    &user.arn,
                    format!(
                        "policies attached directly to the user: {}",
                        direct.join(", ")
                    ),
                    format!("{ptr}/{field}"),
                )
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::snapshot::{AttachedPolicy, UserDetail};

    fn user(name: &str) -> UserDetail {
        UserDetail {
            user_name: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            user_policy_list: vec![],
            group_list: vec!["Staff".into()],
            attached_managed_policies: vec![],
            extra: Default::default(),
        }
    }

    #[test]
    fn direct_attachment_fails_group_membership_passes() {
        let mut s = snapshot();
        let mut carol = user("carol");
        carol.attached_managed_policies.push(AttachedPolicy {
            policy_name: "Billing".into(),
            policy_arn: "arn:aws:iam::aws:policy/job-function/Billing".into(),
        });
        let d = s.iam.authorization_details.as_mut().unwrap();
        d.user_detail_list = vec![user("alice"), carol];
        let f = run(&UserNoDirectPolicies, &s);
        assert_eq!(statuses(&f), ["pass", "fail"]);
        assert!(f[1].message.contains("job-function/Billing"));
        assert_eq!(
            f[1].evidence,
            "/iam/authorization_details/UserDetailList/1/AttachedManagedPolicies"
        );
    }

    #[test]
    fn missing_details_is_an_error() {
        let mut s = snapshot();
        s.iam.authorization_details = None;
        assert_eq!(statuses(&run(&UserNoDirectPolicies, &s)), ["error"]);
    }
}
