//! EC2 in one region: EBS encryption by default, then every volume, instance, VPC and flow log
//! (every page of each), filed as the AWS CLI writes them (`ec2/<region>/…`), reduced to the
//! fields read; a failed call as its error text.

use aws_config::SdkConfig;
use aws_sdk_ec2::types::Tag;
use serde_json::{Value, json};

use super::calls::{CallCounter, all_pages};
use super::{Sink, failure};

pub(super) async fn region(config: &SdkConfig, counter: &CallCounter, region: &str, sink: &Sink) {
    let ec2 = regional_client!(aws_sdk_ec2, config, counter, region);
    let dir = format!("ec2/{region}");
    match ec2.get_ebs_encryption_by_default().send().await {
        Ok(out) => sink.json(
            format!("{dir}/ebs-encryption-by-default.json"),
            &json!({"EbsEncryptionByDefault": out.ebs_encryption_by_default()}),
        ),
        Err(e) => sink.failed(
            format!("{dir}/ebs-encryption-by-default.json"),
            failure("GetEbsEncryptionByDefault", &e),
        ),
    }
    let mut volumes = Vec::new();
    let outcome = all_pages(
        ec2.describe_volumes().into_paginator().send(),
        "DescribeVolumes",
        sink.max_pages(),
        |p| p.next_token(),
        |p| {
            volumes.extend(p.volumes().iter().map(|v| {
                json!({
                    "VolumeId": v.volume_id(),
                    "Encrypted": v.encrypted(),
                    "KmsKeyId": v.kms_key_id(),
                    "Attachments": v.attachments().iter().map(|a| json!({"InstanceId": a.instance_id()})).collect::<Vec<_>>(),
                    "Tags": tags(v.tags()),
                })
            }))
        },
    )
    .await;
    file(
        sink,
        format!("{dir}/volumes.json"),
        outcome,
        json!({"Volumes": volumes}),
    );
    let mut reservations = Vec::new();
    let outcome = all_pages(
        ec2.describe_instances().into_paginator().send(),
        "DescribeInstances",
        sink.max_pages(),
        |p| p.next_token(),
        |p| {
            reservations.extend(p.reservations().iter().map(|r| {
                json!({"Instances": r.instances().iter().map(|i| json!({
                    "InstanceId": i.instance_id(),
                    "VpcId": i.vpc_id(),
                    "Tags": tags(i.tags()),
                })).collect::<Vec<_>>()})
            }))
        },
    )
    .await;
    file(
        sink,
        format!("{dir}/instances.json"),
        outcome,
        json!({"Reservations": reservations}),
    );
    let mut vpcs = Vec::new();
    let outcome = all_pages(
        ec2.describe_vpcs().into_paginator().send(),
        "DescribeVpcs",
        sink.max_pages(),
        |p| p.next_token(),
        |p| {
            vpcs.extend(p.vpcs().iter().map(|v| {
                json!({"VpcId": v.vpc_id(), "IsDefault": v.is_default(), "Tags": tags(v.tags())})
            }))
        },
    )
    .await;
    file(
        sink,
        format!("{dir}/vpcs.json"),
        outcome,
        json!({"Vpcs": vpcs}),
    );
    let mut logs = Vec::new();
    let outcome = all_pages(
        ec2.describe_flow_logs().into_paginator().send(),
        "DescribeFlowLogs",
        sink.max_pages(),
        |p| p.next_token(),
        |p| {
            logs.extend(p.flow_logs().iter().map(|f| {
                json!({
                    "FlowLogId": f.flow_log_id(),
                    "ResourceId": f.resource_id(),
                    "FlowLogStatus": f.flow_log_status(),
                    "TrafficType": f.traffic_type().map(|t| t.as_str()),
                })
            }))
        },
    )
    .await;
    file(
        sink,
        format!("{dir}/flow-logs.json"),
        outcome,
        json!({"FlowLogs": logs}),
    );
}

fn tags(t: &[Tag]) -> Vec<Value> {
    t.iter()
        .map(|t| json!({"Key": t.key(), "Value": t.value()}))
        .collect()
}

/// The listing as `body`, or the call's failure.
fn file(sink: &Sink, rel: String, outcome: Result<(), String>, body: Value) {
    match outcome {
        Ok(()) => sink.json(rel, &body),
        Err(text) => sink.failed(rel, text),
    }
}
