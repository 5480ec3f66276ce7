//! `cloudwatch.log_group_encryption`: the trails' CloudWatch Logs copies are encrypted with a
//! KMS key the account controls (Prowler and Steampipe map this to §164.312(a)(2)(iv)).

use crate::checks::cloudtrail::per_trail_log_group;
use crate::checks::{Context, Finding, Outcome};

check! {
    LogGroupEncryption = "cloudwatch.log_group_encryption",
    "Every trail's CloudWatch Logs log group is encrypted with a KMS key",
    severity: Medium => "the log group is still encrypted by CloudWatch; a KMS key adds control over who reads it",
    remediation: "Associate a KMS key with each trail log group."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    Ok(per_trail_log_group(
        ctx,
        "no log group exists to encrypt",
        |arn, ptr| {
            Finding::not_applicable(arn, "delivers to no CloudWatch Logs log group", ptr)
        },
        |arn, group, pointer| match &group.kms_key_id {
            Some(key) if !key.is_empty() => Finding::pass(
                arn,
                format!("log group {} is encrypted with {key}", group.log_group_name),
                format!("{pointer}/kmsKeyId"),
            ),
            _ => Finding::fail(
                arn,
                format!(
                    "log group {} has no KMS key (CloudWatch Logs' default encryption only)",
                    group.log_group_name
                ),
                pointer,
            ),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::fixtures::{log_group, trail, with_log_groups};
    use crate::checks::testutil::*;

    #[test]
    fn kms_passes_default_encryption_fails() {
        let mut s = snapshot();
        let mut none = trail("none", false);
        none.trail.cloud_watch_logs_log_group_arn = None;
        s.cloudtrail.trails = vec![trail("main", true), none];
        with_log_groups(
            &mut s,
            vec![log_group(
                "trail",
                None,
                Some("arn:aws:kms:us-east-1:123456789012:key/k"),
            )],
        );
        assert_eq!(
            statuses(&run(&LogGroupEncryption, &s)),
            ["pass", "not_applicable"]
        );
        with_log_groups(&mut s, vec![log_group("trail", None, None)]);
        assert_eq!(
            statuses(&run(&LogGroupEncryption, &s)),
            ["fail", "not_applicable"]
        );
    }
}
