//! `cloudtrail.cloudwatch_integration`: trails deliver to CloudWatch Logs, where alarms can watch them.

use super::per_trail;
use crate::checks::{Context, Finding, Outcome};

check! {
    CloudwatchIntegration = "cloudtrail.cloudwatch_integration",
    "Every CloudTrail trail delivers its events to CloudWatch Logs, and delivered recently",
    severity: Medium => "events not in CloudWatch Logs cannot raise alarms, though they are still recorded",
    remediation: "Send every trail to a CloudWatch Logs log group and check that delivery is current.",
    params {
        max_delivery_age_hours: int(24 in 0..=8760) "latest CloudWatch Logs delivery must be this recent at collection time (0: do not check)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let max_age = settings.max_delivery_age_hours;
    Ok(per_trail(ctx, "no event reaches CloudWatch Logs", |t, ptr| {
        let arn = &t.trail.trail_arn;
        let Some(group) = t
            .trail
            .cloud_watch_logs_log_group_arn
            .as_deref()
            .filter(|g| !g.is_empty())
        else {
            return Finding::fail(
                arn,
                "no CloudWatch Logs log group configured",
                format!("{ptr}/trail"),
            );
        };
        if max_age == 0 {
            return Finding::pass(
                arn,
                format!("delivers to {group}"),
                format!("{ptr}/trail/CloudWatchLogsLogGroupArn"),
            );
        }
        let Some(status) = &t.status else {
            return ctx.missing(
                arn,
                &format!("{ptr}/status"),
                "the trail status (needed to confirm delivery)",
            );
        };
        let status_ptr = format!("{ptr}/status/LatestCloudWatchLogsDeliveryTime");
        match status
            .latest_cloud_watch_logs_delivery_time
            .as_ref()
            .and_then(|t| t.parse())
        {
            None => Finding::fail(
                arn,
                format!("configured for {group} but no delivery is recorded"),
                status_ptr,
            ),
            Some(last) => {
                let hours = (ctx.as_of - last).num_hours();
                if hours > max_age {
                    let err = status
                        .latest_cloud_watch_logs_delivery_error
                        .as_deref()
                        .map(|e| format!(" (last error: {e})"))
                        .unwrap_or_default();
                    Finding::fail(
                        arn,
                        format!(
                            "last delivered to {group} {hours} hours before collection (limit {max_age}){err}"
                        ),
                        status_ptr,
                    )
                } else {
                    Finding::pass(
                        arn,
                        format!("delivers to {group}, last {hours} hours before collection"),
                        status_ptr,
                    )
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::cloudtrail::fixtures::trail;
    use crate::checks::testutil::*;
    use crate::snapshot::AwsTime;

    #[test]
    fn configured_and_fresh_passes_otherwise_fails() {
        let mut s = snapshot();
        let mut none = trail("none", false);
        none.trail.cloud_watch_logs_log_group_arn = None;
        let mut stale = trail("stale", false);
        stale
            .status
            .as_mut()
            .unwrap()
            .latest_cloud_watch_logs_delivery_time = Some(AwsTime("2026-10-20T00:00:00Z".into()));
        s.cloudtrail.trails = vec![trail("ok", true), none, stale];
        let f = run(&CloudwatchIntegration, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "fail"]);
        assert!(f[2].message.contains("288 hours"), "{}", f[2].message);
        assert_eq!(
            statuses(&run_with(
                &CloudwatchIntegration,
                &s,
                &[("max_delivery_age_hours", ParamValue::Int(0))]
            )),
            ["pass", "fail", "pass"]
        );
    }

    #[test]
    fn unknown_status_is_an_error() {
        let mut s = snapshot();
        let mut t = trail("a", true);
        t.status = None;
        s.cloudtrail.trails = vec![t];
        with_gap(&mut s, "/cloudtrail/trails/0/status");
        assert_eq!(statuses(&run(&CloudwatchIntegration, &s)), ["error"]);
    }
}
