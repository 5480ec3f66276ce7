//! Judging a metric filter and an alarm by what they would do with one matching event.
//!
//! A filter must match every reference record; its metric transformation must publish a
//! positive value for each, under the dimensions the alarm names; the alarm must watch that
//! metric (namespace, name, dimensions), and one datapoint of that value must breach it: a
//! statistic that reflects the value, a `GreaterThan…` operator, a threshold the value reaches,
//! a positive period, one datapoint to alarm, and an enabled action (checked by the caller).
//! CloudWatch semantics: CloudWatch User Guide, "Using Amazon CloudWatch alarms" and
//! "Creating metrics from log events using filters".

use std::collections::BTreeMap;

use serde_json::Value;

use crate::checks::reference_events::ReferenceEvent;
use crate::filter_pattern::{self, Match, Pattern};
use crate::snapshot::{MetricAlarm, MetricFilter, MetricTransformation};

/// A decision with its reason.
#[derive(Debug, Clone, PartialEq)]
pub enum Judged {
    Yes(String),
    No(String),
    Undecided(String),
}

/// Whether `f`'s pattern matches every reference record.
pub fn filter_catches(f: &MetricFilter, events: &[ReferenceEvent]) -> Judged {
    let pattern = match Pattern::parse(&f.filter_pattern) {
        Ok(p) => p,
        Err(e) => {
            return Judged::Undecided(format!(
                "pattern of metric filter {} not understood ({e})",
                f.filter_name
            ));
        }
    };
    let mut undecided = None;
    for e in events {
        match pattern.matches(&e.record) {
            Match::Yes => {}
            Match::No => {
                return Judged::No(format!(
                    "metric filter {} does not match the reference event \"{}\"",
                    f.filter_name, e.label
                ));
            }
            Match::Undecided(why) => {
                undecided.get_or_insert(format!(
                    "cannot tell whether metric filter {} matches \"{}\": {why}",
                    f.filter_name, e.label
                ));
            }
        }
    }
    match undecided {
        Some(w) => Judged::Undecided(w),
        None => Judged::Yes(format!(
            "metric filter {} matches all {} reference events",
            f.filter_name,
            events.len()
        )),
    }
}

/// What one matching event publishes through a metric transformation: its value and the
/// metric's dimensions.
pub struct Datapoint {
    pub value: f64,
    pub dimensions: BTreeMap<String, String>,
}

pub fn published(m: &MetricTransformation, e: &ReferenceEvent) -> Result<Datapoint, Judged> {
    let metric = format!("{}/{}", m.metric_namespace, m.metric_name);
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let value_text = m.extra.get("metricValue").and_then(scalar).ok_or_else(|| {
        Judged::Undecided(format!(
            "{metric}: the metric transformation has no metricValue"
        ))
    })?;
    let value = if value_text.trim_start().starts_with('$') {
        let v = filter_pattern::select(&value_text, &e.record).map_err(|err| {
            Judged::Undecided(format!("{metric}: metricValue {value_text:?}: {err}"))
        })?;
        match v.and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok())) {
            Some(n) => n,
            None => {
                return Err(Judged::No(format!(
                    "{metric}: metricValue {value_text} has no number in \"{}\", so nothing is published",
                    e.label
                )));
            }
        }
    } else {
        value_text.trim().parse::<f64>().map_err(|_| {
            Judged::Undecided(format!(
                "{metric}: metricValue {value_text:?} is not a number"
            ))
        })?
    };
    if !(value > 0.0) {
        return Err(Judged::No(format!(
            "{metric}: metricValue {value_text} publishes {value} for \"{}\", which does not count it",
            e.label
        )));
    }
    let mut dimensions = BTreeMap::new();
    if let Some(dims) = m.extra.get("dimensions").and_then(Value::as_object) {
        for (name, selector) in dims {
            let selector = selector.as_str().unwrap_or_default();
            let v = filter_pattern::select(selector, &e.record).map_err(|err| {
                Judged::Undecided(format!("{metric}: dimension {name} {selector:?}: {err}"))
            })?;
            match v.and_then(scalar) {
                Some(v) => {
                    dimensions.insert(name.clone(), v);
                }
                None => {
                    return Err(Judged::Undecided(format!(
                        "{metric}: dimension {name} ({selector}) has no value in \"{}\"",
                        e.label
                    )));
                }
            }
        }
    }
    Ok(Datapoint { value, dimensions })
}

fn text<'a>(a: &'a MetricAlarm, key: &str) -> Option<&'a str> {
    a.extra.get(key).and_then(Value::as_str)
}

fn number(a: &MetricAlarm, key: &str) -> Option<f64> {
    a.extra.get(key).and_then(Value::as_f64)
}

/// The alarm's dimensions as a name → value map.
fn alarm_dimensions(a: &MetricAlarm) -> BTreeMap<String, String> {
    a.extra
        .get("Dimensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            Some((
                d.get("Name")?.as_str()?.to_string(),
                d.get("Value")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// Whether alarm `a`, watching the metric, is raised by one event's datapoint `p`.
pub fn raises(a: &MetricAlarm, p: &Datapoint, label: &str) -> Judged {
    let name = &a.alarm_name;
    if a.extra
        .get("Metrics")
        .and_then(Value::as_array)
        .is_some_and(|m| !m.is_empty())
    {
        return Judged::Undecided(format!(
            "alarm {name} is a metric-math alarm, which safeguard does not evaluate"
        ));
    }
    let dims = alarm_dimensions(a);
    if dims != p.dimensions {
        return Judged::No(format!(
            "alarm {name} watches dimensions {dims:?}, but \"{label}\" is published under {:?}",
            p.dimensions
        ));
    }
    let stat = match (text(a, "Statistic"), text(a, "ExtendedStatistic")) {
        (Some("Sum" | "Average" | "Minimum" | "Maximum"), _) => p.value,
        (Some("SampleCount"), _) => 1.0,
        (None, Some(ext)) if ext.starts_with('p') && ext[1..].parse::<f64>().is_ok() => p.value,
        (s, e) => {
            return Judged::Undecided(format!(
                "alarm {name}: statistic {} is not evaluated",
                s.or(e).unwrap_or("(none)")
            ));
        }
    };
    let Some(threshold) = number(a, "Threshold") else {
        return Judged::Undecided(format!("alarm {name} has no static threshold"));
    };
    let op = text(a, "ComparisonOperator").unwrap_or("(none)");
    let breaches = match op {
        "GreaterThanThreshold" => stat > threshold,
        "GreaterThanOrEqualToThreshold" => stat >= threshold,
        "LessThanThreshold" | "LessThanOrEqualToThreshold" => {
            return Judged::No(format!(
                "alarm {name} uses {op}: it fires when the count falls, not when an event occurs"
            ));
        }
        other => {
            return Judged::Undecided(format!(
                "alarm {name}: comparison {other} (anomaly band or missing) is not evaluated"
            ));
        }
    };
    if !breaches {
        return Judged::No(format!(
            "alarm {name} needs {} {op} {threshold}; one \"{label}\" publishes {stat}",
            text(a, "Statistic")
                .or(text(a, "ExtendedStatistic"))
                .unwrap_or_default()
        ));
    }
    match number(a, "Period") {
        Some(p) if p > 0.0 => {}
        _ => return Judged::Undecided(format!("alarm {name} has no period")),
    }
    let periods = number(a, "EvaluationPeriods").unwrap_or(1.0);
    let needed = number(a, "DatapointsToAlarm").unwrap_or(periods);
    if needed > 1.0 {
        if text(a, "TreatMissingData") == Some("breaching") {
            return Judged::Undecided(format!(
                "alarm {name} needs {needed} breaching datapoints and treats missing data as breaching"
            ));
        }
        return Judged::No(format!(
            "alarm {name} needs {needed} breaching datapoints of {periods}; one event gives one"
        ));
    }
    Judged::Yes(format!(
        "alarm {name} ({} {op} {threshold} over {} s)",
        text(a, "Statistic")
            .or(text(a, "ExtendedStatistic"))
            .unwrap_or_default(),
        number(a, "Period").unwrap_or_default()
    ))
}
