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
pub(crate) enum Judged {
    Yes(String),
    No(String),
    Undecided(String),
}

/// Whether `f`'s pattern matches every reference record.
pub(crate) fn filter_catches(f: &MetricFilter, events: &[ReferenceEvent]) -> Judged {
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
pub(crate) struct Datapoint {
    pub value: f64,
    pub dimensions: BTreeMap<String, String>,
}

pub(crate) fn published(m: &MetricTransformation, e: &ReferenceEvent) -> Result<Datapoint, Judged> {
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
    // NaN counts nothing either: only a positive number counts an event.
    if value.is_nan() || value <= 0.0 {
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

/// A `Dimensions` list (`[{"Name", "Value"}]`) as a name → value map.
fn dimensions(list: Option<&Value>) -> BTreeMap<String, String> {
    list.and_then(Value::as_array)
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

/// The one metric an alarm watches, and how it aggregates it.
pub(crate) struct Watch<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    pub dimensions: BTreeMap<String, String>,
    /// `Sum`, `Average`, `SampleCount`, `p99`... (a percentile is an extended statistic).
    pub statistic: Option<&'a str>,
    pub period: Option<f64>,
}

/// What an alarm watches.
pub(crate) enum Watched<'a> {
    /// One metric: from the alarm's top-level `Namespace`/`MetricName`/`Dimensions`/
    /// `Statistic`/`Period`, or from a `Metrics` array of one query that returns its data, as
    /// Terraform's `metric_query` and the CDK write alarms: the same alarm either way.
    Metric(Watch<'a>),
    /// Metric math (an expression, or several queries) over these metrics (`namespace/name`,
    /// or `expression:<text>`): not evaluated.
    Math(Vec<String>),
    /// Neither form.
    Nothing,
}

/// What alarm `a` watches (see [`Watched`]).
pub(crate) fn watched(a: &MetricAlarm) -> Watched<'_> {
    let queries = a
        .extra
        .get("Metrics")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty());
    let Some(queries) = queries else {
        return match (a.namespace.as_deref(), a.metric_name.as_deref()) {
            (Some(namespace), Some(name)) => Watched::Metric(Watch {
                namespace,
                name,
                dimensions: dimensions(a.extra.get("Dimensions")),
                statistic: text(a, "Statistic").or(text(a, "ExtendedStatistic")),
                period: number(a, "Period"),
            }),
            _ => Watched::Nothing,
        };
    };
    // What each query reads: `namespace/name` of a metric it names, or the text of an
    // expression (a Metrics Insights query names its metrics inside it).
    let metric_of = |q: &'_ Value| -> Option<String> {
        if let Some(e) = q.get("Expression").and_then(Value::as_str) {
            return Some(format!("expression:{e}"));
        }
        let m = q.pointer("/MetricStat/Metric")?;
        Some(format!(
            "{}/{}",
            m.get("Namespace")?.as_str()?,
            m.get("MetricName")?.as_str()?
        ))
    };
    let one = match queries.as_slice() {
        [q] if q.get("Expression").is_none()
            && q.get("ReturnData").and_then(Value::as_bool) != Some(false) =>
        {
            q
        }
        _ => return Watched::Math(queries.iter().filter_map(metric_of).collect()),
    };
    let stat = one.get("MetricStat");
    let metric = stat.and_then(|s| s.get("Metric"));
    match (
        metric
            .and_then(|m| m.get("Namespace"))
            .and_then(Value::as_str),
        metric
            .and_then(|m| m.get("MetricName"))
            .and_then(Value::as_str),
    ) {
        (Some(namespace), Some(name)) => Watched::Metric(Watch {
            namespace,
            name,
            dimensions: dimensions(metric.and_then(|m| m.get("Dimensions"))),
            statistic: stat.and_then(|s| s.get("Stat")).and_then(Value::as_str),
            period: stat.and_then(|s| s.get("Period")).and_then(Value::as_f64),
        }),
        _ => Watched::Math(Vec::new()),
    }
}

/// Whether alarm `a` watches `namespace/name` (a metric-math alarm over it counts: it is then
/// judged undecided, never "no alarm watches it").
pub(crate) fn watches(a: &MetricAlarm, namespace: &str, name: &str) -> bool {
    match watched(a) {
        Watched::Metric(w) => w.namespace == namespace && w.name == name,
        // One that names no metric readably might watch this one: undecided, never "none".
        Watched::Math(metrics) => {
            metrics.is_empty()
                || metrics.iter().any(|m| match m.strip_prefix("expression:") {
                    Some(e) => e.contains(name),
                    None => *m == format!("{namespace}/{name}"),
                })
        }
        Watched::Nothing => false,
    }
}

/// Whether alarm `a`, watching the metric, is raised by one event's datapoint `p`.
pub(crate) fn raises(a: &MetricAlarm, p: &Datapoint, label: &str) -> Judged {
    let name = &a.alarm_name;
    let w = match watched(a) {
        Watched::Metric(w) => w,
        Watched::Math(_) | Watched::Nothing => {
            return Judged::Undecided(format!(
                "alarm {name} is a metric-math alarm, which safeguard does not evaluate"
            ));
        }
    };
    let dims = &w.dimensions;
    if *dims != p.dimensions {
        return Judged::No(format!(
            "alarm {name} watches dimensions {dims:?}, but \"{label}\" is published under {:?}",
            p.dimensions
        ));
    }
    let stat = match w.statistic {
        Some("Sum" | "Average" | "Minimum" | "Maximum") => p.value,
        Some("SampleCount") => 1.0,
        Some(ext) if ext.starts_with('p') && ext[1..].parse::<f64>().is_ok() => p.value,
        other => {
            return Judged::Undecided(format!(
                "alarm {name}: statistic {} is not evaluated",
                other.unwrap_or("(none)")
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
            w.statistic.unwrap_or_default()
        ));
    }
    match w.period {
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
        w.statistic.unwrap_or_default(),
        w.period.unwrap_or_default()
    ))
}
