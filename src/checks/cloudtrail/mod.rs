//! Checks on CloudTrail trails (coverage, integrity, encryption, delivery, retention, data
//! events) and on its event history (root activity, IAM changes).

crate::checks::register! {
    access_change_log,
    cloudwatch_integration,
    kms_encryption,
    log_file_validation,
    log_retention,
    multi_region_logging,
    root_activity,
    s3_data_events,
}

pub(crate) mod recording;

use super::{Context, Finding, FindingStatus};
use crate::snapshot::{LogGroup, TrailEvidence, TrailLogGroup};

/// `error` findings for regions whose trail listing could not be read: a trail there may exist
/// unseen, so no per-trail check can claim completeness.
pub(crate) fn unlisted_regions(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for region in &ctx.snapshot.regions {
        let listed = ctx
            .snapshot
            .cloudtrail
            .regions
            .get(region)
            .is_some_and(Option::is_some);
        if !listed {
            let ptr = crate::snapshot::pointer::region("cloudtrail", region);
            out.push(ctx.missing(
                format!("cloudtrail/{region}"),
                &ptr,
                &format!("the trail listing of {region}"),
            ));
        }
    }
    if ctx.snapshot.regions.is_empty() {
        out.push(ctx.missing(
            ctx.account_resource("cloudtrail"),
            "/regions",
            "CloudTrail evidence for any region",
        ));
    }
    out
}

/// Runs `judge` on every trail; with no trails at all, one account-level failure (no trail means
/// nothing is logged, validated or encrypted); regions not listed become `error` findings.
pub(crate) fn per_trail(
    ctx: &Context<'_>,
    what: &str,
    judge: impl Fn(&TrailEvidence, String) -> Finding,
) -> Vec<Finding> {
    let mut out = unlisted_regions(ctx);
    let trails = &ctx.snapshot.cloudtrail.trails;
    if trails.is_empty() && out.is_empty() {
        out.push(Finding::fail(
            ctx.account_resource("cloudtrail"),
            format!("no CloudTrail trail exists, so {what}"),
            "/cloudtrail/trails",
        ));
    }
    out.extend(
        trails
            .iter()
            .enumerate()
            .map(|(i, t)| judge(t, format!("/cloudtrail/trails/{i}"))),
    );
    out
}

/// [`per_trail`] for checks on each trail's CloudWatch Logs log group: a group whose region was
/// not read is an `error`, one the trail names but that no longer exists a failure. `unconfigured`
/// judges a trail that delivers to no log group; `judge` the group itself (with its pointer).
pub(crate) fn per_trail_log_group(
    ctx: &Context<'_>,
    what: &str,
    unconfigured: impl Fn(&str, String) -> Finding,
    judge: impl Fn(&str, &LogGroup, String) -> Finding,
) -> Vec<Finding> {
    per_trail(ctx, what, |t, ptr| {
        let arn = &t.trail.trail_arn;
        match ctx.snapshot.trail_log_group(&t.trail) {
            TrailLogGroup::NotConfigured => unconfigured(arn, format!("{ptr}/trail")),
            TrailLogGroup::Unread { pointer } => {
                ctx.missing(arn, &pointer, "the trail's CloudWatch Logs log group")
            }
            TrailLogGroup::Absent { name, pointer } => Finding::fail(
                arn,
                format!("delivers to log group {name}, which does not exist"),
                pointer,
            ),
            TrailLogGroup::OtherAccount { account, name } => Finding::new(
                arn,
                FindingStatus::Error,
                format!(
                    "delivers to log group {name} in account {account}: that account holds the evidence, this one's log groups are not it"
                ),
                format!("{ptr}/trail/CloudWatchLogsLogGroupArn"),
            ),
            TrailLogGroup::Found { group, pointer, .. } => judge(arn, group, pointer),
        }
    })
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::snapshot::*;

    /// A log group named `name` in us-east-1 (where the fixture trails deliver to `trail`).
    pub(crate) fn log_group(name: &str, retention: Option<i64>, kms: Option<&str>) -> LogGroup {
        LogGroup {
            log_group_name: name.into(),
            arn: Some(format!(
                "arn:aws:logs:us-east-1:123456789012:log-group:{name}:*"
            )),
            retention_in_days: retention,
            kms_key_id: kms.map(str::to_string),
            extra: Default::default(),
        }
    }

    /// Sets us-east-1's log groups (filters and alarms stay as they are, or empty).
    pub(crate) fn with_log_groups(s: &mut Snapshot, groups: Vec<LogGroup>) {
        let region = s.cloudwatch.regions.entry("us-east-1".into()).or_default();
        region.log_groups = Some(groups);
        region.metric_filters.get_or_insert_with(Vec::new);
        region.alarms.get_or_insert_with(Vec::new);
    }

    pub fn trail(name: &str, multi_region: bool) -> TrailEvidence {
        TrailEvidence {
            trail: Trail {
                name: name.into(),
                trail_arn: format!("arn:aws:cloudtrail:us-east-1:123456789012:trail/{name}"),
                home_region: Some("us-east-1".into()),
                is_multi_region_trail: multi_region,
                is_organization_trail: false,
                log_file_validation_enabled: true,
                kms_key_id: Some("arn:aws:kms:us-east-1:123456789012:key/abc".into()),
                cloud_watch_logs_log_group_arn: Some(
                    "arn:aws:logs:us-east-1:123456789012:log-group:trail:*".into(),
                ),
                extra: Default::default(),
            },
            status: Some(TrailStatus {
                is_logging: Some(true),
                latest_cloud_watch_logs_delivery_time: Some(AwsTime("2026-10-31T23:00:00Z".into())),
                latest_cloud_watch_logs_delivery_error: None,
                extra: Default::default(),
            }),
            event_selectors: Some(EventSelectors {
                event_selectors: Some(vec![EventSelector {
                    read_write_type: Some("All".into()),
                    include_management_events: Some(true),
                    exclude_management_event_sources: vec![],
                    data_resources: vec![],
                    extra: Default::default(),
                }]),
                advanced_event_selectors: None,
                extra: Default::default(),
            }),
        }
    }
}
