//! Whether a trail records a given CloudTrail event: its status, region scope, global service
//! events and event selectors (basic or advanced), decided against the event itself.
//!
//! Semantics (CloudTrail User Guide, "Logging management events" and the
//! `AdvancedFieldSelector` API reference): basic selectors record a management event when one
//! of them includes management events, its `ReadWriteType` admits the event's `readOnly`, and
//! its `ExcludeManagementEventSources` does not name the event's source. Advanced selectors
//! record an event when every field selector of one of them matches it; values within one
//! operator are alternatives, negative operators (`NotEquals`, `NotStartsWith`, `NotEndsWith`)
//! must all hold. A field selector that combines two kinds of positive operator, or a field
//! safeguard does not know, is reported as undecided rather than guessed.

use serde_json::Value;

use crate::snapshot::{
    AdvancedEventSelector, AdvancedFieldSelector, EventSelectors, TrailEvidence,
};

/// The answer, with the reason when it is not a plain yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Recorded {
    Yes,
    No(String),
    Undecided(String),
}

/// Event sources CloudTrail records as global service events (in us-east-1).
const GLOBAL_SOURCES: &[&str] = &[
    "iam.amazonaws.com",
    "signin.amazonaws.com",
    "sts.amazonaws.com",
];

fn field<'e>(event: &'e Value, name: &str) -> Option<&'e str> {
    event.get(name).and_then(Value::as_str)
}

/// Whether a logging trail with these selectors records `event`, a CloudTrail management
/// record. [`records_all`] has already judged what holds for the whole trail (status, selectors
/// present).
fn records(t: &TrailEvidence, sel: &EventSelectors, event: &Value) -> Recorded {
    let source = field(event, "eventSource").unwrap_or_default();
    let region = field(event, "awsRegion").unwrap_or_default();
    let global = GLOBAL_SOURCES.contains(&source);
    let includes_global = t
        .trail
        .extra
        .get("IncludeGlobalServiceEvents")
        .and_then(Value::as_bool)
        != Some(false);
    if global && !includes_global {
        return Recorded::No("IncludeGlobalServiceEvents is false".into());
    }
    let home = t.trail.home_region.as_deref();
    if !t.trail.is_multi_region_trail && home != Some(region) {
        return Recorded::No(format!(
            "single-region trail of {}, not {region}",
            home.unwrap_or("an unknown region")
        ));
    }
    by_selectors(sel, event)
}

fn by_selectors(sel: &EventSelectors, event: &Value) -> Recorded {
    if let Some(advanced) = sel
        .advanced_event_selectors
        .as_ref()
        .filter(|a| !a.is_empty())
    {
        let mut undecided = None;
        for a in advanced {
            match advanced_matches(a, event) {
                Recorded::Yes => return Recorded::Yes,
                Recorded::Undecided(w) => {
                    undecided.get_or_insert(w);
                }
                Recorded::No(_) => {}
            }
        }
        return match undecided {
            Some(w) => Recorded::Undecided(w),
            None => Recorded::No("no advanced event selector admits it".into()),
        };
    }
    let basic = sel.event_selectors.as_deref().unwrap_or_default();
    if basic.is_empty() {
        return Recorded::No("the trail has no event selectors".into());
    }
    let read_only = event.get("readOnly").and_then(Value::as_bool);
    let source = field(event, "eventSource").unwrap_or_default();
    let mut why = Vec::new();
    for s in basic {
        if s.include_management_events == Some(false) {
            why.push("IncludeManagementEvents is false".to_string());
            continue;
        }
        let rw = s.read_write_type.as_deref().unwrap_or("All");
        let admitted = match (rw, read_only) {
            ("All", _) => true,
            ("ReadOnly", Some(true)) | ("WriteOnly", Some(false)) => true,
            ("ReadOnly" | "WriteOnly", Some(_)) => false,
            (other, _) => {
                return Recorded::Undecided(format!("unknown ReadWriteType {other:?}"));
            }
        };
        if !admitted {
            why.push(format!("ReadWriteType is {rw}"));
            continue;
        }
        if s.exclude_management_event_sources
            .iter()
            .any(|x| x == source)
        {
            why.push(format!("ExcludeManagementEventSources drops {source}"));
            continue;
        }
        return Recorded::Yes;
    }
    why.dedup();
    Recorded::No(why.join(", "))
}

/// The text CloudTrail compares a field selector with, for a management record.
fn event_field(name: &str, event: &Value) -> Result<Option<String>, String> {
    Ok(match name {
        "eventCategory"
        | "eventSource"
        | "eventName"
        | "eventType"
        | "errorCode"
        | "sessionCredentialFromConsole" => field(event, name).map(str::to_string),
        "readOnly" => event
            .get("readOnly")
            .and_then(Value::as_bool)
            .map(|b| b.to_string()),
        "userIdentity.arn" => event
            .pointer("/userIdentity/arn")
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => return Err(format!("advanced selector field {name:?} is not evaluated")),
    })
}

/// Values of an operator the snapshot keeps untyped (`EndsWith`, `NotEndsWith`).
pub(crate) fn extra_values(f: &AdvancedFieldSelector, key: &str) -> Vec<String> {
    f.extra
        .get(key)
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn advanced_matches(a: &AdvancedEventSelector, event: &Value) -> Recorded {
    for f in &a.field_selectors {
        let value = match event_field(&f.field, event) {
            Ok(v) => v,
            Err(w) => return Recorded::Undecided(w),
        };
        match field_holds(f, value.as_deref()) {
            Ok(true) => {}
            Ok(false) => return Recorded::No(format!("field selector on {} excludes it", f.field)),
            Err(w) => return Recorded::Undecided(w),
        }
    }
    Recorded::Yes
}

/// Whether one field selector holds for a value (`None`: the event lacks the field).
pub(crate) fn field_holds(f: &AdvancedFieldSelector, value: Option<&str>) -> Result<bool, String> {
    let ends_with = extra_values(f, "EndsWith");
    let not_ends_with = extra_values(f, "NotEndsWith");
    let positive: Vec<(&str, Vec<String>)> = [
        ("Equals", f.equals.clone()),
        ("StartsWith", f.starts_with.clone()),
        ("EndsWith", (!ends_with.is_empty()).then_some(ends_with)),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    if positive.len() > 1 {
        return Err(format!(
            "field selector on {} combines {} and {}",
            f.field, positive[0].0, positive[1].0
        ));
    }
    let Some(v) = value else {
        return Ok(positive.is_empty());
    };
    let positive_ok = positive.iter().all(|(k, list)| {
        list.iter().any(|x| match *k {
            "Equals" => v == x,
            "StartsWith" => v.starts_with(x.as_str()),
            _ => v.ends_with(x.as_str()),
        })
    });
    let negative_ok = !f.not_equals.iter().flatten().any(|x| v == x)
        && !f
            .not_starts_with
            .iter()
            .flatten()
            .any(|x| v.starts_with(x.as_str()))
        && !not_ends_with.iter().any(|x| v.ends_with(x.as_str()));
    Ok(positive_ok && negative_ok)
}

/// Whether `t` records every one of `events`: `Yes`, or the first event it does not record
/// (or cannot be shown to record) with the reason.
pub(crate) fn records_all(
    t: &TrailEvidence,
    events: &[super::super::reference_events::ReferenceEvent],
) -> Recorded {
    // What holds for the whole trail is said once, not per event.
    match t.status.as_ref().and_then(|s| s.is_logging) {
        Some(true) => {}
        Some(false) => return Recorded::No("logging is stopped".into()),
        None => return Recorded::Undecided("trail status not in the evidence".into()),
    }
    let Some(sel) = &t.event_selectors else {
        return Recorded::Undecided("event selectors not in the evidence".into());
    };
    for e in events {
        match records(t, sel, &e.record) {
            Recorded::Yes => {}
            Recorded::No(w) => return Recorded::No(format!("does not record {} ({w})", e.label)),
            Recorded::Undecided(w) => {
                return Recorded::Undecided(format!(
                    "cannot tell whether it records {} ({w})",
                    e.label
                ));
            }
        }
    }
    Recorded::Yes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::fixtures::trail;
    use crate::checks::reference_events::{Account, management_events};
    use crate::snapshot::{AdvancedEventSelector, AdvancedFieldSelector, EventSelector};

    const ACCOUNT: Account<'static> = Account {
        id: "123456789012",
        partition: "aws",
    };

    fn fs(field: &str, key: &str, values: &[&str]) -> AdvancedFieldSelector {
        crate::checks::testutil::field_selector(field, key, values)
    }

    fn with_basic(s: EventSelector) -> TrailEvidence {
        let mut t = trail("main", true);
        t.event_selectors.as_mut().unwrap().event_selectors = Some(vec![s]);
        t
    }

    fn basic(rw: &str, include: bool, exclude: &[&str]) -> EventSelector {
        EventSelector {
            read_write_type: Some(rw.into()),
            include_management_events: Some(include),
            exclude_management_event_sources: exclude.iter().map(|s| s.to_string()).collect(),
            data_resources: vec![],
            extra: Default::default(),
        }
    }

    fn with_advanced(selectors: Vec<Vec<AdvancedFieldSelector>>) -> TrailEvidence {
        let mut t = trail("main", true);
        let sel = t.event_selectors.as_mut().unwrap();
        sel.event_selectors = None;
        sel.advanced_event_selectors = Some(
            selectors
                .into_iter()
                .map(|field_selectors| AdvancedEventSelector {
                    name: None,
                    field_selectors,
                })
                .collect(),
        );
        t
    }

    #[test]
    fn basic_selectors_are_judged_per_event() {
        let events = management_events(&ACCOUNT);
        assert_eq!(
            records_all(&with_basic(basic("All", true, &[])), &events),
            Recorded::Yes
        );
        for (t, missed) in [
            (basic("All", false, &[]), "a write"),
            (basic("WriteOnly", true, &[]), "a read"),
            (basic("ReadOnly", true, &[]), "a write"),
            (basic("All", true, &["kms.amazonaws.com"]), "a KMS decrypt"),
            (
                basic("All", true, &["rdsdata.amazonaws.com"]),
                "an RDS Data API",
            ),
        ] {
            let Recorded::No(why) = records_all(&with_basic(t), &events) else {
                panic!("expected a miss");
            };
            assert!(why.contains(missed), "{why}");
        }
    }

    #[test]
    fn advanced_selectors_are_judged_per_event() {
        let events = management_events(&ACCOUNT);
        let all = with_advanced(vec![vec![fs("eventCategory", "Equals", &["Management"])]]);
        assert_eq!(records_all(&all, &events), Recorded::Yes);
        let no_kms = with_advanced(vec![vec![
            fs("eventCategory", "Equals", &["Management"]),
            fs("eventSource", "NotEquals", &["kms.amazonaws.com"]),
        ]]);
        assert!(matches!(records_all(&no_kms, &events), Recorded::No(w) if w.contains("KMS")));
        let writes = with_advanced(vec![vec![
            fs("eventCategory", "Equals", &["Management"]),
            fs("readOnly", "Equals", &["false"]),
        ]]);
        assert!(matches!(records_all(&writes, &events), Recorded::No(w) if w.contains("a read")));
        // Reads and writes from two selectors together cover both.
        let split = with_advanced(vec![
            vec![
                fs("eventCategory", "Equals", &["Management"]),
                fs("readOnly", "Equals", &["false"]),
            ],
            vec![
                fs("eventCategory", "Equals", &["Management"]),
                fs("readOnly", "Equals", &["true"]),
            ],
        ]);
        assert_eq!(records_all(&split, &events), Recorded::Yes);
        let not_ends = with_advanced(vec![vec![
            fs("eventCategory", "Equals", &["Management"]),
            fs("eventName", "NotEndsWith", &["Statement"]),
        ]]);
        assert!(matches!(records_all(&not_ends, &events), Recorded::No(w) if w.contains("RDS")));
        let unknown = with_advanced(vec![vec![
            fs("eventCategory", "Equals", &["Management"]),
            fs("vpcEndpointId", "NotEquals", &["vpce-1"]),
        ]]);
        assert!(matches!(
            records_all(&unknown, &events),
            Recorded::Undecided(_)
        ));
    }

    #[test]
    fn region_status_and_global_events() {
        let events = management_events(&ACCOUNT);
        let mut single = trail("main", false);
        single.trail.home_region = Some("us-east-1".into());
        assert!(
            matches!(records_all(&single, &events), Recorded::No(w) if w.contains("eu-west-1"))
        );
        let mut stopped = trail("main", true);
        stopped.status.as_mut().unwrap().is_logging = Some(false);
        assert!(matches!(records_all(&stopped, &events), Recorded::No(_)));
        let mut unknown = trail("main", true);
        unknown.status = None;
        assert!(matches!(
            records_all(&unknown, &events),
            Recorded::Undecided(_)
        ));
        let mut no_global = trail("main", true);
        no_global.trail.extra.insert(
            "IncludeGlobalServiceEvents".into(),
            serde_json::json!(false),
        );
        assert!(
            matches!(records_all(&no_global, &events), Recorded::No(w) if w.contains("IncludeGlobalServiceEvents"))
        );
    }
}
