//! `ebs.encryption_by_default`: EBS encryption by default is on in every region read, so a
//! volume created for ePHI tomorrow is encrypted whatever its creator forgets (supporting: the
//! volumes that exist are judged by `ebs.volume_encrypted`).

use crate::checks::{Context, Finding, Outcome};

check! {
    EncryptionByDefault = "ebs.encryption_by_default",
    "EBS encryption by default is on in every region",
    severity: Medium => "a volume created without asking for encryption stores its data, and its snapshots, unencrypted",
    remediation: "Turn it on in each region (aws ec2 enable-ebs-encryption-by-default --region REGION), optionally with a customer managed key (aws ec2 modify-ebs-default-kms-key-id).",
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let regions = super::regions(ctx, "EBS encryption by default")?;
    let mut out: Vec<Finding> = ctx.region_scope_gap().into_iter().collect();
    for (region, r) in regions {
        let resource = format!("arn:{}:ec2:{region}:{}", ctx.snapshot.account.partition, ctx.snapshot.account.id);
        let at = format!("{}/ebs_encryption_by_default", crate::snapshot::pointer::region("ec2", region));
        out.push(match r.ebs_encryption_by_default {
            None => ctx.missing(&resource, &at, &format!("EBS encryption by default in {region}")),
            Some(true) => Finding::pass(&resource, format!("EBS encryption by default is on in {region}"), at),
            Some(false) => Finding::fail(&resource, format!("EBS encryption by default is off in {region}: a new volume is unencrypted unless its creator asks"), at),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ebs::fixtures::ec2;
    use crate::checks::testutil::*;

    #[test]
    fn on_passes_off_fails_unread_is_a_gap() {
        let mut s = snapshot();
        s.ec2 = ec2(Vec::new(), Vec::new());
        let mut off = s.ec2.regions["us-east-1"].clone();
        off.ebs_encryption_by_default = Some(false);
        s.ec2.regions.insert("eu-west-1".into(), off.clone());
        off.ebs_encryption_by_default = None;
        s.ec2.regions.insert("ap-south-1".into(), off);
        let f = run(&EncryptionByDefault, &s);
        let st = statuses(&f);
        assert_eq!(st.iter().filter(|s| **s == "pass").count(), 1, "{f:?}");
        assert_eq!(st.iter().filter(|s| **s == "fail").count(), 1, "{f:?}");
        assert!(st.iter().filter(|s| **s == "error").count() >= 1, "{f:?}");
        s.ec2 = Default::default();
        assert_eq!(statuses(&run(&EncryptionByDefault, &s)), ["error"]);
    }
}
