//! `cloudtrail.s3_data_events`: object-level reads and writes of S3 are recorded, for every
//! bucket or for the named buckets holding ePHI.
//!
//! A trail counts when it is multi-region (or an organization trail) and logging: the buckets'
//! regions are not in the evidence, so a single-region trail cannot be shown to cover them.
//! Reads and writes may come from different selectors; both must be covered.

use std::collections::BTreeSet;

use crate::checks::{Check, CheckInfo, Context, Finding, FindingStatus, ParamDefault, ParamSpec};
use crate::snapshot::{EventSelectors, TrailEvidence};

pub struct S3DataEvents;

static INFO: CheckInfo = CheckInfo {
    id: "cloudtrail.s3_data_events",
    description: "A logging multi-region trail records S3 object-level read and write events for all buckets (or the named ePHI buckets)",
    docs: "docs/checks.md#cloudtrail-s3_data_events",
    params: &[ParamSpec {
        name: "phi_buckets",
        description: "comma-separated names of the buckets holding ePHI; empty: every bucket must be covered",
        default: ParamDefault::Str(""),
    }],
};

/// Which buckets a trail's data events cover.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    AllBuckets,
    Bucket(String),
}

#[derive(Default)]
struct Coverage {
    read: BTreeSet<Scope>,
    write: BTreeSet<Scope>,
}

impl Coverage {
    fn add(&mut self, scope: Scope, read: bool, write: bool) {
        if read {
            self.read.insert(scope.clone());
        }
        if write {
            self.write.insert(scope);
        }
    }

    fn covers(&self, bucket: Option<&str>) -> bool {
        let both = |s: &BTreeSet<Scope>| {
            s.contains(&Scope::AllBuckets)
                || bucket.is_some_and(|b| s.contains(&Scope::Bucket(b.to_string())))
        };
        both(&self.read) && both(&self.write)
    }
}

/// The bucket an S3 object ARN prefix names, or `AllBuckets` for `arn:aws:s3` / `arn:aws:s3:::`.
fn scope_of(value: &str) -> Option<Scope> {
    let rest = value.split(":::").nth(1);
    match rest {
        None if value.starts_with("arn:") && value.ends_with(":s3") => Some(Scope::AllBuckets),
        Some("") => Some(Scope::AllBuckets),
        Some(r) => {
            let bucket = r.split('/').next().unwrap_or_default();
            (!bucket.is_empty()).then(|| Scope::Bucket(bucket.to_string()))
        }
        None => None,
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
                if let Some(scope) = scope_of(v) {
                    cov.add(scope, read, write);
                }
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
        // Any other narrowing (eventName, NotStartsWith, ...) is not counted as full coverage.
        let narrowed = adv.field_selectors.iter().any(|f| {
            !matches!(
                f.field.as_str(),
                "eventCategory" | "resources.type" | "readOnly" | "resources.ARN"
            )
        });
        if narrowed {
            continue;
        }
        match field("resources.ARN") {
            None => cov.add(Scope::AllBuckets, read, write),
            Some(f)
                if f.equals.is_none() && f.not_equals.is_none() && f.not_starts_with.is_none() =>
            {
                for v in f.starts_with.iter().flatten() {
                    if let Some(scope) = scope_of(v) {
                        cov.add(scope, read, write);
                    }
                }
            }
            Some(_) => {}
        }
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

impl Check for S3DataEvents {
    fn info(&self) -> &'static CheckInfo {
        &INFO
    }

    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding> {
        let buckets = ctx.params.list("phi_buckets");
        let targets: Vec<Option<&str>> = if buckets.is_empty() {
            vec![None]
        } else {
            buckets.iter().map(|b| Some(*b)).collect()
        };
        let trails = &ctx.snapshot.cloudtrail.trails;
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
        targets
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
                if let Some((i, t, _)) = judged
                    .iter()
                    .find(|(_, _, c)| c.as_ref().is_ok_and(|c| c.covers(bucket)))
                {
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
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::cloudtrail::fixtures::trail;
    use crate::checks::testutil::*;
    use crate::snapshot::{AdvancedEventSelector, AdvancedFieldSelector, DataResource};

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
        let f = |field: &str, eq: &[&str]| AdvancedFieldSelector {
            field: field.into(),
            equals: Some(eq.iter().map(|v| v.to_string()).collect()),
            not_equals: None,
            starts_with: None,
            not_starts_with: None,
            extra: Default::default(),
        };
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
}
