//! CloudFront (global, asked in the partition's home region): every distribution (every page),
//! with its behaviors, origins and certificate, then per distribution its tags, filed as the
//! AWS CLI writes them (`cloudfront/…`), a failed call as its error text.

use aws_config::SdkConfig;
use aws_sdk_cloudfront::types::{CacheBehavior, DefaultCacheBehavior, DistributionSummary};
use serde_json::{Value, json};

use super::calls::{CallCounter, all_pages};
use super::{Sink, failure};
use crate::snapshot::cloudfront::valid_id;

pub(super) async fn distributions(
    config: &SdkConfig,
    counter: &CallCounter,
    region: &str,
    sink: &Sink,
) {
    let cf = regional_client!(aws_sdk_cloudfront, config, counter, region);
    let mut list = Vec::new();
    let outcome = all_pages(
        cf.list_distributions().into_paginator().send(),
        "ListDistributions",
        sink.max_pages(),
        |p| p.distribution_list().and_then(|l| l.next_marker()),
        |p| {
            if let Some(l) = p.distribution_list() {
                list.extend(l.items().iter().cloned());
            }
        },
    )
    .await;
    if let Err(text) = outcome {
        sink.failed("cloudfront/distributions.json".to_string(), text);
        return;
    }
    sink.json(
        "cloudfront/distributions.json".to_string(),
        &json!({"DistributionList": {"Items": list.iter().map(summary).collect::<Vec<_>>()}}),
    );
    for d in &list {
        // Only ids CloudFront issues become paths (the importer checks again).
        if !valid_id(d.id()) {
            continue;
        }
        let rel = format!("cloudfront/distributions/{}/tags.json", d.id());
        match cf.list_tags_for_resource().resource(d.arn()).send().await {
            Ok(out) => {
                let tags: Vec<Value> = out
                    .tags()
                    .map(|t| t.items())
                    .unwrap_or_default()
                    .iter()
                    .map(|t| json!({"Key": t.key(), "Value": t.value()}))
                    .collect();
                sink.json(rel, &json!({"Tags": {"Items": tags}}));
            }
            Err(e) => sink.failed(rel, failure("ListTagsForResource", &e)),
        }
    }
}

/// A distribution as the CLI prints it, reduced to what the check reads.
fn summary(d: &DistributionSummary) -> Value {
    let behavior = |path: Option<&str>, origin: &str, policy: &str| json!({"PathPattern": path, "TargetOriginId": origin, "ViewerProtocolPolicy": policy});
    let default: Option<&DefaultCacheBehavior> = d.default_cache_behavior();
    let others: &[CacheBehavior] = d.cache_behaviors().map(|c| c.items()).unwrap_or_default();
    json!({
        "Id": d.id(),
        "ARN": d.arn(),
        "DomainName": d.domain_name(),
        "Enabled": d.enabled(),
        "Origins": {"Items": d.origins().map(|o| o.items()).unwrap_or_default().iter().map(|o| json!({
            "Id": o.id(),
            "DomainName": o.domain_name(),
            "CustomOriginConfig": o.custom_origin_config().map(|c| json!({
                "OriginProtocolPolicy": c.origin_protocol_policy().as_str(),
            })),
        })).collect::<Vec<_>>()},
        "DefaultCacheBehavior": default.map(|b| behavior(None, b.target_origin_id(), b.viewer_protocol_policy().as_str())),
        "CacheBehaviors": {"Items": others.iter().map(|b| behavior(Some(b.path_pattern()), b.target_origin_id(), b.viewer_protocol_policy().as_str())).collect::<Vec<_>>()},
        "ViewerCertificate": d.viewer_certificate().map(|c| json!({
            "CloudFrontDefaultCertificate": c.cloud_front_default_certificate(),
            "ACMCertificateArn": c.acm_certificate_arn(),
            "IAMCertificateId": c.iam_certificate_id(),
            "MinimumProtocolVersion": c.minimum_protocol_version().map(|v| v.as_str()),
        })),
    })
}
