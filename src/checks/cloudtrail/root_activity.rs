//! `cloudtrail.root_activity`: the root user was not used during the look-back window.
//!
//! Every event CloudTrail's event history attributes to `root` in any collected region is a
//! failing finding with when, what, from where and whether MFA was used, so the auditor can ask
//! for the ticket behind it (or waive it as a documented emergency).

use crate::checks::{Context, Finding, FindingStatus, Outcome};

check! {
    RootActivity = "cloudtrail.root_activity",
    "The root user is not used for everyday work: no root activity in the CloudTrail event-history look-back",
    severity: High => "the root user cannot be restricted; its use bypasses every IAM control",
    remediation: "Find out why root was used; document the emergency, or stop using root and lock its credentials away.",
    params {
        min_lookback_days: int(90 in 1..=90) "days of CloudTrail event history the export must cover; a shorter window is a gap, not a clean record",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let s = ctx.snapshot;
    let root = s.root_arn();
    let history = &s.cloudtrail.event_history;
    let mut out = Vec::new();
    let mut clean = Vec::new();
    for region in &s.regions {
        let ptr = crate::snapshot::pointer::root_activity(region);
        match history.root_activity.get(region) {
            Some(Some(events)) if events.is_empty() => clean.push(region.as_str()),
            Some(Some(events)) => out.extend(events.iter().enumerate().map(|(i, e)| {
                Finding::fail(
                    &root,
                    format!("root user used: {}", e.describe()),
                    format!("{ptr}/{i}"),
                )
                .with_key(format!("{region}/{}", e.event_id))
            })),
            _ => out.push(
                ctx.missing(
                    &root,
                    &ptr,
                    &format!("the root user's event history in {region}"),
                )
                .with_key(region.as_str()),
            ),
        }
    }
    if s.regions.is_empty() {
        out.push(ctx.missing(
            &root,
            "/regions",
            "the root user's event history in any region",
        ));
    }
    out.extend(ctx.region_scope_gap());
    out.extend(window_gap(ctx, settings.min_lookback_days));
    if out.is_empty() {
        out.push(Finding::pass(
            root,
            format!(
                "no root activity recorded {} in {} region(s): {}",
                window(ctx),
                clean.len(),
                clean.join(", ")
            ),
            "/cloudtrail/event_history/root_activity",
        ));
    }
    Ok(out)
}

/// The `error` finding when the event history's window does not reach back
/// `min_lookback_days` before collection (or its start is not recorded): events before the
/// window are unseen, so "none recorded" would claim more than the evidence shows.
pub(super) fn window_gap(ctx: &Context<'_>, days: i64) -> Option<Finding> {
    let resource = ctx.account_resource("event-history");
    let start = &ctx.snapshot.cloudtrail.event_history.start_time;
    let Some(t) = start else {
        return Some(Finding::new(
            resource,
            FindingStatus::Error,
            format!(
                "the event history's window start is not in the evidence, so it cannot be shown to cover {days} days"
            ),
            "/cloudtrail/event_history",
        ));
    };
    let covered = t.parse().map(|t| (ctx.as_of - t).num_days());
    match covered {
        Some(c) if c >= days => None,
        Some(c) => Some(Finding::new(
            resource,
            FindingStatus::Error,
            format!(
                "the event history covers {c} days (since {}), less than the {days} required: earlier events are not in the evidence",
                t.0
            ),
            "/cloudtrail/event_history/start_time",
        )),
        None => Some(Finding::new(
            resource,
            FindingStatus::Error,
            format!("the event history's window start {:?} is unreadable", t.0),
            "/cloudtrail/event_history/start_time",
        )),
    }
}

/// "since <start>" for the look-back window, as the evidence records it.
pub(super) fn window(ctx: &Context<'_>) -> String {
    match &ctx.snapshot.cloudtrail.event_history.start_time {
        Some(t) => format!(
            "between {} and {}",
            t.0,
            ctx.as_of.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        None => "in the event history (window start not recorded)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::snapshot::{AwsTime, CloudTrailEvent};

    #[test]
    fn root_events_fail_none_passes_unread_errors() {
        let mut s = snapshot();
        let f = run(&RootActivity, &s);
        assert_eq!(statuses(&f), ["pass"]);
        assert!(
            f[0].message
                .contains("between 2026-08-03T00:00:00Z and 2026-11-01T00:00:00Z"),
            "{}",
            f[0].message
        );

        s.cloudtrail.event_history.root_activity.insert(
            "us-east-1".into(),
            Some(vec![CloudTrailEvent {
                event_id: "e1".into(),
                event_time: Some(AwsTime("2026-10-02T08:00:00Z".into())),
                event_name: "ConsoleLogin".into(),
                event_source: "signin.amazonaws.com".into(),
                identity_type: Some("Root".into()),
                identity_arn: Some("arn:aws:iam::123456789012:root".into()),
                mfa_authenticated: Some(true),
                source_ip: Some("203.0.113.7".into()),
                ..Default::default()
            }]),
        );
        let f = run(&RootActivity, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert_eq!(
            f[0].message,
            "root user used: 2026-10-02T08:00:00Z arn:aws:iam::123456789012:root called ConsoleLogin from 203.0.113.7 with MFA"
        );
        assert_eq!(
            f[0].evidence,
            "/cloudtrail/event_history/root_activity/us-east-1/0"
        );

        s.cloudtrail
            .event_history
            .root_activity
            .insert("us-east-1".into(), None);
        with_gap(&mut s, "/cloudtrail/event_history/root_activity/us-east-1");
        assert_eq!(statuses(&run(&RootActivity, &s)), ["error"]);
    }
}
