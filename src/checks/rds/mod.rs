//! Checks on the RDS databases within the PHI scope: encryption at rest and automated backups.
//!
//! The store is the DB cluster (Aurora, DocumentDB, Neptune) or the DB instance that belongs to
//! no cluster; an instance of a cluster is `not_applicable`, since its cluster decides both.
//! A region whose lists were not read is a gap; a database outside the scope is
//! `not_applicable` with the reason.

crate::checks::register! {
    backup_retention,
    storage_encrypted,
}

use crate::checks::{Context, Finding};
use crate::phi_scope::Membership;
use crate::snapshot::rds::Database;

/// One finding per database of every region read: `judge` (with the database, what it is
/// called and its pointer) for those in the PHI scope. Without any region read, one gap.
pub(super) fn per_database(
    ctx: &Context<'_>,
    mut judge: impl FnMut(&Database, &str, &str) -> Finding,
) -> Vec<Finding> {
    let rds = &ctx.snapshot.rds;
    if rds.regions.is_empty() {
        return vec![ctx.missing(
            ctx.account_resource("rds"),
            "/rds/regions",
            "the account's RDS databases (no region's lists are in the evidence)",
        )];
    }
    let mut out = Vec::new();
    for (region, r) in &rds.regions {
        let base = crate::snapshot::pointer::region("rds", region);
        for (list, kind, what) in [
            (&r.clusters, "clusters", "DB cluster"),
            (&r.instances, "instances", "DB instance"),
        ] {
            let Some(dbs) = list else {
                out.push(crate::checks::stores::rds_list_gap(ctx, region, kind, what));
                continue;
            };
            for (i, db) in dbs.iter().enumerate() {
                let pointer = format!("{base}/{kind}/{i}");
                let label = format!("{what} {}", db.id);
                if let Some(cluster) = &db.cluster {
                    out.push(Finding::not_applicable(
                        &db.arn,
                        format!("{label} belongs to DB cluster {cluster}, which holds its storage and backups"),
                        pointer,
                    ));
                    continue;
                }
                out.push(
                    match crate::checks::stores::membership(ctx, &db.arn, Some(&db.tags)) {
                        Membership::In(_) => judge(db, &label, &pointer),
                        Membership::Out(why) => Finding::not_applicable(&db.arn, why, pointer),
                        // Tags come with the description, so this is not expected; never
                        // "out" all the same.
                        Membership::Undecided(_) => ctx.missing(
                            &db.arn,
                            &format!("{pointer}/tags"),
                            &format!("{label}'s tags, which decide whether it holds PHI,"),
                        ),
                    },
                );
            }
        }
    }
    if out.is_empty() {
        out.push(Finding::not_applicable(
            ctx.account_resource("rds"),
            "the regions read hold no RDS database",
            "/rds/regions",
        ));
    }
    out
}

#[cfg(test)]
pub(crate) mod fixtures {
    use std::collections::BTreeMap;

    use crate::snapshot::rds::{Database, Rds, RdsRegion};

    /// An encrypted PostgreSQL instance of us-east-1 tagged `phi=true`, backups kept 14 days.
    pub(crate) fn instance(id: &str) -> Database {
        Database {
            id: id.into(),
            arn: format!("arn:aws:rds:us-east-1:123456789012:db:{id}"),
            engine: Some("postgres".into()),
            storage_encrypted: Some(true),
            kms_key: Some(
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    .into(),
            ),
            backup_retention_days: Some(14),
            cluster: None,
            replica_of: None,
            tags: vec![("phi".into(), "true".into())],
        }
    }

    pub(crate) fn rds(instances: Vec<Database>, clusters: Vec<Database>) -> Rds {
        Rds {
            regions: BTreeMap::from([(
                "us-east-1".to_string(),
                RdsRegion {
                    instances: Some(instances),
                    clusters: Some(clusters),
                },
            )]),
        }
    }
}
