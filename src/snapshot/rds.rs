//! RDS, per region: the DB instances and DB clusters (Aurora, and the DocumentDB and Neptune
//! clusters the same API lists), with what decides whether the ePHI in them is protected:
//! encryption at rest and its key, automated backup retention, and the tags that place them in
//! the PHI scope (DescribeDBInstances and DescribeDBClusters return them).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Rds {
    /// Per region read (`rds/<region>/`).
    pub regions: BTreeMap<String, RdsRegion>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RdsRegion {
    /// `rds describe-db-instances`; `None`: not in the evidence.
    #[serde(default)]
    pub instances: Option<Vec<Database>>,
    /// `rds describe-db-clusters`; `None`: not in the evidence.
    #[serde(default)]
    pub clusters: Option<Vec<Database>>,
}

/// A DB instance or a DB cluster: the fields the checks read are the same.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Database {
    pub id: String,
    pub arn: String,
    #[serde(default)]
    pub engine: Option<String>,
    /// `None` when the evidence does not say.
    #[serde(default)]
    pub storage_encrypted: Option<bool>,
    /// The key ARN, when encrypted.
    #[serde(default)]
    pub kms_key: Option<String>,
    /// Days automated backups are kept; 0 turns them off.
    #[serde(default)]
    pub backup_retention_days: Option<i64>,
    /// For an instance of a cluster, the cluster's id: the cluster decides its storage
    /// encryption and backups.
    #[serde(default)]
    pub cluster: Option<String>,
    /// For a read replica, its source (an identifier or ARN): the source's backups hold the
    /// data, so a replica's own retention is not the backup plan.
    #[serde(default)]
    pub replica_of: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// Whether `id` is an RDS identifier as AWS issues them (letters, digits and `-`, at most 255
/// characters): the only ids that may appear in a finding's resource and message unquoted.
pub fn valid_identifier(id: &str) -> bool {
    !id.is_empty() && id.len() <= 255 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}
