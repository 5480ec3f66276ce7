//! Checks on CloudWatch monitoring of the trails' events: a metric filter on a trail's log
//! group that matches the events, and an alarm with an action on the filter's metric — and on
//! the log groups themselves (encryption).
//!
//! Only a logging multi-region (or organization) trail counts for the alarms: a filter on a
//! single-region trail's log group misses activity elsewhere.

mod console_login_failure_alarm;
mod iam_change_alarm;
mod log_group_encryption;
mod root_usage_alarm;

use super::{Check, Context, Finding};
use crate::error::escape_pointer_token;
use crate::snapshot::log_group_of_arn;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &console_login_failure_alarm::ConsoleLoginFailureAlarm,
        &iam_change_alarm::IamChangeAlarm,
        &log_group_encryption::LogGroupEncryption,
        &root_usage_alarm::RootUsageAlarm,
    ]
}

/// A filter pattern without whitespace and quotes, so `{ ($.eventName = "X") }` and
/// `{($.eventName=X)}` compare alike.
fn normalize(pattern: &str) -> String {
    pattern
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
        .collect()
}

/// One finding for the account: `pass` naming the trail, filter and alarm that watch for
/// `what`; `fail` saying what is missing; `error` when the evidence to decide is missing.
/// `matches` says whether a (normalized) filter pattern catches the events, or what it lacks.
fn alarm_check(
    ctx: &Context<'_>,
    slug: &str,
    what: &str,
    matches: impl Fn(&str) -> Result<(), String>,
) -> Vec<Finding> {
    let resource = ctx.account_resource(&format!("alarm/{slug}"));
    let s = ctx.snapshot;
    let candidates: Vec<(usize, String, String)> = s
        .cloudtrail
        .trails
        .iter()
        .enumerate()
        .filter(|(_, t)| t.trail.is_multi_region_trail || t.trail.is_organization_trail)
        .filter(|(_, t)| t.status.as_ref().and_then(|st| st.is_logging) != Some(false))
        .filter_map(|(i, t)| {
            let (region, name) =
                log_group_of_arn(t.trail.cloud_watch_logs_log_group_arn.as_deref()?)?;
            Some((i, region, name))
        })
        .collect();
    if candidates.is_empty() {
        let unlisted = super::cloudtrail::unlisted_regions(ctx);
        if s.cloudtrail.trails.is_empty() && !unlisted.is_empty() {
            return unlisted;
        }
        return vec![Finding::fail(
            resource,
            format!(
                "no logging multi-region trail delivers to CloudWatch Logs, so no alarm can watch for {what}"
            ),
            "/cloudtrail/trails",
        )];
    }
    let mut notes = Vec::new();
    let mut unread = None;
    for (trail, region, group) in &candidates {
        let base = format!("/cloudwatch/regions/{}", escape_pointer_token(region));
        let evidence = s.cloudwatch.regions.get(region);
        let Some(filters) = evidence.and_then(|e| e.metric_filters.as_ref()) else {
            unread.get_or_insert(format!("{base}/metric_filters"));
            continue;
        };
        let mut lacks = Vec::new();
        let matching: Vec<(usize, &crate::snapshot::MetricFilter)> = filters
            .iter()
            .enumerate()
            .filter(|(_, f)| &f.log_group_name == group)
            .filter(|(_, f)| match matches(&normalize(&f.filter_pattern)) {
                Ok(()) => true,
                Err(lack) => {
                    lacks.push(format!("{} {lack}", f.filter_name));
                    false
                }
            })
            .collect();
        if matching.is_empty() {
            notes.push(format!(
                "no metric filter on {group} (trail #{trail}) matches {what}{}",
                if lacks.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", lacks.join("; "))
                }
            ));
            continue;
        }
        let Some(alarms) = evidence.and_then(|e| e.alarms.as_ref()) else {
            unread.get_or_insert(format!("{base}/alarms"));
            continue;
        };
        for (_, f) in &matching {
            for m in &f.metric_transformations {
                let watching: Vec<(usize, &crate::snapshot::MetricAlarm)> = alarms
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| {
                        a.namespace.as_deref() == Some(m.metric_namespace.as_str())
                            && a.metric_name.as_deref() == Some(m.metric_name.as_str())
                    })
                    .collect();
                if let Some((ai, a)) = watching
                    .iter()
                    .find(|(_, a)| a.actions_enabled != Some(false) && !a.alarm_actions.is_empty())
                {
                    return vec![Finding::pass(
                        resource,
                        format!(
                            "metric filter {} on {group} counts {what} as {}/{}, and alarm {} notifies {}",
                            f.filter_name,
                            m.metric_namespace,
                            m.metric_name,
                            a.alarm_name,
                            a.alarm_actions.join(", ")
                        ),
                        format!("{base}/alarms/{ai}"),
                    )];
                }
                notes.push(match watching.first() {
                    Some((_, a)) => format!(
                        "alarm {} on {}/{} has no enabled action",
                        a.alarm_name, m.metric_namespace, m.metric_name
                    ),
                    None => format!(
                        "metric filter {} feeds {}/{}, but no alarm watches it",
                        f.filter_name, m.metric_namespace, m.metric_name
                    ),
                });
            }
        }
    }
    if let Some(pointer) = unread {
        return vec![ctx.missing(
            resource,
            &pointer,
            "the CloudWatch metric filters and alarms of the trail's log group",
        )];
    }
    let (_, region, _) = &candidates[0];
    vec![Finding::fail(
        resource,
        format!("nothing raises an alarm on {what}: {}", notes.join("; ")),
        format!(
            "/cloudwatch/regions/{}/metric_filters",
            escape_pointer_token(region)
        ),
    )]
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::checks::cloudtrail::fixtures::{log_group, trail, with_log_groups};
    use crate::checks::testutil::snapshot;
    use crate::snapshot::*;

    /// A multi-region trail delivering to log group `trail`, with one filter and (optionally) an
    /// alarm with an action on its metric.
    pub fn monitored(pattern: &str, alarm: bool) -> Snapshot {
        let mut s = snapshot();
        s.cloudtrail.trails = vec![trail("main", true)];
        with_log_groups(&mut s, vec![log_group("trail", Some(365), None)]);
        let region = s.cloudwatch.regions.get_mut("us-east-1").unwrap();
        region.metric_filters = Some(vec![MetricFilter {
            filter_name: "watch".into(),
            filter_pattern: pattern.into(),
            log_group_name: "trail".into(),
            metric_transformations: vec![MetricTransformation {
                metric_name: "Watched".into(),
                metric_namespace: "Security".into(),
                extra: Default::default(),
            }],
            extra: Default::default(),
        }]);
        if alarm {
            region.alarms = Some(vec![MetricAlarm {
                alarm_name: "watched-alarm".into(),
                alarm_arn: None,
                metric_name: Some("Watched".into()),
                namespace: Some("Security".into()),
                actions_enabled: Some(true),
                alarm_actions: vec!["arn:aws:sns:us-east-1:123456789012:security".into()],
                state_value: Some("OK".into()),
                extra: Default::default(),
            }]);
        }
        s
    }
}
