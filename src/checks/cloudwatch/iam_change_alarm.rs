//! `cloudwatch.iam_change_alarm`: changes to IAM policies raise an alarm (access establishment
//! and modification, §164.308(a)(4)(ii)(C)). The filter must match every IAM policy change the
//! CIS benchmark lists, or every event of `iam.amazonaws.com`.

use crate::checks::{Check, CheckInfo, Context, Finding};

pub struct IamChangeAlarm;

static INFO: CheckInfo = CheckInfo {
    id: "cloudwatch.iam_change_alarm",
    description: "A metric filter and an alarm with an action watch the trail's log group for IAM policy changes",
    docs: "docs/checks.md#cloudwatch-iam_change_alarm",
    params: &[],
};

/// The IAM policy changes the CIS AWS Foundations benchmark's filter lists.
const POLICY_CHANGES: &[&str] = &[
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
];

impl Check for IamChangeAlarm {
    fn info(&self) -> &'static CheckInfo {
        &INFO
    }

    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding> {
        super::alarm_check(ctx, "iam-policy-changes", "IAM policy changes", |p| {
            if p.contains("$.eventSource=iam.amazonaws.com") {
                return Ok(());
            }
            // The event names the pattern matches on: the identifier after each `$.eventName=`.
            let named: Vec<&str> = p
                .split("$.eventName=")
                .skip(1)
                .map(|rest| {
                    let end = rest
                        .find(|c: char| !c.is_ascii_alphanumeric())
                        .unwrap_or(rest.len());
                    &rest[..end]
                })
                .collect();
            let missing: Vec<&str> = POLICY_CHANGES
                .iter()
                .filter(|n| !named.contains(n))
                .copied()
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!("misses {}", missing.join(", ")))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudwatch::fixtures::monitored;
    use crate::checks::testutil::*;

    #[test]
    fn every_policy_change_or_the_whole_source_is_needed() {
        let cis = format!(
            "{{{}}}",
            POLICY_CHANGES
                .iter()
                .map(|n| format!("($.eventName={n})"))
                .collect::<Vec<_>>()
                .join("||")
        );
        assert_eq!(
            statuses(&run(&IamChangeAlarm, &monitored(&cis, true))),
            ["pass"]
        );
        assert_eq!(
            statuses(&run(
                &IamChangeAlarm,
                &monitored(r#"{ $.eventSource = "iam.amazonaws.com" }"#, true)
            )),
            ["pass"]
        );
        let partial = "{($.eventName=PutUserPolicy)||($.eventName=PutRolePolicy)}";
        let f = run(&IamChangeAlarm, &monitored(partial, true));
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("misses DeleteGroupPolicy"),
            "{}",
            f[0].message
        );
        // A prefix of a name is not the name.
        let f = run(
            &IamChangeAlarm,
            &monitored(
                &cis.replace("DetachGroupPolicy)", "DetachGroupPolicyX)"),
                true,
            ),
        );
        assert_eq!(statuses(&f), ["fail"]);
    }
}
