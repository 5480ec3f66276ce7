//! `vpc.flow_logs`: every VPC holding PHI records its network flows (a VPC-level flow log,
//! active, of accepted traffic or all of it), so who reached the stores of ePHI over the
//! network can be examined (supporting evidence for audit controls).
//!
//! A VPC holds PHI when the scope takes it in (its tags or ARN) or an EC2 instance in it is in
//! the scope, by its tags or a volume attached to it. Where RDS, EFS and load balancers sit is
//! not read yet: a VPC holding only those is judged by its own tags.

use crate::checks::{Context, Finding, Outcome};
use crate::phi_scope::Membership;
use crate::snapshot::ec2::{Ec2Region, Vpc};

check! {
    FlowLogs = "vpc.flow_logs",
    "Every VPC holding PHI records its network flows (VPC flow logs)",
    severity: Medium => "without flow logs, which hosts reached the systems holding ePHI, and when, cannot be examined after an incident",
    remediation: "Create a flow log on the VPC (aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC --traffic-type ALL, to CloudWatch Logs or S3) and keep it as long as the audit logs.",
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let regions = crate::checks::ebs::regions(ctx, "the account's VPCs")?;
    let mut out = Vec::new();
    for (region, r) in regions {
        let base = crate::snapshot::pointer::region("ec2", region);
        let Some(vpcs) = &r.vpcs else {
            out.push(crate::checks::stores::region_list_gap(ctx, ("ec2", "ec2", "vpcs"), region, "VPC list"));
            continue;
        };
        for (i, vpc) in vpcs.iter().enumerate() {
            let pointer = format!("{base}/vpcs/{i}");
            out.push(match holds_phi(ctx, r, vpc) {
                Membership::Out(why) => Finding::not_applicable(&vpc.arn, why, pointer),
                Membership::Undecided(why) => ctx.missing(&vpc.arn, &format!("{base}/instances"), &format!("whether VPC {} holds PHI ({why})", vpc.id)),
                Membership::In(_) => judge(ctx, r, vpc, &base),
            });
        }
    }
    if out.is_empty() {
        out.push(Finding::not_applicable(ctx.account_resource("vpc"), "the regions read hold no VPC", "/ec2/regions"));
    }
    Ok(out)
}

fn holds_phi(ctx: &Context<'_>, r: &Ec2Region, vpc: &Vpc) -> Membership {
    let own = crate::checks::stores::membership(ctx, &vpc.arn, Some(&vpc.tags));
    if matches!(own, Membership::In(_)) {
        return own;
    }
    let Some(instances) = &r.instances else {
        return Membership::Undecided("the instances in it are not in the evidence".into());
    };
    let volumes = r.volumes.as_deref().unwrap_or_default();
    for i in instances.iter().filter(|i| i.vpc.as_deref() == Some(vpc.id.as_str())) {
        if let Membership::In(why) = crate::checks::stores::membership(ctx, &i.arn, Some(&i.tags)) {
            return Membership::In(format!("instance {} in it: {why}", i.id));
        }
        for v in volumes.iter().filter(|v| v.attached_to.contains(&i.id)) {
            if let Membership::In(why) = crate::checks::stores::membership(ctx, &v.arn, Some(&v.tags)) {
                return Membership::In(format!("volume {} of instance {} in it: {why}", v.id, i.id));
            }
        }
    }
    match own {
        Membership::Out(why) => Membership::Out(format!("{why}, and no EC2 instance in it holds PHI")),
        other => other,
    }
}

fn judge(ctx: &Context<'_>, r: &Ec2Region, vpc: &Vpc, base: &str) -> Finding {
    let at = format!("{base}/flow_logs");
    let Some(logs) = &r.flow_logs else {
        return ctx.missing(&vpc.arn, &at, &format!("the flow logs of VPC {}", vpc.id));
    };
    let mine: Vec<_> = logs.iter().filter(|f| f.resource == vpc.id).collect();
    let active: Vec<_> = mine.iter().filter(|f| f.status.as_deref() == Some("ACTIVE")).collect();
    if let Some(f) = active.iter().find(|f| matches!(f.traffic.as_deref(), Some("ALL") | Some("ACCEPT"))) {
        let what = match f.traffic.as_deref() {
            Some("ALL") => "all its traffic",
            _ => "the connections it accepts",
        };
        return Finding::pass(
            &vpc.arn,
            format!("VPC {} records {what} in flow log {}", vpc.id, f.id),
            at,
        );
    }
    let message = match (mine.is_empty(), active.is_empty()) {
        (true, _) => format!("VPC {} has no flow log", vpc.id),
        (false, true) => format!("VPC {}'s flow logs are not active", vpc.id),
        (false, false) => format!("VPC {}'s flow logs record rejected traffic only: the connections that reached its hosts are not recorded", vpc.id),
    };
    Finding::fail(&vpc.arn, message, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ebs::fixtures::{ec2, instance, volume};
    use crate::checks::testutil::*;
    use crate::snapshot::ec2::FlowLog;

    fn vpc(id: &str, tags: &[(&str, &str)]) -> Vpc {
        Vpc {
            id: id.into(),
            arn: format!("arn:aws:ec2:us-east-1:123456789012:vpc/{id}"),
            is_default: false,
            tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    fn log(resource: &str, status: &str, traffic: &str) -> FlowLog {
        FlowLog {
            id: format!("fl-{}", &resource[4..]),
            resource: resource.into(),
            status: Some(status.into()),
            traffic: Some(traffic.into()),
        }
    }

    fn scope() -> crate::phi_scope::PhiScope {
        crate::phi_scope::PhiScope::defined(crate::phi_scope::Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        })
    }

    #[test]
    fn vpcs_holding_phi_need_an_active_flow_log_of_accepted_traffic() {
        let mut s = snapshot();
        let mut with_instance = instance("i-0a0a0a0a", &[]);
        with_instance.vpc = Some("vpc-0000000b".into());
        let mut attached = volume("vol-0c0c0c0c");
        attached.attached_to = vec!["i-0a0a0a0a".into()];
        s.ec2 = ec2(vec![attached], vec![with_instance]);
        let r = s.ec2.regions.get_mut("us-east-1").unwrap();
        r.vpcs = Some(vec![
            vpc("vpc-0000000a", &[("phi", "true")]),
            vpc("vpc-0000000b", &[]),
            vpc("vpc-0000000c", &[("phi", "true")]),
            vpc("vpc-0000000d", &[("phi", "true")]),
            vpc("vpc-0000000e", &[]),
        ]);
        r.flow_logs = Some(vec![
            log("vpc-0000000a", "ACTIVE", "ALL"),
            log("vpc-0000000b", "ACTIVE", "ACCEPT"),
            log("vpc-0000000c", "ACTIVE", "REJECT"),
        ]);
        let f = run_scoped(&FlowLogs, &s, &[], &scope());
        // b holds PHI through the volume of its instance; d has none; e holds no PHI.
        assert_eq!(statuses(&f), ["pass", "pass", "fail", "fail", "not_applicable"]);
        assert!(f[2].message.contains("rejected traffic only"), "{}", f[2].message);
        assert!(f[3].message.contains("has no flow log"), "{}", f[3].message);
        s.ec2.regions.get_mut("us-east-1").unwrap().flow_logs = None;
        assert_eq!(statuses(&run_scoped(&FlowLogs, &s, &[], &scope()))[0], "error");
        s.ec2.regions.get_mut("us-east-1").unwrap().instances = None;
        assert_eq!(statuses(&run_scoped(&FlowLogs, &s, &[], &scope()))[1], "error");
    }
}
