//! Checks on S3 buckets within the PHI scope: default encryption, Block Public Access,
//! TLS-only access, versioning.
//!
//! Each judges every bucket of the account: a bucket outside the PHI scope is `not_applicable`
//! with the reason, one whose scope cannot be decided (its tags unread) is a gap, and the
//! evidence a check needs that is missing is a gap too.

crate::checks::register! {
    default_encryption,
    public_access_blocked,
    secure_transport,
    versioning,
}

use crate::checks::{Context, Finding};
use crate::phi_scope::Membership;
use crate::snapshot::s3::Bucket;

/// One finding per bucket: `judge` for those in the PHI scope (with the bucket's evidence
/// pointer), `not_applicable` for the others. Without the bucket list, one gap; without a
/// bucket, one `not_applicable` for the account.
pub(super) fn per_bucket(
    ctx: &Context<'_>,
    mut judge: impl FnMut(&Bucket, &str) -> Finding,
) -> Vec<Finding> {
    let Some(buckets) = &ctx.snapshot.s3.buckets else {
        return vec![ctx.missing(
            ctx.account_resource("s3"),
            "/s3/buckets",
            "the account's S3 bucket list",
        )];
    };
    if buckets.is_empty() {
        return vec![Finding::not_applicable(
            ctx.account_resource("s3"),
            "the account has no S3 bucket",
            "/s3/buckets",
        )];
    }
    buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let pointer = format!("/s3/buckets/{i}");
            match in_scope(ctx, b) {
                Membership::In(_) => judge(b, &pointer),
                Membership::Out(why) => Finding::not_applicable(&b.arn, why, pointer),
                Membership::Undecided(_) => ctx.missing(
                    &b.arn,
                    &format!("{pointer}/tags"),
                    &format!(
                        "bucket {}'s tags, which decide whether it holds PHI,",
                        b.name
                    ),
                ),
            }
        })
        .collect()
}

/// Whether bucket `b` is in the run's PHI scope.
pub(crate) fn in_scope(ctx: &Context<'_>, b: &Bucket) -> Membership {
    crate::checks::stores::membership(ctx, &b.arn, b.tags.as_deref())
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::snapshot::PolicyDocument;
    use crate::snapshot::s3::{Bucket, EncryptionRule};

    /// A bucket tagged `phi=true`, encrypted with SSE-KMS, versioned, with a TLS-only policy.
    pub(crate) fn bucket(name: &str) -> Bucket {
        Bucket {
            name: name.into(),
            arn: format!("arn:aws:s3:::{name}"),
            region: Some("us-east-1".into()),
            tags: Some(vec![("phi".into(), "true".into())]),
            encryption: Some(vec![EncryptionRule {
                algorithm: "aws:kms".into(),
                kms_key: Some("arn:aws:kms:us-east-1:123456789012:key/k".into()),
                bucket_key: true,
            }]),
            versioning: Some("Enabled".into()),
            policy: Some(crate::snapshot::s3::Policy {
                document: Some(tls_only(name)),
            }),
            public_access_block: Some(crate::snapshot::s3::PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            }),
            policy_public: Some(false),
        }
    }

    /// The usual TLS-only bucket policy: deny every S3 action without TLS, to anyone.
    pub(crate) fn tls_only(name: &str) -> PolicyDocument {
        serde_json::from_value(serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [format!("arn:aws:s3:::{name}"), format!("arn:aws:s3:::{name}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }]
        }))
        .unwrap()
    }
}
