//! Checks on CloudWatch monitoring of the trails' events: a metric filter on a trail's log
//! group that matches the events, and an alarm with an action on the filter's metric — and on
//! the log groups themselves (encryption).
//!
//! Filters and alarms are judged by what they would do: each check has reference CloudTrail
//! records ([`super::reference_events`]) that the trail must record, the filter must match,
//! and whose datapoint must raise the alarm. A single-region trail misses the records of other
//! regions, so it cannot pass.

crate::checks::register! {
    console_login_failure_alarm,
    iam_change_alarm,
    log_group_encryption,
    root_usage_alarm,
}

mod alarm;

use super::cloudtrail::recording::{Recorded, records_all};
use super::reference_events::ReferenceEvent;
use super::{Context, Finding, FindingStatus};
use crate::snapshot::{MetricAlarm, MetricFilter, TrailLogGroup, log_group_of_arn};
use alarm::{Judged, filter_catches, published, raises};

/// Why no alarm passed, by how far each candidate got: a trail that does not record the
/// events, a filter that does not match them, an alarm that does not fire. The finding says
/// the furthest tier reached, so a working filter's alarm problem is not buried under every
/// unrelated filter on the group.
#[derive(Default)]
struct Notes {
    trail: Vec<String>,
    filter: Vec<String>,
    alarm: Vec<String>,
    /// The evidence the finding points at: the first filter, or alarm, that fell short.
    filter_focus: Option<String>,
    alarm_focus: Option<String>,
}

impl Notes {
    fn trail(&mut self, note: String) {
        self.trail.push(note);
    }
    fn filter(&mut self, note: String, at: String) {
        self.filter.push(note);
        self.filter_focus.get_or_insert(at);
    }
    fn alarm(&mut self, note: String, at: String) {
        self.alarm.push(note);
        self.alarm_focus.get_or_insert(at);
    }
    fn focus(self) -> Option<String> {
        if self.alarm.is_empty() {
            self.filter_focus
        } else {
            self.alarm_focus
        }
    }
    fn say(&self) -> String {
        let shown: Vec<&String> = if self.alarm.is_empty() {
            self.filter.iter().chain(&self.trail).collect()
        } else {
            self.alarm.iter().collect()
        };
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One finding for the account: `pass` naming the trail, filter and alarm that catch every
/// reference event of `what`; `fail` saying what each candidate misses; `error` when the
/// evidence to decide is missing, held by another account, or not decidable.
fn alarm_check(
    ctx: &Context<'_>,
    slug: &str,
    what: &str,
    events: Vec<ReferenceEvent>,
) -> Vec<Finding> {
    let resource = ctx.account_resource(&format!("alarm/{slug}"));
    let s = ctx.snapshot;
    let delivering: Vec<(usize, &crate::snapshot::TrailEvidence)> = s
        .cloudtrail
        .trails
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.trail
                .cloud_watch_logs_log_group_arn
                .as_deref()
                .is_some_and(|a| !a.is_empty())
        })
        .collect();
    if delivering.is_empty() {
        let unlisted = super::cloudtrail::unlisted_regions(ctx);
        if s.cloudtrail.trails.is_empty() && !unlisted.is_empty() {
            return unlisted;
        }
        return vec![Finding::fail(
            resource,
            format!("no trail delivers to CloudWatch Logs, so no alarm can watch for {what}"),
            "/cloudtrail/trails",
        )];
    }
    let mut search = Search {
        ctx,
        what,
        events: &events,
        notes: Notes::default(),
        undecided: None,
        unread: None,
    };
    for (ti, t) in delivering {
        if let Some((message, pointer)) = search.trail(ti, t) {
            return vec![Finding::pass(resource, message, pointer)];
        }
    }
    vec![search.verdict(resource)]
}

/// The search for a trail, filter and alarm that catch every reference event: the first
/// catch passes; otherwise what each candidate missed, and the evidence that was unread or
/// undecidable, make the verdict.
struct Search<'a> {
    ctx: &'a Context<'a>,
    what: &'a str,
    events: &'a [ReferenceEvent],
    notes: Notes,
    /// The first evidence whose meaning could not be decided.
    undecided: Option<String>,
    /// The first evidence that was not read.
    unread: Option<String>,
}

/// A catch: the pass message and the alarm's evidence.
type Catch = (String, String);

impl<'a> Search<'a> {
    /// A trail that records the events, through its log group's filters.
    fn trail(&mut self, ti: usize, t: &'a crate::snapshot::TrailEvidence) -> Option<Catch> {
        let name = &t.trail.name;
        match records_all(t, self.events) {
            Recorded::Yes => {}
            Recorded::No(why) => {
                self.notes.trail(format!("trail {name} {why}"));
                return None;
            }
            Recorded::Undecided(why) => {
                self.notes.trail(format!("trail {name}: {why}"));
                self.undecided
                    .get_or_insert(format!("/cloudtrail/trails/{ti}"));
                return None;
            }
        }
        let (evidence, base) = match self.ctx.snapshot.trail_log_group(&t.trail) {
            TrailLogGroup::Found { evidence, base, .. } => (evidence, base),
            TrailLogGroup::NotConfigured => return None,
            TrailLogGroup::OtherAccount {
                account,
                name: group,
            } => {
                self.notes.trail(format!(
                    "trail {name} delivers to log group {group} in account {account}; its filters and alarms are evidence of that account, not this one"
                ));
                self.undecided.get_or_insert(format!(
                    "/cloudtrail/trails/{ti}/trail/CloudWatchLogsLogGroupArn"
                ));
                return None;
            }
            TrailLogGroup::Unread { pointer } => {
                self.unread.get_or_insert(pointer);
                return None;
            }
            TrailLogGroup::Absent { name: group, .. } => {
                self.notes.trail(format!(
                    "trail {name} delivers to log group {group}, which does not exist"
                ));
                return None;
            }
        };
        let group = log_group_of_arn(
            t.trail
                .cloud_watch_logs_log_group_arn
                .as_deref()
                .unwrap_or_default(),
        )
        .map(|(_, g)| g)
        .unwrap_or_default();
        let Some(filters) = evidence.metric_filters.as_ref() else {
            self.unread.get_or_insert(format!("{base}/metric_filters"));
            return None;
        };
        let on_group: Vec<(usize, &MetricFilter)> = filters
            .iter()
            .enumerate()
            .filter(|(_, f)| f.log_group_name == group)
            .collect();
        if on_group.is_empty() {
            self.notes.filter(
                format!("no metric filter on {group} (trail {name})"),
                format!("{base}/metric_filters"),
            );
        }
        let alarms = evidence.alarms.as_deref();
        on_group
            .into_iter()
            .find_map(|(fi, f)| self.filter(name, &base, alarms, fi, f))
    }

    /// A filter on the trail's group that matches the events, through the alarms on the
    /// metrics it publishes.
    fn filter(
        &mut self,
        trail: &str,
        base: &str,
        alarms: Option<&[MetricAlarm]>,
        fi: usize,
        f: &MetricFilter,
    ) -> Option<Catch> {
        let at = format!("{base}/metric_filters/{fi}");
        let caught = match filter_catches(f, self.events) {
            Judged::Yes(why) => why,
            Judged::No(why) => {
                self.notes.filter(why, at);
                return None;
            }
            Judged::Undecided(why) => {
                self.notes.filter(why, at.clone());
                self.undecided.get_or_insert(at);
                return None;
            }
        };
        let Some(alarms) = alarms else {
            self.unread.get_or_insert(format!("{base}/alarms"));
            return None;
        };
        for m in &f.metric_transformations {
            let metric = format!("{}/{}", m.metric_namespace, m.metric_name);
            let points: Result<Vec<_>, Judged> =
                self.events.iter().map(|e| published(m, e)).collect();
            let points = match points {
                Ok(p) => p,
                Err(Judged::Undecided(why)) => {
                    self.notes.alarm(why, at.clone());
                    self.undecided.get_or_insert(at.clone());
                    continue;
                }
                Err(Judged::No(why) | Judged::Yes(why)) => {
                    self.notes.alarm(why, at.clone());
                    continue;
                }
            };
            let watching: Vec<(usize, &MetricAlarm)> = alarms
                .iter()
                .enumerate()
                .filter(|(_, a)| alarm::watches(a, &m.metric_namespace, &m.metric_name))
                .collect();
            if watching.is_empty() {
                self.notes.alarm(
                    format!(
                        "metric filter {} feeds {metric}, but no alarm watches it",
                        f.filter_name
                    ),
                    format!("{base}/alarms"),
                );
            }
            for (ai, a) in watching {
                if let Some(how) = self.alarm(base, ai, a, &points, &metric) {
                    let message = format!(
                        "trail {trail} records {}; {caught} and counts them as {metric}; {how} notifies {}",
                        self.what,
                        a.alarm_actions.join(", ")
                    );
                    return Some((message, format!("{base}/alarms/{ai}")));
                }
            }
        }
        None
    }

    /// Whether alarm `a` is raised by every event's datapoint and has an enabled action:
    /// how, when it is.
    fn alarm(
        &mut self,
        base: &str,
        ai: usize,
        a: &MetricAlarm,
        points: &[alarm::Datapoint],
        metric: &str,
    ) -> Option<String> {
        let at = format!("{base}/alarms/{ai}");
        let verdict = self
            .events
            .iter()
            .zip(points)
            .map(|(e, p)| raises(a, p, &e.label))
            .find(|j| !matches!(j, Judged::Yes(_)))
            .unwrap_or_else(|| raises(a, &points[0], &self.events[0].label));
        let how = match verdict {
            Judged::Yes(how) => how,
            Judged::No(why) => {
                self.notes.alarm(why, at);
                return None;
            }
            Judged::Undecided(why) => {
                self.notes.alarm(why, at.clone());
                self.undecided.get_or_insert(at);
                return None;
            }
        };
        if a.actions_enabled == Some(false) || a.alarm_actions.is_empty() {
            self.notes.alarm(
                format!("alarm {} on {metric} has no enabled action", a.alarm_name),
                at,
            );
            return None;
        }
        Some(how)
    }

    /// No catch: the evidence not read is a gap; an undecidable one an error; else a failure
    /// saying what each candidate missed.
    fn verdict(self, resource: String) -> Finding {
        let what = self.what;
        if let Some(pointer) = self.unread {
            return self.ctx.missing(
                resource,
                &pointer,
                "the CloudWatch metric filters and alarms of the trail's log group",
            );
        }
        if let Some(pointer) = self.undecided {
            return Finding::new(
                resource,
                FindingStatus::Error,
                format!(
                    "cannot tell whether an alarm is raised on {what}: {}",
                    self.notes.say()
                ),
                pointer,
            );
        }
        Finding::fail(
            resource,
            format!("nothing raises an alarm on {what}: {}", self.notes.say()),
            self.notes
                .focus()
                .unwrap_or_else(|| "/cloudtrail/trails".into()),
        )
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::checks::cloudtrail::fixtures::{log_group, trail, with_log_groups};
    use crate::checks::testutil::snapshot;
    use crate::snapshot::*;

    /// A multi-region trail delivering to log group `trail`, with one filter publishing 1 per
    /// match and (optionally) an alarm on its metric that one event raises (Sum ≥ 1 over 5
    /// minutes) with an action.
    pub(crate) fn monitored(pattern: &str, alarm: bool) -> Snapshot {
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
                extra: [("metricValue".to_string(), serde_json::json!("1"))].into(),
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
                extra: serde_json::from_value(serde_json::json!({
                    "Statistic": "Sum",
                    "Dimensions": [],
                    "Period": 300,
                    "EvaluationPeriods": 1,
                    "Threshold": 1.0,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                }))
                .unwrap(),
            }]);
        }
        s
    }
}
