//! S3: the bucket list, then per bucket its location, tags, default encryption, versioning and
//! policy. The errors S3 gives for "none configured" (NoSuchTagSet, NoSuchBucketPolicy,
//! ServerSideEncryptionConfigurationNotFoundError) are answers, not gaps.

use super::*;
use crate::snapshot::s3::{
    Bucket, EncryptionRule, Policy, PublicAccessBlock, S3, valid_bucket_name,
};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListBuckets {
    #[serde(default)]
    buckets: Vec<ListedBucket>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedBucket {
    name: String,
    #[serde(default)]
    bucket_region: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Location {
    #[serde(default)]
    location_constraint: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Tagging {
    #[serde(default)]
    tag_set: Vec<TagEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagEntry {
    key: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Encryption {
    server_side_encryption_configuration: EncryptionConfiguration,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EncryptionConfiguration {
    #[serde(default)]
    rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Rule {
    #[serde(default)]
    apply_server_side_encryption_by_default: Option<ByDefault>,
    #[serde(default)]
    bucket_key_enabled: Option<bool>,
}

#[derive(Deserialize)]
struct ByDefault {
    #[serde(rename = "SSEAlgorithm")]
    algorithm: String,
    #[serde(rename = "KMSMasterKeyID", default)]
    kms_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Versioning {
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BucketPolicy {
    policy: PolicyDocument,
}

impl Importer<'_> {
    pub(super) fn s3(&mut self, partition: &str, account: &str) -> Result<S3> {
        const LIST: &str = "s3/buckets.json";
        // Read first: S3 applies the account's settings to every bucket.
        let account_public_access_block = self.public_access_block(
            "s3control/public-access-block.json",
            "/s3/account_public_access_block",
            &format!("aws s3control get-public-access-block --account-id {account}"),
        )?;
        let Some(list) =
            self.read_or_gap::<ListBuckets>(LIST, "/s3/buckets", "aws s3api list-buckets")?
        else {
            return Ok(S3 {
                buckets: None,
                account_public_access_block,
            });
        };
        let mut buckets = Vec::new();
        for (i, b) in list.buckets.into_iter().enumerate() {
            // The name becomes a path and an ARN: only what S3 allows goes further.
            if !valid_bucket_name(&b.name) {
                let e = Error::bad_input(
                    self.path(LIST),
                    crate::error::Location {
                        pointer: Some(format!("/Buckets/{i}/Name")),
                        ..Default::default()
                    },
                    format!("{:?} is not an S3 bucket name", crate::text::line(&b.name)),
                );
                self.soften::<()>(Err(e), "/s3/buckets", LIST)?;
                continue;
            }
            buckets.push(self.bucket(partition, i, b)?);
        }
        Ok(S3 {
            buckets: Some(buckets),
            account_public_access_block,
        })
    }

    fn bucket(&mut self, partition: &str, i: usize, b: ListedBucket) -> Result<Bucket> {
        let name = b.name;
        let at = format!("/s3/buckets/{i}");
        let cmd = |c: &str| format!("aws s3api {c} --bucket {name}");
        let region = match self.read::<Location>(&format!("s3/{name}/location.json"))? {
            // An empty constraint is us-east-1, as S3 documents.
            Read::Ok(l) => Some(
                l.location_constraint
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| "us-east-1".into()),
            ),
            _ => b.bucket_region,
        };
        let tags =
            match self.answer::<Tagging>(&format!("s3/{name}/tagging.json"), "NoSuchTagSet")? {
                Answer::Some(t) => Some(t.tag_set.into_iter().map(|t| (t.key, t.value)).collect()),
                Answer::None => Some(Vec::new()),
                Answer::Gap(why) => {
                    self.gap(&format!("{at}/tags"), &cmd("get-bucket-tagging"), why);
                    None
                }
            };
        let encryption = match self.answer::<Encryption>(
            &format!("s3/{name}/encryption.json"),
            "ServerSideEncryptionConfigurationNotFoundError",
        )? {
            Answer::Some(e) => Some(
                e.server_side_encryption_configuration
                    .rules
                    .into_iter()
                    .filter_map(|r| {
                        let d = r.apply_server_side_encryption_by_default?;
                        Some(EncryptionRule {
                            algorithm: d.algorithm,
                            kms_key: d.kms_key.filter(|k| !k.is_empty()),
                            bucket_key: r.bucket_key_enabled.unwrap_or(false),
                        })
                    })
                    .collect(),
            ),
            Answer::None => Some(Vec::new()),
            Answer::Gap(why) => {
                self.gap(
                    &format!("{at}/encryption"),
                    &cmd("get-bucket-encryption"),
                    why,
                );
                None
            }
        };
        let versioning =
            match self.answer::<Versioning>(&format!("s3/{name}/versioning.json"), "")? {
                Answer::Some(v) => Some(v.status.unwrap_or_default()),
                Answer::None => Some(String::new()),
                Answer::Gap(why) => {
                    self.gap(
                        &format!("{at}/versioning"),
                        &cmd("get-bucket-versioning"),
                        why,
                    );
                    None
                }
            };
        let policy = match self
            .answer::<BucketPolicy>(&format!("s3/{name}/policy.json"), "NoSuchBucketPolicy")?
        {
            Answer::Some(p) => Some(Policy {
                document: Some(p.policy),
            }),
            Answer::None => Some(Policy { document: None }),
            Answer::Gap(why) => {
                self.gap(&format!("{at}/policy"), &cmd("get-bucket-policy"), why);
                None
            }
        };
        let public_access_block = self.public_access_block(
            &format!("s3/{name}/public-access-block.json"),
            &format!("{at}/public_access_block"),
            &cmd("get-public-access-block"),
        )?;
        let status_file = format!("s3/{name}/policy-status.json");
        // S3 answers GetBucketPolicyStatus from the bucket policy alone, and with
        // NoSuchBucketPolicy where there is none: the collector does not ask it of a bucket
        // that S3 just said has no policy, and that answer stands for both.
        let unasked = matches!(&policy, Some(Policy { document: None }))
            && self.src.entry(&status_file)?.is_none();
        let policy_public =
            match self.answer::<PolicyStatusAnswer>(&status_file, "NoSuchBucketPolicy")? {
                _ if unasked => Some(false),
                Answer::Some(p) => Some(p.policy_status.is_public),
                Answer::None => Some(false),
                Answer::Gap(why) => {
                    self.gap(
                        &format!("{at}/policy_public"),
                        &cmd("get-bucket-policy-status"),
                        why,
                    );
                    None
                }
            };
        Ok(Bucket {
            arn: format!("arn:{partition}:s3:::{name}"),
            name,
            region,
            tags,
            encryption,
            versioning,
            policy,
            public_access_block,
            policy_public,
        })
    }

    /// Block Public Access settings from `rel` (all off when none is configured), or a gap at
    /// `pointer`.
    fn public_access_block(
        &mut self,
        rel: &str,
        pointer: &str,
        command: &str,
    ) -> Result<Option<PublicAccessBlock>> {
        Ok(
            match self
                .answer::<PublicAccessBlockAnswer>(rel, "NoSuchPublicAccessBlockConfiguration")?
            {
                Answer::Some(a) => {
                    let c = a.public_access_block_configuration;
                    Some(PublicAccessBlock {
                        block_public_acls: c.block_public_acls.unwrap_or(false),
                        ignore_public_acls: c.ignore_public_acls.unwrap_or(false),
                        block_public_policy: c.block_public_policy.unwrap_or(false),
                        restrict_public_buckets: c.restrict_public_buckets.unwrap_or(false),
                    })
                }
                Answer::None => Some(PublicAccessBlock::default()),
                Answer::Gap(why) => {
                    self.gap(pointer, command, why);
                    None
                }
            },
        )
    }

    /// A per-bucket answer: the file, or the S3 error that means "none configured" (`none`,
    /// when non-empty), or a gap with why.
    fn answer<T: DeserializeOwned>(&self, rel: &str, none: &str) -> Result<Answer<T>> {
        Ok(match self.read::<T>(rel)? {
            Read::Ok(v) => Answer::Some(v),
            Read::Failed(reason) if !none.is_empty() && reason.contains(none) => Answer::None,
            Read::Failed(reason) => Answer::Gap(format!("the call failed: {reason}")),
            Read::Missing => Answer::Gap(format!("{rel} is missing from the export")),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PublicAccessBlockAnswer {
    public_access_block_configuration: PublicAccessBlockBody,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PublicAccessBlockBody {
    #[serde(default)]
    block_public_acls: Option<bool>,
    #[serde(default)]
    ignore_public_acls: Option<bool>,
    #[serde(default)]
    block_public_policy: Option<bool>,
    #[serde(default)]
    restrict_public_buckets: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyStatusAnswer {
    policy_status: PolicyStatusBody,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyStatusBody {
    #[serde(default)]
    is_public: bool,
}

enum Answer<T> {
    Some(T),
    None,
    Gap(String),
}
