//! The data stores of the evidence, whatever their kind, as the checks that look across kinds
//! see them (the KMS checks, through the key each store names, and the PHI scope's own check):
//! what the store is called, where it is, whether it is in the PHI scope, and which key
//! protects it.

use crate::checks::{Context, Finding};
use crate::phi_scope::{Membership, Resource};

/// One data store.
pub(crate) struct Store<'a> {
    /// What an auditor calls it: `bucket clinic-phi-documents-prod`, `DB instance ehr-prod`.
    pub label: String,
    /// Its name alone, for the PHI hints of `scope.unscoped_data_stores`.
    pub name: &'a str,
    pub arn: &'a str,
    /// Its tags; `None` when they could not be read.
    pub tags: Option<&'a [(String, String)]>,
    /// Its region, where a bare key id or alias it names is resolved.
    pub region: Option<&'a str>,
    /// Its evidence pointer (`/s3/buckets/0`).
    pub pointer: String,
    pub membership: Membership,
    pub key: KeyUse<'a>,
    /// The pointer of the setting that names its key (`/s3/buckets/0/encryption`).
    pub key_pointer: String,
    /// Its resource type as AWS Backup names it (`S3`, `RDS`, `Aurora`, `DynamoDB`, `EFS`).
    pub backup_type: &'static str,
    /// For an RDS read replica, its source: the source's backups hold its data.
    pub replica_of: Option<&'a str>,
}

/// The key that encrypts a store at rest, as its configuration names it.
pub(crate) enum KeyUse<'a> {
    /// The store's encryption setting was not read; the pointer of the missing piece.
    Unread(String),
    /// No encryption at rest is configured; the check that judges that.
    Unencrypted(&'static str),
    /// Keys the service manages (SSE-S3): no customer key to lose.
    ServiceManaged(&'static str),
    /// A KMS key: `None` for the service's AWS managed key (`aws/s3`), else the reference as
    /// written (id, ARN, alias name or alias ARN).
    Kms(Option<&'a str>),
}

/// Every data store of the evidence, and a gap for each store list that was not read.
pub(crate) struct Inventory<'a> {
    pub stores: Vec<Store<'a>>,
    pub unread: Vec<Finding>,
}

/// Whether a resource of this account is in the run's PHI scope.
pub(crate) fn membership(
    ctx: &Context<'_>,
    arn: &str,
    tags: Option<&[(String, String)]>,
) -> Membership {
    let ous: Vec<String> = ctx
        .snapshot
        .organization
        .as_ref()
        .map(|o| o.path.iter().map(|u| u.id.clone()).collect())
        .unwrap_or_default();
    ctx.phi_scope.judge(&Resource {
        arn,
        tags,
        account: &ctx.snapshot.account.id,
        ous: &ous,
    })
}

/// Every data store of the evidence: S3 buckets, RDS DB clusters and the DB instances that
/// belong to no cluster, and DynamoDB tables.
pub(crate) fn all<'a>(ctx: &Context<'a>) -> Inventory<'a> {
    let mut inv = Inventory {
        stores: Vec::new(),
        unread: Vec::new(),
    };
    match &ctx.snapshot.s3.buckets {
        None => inv.unread.push(ctx.missing(
            ctx.account_resource("s3"),
            "/s3/buckets",
            "the account's S3 bucket list",
        )),
        Some(buckets) => inv.stores.extend(buckets.iter().enumerate().map(|(i, b)| {
            let pointer = format!("/s3/buckets/{i}");
            let key = match &b.encryption {
                None => KeyUse::Unread(format!("{pointer}/encryption")),
                Some(rules) => match rules.first() {
                    None => KeyUse::Unencrypted("s3.default_encryption"),
                    Some(r) if r.algorithm.starts_with("aws:kms") => {
                        KeyUse::Kms(r.kms_key.as_deref())
                    }
                    Some(r) if r.algorithm == "AES256" => {
                        KeyUse::ServiceManaged("S3-managed keys (SSE-S3)")
                    }
                    // Not an S3 algorithm: s3.default_encryption fails it.
                    Some(_) => KeyUse::Unencrypted("s3.default_encryption"),
                },
            };
            Store {
                backup_type: "S3",
                replica_of: None,
                key_pointer: format!("{pointer}/encryption"),
                label: format!("bucket {}", b.name),
                name: &b.name,
                arn: &b.arn,
                tags: b.tags.as_deref(),
                region: b.region.as_deref(),
                pointer,
                membership: membership(ctx, &b.arn, b.tags.as_deref()),
                key,
            }
        })),
    }
    for (region, r) in &ctx.snapshot.rds.regions {
        let base = crate::snapshot::pointer::region("rds", region);
        for (list, kind, what) in [
            (&r.clusters, "clusters", "DB cluster"),
            (&r.instances, "instances", "DB instance"),
        ] {
            let Some(dbs) = list else {
                inv.unread.push(rds_list_gap(ctx, region, kind, what));
                continue;
            };
            // An instance of a cluster is stored in the cluster, which is the store.
            for (i, db) in dbs.iter().enumerate().filter(|(_, d)| d.cluster.is_none()) {
                let pointer = format!("{base}/{kind}/{i}");
                inv.stores.push(Store {
                    backup_type: match (kind, db.engine.as_deref().unwrap_or_default()) {
                        ("clusters", e) if e.starts_with("aurora") => "Aurora",
                        ("clusters", "docdb") => "DocumentDB",
                        ("clusters", "neptune") => "Neptune",
                        _ => "RDS",
                    },
                    replica_of: db.replica_of.as_deref(),
                    label: format!("{what} {}", db.id),
                    name: &db.id,
                    arn: &db.arn,
                    tags: Some(&db.tags),
                    region: Some(region),
                    membership: membership(ctx, &db.arn, Some(&db.tags)),
                    key: match (db.storage_encrypted, &db.kms_key) {
                        (None, _) => KeyUse::Unread(format!("{pointer}/storage_encrypted")),
                        // RDS names the key of every encrypted database: without it the key
                        // is unknown, not "AWS managed".
                        (Some(true), None) => KeyUse::Unread(format!("{pointer}/kms_key")),
                        (Some(true), Some(key)) => KeyUse::Kms(Some(key)),
                        (Some(false), _) => KeyUse::Unencrypted("rds.storage_encrypted"),
                    },
                    key_pointer: match db.kms_key {
                        Some(_) => format!("{pointer}/kms_key"),
                        None => format!("{pointer}/storage_encrypted"),
                    },
                    pointer,
                });
            }
        }
    }
    efs_file_systems(ctx, &mut inv);
    ebs_volumes(ctx, &mut inv);
    for (region, r) in &ctx.snapshot.dynamodb.regions {
        let Some(tables) = &r.tables else {
            inv.unread
                .push(crate::checks::dynamodb::list_gap(ctx, region));
            continue;
        };
        let base = crate::snapshot::pointer::region("dynamodb", region);
        for (i, t) in tables.iter().enumerate() {
            let pointer = format!("{base}/tables/{i}");
            inv.stores.push(Store {
                backup_type: "DynamoDB",
                replica_of: None,
                label: format!("table {}", t.name),
                name: &t.name,
                arn: &t.arn,
                tags: t.tags.as_deref(),
                region: Some(region),
                membership: membership(ctx, &t.arn, t.tags.as_deref()),
                // DynamoDB encrypts every table: under a key AWS owns unless a KMS key
                // (customer or AWS managed) is named.
                key: match &t.description {
                    None => KeyUse::Unread(format!("{pointer}/description")),
                    Some(d) => match (&d.sse_type, &d.kms_key) {
                        (Some(_), Some(key)) => KeyUse::Kms(Some(key)),
                        (Some(_), None) => KeyUse::Unread(format!("{pointer}/description/kms_key")),
                        (None, _) => KeyUse::ServiceManaged("a key AWS owns (DynamoDB's default)"),
                    },
                },
                key_pointer: format!("{pointer}/description"),
                pointer,
            });
        }
    }
    inv
}

/// The EFS file systems of every region read, as stores.
fn efs_file_systems<'a>(ctx: &Context<'a>, inv: &mut Inventory<'a>) {
    for (region, r) in &ctx.snapshot.efs.regions {
        let Some(list) = &r.file_systems else {
            inv.unread.push(crate::checks::efs::list_gap(ctx, region));
            continue;
        };
        let base = crate::snapshot::pointer::region("efs", region);
        for (i, fs) in list.iter().enumerate() {
            let pointer = format!("{base}/file_systems/{i}");
            inv.stores.push(Store {
                backup_type: "EFS",
                replica_of: None,
                label: format!("file system {}", fs.id),
                name: fs.name.as_deref().unwrap_or(&fs.id),
                arn: &fs.arn,
                tags: Some(&fs.tags),
                region: Some(region),
                membership: membership(ctx, &fs.arn, Some(&fs.tags)),
                key: match (fs.encrypted, &fs.kms_key) {
                    (None, _) => KeyUse::Unread(format!("{pointer}/encrypted")),
                    // EFS names the key of every encrypted file system.
                    (Some(true), None) => KeyUse::Unread(format!("{pointer}/kms_key")),
                    (Some(true), Some(key)) => KeyUse::Kms(Some(key)),
                    (Some(false), _) => KeyUse::Unencrypted("efs.encrypted"),
                },
                key_pointer: format!("{pointer}/encrypted"),
                pointer,
            });
        }
    }
}

/// The EBS volumes of every region read, as stores (in the scope by their own tags or by an
/// instance they are attached to).
fn ebs_volumes<'a>(ctx: &Context<'a>, inv: &mut Inventory<'a>) {
    for (region, r) in &ctx.snapshot.ec2.regions {
        let Some(list) = &r.volumes else {
            inv.unread.push(crate::checks::ebs::list_gap(ctx, region));
            continue;
        };
        let base = crate::snapshot::pointer::region("ec2", region);
        for (i, v) in list.iter().enumerate() {
            let pointer = format!("{base}/volumes/{i}");
            inv.stores.push(Store {
                backup_type: "EBS",
                replica_of: None,
                label: format!("volume {}", v.id),
                name: v
                    .tags
                    .iter()
                    .find(|(k, _)| k == "Name")
                    .map_or(v.id.as_str(), |(_, n)| n.as_str()),
                arn: &v.arn,
                tags: Some(&v.tags),
                region: Some(region),
                membership: crate::checks::ebs::membership(ctx, r, v),
                key: match (v.encrypted, &v.kms_key) {
                    (None, _) => KeyUse::Unread(format!("{pointer}/encrypted")),
                    (Some(true), Some(key)) => KeyUse::Kms(Some(key)),
                    // EBS names the key of every encrypted volume.
                    (Some(true), None) => KeyUse::Unread(format!("{pointer}/kms_key")),
                    (Some(false), _) => KeyUse::Unencrypted("ebs.volume_encrypted"),
                },
                key_pointer: format!("{pointer}/encrypted"),
                pointer,
            });
        }
    }
}

/// One finding per data store of the evidence, `judge`d, after a gap for each store list not
/// read; an account without any store is one `not_applicable` finding.
pub(crate) fn per_store<'a>(
    ctx: &Context<'a>,
    mut judge: impl FnMut(&Store<'a>) -> Finding,
) -> Vec<Finding> {
    let inventory = all(ctx);
    if inventory.stores.is_empty() && inventory.unread.is_empty() {
        return vec![Finding::not_applicable(
            ctx.account_resource("data-stores"),
            "the account has no data store",
            "/s3/buckets",
        )];
    }
    let mut out = inventory.unread;
    out.extend(inventory.stores.iter().map(&mut judge));
    out
}

impl Store<'_> {
    /// The gap for a store whose scope cannot be decided (its tags unread).
    pub(crate) fn undecided(&self, ctx: &Context<'_>) -> Finding {
        ctx.missing(
            self.arn,
            &format!("{}/tags", self.pointer),
            &format!("{}'s tags, which decide whether it holds PHI,", self.label),
        )
    }
}

/// The gap for a region whose list of a service's resources was not read, on the region
/// (`arn:<partition>:<arn_service>:<region>:<account>`), at `/<service>/regions/<region>/<field>`:
/// "the `list` of `region` is missing from the evidence".
pub(crate) fn region_list_gap(
    ctx: &Context<'_>,
    (arn_service, service, field): (&str, &str, &str),
    region: &str,
    list: &str,
) -> Finding {
    ctx.missing(
        format!(
            "arn:{}:{arn_service}:{region}:{}",
            ctx.snapshot.account.partition, ctx.snapshot.account.id
        ),
        &format!(
            "{}/{field}",
            crate::snapshot::pointer::region(service, region)
        ),
        &format!("the {list} of {region}"),
    )
}

/// The gap for a region whose RDS DB clusters (`kind` = `clusters`) or instances were not read:
/// one per list, on the region.
pub(crate) fn rds_list_gap(ctx: &Context<'_>, region: &str, kind: &str, what: &str) -> Finding {
    region_list_gap(
        ctx,
        ("rds", "rds", kind),
        region,
        &format!("RDS {what} list"),
    )
    .with_key(kind)
}
