//! `cloudwatch.console_login_failure_alarm`: failed console sign-ins raise an alarm (log-in
//! monitoring, §164.308(a)(5)(ii)(C)). The filter must match `ConsoleLogin` events with the
//! error message "Failed authentication", as the CIS benchmark's pattern does.

use crate::checks::{Check, CheckInfo, Context, Finding};

pub struct ConsoleLoginFailureAlarm;

static INFO: CheckInfo = CheckInfo {
    id: "cloudwatch.console_login_failure_alarm",
    description: "A metric filter and an alarm with an action watch the trail's log group for failed console sign-ins",
    docs: "docs/checks.md#cloudwatch-console_login_failure_alarm",
    params: &[],
};

impl Check for ConsoleLoginFailureAlarm {
    fn info(&self) -> &'static CheckInfo {
        &INFO
    }

    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding> {
        super::alarm_check(
            ctx,
            "console-login-failures",
            "failed console sign-ins",
            |p| {
                let missing: Vec<&str> = [
                    "$.eventName=ConsoleLogin",
                    "$.errorMessage=Failedauthentication",
                ]
                .into_iter()
                .filter(|t| !p.contains(t))
                .collect();
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(format!("lacks {}", missing.join(" and ")))
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudwatch::fixtures::monitored;
    use crate::checks::testutil::*;

    const CIS: &str =
        r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#;

    #[test]
    fn filter_and_alarm_pass_either_missing_fails() {
        let f = run(&ConsoleLoginFailureAlarm, &monitored(CIS, true));
        assert_eq!(statuses(&f), ["pass"]);
        assert!(
            f[0].message
                .contains("alarm watched-alarm notifies arn:aws:sns"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].evidence, "/cloudwatch/regions/us-east-1/alarms/0");

        let f = run(&ConsoleLoginFailureAlarm, &monitored(CIS, false));
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("no alarm watches it"),
            "{}",
            f[0].message
        );

        let f = run(
            &ConsoleLoginFailureAlarm,
            &monitored("{ $.eventName = ConsoleLogin }", true),
        );
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message
                .contains("lacks $.errorMessage=Failedauthentication"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn a_disabled_alarm_single_region_trail_or_unread_filters_do_not_pass() {
        let mut s = monitored(CIS, true);
        s.cloudwatch
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .alarms
            .as_mut()
            .unwrap()[0]
            .actions_enabled = Some(false);
        let f = run(&ConsoleLoginFailureAlarm, &s);
        assert!(
            f[0].message.contains("has no enabled action"),
            "{}",
            f[0].message
        );

        let mut s = monitored(CIS, true);
        s.cloudtrail.trails[0].trail.is_multi_region_trail = false;
        let f = run(&ConsoleLoginFailureAlarm, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("no logging multi-region trail"),
            "{}",
            f[0].message
        );

        let mut s = monitored(CIS, true);
        s.cloudwatch
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .metric_filters = None;
        with_gap(&mut s, "/cloudwatch/regions/us-east-1/metric_filters");
        assert_eq!(statuses(&run(&ConsoleLoginFailureAlarm, &s)), ["error"]);
    }
}
