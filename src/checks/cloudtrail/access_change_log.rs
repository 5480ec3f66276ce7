//! `cloudtrail.access_change_log`: the record of who created, changed or deleted IAM users,
//! roles, groups, policies and keys during the look-back window (§164.308(a)(4)(ii)(C), access
//! establishment and modification).
//!
//! Each change is a finding, so the package lists them as evidence. A change fails when the
//! root user made it, or when it was attempted and denied (someone tried to change access
//! without the right to); the rest are listed for review (`not_applicable`: a change is no
//! verdict), and one account-level finding passes when none of them fails.

use crate::checks::{Context, Finding, FindingStatus, Outcome};

check! {
    AccessChangeLog = "cloudtrail.access_change_log",
    "IAM changes in the look-back window are listed, none made by the root user and none attempted without authorization",
    severity: Medium => "root or unauthorized IAM changes are signs of misuse, but the list is mostly ordinary review",
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
                // An ordinary change is evidence to review, not a verdict: never "pass".
                Finding::not_applicable(
                    resource,
                    format!("listed for review: {}", e.describe()),
                    evidence,
                )
            }
        })
        .collect();
    // The check's own question, answered once for the account.
    if !events.is_empty() && !out.iter().any(|f| f.status == FindingStatus::Fail) {
        out.push(Finding::pass(
            ctx.account_resource("iam-changes"),
            format!(
                "none of the {} IAM change(s) listed for review {} was made by the root user or attempted without authorization",
                events.len(),
                super::root_activity::window(ctx)
            ),
            ptr,
        ));
    }
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
        // An ordinary change is listed for review, never passed.
        assert_eq!(statuses(&f), ["not_applicable", "fail", "fail"]);
        assert_eq!(
            f[0].message,
            "listed for review: 2026-10-10T10:00:00Z arn:aws:iam::123456789012:user/alice called CreateUser on AWS::IAM::User bob"
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
            ["not_applicable", "fail", "not_applicable"]
        );
        // With nothing to fail, one account-level finding answers the check's question.
        s.cloudtrail.event_history.iam_changes.as_mut().unwrap().truncate(1);
        let f = run(&AccessChangeLog, &s);
        assert_eq!(statuses(&f), ["not_applicable", "pass"]);
        assert!(
            f[1].message.starts_with("none of the 1 IAM change(s) listed for review"),
            "{}",
            f[1].message
        );

        s.cloudtrail.event_history.iam_changes = None;
        with_gap(&mut s, "/cloudtrail/event_history/iam_changes");
        assert_eq!(statuses(&run(&AccessChangeLog, &s)), ["error"]);
    }
}
