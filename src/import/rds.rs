//! RDS, per region: the DB instances and the DB clusters, each with its encryption, backup
//! retention and tags (the describe calls return them all).

use super::*;
use crate::snapshot::rds::{Database, Rds, RdsRegion, valid_identifier};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Instances {
    #[serde(rename = "DBInstances", default)]
    db_instances: Vec<Described>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Clusters {
    #[serde(rename = "DBClusters", default)]
    db_clusters: Vec<Described>,
}

/// The fields of an instance or a cluster the checks read.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    #[serde(rename = "DBInstanceIdentifier", default)]
    instance_id: Option<String>,
    #[serde(rename = "DBClusterIdentifier", default)]
    cluster_id: Option<String>,
    #[serde(default)]
    engine: Option<String>,
    #[serde(default)]
    storage_encrypted: Option<bool>,
    #[serde(default)]
    kms_key_id: Option<String>,
    #[serde(default)]
    backup_retention_period: Option<i64>,
    /// A read replica's source instance.
    #[serde(rename = "ReadReplicaSourceDBInstanceIdentifier", default)]
    replica_source: Option<String>,
    /// A replica cluster's source (an ARN).
    #[serde(default)]
    replication_source_identifier: Option<String>,
    #[serde(default)]
    tag_list: Vec<Tag>,
}

impl Importer<'_> {
    pub(super) fn rds(
        &mut self,
        regions: &BTreeSet<String>,
        partition: &str,
        account: &str,
    ) -> Result<Rds> {
        let mut rds = Rds::default();
        for region in regions {
            let base = crate::snapshot::pointer::region("rds", region);
            let rel = format!("rds/{region}/db-instances.json");
            let instances = match self.read_or_gap::<Instances>(
                &rel,
                &format!("{base}/instances"),
                &format!("aws rds describe-db-instances --region {region}"),
            )? {
                Some(list) => Some(self.databases(
                    &rel,
                    "DBInstances",
                    list.db_instances,
                    (partition, region, account),
                )?),
                None => None,
            };
            let rel = format!("rds/{region}/db-clusters.json");
            let clusters = match self.read_or_gap::<Clusters>(
                &rel,
                &format!("{base}/clusters"),
                &format!("aws rds describe-db-clusters --region {region}"),
            )? {
                Some(list) => Some(self.databases(
                    &rel,
                    "DBClusters",
                    list.db_clusters,
                    (partition, region, account),
                )?),
                None => None,
            };
            rds.regions.insert(
                region.clone(),
                RdsRegion {
                    instances,
                    clusters,
                },
            );
        }
        Ok(rds)
    }

    /// The instances (`list` = `DBInstances`) or clusters of one file. An identifier AWS would
    /// not issue is bad input: it would reach findings and ARNs.
    fn databases(
        &mut self,
        rel: &str,
        list: &str,
        described: Vec<Described>,
        (partition, region, account): (&str, &str, &str),
    ) -> Result<Vec<Database>> {
        let instances = list == "DBInstances";
        let mut out = Vec::new();
        for (i, d) in described.into_iter().enumerate() {
            let (field, id) = if instances {
                ("DBInstanceIdentifier", d.instance_id.clone())
            } else {
                ("DBClusterIdentifier", d.cluster_id.clone())
            };
            let cluster = if instances {
                d.cluster_id.clone()
            } else {
                None
            };
            let refused = match (&id, &cluster) {
                (None, _) => Some((
                    field,
                    format!("missing: each entry of {list} has its {field}"),
                )),
                (Some(id), _) if !valid_identifier(id) => Some((field, not_an_identifier(id))),
                (_, Some(c)) if !valid_identifier(c) => {
                    Some(("DBClusterIdentifier", not_an_identifier(c)))
                }
                _ => None,
            };
            if let Some((field, what)) = refused {
                self.refuse_entry(
                    rel,
                    format!("/{list}/{i}/{field}"),
                    what,
                    &crate::snapshot::pointer::region("rds", region),
                )?;
                continue;
            }
            let Some(id) = id else { continue };
            let kind = if instances { "db" } else { "cluster" };
            out.push(Database {
                arn: format!("arn:{partition}:rds:{region}:{account}:{kind}:{id}"),
                id,
                engine: d.engine,
                storage_encrypted: d.storage_encrypted,
                kms_key: d.kms_key_id.filter(|k| !k.is_empty()),
                backup_retention_days: d.backup_retention_period,
                cluster,
                replica_of: d
                    .replica_source
                    .or(d.replication_source_identifier)
                    .filter(|r| !r.is_empty()),
                tags: d.tag_list.into_iter().map(|t| (t.key, t.value)).collect(),
            });
        }
        Ok(out)
    }
}

fn not_an_identifier(id: &str) -> String {
    format!(
        "{:?} is not an RDS identifier (letters, digits and '-')",
        crate::text::line(id)
    )
}
