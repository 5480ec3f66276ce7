//! `cloudtrail.s3_data_events`: object-level reads and writes of S3 are recorded, for every
//! bucket or for the named buckets holding ePHI.
//!
//! A trail counts when it is multi-region (or an organization trail) and logging: the buckets'
//! regions are not in the evidence, so a single-region trail cannot be shown to cover them.
//! Reads and writes may come from different selectors; both must be covered.

use crate::checks::{Context, Finding, FindingStatus, Outcome};
use crate::snapshot::{AdvancedFieldSelector, EventSelectors, TrailEvidence};

check! {
    S3DataEvents = "cloudtrail.s3_data_events",
    "A logging multi-region trail records S3 object-level read and write events for all buckets (or the named ePHI buckets)",
    severity: Medium => "who read or changed which ePHI object cannot be shown",
    remediation: "Record S3 data events (reads and writes) for every bucket that holds ePHI.",
    params {
        phi_buckets: list("") "comma-separated names of the buckets holding ePHI; empty: every bucket must be covered",
    }
}

/// One data-event selector's resource scope, with what it records.
#[derive(Debug, Clone)]
enum Scope {
    /// A classic `DataResources` value of type `AWS::S3::Object`.
    Classic(String),
    /// An advanced selector's `resources.ARN` condition (`None`: no condition, every bucket).
    Advanced(Option<AdvancedFieldSelector>),
}

#[derive(Default)]
struct Coverage {
    scopes: Vec<(Scope, bool, bool)>,
}

impl Coverage {
    fn add(&mut self, scope: Scope, read: bool, write: bool) {
        self.scopes.push((scope, read, write));
    }

    /// Whether reads and writes of every object under `prefix` are recorded.
    fn covers(&self, partition: &str, prefix: &str) -> bool {
        let any = |want_read: bool| {
            self.scopes.iter().any(|(scope, read, write)| {
                (if want_read { *read } else { *write }) && scope_covers(scope, partition, prefix)
            })
        };
        any(true) && any(false)
    }
}

/// The object-ARN prefix that stands for a target: `arn:P:s3:::` for every bucket,
/// `arn:P:s3:::BUCKET/` for one.
fn target_prefix(partition: &str, bucket: Option<&str>) -> String {
    match bucket {
        None => format!("arn:{partition}:s3:::"),
        Some(b) => format!("arn:{partition}:s3:::{b}/"),
    }
}

/// Whether a scope records every object whose ARN starts with `prefix`.
///
/// Classic values (CloudTrail API, `DataResource`): `arn:P:s3` and `arn:P:s3:::` stand for every
/// bucket, `arn:P:s3:::BUCKET/` for the whole bucket; `arn:P:s3:::BUCKET/prefix/` covers that
/// prefix only. Advanced `resources.ARN` conditions are decided as string sets: `StartsWith` a
/// prefix of `prefix` covers it; `Equals` and `EndsWith` name some objects, never all; a
/// `NotEquals`, `NotStartsWith` or `NotEndsWith` value that can exclude an object under `prefix`
/// breaks the coverage.
fn scope_covers(scope: &Scope, partition: &str, prefix: &str) -> bool {
    match scope {
        Scope::Classic(v) => {
            v == &format!("arn:{partition}:s3")
                || v == &format!("arn:{partition}:s3:::")
                || v == prefix
        }
        Scope::Advanced(None) => true,
        Scope::Advanced(Some(f)) => {
            let extra = |key: &str| super::recording::extra_values(f, key);
            if f.equals.is_some()
                || !extra("EndsWith").is_empty()
                || !extra("NotEndsWith").is_empty()
            {
                return false;
            }
            let positive = match &f.starts_with {
                None => true,
                Some(starts) => starts.iter().any(|v| prefix.starts_with(v.as_str())),
            };
            let not_equals = f.not_equals.iter().flatten().any(|v| v.starts_with(prefix));
            let not_starts = f
                .not_starts_with
                .iter()
                .flatten()
                .any(|v| prefix.starts_with(v.as_str()) || v.starts_with(prefix));
            positive && !not_equals && !not_starts
        }
    }
}

fn coverage(sel: &EventSelectors) -> Coverage {
    let mut cov = Coverage::default();
    for s in sel.event_selectors.iter().flatten() {
        let rw = s.read_write_type.as_deref().unwrap_or("All");
        let (read, write) = (rw != "WriteOnly", rw != "ReadOnly");
        for d in s
            .data_resources
            .iter()
            .filter(|d| d.kind == "AWS::S3::Object")
        {
            for v in &d.values {
                cov.add(Scope::Classic(v.clone()), read, write);
            }
        }
    }
    for adv in sel.advanced_event_selectors.iter().flatten() {
        let field = |name: &str| adv.field_selectors.iter().find(|f| f.field == name);
        let equals = |name: &str, v: &str| {
            field(name)
                .and_then(|f| f.equals.as_ref())
                .is_some_and(|e| e.iter().any(|x| x == v))
        };
        if !equals("eventCategory", "Data") || !equals("resources.type", "AWS::S3::Object") {
            continue;
        }
        let (read, write) = match field("readOnly").and_then(|f| f.equals.as_ref()) {
            Some(v) if v.iter().all(|x| x == "true") => (true, false),
            Some(v) if v.iter().all(|x| x == "false") => (false, true),
            _ => (true, true),
        };
        // Any other narrowing (eventName, userIdentity.arn, ...) is not counted as full coverage.
        let narrowed = adv.field_selectors.iter().any(|f| {
            !matches!(
                f.field.as_str(),
                "eventCategory" | "resources.type" | "readOnly" | "resources.ARN"
            )
        });
        if narrowed {
            continue;
        }
        cov.add(
            Scope::Advanced(field("resources.ARN").cloned()),
            read,
            write,
        );
    }
    cov
}

/// A trail's coverage, or why it cannot count (`fail`) or cannot be judged (`error`).
type Judged = Result<Coverage, (FindingStatus, String)>;

/// Whether the trail can count at all, and why not.
fn eligible(t: &TrailEvidence) -> Result<(), (FindingStatus, String)> {
    if !(t.trail.is_multi_region_trail || t.trail.is_organization_trail) {
        return Err((FindingStatus::Fail, "single-region trail".into()));
    }
    match t.status.as_ref().and_then(|s| s.is_logging) {
        Some(true) => {}
        Some(false) => return Err((FindingStatus::Fail, "logging is stopped".into())),
        None => {
            return Err((
                FindingStatus::Error,
                "trail status not in the evidence".into(),
            ));
        }
    }
    if t.event_selectors.is_none() {
        return Err((
            FindingStatus::Error,
            "event selectors not in the evidence".into(),
        ));
    }
    Ok(())
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let buckets = &settings.phi_buckets;
    let targets: Vec<Option<&str>> = if buckets.is_empty() {
        vec![None]
    } else {
        buckets.iter().map(|b| Some(b.as_str())).collect()
    };
    let trails = &ctx.snapshot.cloudtrail.trails;
    let partition = ctx.snapshot.account.partition.as_str();
    let judged: Vec<(usize, &TrailEvidence, Judged)> = trails
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                i,
                t,
                eligible(t).map(|_| coverage(t.event_selectors.as_ref().expect("eligible"))),
            )
        })
        .collect();
    let unlisted = super::unlisted_regions(ctx);
    Ok(targets
        .into_iter()
        .map(|bucket| {
            let (resource, what) = match bucket {
                None => (
                    ctx.account_resource("s3-data-events"),
                    "every S3 bucket".to_string(),
                ),
                Some(b) => (
                    format!("arn:{}:s3:::{b}", ctx.snapshot.account.partition),
                    format!("bucket {b}"),
                ),
            };
            if let Some((i, t, _)) = judged.iter().find(|(_, _, c)| {
                c.as_ref()
                    .is_ok_and(|c| c.covers(partition, &target_prefix(partition, bucket)))
            }) {
                return Finding::pass(
                    resource,
                    format!(
                        "{} records object-level reads and writes of {what}",
                        t.trail.trail_arn
                    ),
                    format!("/cloudtrail/trails/{i}/event_selectors"),
                );
            }
            let reasons: Vec<String> = judged
                .iter()
                .map(|(_, t, c)| match c {
                    Ok(_) => format!(
                        "{}: no S3 data-event selector for both reads and writes of {what}",
                        t.trail.name
                    ),
                    Err((_, why)) => format!("{}: {why}", t.trail.name),
                })
                .collect();
            let unknown = judged
                .iter()
                .find(|(_, _, c)| matches!(c, Err((FindingStatus::Error, _))));
            if let Some((i, _, _)) = unknown {
                return Finding::new(
                    resource,
                    FindingStatus::Error,
                    format!(
                        "cannot tell whether S3 data events are recorded for {what}: {}",
                        reasons.join("; ")
                    ),
                    format!("/cloudtrail/trails/{i}"),
                );
            }
            if judged.is_empty() && !unlisted.is_empty() {
                return Finding::new(
                    resource,
                    FindingStatus::Error,
                    format!(
                        "no trail seen, and {} region(s) could not be listed",
                        unlisted.len()
                    ),
                    unlisted[0].evidence.clone(),
                );
            }
            Finding::fail(
                resource,
                if reasons.is_empty() {
                    format!(
                        "no CloudTrail trail exists, so no S3 data event of {what} is recorded"
                    )
                } else {
                    format!(
                        "no logging multi-region trail records S3 data events of {what} ({})",
                        reasons.join("; ")
                    )
                },
                "/cloudtrail/trails",
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::cloudtrail::fixtures::trail;
    use crate::checks::testutil::*;
    use crate::snapshot::{AdvancedEventSelector, DataResource};

    fn with_data(values: &[&str], rw: &str) -> TrailEvidence {
        let mut t = trail("main", true);
        let sel = &mut t
            .event_selectors
            .as_mut()
            .unwrap()
            .event_selectors
            .as_mut()
            .unwrap()[0];
        sel.read_write_type = Some(rw.into());
        sel.data_resources = vec![DataResource {
            kind: "AWS::S3::Object".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }];
        t
    }

    #[test]
    fn all_buckets_read_and_write_passes() {
        let mut s = snapshot();
        s.cloudtrail.trails = vec![with_data(&["arn:aws:s3"], "All")];
        assert_eq!(statuses(&run(&S3DataEvents, &s)), ["pass"]);
        s.cloudtrail.trails = vec![with_data(&["arn:aws:s3"], "WriteOnly")];
        assert_eq!(statuses(&run(&S3DataEvents, &s)), ["fail"]);
        s.cloudtrail.trails = vec![trail("main", true)];
        let f = run(&S3DataEvents, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("no S3 data-event selector"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn named_phi_buckets_are_judged_one_by_one() {
        let mut s = snapshot();
        s.cloudtrail.trails = vec![with_data(&["arn:aws:s3:::phi-records/"], "All")];
        let phi = [(
            "phi_buckets",
            ParamValue::Str("phi-records, phi-images".into()),
        )];
        let f = run_with(&S3DataEvents, &s, &phi);
        assert_eq!(statuses(&f), ["pass", "fail"]);
        assert_eq!(f[1].resource, "arn:aws:s3:::phi-images");
        // Every bucket is not covered by one bucket's selector.
        assert_eq!(statuses(&run(&S3DataEvents, &s)), ["fail"]);
        // A single-region trail does not count, whatever it selects.
        let mut single = with_data(&["arn:aws:s3"], "All");
        single.trail.is_multi_region_trail = false;
        s.cloudtrail.trails = vec![single];
        assert_eq!(
            statuses(&run_with(&S3DataEvents, &s, &phi)),
            ["fail", "fail"]
        );
    }

    #[test]
    fn advanced_selectors_and_missing_evidence() {
        let mut s = snapshot();
        let mut t = trail("adv", true);
        let f = |field: &str, eq: &[&str]| field_selector(field, "Equals", eq);
        let sel = t.event_selectors.as_mut().unwrap();
        sel.event_selectors = None;
        sel.advanced_event_selectors = Some(vec![
            AdvancedEventSelector {
                name: None,
                field_selectors: vec![
                    f("eventCategory", &["Data"]),
                    f("resources.type", &["AWS::S3::Object"]),
                    f("readOnly", &["true"]),
                ],
            },
            AdvancedEventSelector {
                name: None,
                field_selectors: vec![
                    f("eventCategory", &["Data"]),
                    f("resources.type", &["AWS::S3::Object"]),
                    f("readOnly", &["false"]),
                ],
            },
        ]);
        s.cloudtrail.trails = vec![t.clone()];
        assert_eq!(statuses(&run(&S3DataEvents, &s)), ["pass"]);
        t.event_selectors
            .as_mut()
            .unwrap()
            .advanced_event_selectors
            .as_mut()
            .unwrap()
            .pop();
        s.cloudtrail.trails = vec![t.clone()];
        assert_eq!(statuses(&run(&S3DataEvents, &s)), ["fail"]);
        t.event_selectors = None;
        s.cloudtrail.trails = vec![t];
        assert_eq!(statuses(&run(&S3DataEvents, &s)), ["error"]);
    }

    #[test]
    fn a_prefix_covers_that_prefix_only() {
        let phi = [("phi_buckets", ParamValue::Str("phi-records".into()))];
        let mut s = snapshot();
        for (value, status) in [
            ("arn:aws:s3:::phi-records/", "pass"),
            ("arn:aws:s3:::", "pass"),
            ("arn:aws:s3", "pass"),
            ("arn:aws:s3:::phi-records/2026/", "fail"),
            ("arn:aws:s3:::phi-records/scans", "fail"),
            ("arn:aws:s3:::phi-records-archive/", "fail"),
            ("arn:aws-cn:s3", "fail"),
        ] {
            s.cloudtrail.trails = vec![with_data(&[value], "All")];
            assert_eq!(
                statuses(&run_with(&S3DataEvents, &s, &phi)),
                [status],
                "{value}"
            );
        }
    }

    #[test]
    fn advanced_arn_conditions_are_decided_exactly() {
        let phi = [("phi_buckets", ParamValue::Str("phi-records".into()))];
        let arn = |key: &str, values: &[&str]| field_selector("resources.ARN", key, values);
        let eq = |field: &str, v: &str| field_selector(field, "Equals", &[v]);
        let mut s = snapshot();
        for (conditions, phi_status, all_status) in [
            (
                vec![arn("StartsWith", &["arn:aws:s3:::phi-records/"])],
                "pass",
                "fail",
            ),
            (
                vec![arn("StartsWith", &["arn:aws:s3:::phi"])],
                "pass",
                "fail",
            ),
            (
                vec![arn("StartsWith", &["arn:aws:s3:::phi-records/2026/"])],
                "fail",
                "fail",
            ),
            (
                vec![arn("Equals", &["arn:aws:s3:::phi-records/"])],
                "fail",
                "fail",
            ),
            (
                vec![arn("NotStartsWith", &["arn:aws:s3:::logs/"])],
                "pass",
                "fail",
            ),
            (
                vec![arn("NotStartsWith", &["arn:aws:s3:::phi-records/tmp/"])],
                "fail",
                "fail",
            ),
            (
                vec![arn("NotStartsWith", &["arn:aws:s3:::phi"])],
                "fail",
                "fail",
            ),
            (
                vec![arn("NotEquals", &["arn:aws:s3:::phi-records/x.json"])],
                "fail",
                "fail",
            ),
            (vec![arn("NotEndsWith", &[".tmp"])], "fail", "fail"),
            (vec![], "pass", "pass"),
        ] {
            let mut t = trail("adv", true);
            let sel = t.event_selectors.as_mut().unwrap();
            sel.event_selectors = None;
            let mut fields = vec![
                eq("eventCategory", "Data"),
                eq("resources.type", "AWS::S3::Object"),
            ];
            fields.extend(conditions.clone());
            sel.advanced_event_selectors = Some(vec![AdvancedEventSelector {
                name: None,
                field_selectors: fields,
            }]);
            s.cloudtrail.trails = vec![t];
            assert_eq!(
                statuses(&run_with(&S3DataEvents, &s, &phi)),
                [phi_status],
                "{conditions:?}"
            );
            assert_eq!(
                statuses(&run(&S3DataEvents, &s)),
                [all_status],
                "{conditions:?}"
            );
        }
    }
}
