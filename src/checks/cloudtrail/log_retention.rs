//! `cloudtrail.log_retention`: the trail's CloudWatch Logs copy is kept long enough to review
//! (365 days by default, as Prowler and Steampipe require).
//!
//! A trail without a CloudWatch Logs log group fails: its S3 copy's lifecycle rules are not in
//! the evidence, so nothing shows how long its events are kept.

use super::per_trail_log_group;
use crate::checks::{Context, Finding, Outcome};

check! {
    LogRetention = "cloudtrail.log_retention",
    "Every trail's CloudWatch Logs log group keeps events for at least the required number of days",
    severity: Medium => "short retention loses the activity record an investigation or audit needs",
    remediation: "Set the trail log group's retention to at least the required number of days (or never expire).",
    params {
        min_days: int(365 in 1..=3653) "shortest acceptable retention in days (a log group that never expires passes)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let min = settings.min_days;
    Ok(per_trail_log_group(
        ctx,
        "no event is retained",
        |arn, ptr| {
            Finding::fail(
                arn,
                "delivers to no CloudWatch Logs log group, so no retention period is evidenced (S3 lifecycle rules are not collected)",
                ptr,
            )
        },
        |arn, group, pointer| match group.retention_in_days {
            None => Finding::pass(
                arn,
                format!(
                    "log group {} never expires its events",
                    group.log_group_name
                ),
                pointer,
            ),
            Some(days) if days >= min => Finding::pass(
                arn,
                format!(
                    "log group {} keeps events {days} days (minimum {min})",
                    group.log_group_name
                ),
                format!("{pointer}/retentionInDays"),
            ),
            Some(days) => Finding::fail(
                arn,
                format!(
                    "log group {} keeps events only {days} days (minimum {min})",
                    group.log_group_name
                ),
                format!("{pointer}/retentionInDays"),
            ),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::cloudtrail::fixtures::{log_group, trail, with_log_groups};
    use crate::checks::testutil::*;

    #[test]
    fn short_retention_fails_long_or_unlimited_passes() {
        let mut s = snapshot();
        let mut none = trail("none", false);
        none.trail.cloud_watch_logs_log_group_arn = None;
        s.cloudtrail.trails = vec![trail("ok", true), none];
        with_log_groups(&mut s, vec![log_group("trail", Some(90), None)]);
        let f = run(&LogRetention, &s);
        assert_eq!(statuses(&f), ["fail", "fail"]);
        assert!(
            f.iter()
                .any(|x| x.message.contains("only 90 days (minimum 365)")),
            "{f:#?}"
        );
        assert_eq!(
            statuses(&run_with(
                &LogRetention,
                &s,
                &[("min_days", ParamValue::Int(90))]
            )),
            ["pass", "fail"]
        );
        with_log_groups(&mut s, vec![log_group("trail", None, None)]);
        let f = run(&LogRetention, &s);
        assert!(
            f.iter()
                .any(|x| x.status.as_str() == "pass" && x.message.contains("never expires"))
        );
    }

    #[test]
    fn unread_log_groups_are_an_error_and_a_deleted_group_fails() {
        let mut s = snapshot();
        s.cloudtrail.trails = vec![trail("ok", true)];
        with_gap(&mut s, "/cloudwatch/regions/us-east-1/log_groups");
        assert_eq!(statuses(&run(&LogRetention, &s)), ["error"]);
        with_log_groups(&mut s, vec![log_group("other", Some(400), None)]);
        let f = run(&LogRetention, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(f[0].message.contains("does not exist"));
    }
}
