//! `guardduty.open_high_findings`: no GuardDuty finding of high severity (7 or more) is left
//! open (not archived): each is a suspected incident awaiting a response.

use std::collections::BTreeMap;

use crate::checks::{Context, Finding, Outcome};
use crate::snapshot::guardduty::{Detector, HIGH_SEVERITY, ThreatFinding};

check! {
    OpenHighFindings = "guardduty.open_high_findings",
    "No high-severity GuardDuty finding is left open",
    severity: High => "an open high-severity finding is a suspected incident (a compromised credential, instance or bucket) that no one has yet answered",
    remediation: "Investigate each finding, respond (revoke the credential, isolate the instance, …), record the incident, then archive the finding; suppression rules are for known benign activity only.",
}

/// How many finding types a message names; the count covers the rest.
const TYPES_NAMED: usize = 5;

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Outcome {
    if ctx.snapshot.regions.is_empty() {
        return Err(Box::new(ctx.missing(
            ctx.account_resource("guardduty"),
            "/regions",
            "GuardDuty evidence for any region",
        )));
    }
    let mut out = Vec::new();
    for region in &ctx.snapshot.regions {
        let detectors = match super::detectors(ctx, region) {
            Ok(d) => d,
            Err(gap) => {
                out.push(*gap);
                continue;
            }
        };
        let enabled: Vec<(usize, &Detector)> = detectors
            .iter()
            .enumerate()
            .filter(|(_, d)| d.enabled() == Some(true))
            .collect();
        if enabled.is_empty() {
            // A detector whose status is unread may be the enabled one.
            if let Some(i) = detectors.iter().position(|d| d.status.is_none()) {
                out.push(ctx.missing(
                    super::detector_arn(ctx, region, &detectors[i].id),
                    &format!("{}/status", super::detector_pointer(region, i)),
                    &format!("the status of GuardDuty detector {}", detectors[i].id),
                ));
                continue;
            }
            out.push(Finding::not_applicable(
                super::region_resource(ctx, region),
                format!(
                    "no enabled GuardDuty detector in {region}, so no finding to answer; guardduty.enabled reports that threat detection is off"
                ),
                format!(
                    "{}/detectors",
                    crate::snapshot::pointer::region("guardduty", region)
                ),
            ));
            continue;
        }
        for (i, d) in enabled {
            out.push(judge(ctx, region, i, d));
        }
    }
    Ok(out)
}

fn judge(ctx: &Context<'_>, region: &str, i: usize, d: &Detector) -> Finding {
    let arn = super::detector_arn(ctx, region, &d.id);
    let at = super::detector_pointer(region, i);
    let Some(open) = &d.open_high_findings else {
        return ctx.missing(
            arn,
            &format!("{at}/open_high_findings"),
            &format!("the open high-severity findings of GuardDuty detector {}", d.id),
        );
    };
    if open.is_empty() {
        return Finding::pass(
            arn,
            format!(
                "GuardDuty detector {} in {region} has no open finding of severity {HIGH_SEVERITY} or more",
                d.id
            ),
            format!("{at}/open_high_findings"),
        );
    }
    let what = match &d.described {
        Some(list) if !list.is_empty() => format!(": {}", summary(list)),
        Some(_) => String::new(),
        None => {
            let gap = ctx.missing(&arn, &format!("{at}/described"), "what they are");
            format!(" ({})", gap.message)
        }
    };
    Finding::fail(
        arn,
        format!(
            "GuardDuty detector {} in {region} has {} open finding(s) of severity {HIGH_SEVERITY} or more{what}",
            d.id,
            open.len()
        ),
        format!("{at}/open_high_findings"),
    )
}

/// `highest 8.0; UnauthorizedAccess:EC2/SSHBruteForce ×2 (Instance), …`: the types by count,
/// then by name, with the kinds of resource involved.
fn summary(list: &[ThreatFinding]) -> String {
    let mut by_kind: BTreeMap<&str, (usize, Vec<&str>)> = BTreeMap::new();
    for f in list {
        let e = by_kind.entry(f.kind.as_str()).or_default();
        e.0 += 1;
        if let Some(r) = f.resource_type.as_deref()
            && !e.1.contains(&r)
        {
            e.1.push(r);
        }
    }
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let highest = list
        .iter()
        .map(|f| f.severity)
        .fold(f64::MIN, f64::max);
    let mut named: Vec<String> = kinds
        .iter()
        .take(TYPES_NAMED)
        .map(|(kind, (n, resources))| {
            let times = if *n > 1 { format!(" ×{n}") } else { String::new() };
            let on = if resources.is_empty() {
                String::new()
            } else {
                format!(" ({})", crate::text::line(&resources.join(", ")))
            };
            format!("{}{times}{on}", crate::text::line(kind))
        })
        .collect();
    if kinds.len() > TYPES_NAMED {
        named.push(format!("{} more type(s)", kinds.len() - TYPES_NAMED));
    }
    format!("highest severity {highest:.1}; {}", named.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::guardduty::fixtures::{detector, guardduty, threat};
    use crate::checks::testutil::*;

    #[test]
    fn open_findings_fail_none_passes_and_their_types_are_named() {
        let mut s = snapshot();
        s.guardduty = guardduty(vec![detector()]);
        assert_eq!(statuses(&run(&OpenHighFindings, &s)), ["pass"]);
        let mut d = detector();
        d.open_high_findings = Some(vec!["a1".into(), "b2".into(), "c3".into()]);
        d.described = Some(vec![
            threat("a1", "UnauthorizedAccess:EC2/SSHBruteForce", 8.0),
            threat("b2", "UnauthorizedAccess:EC2/SSHBruteForce", 7.5),
            threat("c3", "Exfiltration:S3/AnomalousBehavior", 8.5),
        ]);
        s.guardduty = guardduty(vec![d]);
        let f = run(&OpenHighFindings, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("3 open finding(s)")
                && f[0].message.contains("highest severity 8.5")
                && f[0]
                    .message
                    .contains("UnauthorizedAccess:EC2/SSHBruteForce ×2 (Instance), Exfiltration"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn findings_known_but_not_described_still_fail_and_unread_ones_are_a_gap() {
        let mut s = snapshot();
        let mut d = detector();
        d.open_high_findings = Some(vec!["a1".into()]);
        s.guardduty = guardduty(vec![d.clone()]);
        with_gap(&mut s, "/guardduty/regions/us-east-1/detectors/0/described");
        let f = run(&OpenHighFindings, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(f[0].message.contains("what they are is missing"), "{}", f[0].message);
        d.open_high_findings = None;
        s.guardduty = guardduty(vec![d]);
        assert_eq!(statuses(&run(&OpenHighFindings, &s)), ["error"]);
    }

    #[test]
    fn a_region_without_an_enabled_detector_is_not_applicable_unless_its_status_is_unread() {
        let mut s = snapshot();
        s.guardduty = guardduty(vec![]);
        let f = run(&OpenHighFindings, &s);
        assert_eq!(statuses(&f), ["not_applicable"]);
        assert!(f[0].message.contains("guardduty.enabled"), "{}", f[0].message);
        let mut d = detector();
        d.status = None;
        s.guardduty = guardduty(vec![d]);
        assert_eq!(statuses(&run(&OpenHighFindings, &s)), ["error"]);
    }
}
