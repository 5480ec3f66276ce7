//! S3: the account's buckets and, per bucket, what decides whether ePHI in it is protected:
//! its default encryption, versioning, bucket policy (for TLS-only access) and tags (for the
//! PHI scope). Each piece is `None` when it could not be read: a gap, never "not configured".

use serde::{Deserialize, Serialize};

use super::PolicyDocument;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct S3 {
    /// Every bucket of the account (`s3api list-buckets`); `None`: not in the evidence.
    #[serde(default)]
    pub buckets: Option<Vec<Bucket>>,
    /// The account's S3 Block Public Access (`s3control get-public-access-block`), all off when
    /// none is configured; `None`: not in the evidence.
    #[serde(default)]
    pub account_public_access_block: Option<PublicAccessBlock>,
}

/// The four Block Public Access settings, of the account or of one bucket: S3 applies the
/// most restrictive of the two.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// The settings that are off, by their API names.
    pub fn off(&self) -> Vec<&'static str> {
        [
            (self.block_public_acls, "BlockPublicAcls"),
            (self.ignore_public_acls, "IgnorePublicAcls"),
            (self.block_public_policy, "BlockPublicPolicy"),
            (self.restrict_public_buckets, "RestrictPublicBuckets"),
        ]
        .into_iter()
        .filter(|(on, _)| !on)
        .map(|(_, name)| name)
        .collect()
    }

    /// Each setting on in either.
    pub fn or(&self, other: &PublicAccessBlock) -> PublicAccessBlock {
        PublicAccessBlock {
            block_public_acls: self.block_public_acls || other.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || other.ignore_public_acls,
            block_public_policy: self.block_public_policy || other.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || other.restrict_public_buckets,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Bucket {
    pub name: String,
    pub arn: String,
    /// Where the bucket lives (`get-bucket-location`; `us-east-1` for an empty constraint).
    #[serde(default)]
    pub region: Option<String>,
    /// Its tags; `Some([])` when it has none.
    #[serde(default)]
    pub tags: Option<Vec<(String, String)>>,
    /// Its default encryption rules; `Some([])` when it has no default encryption
    /// configuration.
    #[serde(default)]
    pub encryption: Option<Vec<EncryptionRule>>,
    /// `Enabled`, `Suspended`, or empty when versioning was never enabled.
    #[serde(default)]
    pub versioning: Option<String>,
    /// Its bucket policy, as read (its `document` is `None` when it has none).
    #[serde(default)]
    pub policy: Option<Policy>,
    /// Its own Block Public Access settings, all off when none is configured.
    #[serde(default)]
    pub public_access_block: Option<PublicAccessBlock>,
    /// `get-bucket-policy-status`: whether S3 judges its policy public (`false` without one).
    #[serde(default)]
    pub policy_public: Option<bool>,
}

/// A bucket policy as read: a struct, so that "read, and none" survives a round trip through
/// snapshot.json (a nested `Option` would come back as "unread").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Policy {
    pub document: Option<PolicyDocument>,
}

/// One rule of a bucket's default encryption.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EncryptionRule {
    /// `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or `aws:kms:dsse` (DSSE-KMS).
    pub algorithm: String,
    #[serde(default)]
    pub kms_key: Option<String>,
    #[serde(default)]
    pub bucket_key: bool,
}

/// Whether `name` is an S3 bucket name (3 to 63 lower-case letters, digits, `.` and `-`,
/// starting and ending with a letter or digit, no `..`): the only names that may become paths
/// and ARNs.
pub fn valid_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_s3_bucket_names_are_accepted() {
        for ok in ["abc", "clinic-phi.records-2026", "a1b"] {
            assert!(valid_bucket_name(ok), "{ok}");
        }
        for bad in ["ab", "../x", "Clinic", "a..b", "-abc", "abc-", "a/b", "a b"] {
            assert!(!valid_bucket_name(bad), "{bad}");
        }
    }
}
