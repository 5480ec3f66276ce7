//! `cloudtrail.access_change_log`: the record of who created, changed or deleted IAM users,
//! roles, groups, policies and keys during the look-back window (§164.308(a)(4)(ii)(C), access
//! establishment and modification).
//!
//! Each change is a finding, so the package lists them as evidence. A change fails when the
//! root user made it, or when it was attempted and denied (someone tried to change access
//! without the right to); the rest pass.

use crate::checks::{Context, Finding, Outcome};

check! {
    AccessChangeLog = "cloudtrail.access_change_log",
    "IAM changes in the look-back window are listed, none made by the root user and none attempted without authorization",
    remediation: "Review each listed IAM change; for one made by root or attempted without permission, find out who and why and record the outcome.",
    params {
        fail_on_denied: bool(true) "fail on IAM changes that were attempted and denied (AccessDenied and the like)",
        min_lookback_days: int(90 in 1..=90) "days of CloudTrail event history the export must cover; a shorter window is a gap, not a clean record",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let ptr = "/cloudtrail/event_history/iam_changes";
    let Some(events) = &ctx.snapshot.cloudtrail.event_history.iam_changes else {
        return Ok(vec![ctx.missing(
            ctx.account_resource("iam-changes"),
            ptr,
            "the IAM change events (CloudTrail event history)",
        )]);
    };
    let fail_on_denied = settings.fail_on_denied;
    let mut out: Vec<Finding> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let resource = ctx.account_resource(&format!("iam-change/{}", e.event_id));
            let evidence = format!("{ptr}/{i}");
            let denied = e
                .error_code
                .as_deref()
                .is_some_and(|c| c.contains("AccessDenied") || c.contains("Unauthorized"));
            if e.identity_type.as_deref() == Some("Root") {
                Finding::fail(
                    resource,
                    format!("made by the root user: {}", e.describe()),
                    evidence,
                )
            } else if denied && fail_on_denied {
                Finding::fail(
                    resource,
                    format!("attempted without authorization: {}", e.describe()),
                    evidence,
                )
            } else {
                Finding::pass(resource, e.describe(), evidence)
            }
        })
        .collect();
    // Listed changes stand as evidence; a window shorter than required is a gap beside them.
    out.extend(super::root_activity::window_gap(ctx, settings.min_lookback_days));
    if out.is_empty() {
        out.push(Finding::pass(
            ctx.account_resource("iam-changes"),
            format!(
                "no IAM change recorded {}",
                super::root_activity::window(ctx)
            ),
            ptr,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::testutil::*;
    use crate::snapshot::{AwsTime, CloudTrailEvent};

    fn event(id: &str, name: &str, who: &str, kind: &str, error: Option<&str>) -> CloudTrailEvent {
        CloudTrailEvent {
            event_id: id.into(),
            event_time: Some(AwsTime("2026-10-10T10:00:00Z".into())),
            event_name: name.into(),
            event_source: "iam.amazonaws.com".into(),
            identity_type: Some(kind.into()),
            identity_arn: Some(who.into()),
            error_code: error.map(str::to_string),
            resources: vec!["AWS::IAM::User bob".into()],
            ..Default::default()
        }
    }

    #[test]
    fn changes_are_listed_root_and_denied_ones_fail() {
        let mut s = snapshot();
        let f = run(&AccessChangeLog, &s);
        assert_eq!(statuses(&f), ["pass"]);
        assert!(f[0].message.starts_with("no IAM change recorded between"));

        s.cloudtrail.event_history.iam_changes = Some(vec![
            event(
                "1",
                "CreateUser",
                "arn:aws:iam::123456789012:user/alice",
                "IAMUser",
                None,
            ),
            event(
                "2",
                "AttachUserPolicy",
                "arn:aws:iam::123456789012:root",
                "Root",
                None,
            ),
            event(
                "3",
                "PutUserPolicy",
                "arn:aws:iam::123456789012:user/bob",
                "IAMUser",
                Some("AccessDenied"),
            ),
        ]);
        let f = run(&AccessChangeLog, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "fail"]);
        assert_eq!(
            f[0].message,
            "2026-10-10T10:00:00Z arn:aws:iam::123456789012:user/alice called CreateUser on AWS::IAM::User bob"
        );
        assert!(f[1].message.starts_with("made by the root user"));
        assert!(
            f[2].message.contains("— failed: AccessDenied"),
            "{}",
            f[2].message
        );
        assert_eq!(f[2].evidence, "/cloudtrail/event_history/iam_changes/2");
        assert_eq!(
            statuses(&run_with(
                &AccessChangeLog,
                &s,
                &[("fail_on_denied", ParamValue::Bool(false))]
            )),
            ["pass", "fail", "pass"]
        );

        s.cloudtrail.event_history.iam_changes = None;
        with_gap(&mut s, "/cloudtrail/event_history/iam_changes");
        assert_eq!(statuses(&run(&AccessChangeLog, &s)), ["error"]);
    }
}
