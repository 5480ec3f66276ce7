//! `cloudwatch.console_login_failure_alarm`: failed console sign-ins raise an alarm (log-in
//! monitoring, §164.308(a)(5)(ii)(C)). The filter is judged against failed sign-ins of an IAM
//! user, of an unknown user name and of root, from different addresses and regions
//! ([`reference_events::console_login_failures`]); one of them must raise the alarm.

use crate::checks::reference_events::{self, Account};
use crate::checks::{Context, Outcome};

check! {
    ConsoleLoginFailureAlarm = "cloudwatch.console_login_failure_alarm",
    "A metric filter and an alarm with an action watch the trail's log group for failed console sign-ins",
    severity: Medium => "password guessing goes unnoticed until it succeeds",
    remediation: "Add a metric filter for failed console sign-ins on the trail's log group and an alarm on it that notifies someone after one failure."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let events = reference_events::console_login_failures(&Account::of(ctx.snapshot));
    Ok(super::alarm_check(
        ctx,
        "console-login-failures",
        "failed console sign-ins",
        events,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudwatch::fixtures::monitored;
    use crate::checks::testutil::*;
    use crate::snapshot::Snapshot;
    use serde_json::json;

    const CIS: &str =
        r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#;

    fn alarm(s: &mut Snapshot) -> &mut crate::snapshot::MetricAlarm {
        &mut s
            .cloudwatch
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .alarms
            .as_mut()
            .unwrap()[0]
    }

    fn transformation(s: &mut Snapshot) -> &mut crate::snapshot::MetricTransformation {
        &mut s
            .cloudwatch
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .metric_filters
            .as_mut()
            .unwrap()[0]
            .metric_transformations[0]
    }

    fn fails_with(s: &Snapshot, part: &str) {
        let f = run(&ConsoleLoginFailureAlarm, s);
        assert_eq!(statuses(&f), ["fail"], "{}", f[0].message);
        assert!(
            f[0].message.contains(part),
            "{part} not in {}",
            f[0].message
        );
    }

    #[test]
    fn filter_and_alarm_pass_either_missing_fails() {
        let f = run(&ConsoleLoginFailureAlarm, &monitored(CIS, true));
        assert_eq!(statuses(&f), ["pass"]);
        assert!(
            f[0].message.contains("matches all 3 reference events"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("notifies arn:aws:sns"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].evidence, "/cloudwatch/regions/us-east-1/alarms/0");
        fails_with(&monitored(CIS, false), "no alarm watches it");
        fails_with(
            &monitored(
                "{ $.eventName = ConsoleLogin && $.errorCode = Failed* }",
                true,
            ),
            "does not match the reference event \"failed console sign-in of an IAM user",
        );
    }

    #[test]
    fn filters_are_judged_by_what_they_match() {
        for (pattern, missed) in [
            (
                r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") && ($.sourceIPAddress = "192.0.2.1") }"#,
                "failed console sign-in of an IAM user without MFA",
            ),
            (
                "{ $.eventName = ConsoleLoginFailed }",
                "failed console sign-in of an IAM user",
            ),
            (
                r#"{ $.eventName = ConsoleLogin && $.userIdentity.type = IAMUser && $.errorMessage = "Failed authentication" }"#,
                "failed root sign-in in eu-west-1",
            ),
            (
                r#"{ $.eventName = ConsoleLogin && $.userIdentity.userName = "*" && $.errorMessage = "Failed authentication" }"#,
                "failed root sign-in",
            ),
        ] {
            fails_with(&monitored(pattern, true), missed);
        }
        // Broader filters that still catch every failure pass.
        for pattern in [
            r#"{ $.responseElements.ConsoleLogin = "Failure" }"#,
            r#"{ $.eventSource = signin.amazonaws.com && $.errorMessage = * }"#,
            "",
        ] {
            let f = run(&ConsoleLoginFailureAlarm, &monitored(pattern, true));
            assert_eq!(statuses(&f), ["pass"], "{pattern}: {}", f[0].message);
        }
    }

    #[test]
    fn what_the_evaluator_cannot_decide_is_a_gap() {
        for pattern in [
            r#"ConsoleLogin "Failed authentication""#,
            "[version, account, ...]",
            "{ $.eventName = %Console.*% }",
            "{ $.eventName = ConsoleLogin && $.errorMessage = \"Failed authentication\" || $.eventName = X && $.nope = 1 }",
        ] {
            let f = run(&ConsoleLoginFailureAlarm, &monitored(pattern, true));
            assert_eq!(statuses(&f), ["error"], "{pattern}: {}", f[0].message);
            assert!(f[0].message.starts_with("cannot tell"), "{}", f[0].message);
        }
    }

    #[test]
    fn alarms_are_judged_by_what_one_event_does() {
        let mut s = monitored(CIS, true);
        transformation(&mut s)
            .extra
            .insert("metricValue".into(), json!("0"));
        fails_with(&s, "which does not count it");

        let mut s = monitored(CIS, true);
        alarm(&mut s)
            .extra
            .insert("ComparisonOperator".into(), json!("LessThanThreshold"));
        fails_with(&s, "fires when the count falls");

        let mut s = monitored(CIS, true);
        alarm(&mut s).extra.insert("Threshold".into(), json!(1e6));
        fails_with(&s, "needs Sum GreaterThanOrEqualToThreshold 1000000");

        let mut s = monitored(CIS, true);
        alarm(&mut s).extra.insert("Threshold".into(), json!(1.0));
        alarm(&mut s)
            .extra
            .insert("ComparisonOperator".into(), json!("GreaterThanThreshold"));
        fails_with(&s, "one \"failed console sign-in");

        let mut s = monitored(CIS, true);
        alarm(&mut s)
            .extra
            .insert("DatapointsToAlarm".into(), json!(3));
        fails_with(&s, "needs 3 breaching datapoints");

        let mut s = monitored(CIS, true);
        alarm(&mut s).namespace = Some("Other".into());
        fails_with(&s, "no alarm watches it");

        let mut s = monitored(CIS, true);
        alarm(&mut s).metric_name = Some("Other".into());
        fails_with(&s, "no alarm watches it");

        let mut s = monitored(CIS, true);
        alarm(&mut s).extra.insert(
            "Dimensions".into(),
            json!([{"Name": "User", "Value": "alice"}]),
        );
        fails_with(&s, "watches dimensions");

        // A SampleCount alarm counts events whatever the value.
        let mut s = monitored(CIS, true);
        alarm(&mut s)
            .extra
            .insert("Statistic".into(), json!("SampleCount"));
        transformation(&mut s)
            .extra
            .insert("metricValue".into(), json!("5"));
        alarm(&mut s).extra.insert("Threshold".into(), json!(1.0));
        assert_eq!(statuses(&run(&ConsoleLoginFailureAlarm, &s)), ["pass"]);

        let mut s = monitored(CIS, true);
        alarm(&mut s).actions_enabled = Some(false);
        fails_with(&s, "has no enabled action");

        let mut s = monitored(CIS, true);
        alarm(&mut s)
            .extra
            .insert("Metrics".into(), json!([{"Id": "m1"}]));
        assert_eq!(statuses(&run(&ConsoleLoginFailureAlarm, &s)), ["error"]);
    }

    /// The alarm rewritten as a `Metrics` array of `queries` (Terraform's `metric_query`, the
    /// CDK), its top-level metric fields removed.
    fn as_metric_queries(s: &mut Snapshot, queries: serde_json::Value) {
        let a = alarm(s);
        a.namespace = None;
        a.metric_name = None;
        for k in ["Statistic", "Dimensions", "Period"] {
            a.extra.remove(k);
        }
        a.extra.insert("Metrics".into(), queries);
    }

    fn query(namespace: &str, name: &str, return_data: bool) -> serde_json::Value {
        json!({"Id": "m1", "ReturnData": return_data, "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": name, "Dimensions": []},
            "Period": 300, "Stat": "Sum"}})
    }

    #[test]
    fn an_alarm_written_as_one_metric_query_is_the_same_alarm() {
        let mut s = monitored(CIS, true);
        as_metric_queries(&mut s, json!([query("Security", "Watched", true)]));
        let f = run(&ConsoleLoginFailureAlarm, &s);
        assert_eq!(statuses(&f), ["pass"], "{}", f[0].message);
        assert!(f[0].message.contains("alarm watched-alarm (Sum"), "{}", f[0].message);
        // Its statistic, period and dimensions are judged as the top-level form's are.
        let mut s = monitored(CIS, true);
        let mut q = query("Security", "Watched", true);
        q["MetricStat"]["Metric"]["Dimensions"] = json!([{"Name": "User", "Value": "alice"}]);
        as_metric_queries(&mut s, json!([q]));
        fails_with(&s, "watches dimensions");
        // A query on another metric watches nothing of ours.
        let mut s = monitored(CIS, true);
        as_metric_queries(&mut s, json!([query("Security", "Other", true)]));
        fails_with(&s, "no alarm watches it");
        // Math that really computes (several metrics, an expression) stays a gap, and so does
        // a query whose data is not returned.
        for queries in [
            json!([query("Security", "Watched", false), {"Id": "e1", "Expression": "m1 * 2", "ReturnData": true}]),
            json!([query("Security", "Watched", true), query("Security", "Other", false)]),
            json!([{"Id": "q", "Expression": "SELECT SUM(Watched) FROM Security", "ReturnData": true}]),
        ] {
            let mut s = monitored(CIS, true);
            as_metric_queries(&mut s, queries.clone());
            assert_eq!(statuses(&run(&ConsoleLoginFailureAlarm, &s)), ["error"], "{queries}");
        }
    }

    #[test]
    fn dimensions_published_by_the_filter_must_be_the_alarms() {
        // The filter publishes per event source; the alarm on that dimension value catches
        // every reference event (all from signin.amazonaws.com).
        let mut s = monitored(CIS, true);
        transformation(&mut s)
            .extra
            .insert("dimensions".into(), json!({"Source": "$.eventSource"}));
        fails_with(&s, "watches dimensions {}");
        alarm(&mut s).extra.insert(
            "Dimensions".into(),
            json!([{"Name": "Source", "Value": "signin.amazonaws.com"}]),
        );
        assert_eq!(statuses(&run(&ConsoleLoginFailureAlarm, &s)), ["pass"]);
        // Per user name: no single alarm sees every user's failures.
        transformation(&mut s).extra.insert(
            "dimensions".into(),
            json!({"Source": "$.userIdentity.type"}),
        );
        fails_with(&s, "published under");
    }

    #[test]
    fn a_disabled_alarm_single_region_trail_or_unread_filters_do_not_pass() {
        let mut s = monitored(CIS, true);
        s.cloudtrail.trails[0].trail.is_multi_region_trail = false;
        fails_with(&s, "does not record failed root sign-in in eu-west-1");

        let mut s = monitored(CIS, true);
        s.cloudwatch
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .metric_filters = None;
        with_gap(&mut s, "/cloudwatch/regions/us-east-1/metric_filters");
        assert_eq!(statuses(&run(&ConsoleLoginFailureAlarm, &s)), ["error"]);
    }

    #[test]
    fn an_organization_trail_delivering_to_another_account_is_a_gap_naming_it() {
        let mut s = monitored(CIS, true);
        let t = &mut s.cloudtrail.trails[0].trail;
        t.is_organization_trail = true;
        t.cloud_watch_logs_log_group_arn =
            Some("arn:aws:logs:us-east-1:999988887777:log-group:trail:*".into());
        let f = run(&ConsoleLoginFailureAlarm, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert!(
            f[0].message.contains("in account 999988887777"),
            "{}",
            f[0].message
        );
    }
}
