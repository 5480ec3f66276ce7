//! `cloudtrail.multi_region_logging`: one trail records all management activity in every region.
//!
//! The anchors disagree here (Prowler accepts any logging trail per region; Steampipe wants one
//! multi-region trail). By default we take Steampipe's stricter reading: a single multi-region
//! trail that is logging and records both read and write management events. With
//! `per_region_coverage` Prowler's reading applies: each region passes when some logging trail
//! (multi-region, or homed there) records its management events.

use super::recording::{Recorded, records_all};
use crate::checks::reference_events::{Account, management_events};
use crate::checks::{Context, Finding, FindingStatus, Outcome};
use crate::snapshot::TrailEvidence;

check! {
    MultiRegionLogging = "cloudtrail.multi_region_logging",
    "A multi-region trail is logging and records read and write management events",
    severity: High => "without a logging multi-region trail, activity in the account is not recorded at all",
    remediation: "Create (or fix) one multi-region trail that is logging and records read and write management events.",
    params {
        per_region_coverage: bool(false) "accept, per region, any logging trail covering it (Prowler's reading) instead of one multi-region trail (Steampipe's)",
    }
}

/// Whether a trail qualifies: `Some(Ok)` yes, `Some(Err(why))` no, `None` undecidable.
enum Verdict {
    Qualifies(String),
    FallsShort(String),
    Unknown(String),
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let resource = ctx.account_resource("cloudtrail");
    let verdicts: Vec<(usize, &TrailEvidence, Verdict)> = ctx
        .snapshot
        .cloudtrail
        .trails
        .iter()
        .enumerate()
        .map(|(i, t)| (i, t, judge(ctx, t)))
        .collect();
    if let Some((i, _, Verdict::Qualifies(why))) = verdicts
        .iter()
        .find(|(_, _, v)| matches!(v, Verdict::Qualifies(_)))
    {
        return Ok(vec![Finding::pass(
            resource,
            why.clone(),
            format!("/cloudtrail/trails/{i}"),
        )]);
    }
    if settings.per_region_coverage {
        return Ok(per_region(ctx));
    }
    let reasons: Vec<String> = verdicts
        .iter()
        .map(|(_, t, v)| match v {
            Verdict::FallsShort(why) | Verdict::Unknown(why) => {
                format!("{}: {why}", t.trail.name)
            }
            Verdict::Qualifies(_) => unreachable!(),
        })
        .collect();
    let unknown = verdicts
        .iter()
        .find(|(_, _, v)| matches!(v, Verdict::Unknown(_)));
    let unlisted = super::unlisted_regions(ctx);
    if let Some((i, _, _)) = unknown {
        let msg = format!(
            "cannot tell whether a qualifying trail exists: {}",
            reasons.join("; ")
        );
        return Ok(vec![Finding::new(
            resource,
            FindingStatus::Error,
            msg,
            format!("/cloudtrail/trails/{i}"),
        )]);
    }
    if !unlisted.is_empty() && verdicts.is_empty() {
        // A region we could not list might hold the trail; that is a gap, not a failure.
        return Ok(unlisted);
    }
    let msg = if reasons.is_empty() {
        "no CloudTrail trail exists".to_string()
    } else {
        format!(
            "no multi-region trail is logging all management events ({})",
            reasons.join("; ")
        )
    };
    Ok(vec![Finding::fail(resource, msg, "/cloudtrail/trails")])
}

/// Prowler's reading: one finding per region, passing when a logging trail covers it.
fn per_region(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = super::unlisted_regions(ctx);
    out.extend(ctx.region_scope_gap());
    let trails = &ctx.snapshot.cloudtrail.trails;
    for region in &ctx.snapshot.regions {
        if out
            .iter()
            .any(|f| f.resource == format!("cloudtrail/{region}"))
        {
            continue;
        }
        let covering = trails.iter().enumerate().filter(|(_, t)| {
            t.trail.is_multi_region_trail || t.trail.home_region.as_deref() == Some(region.as_str())
        });
        let mut why = Vec::new();
        let mut found = None;
        for (i, t) in covering {
            match logging_all_management(ctx, t, Some(region)) {
                Verdict::Qualifies(_) => {
                    found = Some((i, t));
                    break;
                }
                Verdict::FallsShort(w) | Verdict::Unknown(w) => {
                    why.push(format!("{}: {w}", t.trail.name))
                }
            }
        }
        let resource = format!("cloudtrail/{region}");
        out.push(match found {
            Some((i, t)) => Finding::pass(
                resource,
                format!(
                    "{} logs {region}'s read and write management events",
                    t.trail.trail_arn
                ),
                format!("/cloudtrail/trails/{i}"),
            ),
            None => Finding::fail(
                resource,
                if why.is_empty() {
                    format!("no trail covers {region}")
                } else {
                    format!(
                        "no logging trail records {region}'s management events ({})",
                        why.join("; ")
                    )
                },
                "/cloudtrail/trails",
            ),
        });
    }
    out
}

fn judge(ctx: &Context<'_>, t: &TrailEvidence) -> Verdict {
    if !t.trail.is_multi_region_trail {
        return Verdict::FallsShort("single-region trail".into());
    }
    logging_all_management(ctx, t, None)
}

/// Whether a trail is logging and records every reference management event (reads, writes,
/// KMS decrypts and RDS Data API calls), in every region or, with `region`, in that one.
fn logging_all_management(ctx: &Context<'_>, t: &TrailEvidence, region: Option<&str>) -> Verdict {
    let account = Account::of(ctx.snapshot);
    let mut events = management_events(&account);
    if let Some(region) = region {
        // Per region: the regional events, moved to that region; global services are
        // recorded in us-east-1 only.
        events.retain(|e| region == "us-east-1" || !is_global(&e.record));
        for e in &mut events {
            e.record["awsRegion"] = region.into();
        }
    }
    match records_all(t, &events) {
        Recorded::Yes => Verdict::Qualifies(format!(
            "{} is {}logging, and records read and write management events of every source",
            t.trail.trail_arn,
            if t.trail.is_multi_region_trail {
                "multi-region, "
            } else {
                ""
            }
        )),
        Recorded::No(why) => Verdict::FallsShort(why),
        Recorded::Undecided(why) => Verdict::Unknown(why),
    }
}

fn is_global(record: &serde_json::Value) -> bool {
    record["eventSource"] == "iam.amazonaws.com"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::fixtures::trail;
    use crate::checks::testutil::*;
    use crate::snapshot::AdvancedEventSelector;

    #[test]
    fn one_qualifying_trail_passes() {
        let mut s = snapshot();
        s.cloudtrail.trails = vec![trail("regional", false), trail("org", true)];
        let f = run(&MultiRegionLogging, &s);
        assert_eq!(statuses(&f), ["pass"]);
        assert_eq!(f[0].evidence, "/cloudtrail/trails/1");
    }

    #[test]
    fn stopped_write_only_or_single_region_trails_fail() {
        let mut s = snapshot();
        let mut stopped = trail("stopped", true);
        stopped.status.as_mut().unwrap().is_logging = Some(false);
        let mut write_only = trail("writes", true);
        write_only
            .event_selectors
            .as_mut()
            .unwrap()
            .event_selectors
            .as_mut()
            .unwrap()[0]
            .read_write_type = Some("WriteOnly".into());
        s.cloudtrail.trails = vec![stopped, write_only, trail("regional", false)];
        let f = run(&MultiRegionLogging, &s);
        assert_eq!(statuses(&f), ["fail"]);
        for part in [
            "stopped: logging is stopped",
            "writes: does not record a read",
            "regional: single-region trail",
        ] {
            assert!(
                f[0].message.contains(part),
                "{part} not in {}",
                f[0].message
            );
        }
        s.cloudtrail.trails.clear();
        assert_eq!(statuses(&run(&MultiRegionLogging, &s)), ["fail"]);
    }

    #[test]
    fn per_region_coverage_accepts_a_home_region_trail_per_region() {
        let mut s = snapshot();
        s.regions = vec!["eu-west-1".into(), "us-east-1".into()];
        s.cloudtrail
            .regions
            .insert("eu-west-1".into(), Some(vec![]));
        let mut home = trail("home", false);
        home.trail.home_region = Some("us-east-1".into());
        s.cloudtrail.trails = vec![home];
        assert_eq!(statuses(&run(&MultiRegionLogging, &s)), ["fail"]);
        let prowler = [("per_region_coverage", crate::checks::ParamValue::Bool(true))];
        let f = run_with(&MultiRegionLogging, &s, &prowler);
        assert_eq!(statuses(&f), ["fail", "pass"]);
        assert_eq!(f[0].resource, "cloudtrail/eu-west-1");
    }

    #[test]
    fn advanced_selectors_are_understood() {
        let mut s = snapshot();
        let mut t = trail("adv", true);
        let field = |name: &str, eq: &str| field_selector(name, "Equals", &[eq]);
        t.event_selectors.as_mut().unwrap().event_selectors = None;
        t.event_selectors.as_mut().unwrap().advanced_event_selectors =
            Some(vec![AdvancedEventSelector {
                name: None,
                field_selectors: vec![field("eventCategory", "Management")],
            }]);
        s.cloudtrail.trails = vec![t.clone()];
        assert_eq!(statuses(&run(&MultiRegionLogging, &s)), ["pass"]);
        t.event_selectors
            .as_mut()
            .unwrap()
            .advanced_event_selectors
            .as_mut()
            .unwrap()[0]
            .field_selectors
            .push(field("readOnly", "false"));
        s.cloudtrail.trails = vec![t];
        assert_eq!(statuses(&run(&MultiRegionLogging, &s)), ["fail"]);
    }

    #[test]
    fn missing_status_or_listing_is_an_error_not_a_failure() {
        let mut s = snapshot();
        let mut t = trail("org", true);
        t.status = None;
        s.cloudtrail.trails = vec![t];
        assert_eq!(statuses(&run(&MultiRegionLogging, &s)), ["error"]);

        let mut s = snapshot();
        s.cloudtrail.regions.insert("us-east-1".into(), None);
        with_gap(&mut s, "/cloudtrail/regions/us-east-1");
        assert_eq!(statuses(&run(&MultiRegionLogging, &s)), ["error"]);
    }
}
