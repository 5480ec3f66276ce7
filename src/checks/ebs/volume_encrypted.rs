//! `ebs.volume_encrypted`: every EBS volume in the PHI scope (by its own tags, or attached to
//! an instance in it) is encrypted at rest.
//!
//! EBS fixes encryption when a volume is created: an unencrypted one is replaced by a copy of
//! an encrypted snapshot of it.

use crate::checks::{Context, Finding, Outcome};
use crate::phi_scope::Membership;

check! {
    VolumeEncrypted = "ebs.volume_encrypted",
    "Every EBS volume holding PHI (tagged, or attached to an instance that is) is encrypted at rest",
    severity: High => "ePHI on an unencrypted volume, and on every snapshot of it, is readable by anyone who obtains a copy outside EC2's access controls",
    remediation: "Snapshot the volume, copy the snapshot with --encrypted (and a KMS key), create a volume from it and swap it in; turn on EBS encryption by default so new volumes are encrypted.",
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let regions = super::regions(ctx, "the account's EBS volumes")?;
    let mut out = Vec::new();
    for (region, r) in regions {
        let Some(list) = &r.volumes else {
            out.push(super::list_gap(ctx, region));
            continue;
        };
        let base = crate::snapshot::pointer::region("ec2", region);
        for (i, v) in list.iter().enumerate() {
            let pointer = format!("{base}/volumes/{i}");
            let label = format!("volume {}", v.id);
            out.push(match super::membership(ctx, r, v) {
                Membership::Out(why) => Finding::not_applicable(&v.arn, why, pointer),
                Membership::Undecided(why) => ctx.missing(&v.arn, &format!("{base}/instances"), &format!("whether {label} holds PHI ({why})")),
                Membership::In(_) => {
                    let at = format!("{pointer}/encrypted");
                    match v.encrypted {
                        None => ctx.missing(&v.arn, &at, &format!("whether {label} is encrypted")),
                        Some(false) => Finding::fail(&v.arn, format!("{label} is not encrypted at rest, nor are its snapshots"), at),
                        Some(true) => Finding::pass(
                            &v.arn,
                            format!("{label} is encrypted at rest with {}", crate::text::line(v.kms_key.as_deref().unwrap_or("a KMS key"))),
                            at,
                        ),
                    }
                }
            });
        }
    }
    if out.is_empty() {
        out.push(Finding::not_applicable(ctx.account_resource("ebs"), "the regions read hold no EBS volume", "/ec2/regions"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ebs::fixtures::{ec2, instance, volume};
    use crate::checks::testutil::*;

    fn scope() -> crate::phi_scope::PhiScope {
        crate::phi_scope::PhiScope::defined(crate::phi_scope::Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        })
    }

    #[test]
    fn encrypted_passes_plain_fails_and_an_instance_brings_its_volumes_into_scope() {
        let mut s = snapshot();
        let mut plain = volume("vol-22222222");
        plain.encrypted = Some(false);
        let mut root = volume("vol-33333333");
        root.tags = Vec::new();
        root.encrypted = Some(false);
        root.attached_to = vec!["i-0a0a0a0a".into()];
        let mut dev = volume("vol-44444444");
        dev.tags = Vec::new();
        s.ec2 = ec2(
            vec![volume("vol-11111111"), plain, root, dev],
            vec![instance("i-0a0a0a0a", &[("phi", "true")])],
        );
        let f = run_scoped(&VolumeEncrypted, &s, &[], &scope());
        assert_eq!(statuses(&f), ["pass", "fail", "fail", "not_applicable"]);
        assert!(f[2].message.contains("not encrypted"), "{}", f[2].message);
    }

    #[test]
    fn an_attachment_the_evidence_cannot_place_is_a_gap() {
        let mut s = snapshot();
        let mut root = volume("vol-55555555");
        root.tags = Vec::new();
        root.attached_to = vec!["i-0b0b0b0b".into()];
        s.ec2 = ec2(vec![root.clone()], Vec::new());
        assert_eq!(statuses(&run_scoped(&VolumeEncrypted, &s, &[], &scope())), ["error"]);
        s.ec2.regions.get_mut("us-east-1").unwrap().instances = None;
        assert_eq!(statuses(&run_scoped(&VolumeEncrypted, &s, &[], &scope())), ["error"]);
        s.ec2.regions.get_mut("us-east-1").unwrap().volumes = None;
        let f = run(&VolumeEncrypted, &s);
        assert!(f[0].message.contains("EBS volume list of us-east-1"), "{}", f[0].message);
        s.ec2 = Default::default();
        assert_eq!(statuses(&run(&VolumeEncrypted, &s)), ["error"]);
    }
}
