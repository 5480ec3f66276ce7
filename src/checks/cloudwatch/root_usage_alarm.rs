//! `cloudwatch.root_usage_alarm`: any use of the root user raises an alarm (security incident
//! procedures, §164.308(a)(6)). The filter is judged against root records: a console sign-in,
//! an IAM write and a read in another region ([`reference_events::root_activity`]).

use crate::checks::reference_events::{self, Account};
use crate::checks::{Context, Outcome};

check! {
    RootUsageAlarm = "cloudwatch.root_usage_alarm",
    "A metric filter and an alarm with an action watch the trail's log group for use of the root user",
    severity: Medium => "root use goes unnoticed until someone reads the logs",
    remediation: "Add a metric filter for root activity on the trail's log group and an enabled alarm action that notifies someone."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let events = reference_events::root_activity(&Account::of(ctx.snapshot));
    Ok(super::alarm_check(ctx, "root-usage", "use of the root user", events))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudwatch::fixtures::monitored;
    use crate::checks::testutil::*;

    #[test]
    fn the_cis_pattern_passes_narrowed_or_negated_ones_fail() {
        let cis = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
        assert_eq!(
            statuses(&run(&RootUsageAlarm, &monitored(cis, true))),
            ["pass"]
        );
        for (pattern, missed) in [
            (
                r#"{ $.userIdentity.type != "Root" }"#,
                "root console sign-in",
            ),
            (
                r#"{ $.userIdentity.type = "Root" && $.eventName = ConsoleLogin }"#,
                "root creating an access key",
            ),
            (
                r#"{ $.userIdentity.type = "Root" && $.readOnly IS FALSE }"#,
                "root reading EC2",
            ),
            (
                r#"{ $.userIdentity.type = "root" }"#,
                "root console sign-in",
            ),
        ] {
            let f = run(&RootUsageAlarm, &monitored(pattern, true));
            assert_eq!(statuses(&f), ["fail"], "{pattern}");
            assert!(f[0].message.contains(missed), "{pattern}: {}", f[0].message);
        }
    }

    #[test]
    fn a_write_only_trail_cannot_pass() {
        let cis = r#"{ $.userIdentity.type = "Root" }"#;
        let mut s = monitored(cis, true);
        s.cloudtrail.trails[0]
            .event_selectors
            .as_mut()
            .unwrap()
            .event_selectors
            .as_mut()
            .unwrap()[0]
            .read_write_type = Some("WriteOnly".into());
        let f = run(&RootUsageAlarm, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("does not record root reading EC2"),
            "{}",
            f[0].message
        );
    }
}
