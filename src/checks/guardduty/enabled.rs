//! `guardduty.enabled`: in every region, a GuardDuty detector is enabled (with the protection
//! plans `required_features` names), so suspected incidents are detected wherever they happen.

use crate::checks::{Context, Finding, Outcome};

check! {
    Enabled = "guardduty.enabled",
    "In every region, GuardDuty threat detection is on",
    severity: High => "without threat detection a compromised credential, instance or bucket holding ePHI goes unnoticed until the damage is reported from outside",
    remediation: "Enable GuardDuty in the region (aws guardduty create-detector --enable, or from the organization's delegated administrator for every member), with the protection plans required.",
    params {
        required_features: list("") "comma-separated GuardDuty protection plans (GetDetector Features names, e.g. S3_DATA_EVENTS, RDS_LOGIN_EVENTS, EBS_MALWARE_PROTECTION) that must be enabled too; empty: the detector alone",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    if ctx.snapshot.regions.is_empty() {
        return Err(Box::new(ctx.missing(
            ctx.account_resource("guardduty"),
            "/regions",
            "GuardDuty evidence for any region",
        )));
    }
    Ok(ctx
        .snapshot
        .regions
        .iter()
        .map(|region| judge(ctx, region, &settings.required_features))
        .chain(ctx.region_scope_gap())
        .collect())
}

fn judge(ctx: &Context<'_>, region: &str, required: &[String]) -> Finding {
    let detectors = match super::detectors(ctx, region) {
        Ok(d) => d,
        Err(gap) => return *gap,
    };
    if detectors.is_empty() {
        return Finding::fail(
            super::region_resource(ctx, region),
            format!("no GuardDuty detector in {region}: threat detection is off there"),
            format!(
                "{}/detectors",
                crate::snapshot::pointer::region("guardduty", region)
            ),
        );
    }
    // A region has one detector; judge the enabled one if several appear.
    let enabled = detectors.iter().position(|d| d.enabled() == Some(true));
    let Some(i) = enabled else {
        if let Some(i) = detectors.iter().position(|d| d.status.is_none()) {
            return ctx.missing(
                super::detector_arn(ctx, region, &detectors[i].id),
                &format!("{}/status", super::detector_pointer(region, i)),
                &format!("the status of GuardDuty detector {}", detectors[i].id),
            );
        }
        let d = &detectors[0];
        return Finding::fail(
            super::detector_arn(ctx, region, &d.id),
            format!(
                "GuardDuty detector {} in {region} is {} (suspended): threat detection is off there",
                d.id,
                crate::text::line(d.status.as_deref().unwrap_or_default())
            ),
            format!("{}/status", super::detector_pointer(region, 0)),
        );
    };
    let d = &detectors[i];
    let at = super::detector_pointer(region, i);
    let missing: Vec<String> = required
        .iter()
        .filter_map(|name| match d.features.get(name) {
            Some(s) if s.eq_ignore_ascii_case("ENABLED") => None,
            Some(s) => Some(format!("{name} is {}", crate::text::line(s))),
            None => Some(format!("{name} is not among its protection plans")),
        })
        .collect();
    let arn = super::detector_arn(ctx, region, &d.id);
    if missing.is_empty() {
        let plans = if required.is_empty() {
            String::new()
        } else {
            format!(", with {}", required.join(", "))
        };
        Finding::pass(
            arn,
            format!("GuardDuty detector {} is enabled in {region}{plans}", d.id),
            format!("{at}/status"),
        )
    } else {
        Finding::fail(
            arn,
            format!(
                "GuardDuty detector {} is enabled in {region}, but protection plan {}",
                d.id,
                missing.join("; ")
            ),
            format!("{at}/features"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::guardduty::fixtures::{detector, guardduty};
    use crate::checks::testutil::*;

    #[test]
    fn an_enabled_detector_passes_a_suspended_or_absent_one_fails() {
        let mut s = snapshot();
        s.guardduty = guardduty(vec![detector()]);
        assert_eq!(statuses(&run(&Enabled, &s)), ["pass"]);
        s.guardduty = guardduty(vec![]);
        let f = run(&Enabled, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(f[0].message.contains("no GuardDuty detector"), "{}", f[0].message);
        let mut d = detector();
        d.status = Some("DISABLED".into());
        s.guardduty = guardduty(vec![d]);
        let f = run(&Enabled, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(f[0].message.contains("DISABLED (suspended)"), "{}", f[0].message);
    }

    #[test]
    fn unread_detectors_or_status_are_gaps_and_every_region_is_judged() {
        let mut s = snapshot();
        // Nothing of GuardDuty in the evidence at all.
        assert_eq!(statuses(&run(&Enabled, &s)), ["error"]);
        s.guardduty = guardduty(vec![detector()]);
        s.regions.push("eu-west-1".into());
        let f = run(&Enabled, &s);
        assert_eq!(statuses(&f), ["pass", "error"]);
        assert!(f[1].resource.contains("eu-west-1"), "{}", f[1].resource);
        s.regions.pop();
        let mut d = detector();
        d.status = None;
        s.guardduty = guardduty(vec![d]);
        with_gap(&mut s, "/guardduty/regions/us-east-1/detectors/0/status");
        let f = run(&Enabled, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert!(f[0].message.contains("status of GuardDuty detector"), "{}", f[0].message);
    }

    #[test]
    fn required_protection_plans_must_be_enabled() {
        let mut s = snapshot();
        let mut d = detector();
        d.features.insert("RDS_LOGIN_EVENTS".into(), "DISABLED".into());
        s.guardduty = guardduty(vec![d]);
        let need = |plans: &str| {
            vec![(
                "required_features",
                ParamValue::List(plans.split(',').map(String::from).collect()),
            )]
        };
        assert_eq!(statuses(&run_with(&Enabled, &s, &need("S3_DATA_EVENTS"))), ["pass"]);
        let f = run_with(&Enabled, &s, &need("S3_DATA_EVENTS,RDS_LOGIN_EVENTS,EKS_AUDIT_LOGS"));
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("RDS_LOGIN_EVENTS is DISABLED")
                && f[0].message.contains("EKS_AUDIT_LOGS is not among"),
            "{}",
            f[0].message
        );
    }
}
