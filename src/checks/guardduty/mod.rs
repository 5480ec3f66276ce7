//! Checks on GuardDuty, the threat detection that turns the account's activity and network
//! traffic into findings: on in every region, and no high-severity finding left open.
//!
//! Threat detection is judged in every region, whatever the PHI scope: an intruder works in
//! whichever region is not watched.

crate::checks::register! {
    enabled,
    open_high_findings,
}

use crate::checks::{Context, Finding};
use crate::snapshot::guardduty::{Detector, GuardDutyRegion};

/// `arn:<partition>:guardduty:<region>:<account>:detector/<id>`.
pub(super) fn detector_arn(ctx: &Context<'_>, region: &str, id: &str) -> String {
    format!(
        "arn:{}:guardduty:{region}:{}:detector/{id}",
        ctx.snapshot.account.partition, ctx.snapshot.account.id
    )
}

/// The region itself, for what is said of it as a whole (no detector, or none readable).
pub(super) fn region_resource(ctx: &Context<'_>, region: &str) -> String {
    format!(
        "arn:{}:guardduty:{region}:{}",
        ctx.snapshot.account.partition, ctx.snapshot.account.id
    )
}

/// A region's detectors as the evidence holds them, or the gap that stands for them.
pub(super) fn detectors<'a>(
    ctx: &Context<'a>,
    region: &str,
) -> Result<&'a [Detector], Box<Finding>> {
    let base = crate::snapshot::pointer::region("guardduty", region);
    let Some(GuardDutyRegion {
        detectors: Some(list),
    }) = ctx.snapshot.guardduty.regions.get(region)
    else {
        let pointer = if ctx.snapshot.guardduty.regions.contains_key(region) {
            format!("{base}/detectors")
        } else {
            "/guardduty/regions".to_string()
        };
        return Err(Box::new(ctx.missing(
            region_resource(ctx, region),
            &pointer,
            &format!("the GuardDuty detectors of {region}"),
        )));
    };
    Ok(list)
}

/// The pointer of a region's `i`-th detector.
pub(super) fn detector_pointer(region: &str, i: usize) -> String {
    format!(
        "{}/detectors/{i}",
        crate::snapshot::pointer::region("guardduty", region)
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    use std::collections::BTreeMap;

    use crate::snapshot::guardduty::{Detector, GuardDuty, GuardDutyRegion, ThreatFinding};

    pub(crate) const DETECTOR: &str = "12abc34d567e8fa901bc2d34e56789f0";

    /// An enabled detector with S3 and RDS protection on and no open finding.
    pub(crate) fn detector() -> Detector {
        Detector {
            id: DETECTOR.into(),
            status: Some("ENABLED".into()),
            features: BTreeMap::from([
                ("S3_DATA_EVENTS".to_string(), "ENABLED".to_string()),
                ("RDS_LOGIN_EVENTS".to_string(), "ENABLED".to_string()),
            ]),
            open_high_findings: Some(Vec::new()),
            described: None,
        }
    }

    pub(crate) fn threat(id: &str, kind: &str, severity: f64) -> ThreatFinding {
        ThreatFinding {
            id: id.into(),
            kind: kind.into(),
            severity,
            title: None,
            resource_type: Some("Instance".into()),
            updated_at: None,
        }
    }

    /// us-east-1 with `detectors`.
    pub(crate) fn guardduty(detectors: Vec<Detector>) -> GuardDuty {
        GuardDuty {
            regions: BTreeMap::from([(
                "us-east-1".to_string(),
                GuardDutyRegion {
                    detectors: Some(detectors),
                },
            )]),
        }
    }
}
