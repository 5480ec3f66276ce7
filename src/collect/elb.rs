//! Elastic Load Balancing (v2) in one region: the load balancers (every page), then per load
//! balancer its listeners, the rules of its plain-HTTP listeners and its tags, each filed as
//! the AWS CLI writes it (`elb/<region>/…`), a failed call as its error text.

use aws_config::SdkConfig;
use aws_sdk_elasticloadbalancingv2 as elbv2;
use serde_json::{Value, json};

use super::calls::{CallCounter, all_pages};
use super::{Sink, failure};
use crate::snapshot::elb::valid_name;

pub(super) async fn region(config: &SdkConfig, counter: &CallCounter, region: &str, sink: &Sink) {
    let elb = regional_client!(elbv2, config, counter, region);
    let dir = format!("elb/{region}");
    let mut lbs = Vec::new();
    let outcome = all_pages(
        elb.describe_load_balancers().into_paginator().send(),
        "DescribeLoadBalancers",
        sink.max_pages(),
        |p| p.next_marker(),
        |p| lbs.extend(p.load_balancers().iter().cloned()),
    )
    .await;
    if let Err(text) = outcome {
        sink.failed(format!("{dir}/load-balancers.json"), text);
        return;
    }
    sink.json(
        format!("{dir}/load-balancers.json"),
        &json!({"LoadBalancers": lbs.iter().map(|lb| json!({
            "LoadBalancerName": lb.load_balancer_name(),
            "LoadBalancerArn": lb.load_balancer_arn(),
            "Type": lb.r#type().map(|t| t.as_str()),
            "Scheme": lb.scheme().map(|s| s.as_str()),
        })).collect::<Vec<_>>()}),
    );
    for lb in &lbs {
        let (Some(name), Some(arn)) = (lb.load_balancer_name(), lb.load_balancer_arn()) else {
            continue;
        };
        // Only names ELB allows become paths (the importer checks again).
        if !valid_name(name) {
            continue;
        }
        let at = format!("{dir}/load-balancers/{name}");
        listeners(&elb, arn, &at, sink).await;
        match elb.describe_tags().resource_arns(arn).send().await {
            Ok(out) => sink.json(
                format!("{at}/tags.json"),
                &json!({"TagDescriptions": out.tag_descriptions().iter().map(|d| json!({
                    "ResourceArn": d.resource_arn(),
                    "Tags": d.tags().iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>()}),
            ),
            Err(e) => sink.failed(format!("{at}/tags.json"), failure("DescribeTags", &e)),
        }
    }
}

/// One load balancer's listeners, and the rules of each plain-HTTP listener.
async fn listeners(elb: &elbv2::Client, arn: &str, at: &str, sink: &Sink) {
    let mut list = Vec::new();
    let outcome = all_pages(
        elb.describe_listeners()
            .load_balancer_arn(arn)
            .into_paginator()
            .send(),
        "DescribeListeners",
        sink.max_pages(),
        |p| p.next_marker(),
        |p| list.extend(p.listeners().iter().cloned()),
    )
    .await;
    if let Err(text) = outcome {
        sink.failed(format!("{at}/listeners.json"), text);
        return;
    }
    sink.json(
        format!("{at}/listeners.json"),
        &json!({"Listeners": list.iter().map(|l| json!({
            "Port": l.port(),
            "Protocol": l.protocol().map(|p| p.as_str()),
            "SslPolicy": l.ssl_policy(),
            "DefaultActions": actions(l.default_actions()),
        })).collect::<Vec<_>>()}),
    );
    for l in &list {
        let (Some(port), Some(listener)) = (l.port(), l.listener_arn()) else {
            continue;
        };
        if l.protocol().map(|p| p.as_str()) != Some("HTTP") {
            continue;
        }
        let mut rules = Vec::new();
        let outcome = all_pages(
            elb.describe_rules()
                .listener_arn(listener)
                .into_paginator()
                .send(),
            "DescribeRules",
            sink.max_pages(),
            |p| p.next_marker(),
            |p| {
                rules.extend(p.rules().iter().map(|r| {
                    json!({"Priority": r.priority(), "IsDefault": r.is_default(), "Actions": actions(r.actions())})
                }))
            },
        )
        .await;
        match outcome {
            Ok(()) => sink.json(format!("{at}/rules-{port}.json"), &json!({"Rules": rules})),
            Err(text) => sink.failed(format!("{at}/rules-{port}.json"), text),
        }
    }
}

/// Actions as the CLI prints them, reduced to their type and, for a redirect, its protocol.
fn actions(list: &[elbv2::types::Action]) -> Vec<Value> {
    list.iter()
        .map(|a| {
            json!({
                "Type": a.r#type().map(|t| t.as_str()),
                "RedirectConfig": a.redirect_config().map(|r| json!({"Protocol": r.protocol()})),
            })
        })
        .collect()
}
