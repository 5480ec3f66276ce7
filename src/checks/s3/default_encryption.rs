//! `s3.default_encryption`: every bucket in the PHI scope has a default encryption
//! configuration, and with `require_kms` a KMS key (SSE-KMS or DSSE-KMS).
//!
//! S3 has encrypted every new object with SSE-S3 by default since January 2023, so the check
//! says which key type protects each bucket, and fails where no configuration exists (objects
//! written before 2023 may be unencrypted) or a KMS key is required and absent.

use crate::checks::{Context, Finding, Outcome};

check! {
    DefaultEncryption = "s3.default_encryption",
    "Every S3 bucket holding PHI has default encryption (a KMS key where required)",
    severity: High => "a bucket of ePHI without encryption at rest is the citation's whole concern",
    remediation: "Set default encryption on the bucket (SSE-KMS with a customer managed key where policy requires it) and re-encrypt existing objects with a batch copy.",
    params {
        require_kms: bool(false) "fail buckets encrypted with S3-managed keys (SSE-S3), requiring SSE-KMS or DSSE-KMS"
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    Ok(super::per_bucket(ctx, |b, pointer| {
        let Some(rules) = &b.encryption else {
            return ctx.missing(
                &b.arn,
                &format!("{pointer}/encryption"),
                &format!("bucket {}'s default encryption", b.name),
            );
        };
        let at = format!("{pointer}/encryption");
        let Some(rule) = rules.first() else {
            return Finding::fail(
                &b.arn,
                format!(
                    "bucket {} has no default encryption configuration (objects written before 2023 may be unencrypted)",
                    b.name
                ),
                at,
            );
        };
        let key = rule.kms_key.as_deref().unwrap_or("the AWS managed key aws/s3");
        match rule.algorithm.as_str() {
            "aws:kms" | "aws:kms:dsse" => {
                let kind = if rule.algorithm == "aws:kms" {
                    "SSE-KMS"
                } else {
                    "DSSE-KMS"
                };
                Finding::pass(
                    &b.arn,
                    format!("bucket {} is encrypted by default with {kind} ({key})", b.name),
                    at,
                )
            }
            "AES256" if settings.require_kms => Finding::fail(
                &b.arn,
                format!(
                    "bucket {} is encrypted with S3-managed keys (SSE-S3); a KMS key is required (require_kms)",
                    b.name
                ),
                at,
            ),
            "AES256" => Finding::pass(
                &b.arn,
                format!("bucket {} is encrypted by default with S3-managed keys (SSE-S3)", b.name),
                at,
            ),
            other => Finding::fail(
                &b.arn,
                format!(
                    "bucket {}'s default encryption names {:?}, which is no S3 server-side encryption",
                    b.name,
                    crate::text::line(other)
                ),
                at,
            ),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::s3::fixtures::bucket;
    use crate::checks::testutil::*;
    use crate::phi_scope::{Definition, PhiScope};

    fn with(buckets: Vec<crate::snapshot::s3::Bucket>) -> crate::snapshot::Snapshot {
        let mut s = snapshot();
        s.s3.buckets = Some(buckets);
        s
    }

    #[test]
    fn kms_passes_none_fails_sse_s3_passes_unless_kms_is_required() {
        let mut sse_s3 = bucket("b-sse-s3");
        sse_s3.encryption.as_mut().unwrap()[0].algorithm = "AES256".into();
        let mut none = bucket("b-none");
        none.encryption = Some(Vec::new());
        let mut unread = bucket("b-unread");
        unread.encryption = None;
        let s = with(vec![bucket("b-kms"), sse_s3, none, unread]);
        let f = run(&DefaultEncryption, &s);
        assert_eq!(statuses(&f), ["pass", "pass", "fail", "error"]);
        assert!(f[0].message.contains("SSE-KMS") && f[1].message.contains("SSE-S3"), "{f:?}");
        let f = run_with(&DefaultEncryption, &s, &[("require_kms", ParamValue::Bool(true))]);
        assert_eq!(statuses(&f), ["pass", "fail", "fail", "error"]);
    }

    #[test]
    fn outside_the_scope_is_not_applicable_and_unknown_tags_are_a_gap() {
        let scope = PhiScope::defined(Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        let mut web = bucket("web-assets");
        web.tags = Some(Vec::new());
        web.encryption = Some(Vec::new());
        let mut unknown = bucket("unknown-tags");
        unknown.tags = None;
        let s = with(vec![bucket("records"), web, unknown]);
        let f = run_scoped(&DefaultEncryption, &s, &[], &scope);
        assert_eq!(statuses(&f), ["pass", "not_applicable", "error"]);
        assert!(f[1].message.contains("outside the PHI scope"), "{}", f[1].message);
        // No bucket list: one gap; no bucket: not applicable.
        assert_eq!(statuses(&run(&DefaultEncryption, &snapshot())), ["error"]);
        assert_eq!(statuses(&run(&DefaultEncryption, &with(Vec::new()))), ["not_applicable"]);
    }
}
