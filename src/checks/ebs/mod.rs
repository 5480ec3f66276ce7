//! Checks on EBS: encryption by default in every region, and encryption at rest of the volumes
//! in the PHI scope (a volume is in it by its own tags or by an instance it is attached to).
//! The key each names is judged with the other stores' keys, by `kms.pending_deletion` and
//! `kms.key_rotation`; whether AWS Backup covers it, by `backup.plan_coverage`.

crate::checks::register! {
    encryption_by_default,
    volume_encrypted,
}

use crate::checks::{Context, Finding};
use crate::phi_scope::Membership;
use crate::snapshot::ec2::{Ec2Region, Volume};

/// The regions whose EC2 evidence was read, or the gap that ends a check claiming `what` of
/// them when there is none.
pub(crate) fn regions<'a>(
    ctx: &Context<'a>,
    what: &str,
) -> Result<&'a std::collections::BTreeMap<String, Ec2Region>, Box<Finding>> {
    let regions = &ctx.snapshot.ec2.regions;
    if regions.is_empty() {
        return Err(Box::new(ctx.missing(
            ctx.account_resource("ec2"),
            "/ec2/regions",
            &format!("{what} (no region's EC2 evidence is in the evidence)"),
        )));
    }
    Ok(regions)
}

/// The gap for a region whose volume list was not read.
pub(crate) fn list_gap(ctx: &Context<'_>, region: &str) -> Finding {
    crate::checks::stores::region_list_gap(
        ctx,
        ("ec2", "ec2", "volumes"),
        region,
        "EBS volume list",
    )
}

/// Whether a volume holds PHI: by its own tags or ARN, or because an instance it is attached
/// to does (the instance's data lives on it). An attachment to an instance the evidence does
/// not hold leaves the question open.
pub(crate) fn membership(ctx: &Context<'_>, r: &Ec2Region, v: &Volume) -> Membership {
    let own = crate::checks::stores::membership(ctx, &v.arn, Some(&v.tags));
    if matches!(own, Membership::In(_)) || v.attached_to.is_empty() {
        return own;
    }
    let Some(instances) = &r.instances else {
        return Membership::Undecided(format!(
            "the instances volume {} is attached to are not in the evidence",
            v.id
        ));
    };
    for id in &v.attached_to {
        match instances.iter().find(|i| &i.id == id) {
            None => {
                return Membership::Undecided(format!(
                    "instance {id}, which volume {} is attached to, is not in the evidence",
                    v.id
                ));
            }
            Some(i) => {
                if let Membership::In(why) =
                    crate::checks::stores::membership(ctx, &i.arn, Some(&i.tags))
                {
                    return Membership::In(format!("attached to instance {id}: {why}"));
                }
            }
        }
    }
    own
}

#[cfg(test)]
pub(crate) mod fixtures {
    use std::collections::BTreeMap;

    use crate::snapshot::ec2::{Ec2, Ec2Region, Instance, Volume};

    /// An encrypted volume of us-east-1 tagged `phi=true`, attached to nothing.
    pub(crate) fn volume(id: &str) -> Volume {
        Volume {
            id: id.into(),
            arn: format!("arn:aws:ec2:us-east-1:123456789012:volume/{id}"),
            encrypted: Some(true),
            kms_key: Some(
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    .into(),
            ),
            attached_to: Vec::new(),
            tags: vec![("phi".into(), "true".into())],
        }
    }

    pub(crate) fn instance(id: &str, tags: &[(&str, &str)]) -> Instance {
        Instance {
            id: id.into(),
            arn: format!("arn:aws:ec2:us-east-1:123456789012:instance/{id}"),
            vpc: Some("vpc-0a1b2c3d".into()),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// us-east-1 with encryption by default on, `volumes` and `instances`, no VPC.
    pub(crate) fn ec2(volumes: Vec<Volume>, instances: Vec<Instance>) -> Ec2 {
        Ec2 {
            regions: BTreeMap::from([(
                "us-east-1".to_string(),
                Ec2Region {
                    ebs_encryption_by_default: Some(true),
                    volumes: Some(volumes),
                    instances: Some(instances),
                    vpcs: Some(Vec::new()),
                    flow_logs: Some(Vec::new()),
                },
            )]),
        }
    }
}
