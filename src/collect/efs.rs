//! EFS in one region: every file system (every page), with its encryption, key and tags,
//! filed as the AWS CLI writes it (`efs/<region>/file-systems.json`), a failed call as its
//! error text.

use aws_config::SdkConfig;
use serde_json::json;

use super::Sink;
use super::calls::{CallCounter, all_pages};

pub(super) async fn region(config: &SdkConfig, counter: &CallCounter, region: &str, sink: &Sink) {
    let efs = regional_client!(aws_sdk_efs, config, counter, region);
    let mut list = Vec::new();
    let outcome = all_pages(
        efs.describe_file_systems().into_paginator().send(),
        "DescribeFileSystems",
        sink.max_pages(),
        |p| p.next_marker(),
        |p| {
            list.extend(p.file_systems().iter().map(|f| {
                json!({
                    "FileSystemId": f.file_system_id(),
                    "FileSystemArn": f.file_system_arn(),
                    "Name": f.name(),
                    "Encrypted": f.encrypted(),
                    "KmsKeyId": f.kms_key_id(),
                    "Tags": f.tags().iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect::<Vec<_>>(),
                })
            }))
        },
    )
    .await;
    let rel = format!("efs/{region}/file-systems.json");
    match outcome {
        Ok(()) => sink.json(rel, &json!({"FileSystems": list})),
        Err(text) => sink.failed(rel, text),
    }
}
