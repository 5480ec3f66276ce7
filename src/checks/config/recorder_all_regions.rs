//! `config.recorder_all_regions`: AWS Config records every resource type in every region.

use crate::checks::{Context, Finding, FindingStatus, Outcome};

check! {
    RecorderAllRegions = "config.recorder_all_regions",
    "In every region, an AWS Config recorder is recording all supported resource types and last succeeded",
    severity: Medium => "configuration changes in unrecorded regions leave no history to review",
    remediation: "Turn on an AWS Config recorder for all resource types (global ones included) in every enabled region, with a working delivery channel.",
    params {
        require_global_resource_types: bool(true) "the recorder must also include global resource types such as IAM (Steampipe requires it)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let s = ctx.snapshot;
    if s.regions.is_empty() {
        return Ok(vec![ctx.missing(
            ctx.account_resource("config"),
            "/regions",
            "AWS Config evidence for any region",
        )]);
    }
    let need_global = settings.require_global_resource_types;
    Ok(s.regions
        .iter()
        .map(|region| {
            let resource = format!("config/{region}/configuration-recorder");
            let base = crate::snapshot::pointer::region("config", region);
            let Some(cfg) = s.config.regions.get(region) else {
                return ctx.missing(
                    resource,
                    &base,
                    &format!("AWS Config evidence for {region}"),
                );
            };
            let Some(recorders) = &cfg.recorders else {
                return ctx.missing(
                    resource,
                    &format!("{base}/recorders"),
                    &format!("the configuration recorders of {region}"),
                );
            };
            if recorders.is_empty() {
                return Finding::fail(
                    resource,
                    format!("no configuration recorder in {region}"),
                    format!("{base}/recorders"),
                );
            }
            // What is recorded must be delivered: without a delivery channel the recorder
            // keeps no history (AWS Config Developer Guide, "Managing the delivery channel").
            let channel_problem = match (&cfg.delivery_channels, &cfg.delivery_channel_statuses)
            {
                (None, _) => {
                    return ctx.missing(
                        resource,
                        &format!("{base}/delivery_channels"),
                        &format!("the delivery channels of {region}"),
                    );
                }
                (Some(c), _) if c.is_empty() => {
                    Some("has no delivery channel to deliver to".to_string())
                }
                (Some(_), None) => {
                    return ctx.missing(
                        resource,
                        &format!("{base}/delivery_channel_statuses"),
                        &format!("the delivery channel status of {region}"),
                    );
                }
                (Some(_), Some(statuses)) => failing_delivery(statuses),
            };
            // A region has at most one recorder today; judge the best one if several appear.
            let mut last_failure = None;
            for (ri, rec) in recorders.iter().enumerate() {
                let mut problems: Vec<String> = channel_problem.clone().into_iter().collect();
                let group = rec.recording_group.clone().unwrap_or_default();
                if group.all_supported != Some(true) {
                    problems.push("does not record all supported resource types".to_string());
                }
                if need_global && group.include_global_resource_types != Some(true) {
                    problems.push("does not include global resource types".to_string());
                }
                let status_idx = cfg
                    .recorder_statuses
                    .as_ref()
                    .and_then(|st| st.iter().position(|x| x.name == rec.name));
                match (&cfg.recorder_statuses, status_idx) {
                    (None, _) => {
                        if problems.is_empty() {
                            let m = ctx.missing(
                                &resource,
                                &format!("{base}/recorder_statuses"),
                                &format!("the status of recorder {:?}", rec.name),
                            );
                            last_failure = Some(m);
                            continue;
                        }
                    }
                    (Some(_), None) => problems.push("has no status (never started)".into()),
                    (Some(st), Some(si)) => {
                        let status = &st[si];
                        if status.recording != Some(true) {
                            problems.push("is not recording".into());
                        }
                        match status.last_status.as_deref() {
                            Some(x) if x.eq_ignore_ascii_case("SUCCESS") => {}
                            other => problems.push(format!(
                                "last status is {}{}",
                                other.unwrap_or("unknown"),
                                status
                                    .last_error_code
                                    .as_deref()
                                    .map(|c| format!(" ({c})"))
                                    .unwrap_or_default()
                            )),
                        }
                    }
                }
                let ptr = format!("{base}/recorders/{ri}");
                if problems.is_empty() {
                    return Finding::pass(
                        resource,
                        format!(
                            "recorder {:?} records all resource types and last succeeded",
                            rec.name
                        ),
                        ptr,
                    );
                }
                last_failure = Some(Finding::fail(
                    &resource,
                    format!("recorder {:?} {}", rec.name, problems.join(", ")),
                    ptr,
                ));
            }
            last_failure.unwrap_or_else(|| {
                Finding::new(
                    resource,
                    FindingStatus::Error,
                    "no recorder could be judged",
                    base,
                )
            })
        })
        .chain(ctx.region_scope_gap())
        .collect())
}

/// Why a region's delivery channels are not delivering: a channel whose last snapshot, history
/// or stream delivery failed (`lastStatus` FAILURE), or no status at all for a channel.
fn failing_delivery(statuses: &[serde_json::Value]) -> Option<String> {
    if statuses.is_empty() {
        return Some("has a delivery channel that reports no delivery status".into());
    }
    let mut out = Vec::new();
    for st in statuses {
        let name = st["name"].as_str().unwrap_or("?");
        for (info, what) in [
            ("configHistoryDeliveryInfo", "history delivery"),
            ("configSnapshotDeliveryInfo", "snapshot delivery"),
            ("configStreamDeliveryInfo", "stream delivery"),
        ] {
            if st[info]["lastStatus"].as_str() == Some("FAILURE") {
                let code = st[info]["lastErrorCode"]
                    .as_str()
                    .unwrap_or("no error code");
                out.push(format!(
                    "delivers through channel {name:?}, whose last {what} failed ({code})"
                ));
            }
        }
    }
    (!out.is_empty()).then(|| out.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::testutil::*;
    use crate::snapshot::{ConfigurationRecorder, RecorderStatus, RecordingGroup};

    fn recording(s: &mut crate::snapshot::Snapshot, all: bool, global: bool, last: &str) {
        let cfg = s.config.regions.get_mut("us-east-1").unwrap();
        cfg.recorders = Some(vec![ConfigurationRecorder {
            name: "default".into(),
            recording_group: Some(RecordingGroup {
                all_supported: Some(all),
                include_global_resource_types: Some(global),
                extra: Default::default(),
            }),
            extra: Default::default(),
        }]);
        cfg.recorder_statuses = Some(vec![RecorderStatus {
            name: "default".into(),
            recording: Some(true),
            last_status: Some(last.into()),
            last_error_code: None,
            extra: Default::default(),
        }]);
        cfg.delivery_channels = Some(vec![
            serde_json::json!({"name": "default", "s3BucketName": "config-history"}),
        ]);
        cfg.delivery_channel_statuses = Some(vec![serde_json::json!({"name": "default",
            "configHistoryDeliveryInfo": {"lastStatus": "SUCCESS"},
            "configSnapshotDeliveryInfo": {"lastStatus": "SUCCESS"},
            "configStreamDeliveryInfo": {"lastStatus": "NOT_APPLICABLE"}})]);
    }

    #[test]
    fn a_failing_or_unknown_delivery_does_not_pass() {
        let mut s = snapshot();
        recording(&mut s, true, true, "SUCCESS");
        let cfg = s.config.regions.get_mut("us-east-1").unwrap();
        cfg.delivery_channel_statuses.as_mut().unwrap()[0]["configHistoryDeliveryInfo"] =
            serde_json::json!({"lastStatus": "FAILURE", "lastErrorCode": "NoSuchBucket"});
        let f = run(&RecorderAllRegions, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message
                .contains("last history delivery failed (NoSuchBucket)"),
            "{}",
            f[0].message
        );
        s.config
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .delivery_channel_statuses = None;
        assert_eq!(statuses(&run(&RecorderAllRegions, &s)), ["error"]);
    }

    #[test]
    fn a_recorder_without_a_delivery_channel_does_not_pass() {
        let mut s = snapshot();
        recording(&mut s, true, true, "SUCCESS");
        s.config
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .delivery_channels = Some(vec![]);
        let f = run(&RecorderAllRegions, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("no delivery channel"),
            "{}",
            f[0].message
        );
        s.config
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .delivery_channels = None;
        with_gap(&mut s, "/config/regions/us-east-1/delivery_channels");
        assert_eq!(statuses(&run(&RecorderAllRegions, &s)), ["error"]);
    }

    #[test]
    fn full_recording_passes_partial_fails() {
        let mut s = snapshot();
        assert_eq!(statuses(&run(&RecorderAllRegions, &s)), ["fail"]);
        recording(&mut s, true, true, "SUCCESS");
        assert_eq!(statuses(&run(&RecorderAllRegions, &s)), ["pass"]);
        recording(&mut s, true, false, "FAILURE");
        let f = run(&RecorderAllRegions, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("global resource types")
                && f[0].message.contains("last status is FAILURE"),
            "{}",
            f[0].message
        );
        recording(&mut s, true, false, "SUCCESS");
        assert_eq!(
            statuses(&run_with(
                &RecorderAllRegions,
                &s,
                &[("require_global_resource_types", ParamValue::Bool(false))]
            )),
            ["pass"]
        );
    }

    #[test]
    fn every_region_is_judged_and_missing_evidence_is_an_error() {
        let mut s = snapshot();
        recording(&mut s, true, true, "SUCCESS");
        s.regions.push("eu-west-1".into());
        let f = run(&RecorderAllRegions, &s);
        assert_eq!(statuses(&f), ["pass", "error"]);
        assert_eq!(f[1].resource, "config/eu-west-1/configuration-recorder");

        s.config
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .recorder_statuses = None;
        with_gap(&mut s, "/config/regions/us-east-1/recorder_statuses");
        assert_eq!(statuses(&run(&RecorderAllRegions, &s))[0], "error");
    }
}
