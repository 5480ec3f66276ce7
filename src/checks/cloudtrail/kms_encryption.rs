//! `cloudtrail.kms_encryption`: trail logs are encrypted with a customer-managed KMS key.

use super::per_trail;
use crate::checks::{Context, Finding, Outcome};

check! {
    KmsEncryption = "cloudtrail.kms_encryption",
    "Every CloudTrail trail encrypts its log files with a KMS key (SSE-KMS)",
    severity: Medium => "the logs are still encrypted by S3; KMS adds a key policy over who reads them",
    remediation: "Encrypt every trail with a customer-managed KMS key."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    Ok(per_trail(ctx, "no log file is KMS-encrypted", |t, ptr| {
        match t.trail.kms_key_id.as_deref().filter(|k| !k.is_empty()) {
            Some(key) => Finding::pass(
                &t.trail.trail_arn,
                format!("log files encrypted with KMS key {key}"),
                format!("{ptr}/trail/KmsKeyId"),
            ),
            None => Finding::fail(
                &t.trail.trail_arn,
                "no KMS key: log files have only S3-managed encryption",
                format!("{ptr}/trail"),
            ),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::fixtures::trail;
    use crate::checks::testutil::*;

    #[test]
    fn key_passes_no_key_fails_no_trail_fails() {
        let mut s = snapshot();
        assert_eq!(statuses(&run(&KmsEncryption, &s)), ["fail"]);
        let mut plain = trail("b", false);
        plain.trail.kms_key_id = None;
        s.cloudtrail.trails = vec![trail("a", true), plain];
        assert_eq!(statuses(&run(&KmsEncryption, &s)), ["pass", "fail"]);
        s.regions.clear();
        assert_eq!(
            statuses(&run(&KmsEncryption, &s)),
            ["error", "pass", "fail"]
        );
    }
}
