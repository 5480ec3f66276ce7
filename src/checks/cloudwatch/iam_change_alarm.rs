//! `cloudwatch.iam_change_alarm`: changes to IAM policies raise an alarm (access establishment
//! and modification, §164.308(a)(4)(ii)(C)). The filter is judged against one record for each
//! of the 16 policy changes the CIS benchmark lists ([`reference_events::iam_policy_changes`]),
//! made by a user and by a role session: a filter on `$.eventSource = iam.amazonaws.com`, or
//! on every one of the names joined by `||`, catches them all.

use crate::checks::reference_events::{self, Account};
use crate::checks::{Context, Outcome};

check! {
    IamChangeAlarm = "cloudwatch.iam_change_alarm",
    "A metric filter and an alarm with an action watch the trail's log group for IAM policy changes",
    severity: Medium => "a permission change that opens access goes unnoticed until the next review",
    remediation: "Add a metric filter for the IAM policy changes on the trail's log group and an alarm on it with an enabled action."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let events = reference_events::iam_policy_changes(&Account::of(ctx.snapshot));
    Ok(super::alarm_check(ctx, "iam-policy-changes", "IAM policy changes", events))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudwatch::fixtures::monitored;
    use crate::checks::reference_events::POLICY_CHANGES;
    use crate::checks::testutil::*;

    fn joined(names: &[&str], op: &str) -> String {
        format!(
            "{{{}}}",
            names
                .iter()
                .map(|n| format!("($.eventName={n})"))
                .collect::<Vec<_>>()
                .join(op)
        )
    }

    #[test]
    fn every_policy_change_or_the_whole_source_is_needed() {
        let cis = joined(POLICY_CHANGES, "||");
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
        for (pattern, missed) in [
            // A few of the 16.
            (
                joined(&["PutUserPolicy", "PutRolePolicy"], "||"),
                "iam:DeleteGroupPolicy",
            ),
            // All 16 joined by &&: no event has two names.
            (joined(POLICY_CHANGES, "&&"), "iam:DeleteGroupPolicy"),
            // A read event only.
            (
                "{ $.eventName = ListUsers }".to_string(),
                "iam:DeleteGroupPolicy",
            ),
            // A name that is a prefix of another is not that name.
            (
                cis.replace("DetachGroupPolicy)", "DetachGroupPolicyX)"),
                "iam:DetachGroupPolicy",
            ),
            // Narrowed to one kind of caller.
            (
                "{ $.eventSource = iam.amazonaws.com && $.userIdentity.type = IAMUser }".to_string(),
                "iam:DeleteRolePolicy",
            ),
        ] {
            let f = run(&IamChangeAlarm, &monitored(&pattern, true));
            assert_eq!(statuses(&f), ["fail"], "{pattern}");
            assert!(
                f[0].message.contains(&format!("\"{missed}\"")),
                "{pattern}: {}",
                f[0].message
            );
        }
    }

    #[test]
    fn a_trail_without_global_service_events_cannot_pass() {
        let mut s = monitored(r#"{ $.eventSource = "iam.amazonaws.com" }"#, true);
        s.cloudtrail.trails[0].trail.extra.insert(
            "IncludeGlobalServiceEvents".into(),
            serde_json::json!(false),
        );
        let f = run(&IamChangeAlarm, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("IncludeGlobalServiceEvents"),
            "{}",
            f[0].message
        );
    }
}
