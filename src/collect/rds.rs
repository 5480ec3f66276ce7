//! RDS in one region: every DB instance and DB cluster (every page), each with the fields the
//! checks read and its tags, filed as the AWS CLI writes them (`rds/<region>/…`), a failed
//! call as its error text.

use aws_config::SdkConfig;
use serde_json::{Value, json};

use super::Sink;
use super::calls::{CallCounter, all_pages};

pub(super) async fn region(config: &SdkConfig, counter: &CallCounter, region: &str, sink: &Sink) {
    let rds = regional_client!(aws_sdk_rds, config, counter, region);
    let mut instances = Vec::new();
    let outcome = all_pages(
        rds.describe_db_instances().into_paginator().send(),
        "DescribeDBInstances",
        sink.max_pages(),
        |p| p.marker(),
        |p| instances.extend(p.db_instances().iter().map(instance)),
    )
    .await;
    match outcome {
        Ok(()) => sink.json(
            format!("rds/{region}/db-instances.json"),
            &json!({"DBInstances": instances}),
        ),
        Err(text) => sink.failed(format!("rds/{region}/db-instances.json"), text),
    }
    let mut clusters = Vec::new();
    let outcome = all_pages(
        rds.describe_db_clusters().into_paginator().send(),
        "DescribeDBClusters",
        sink.max_pages(),
        |p| p.marker(),
        |p| clusters.extend(p.db_clusters().iter().map(cluster)),
    )
    .await;
    match outcome {
        Ok(()) => sink.json(
            format!("rds/{region}/db-clusters.json"),
            &json!({"DBClusters": clusters}),
        ),
        Err(text) => sink.failed(format!("rds/{region}/db-clusters.json"), text),
    }
}

fn tags(list: &[aws_sdk_rds::types::Tag]) -> Vec<Value> {
    list.iter()
        .map(|t| json!({"Key": t.key(), "Value": t.value()}))
        .collect()
}

/// A DB instance as the CLI prints it, reduced to what the checks read (no endpoint, no
/// master user name).
fn instance(d: &aws_sdk_rds::types::DbInstance) -> Value {
    json!({
        "DBInstanceIdentifier": d.db_instance_identifier(),
        "DBClusterIdentifier": d.db_cluster_identifier(),
        "Engine": d.engine(),
        "StorageEncrypted": d.storage_encrypted(),
        "KmsKeyId": d.kms_key_id(),
        "BackupRetentionPeriod": d.backup_retention_period(),
        "ReadReplicaSourceDBInstanceIdentifier": d.read_replica_source_db_instance_identifier(),
        "TagList": tags(d.tag_list()),
    })
}

fn cluster(c: &aws_sdk_rds::types::DbCluster) -> Value {
    json!({
        "DBClusterIdentifier": c.db_cluster_identifier(),
        "Engine": c.engine(),
        "StorageEncrypted": c.storage_encrypted(),
        "KmsKeyId": c.kms_key_id(),
        "BackupRetentionPeriod": c.backup_retention_period(),
        "ReplicationSourceIdentifier": c.replication_source_identifier(),
        "TagList": tags(c.tag_list()),
    })
}
