//! KMS in one region: the key and alias lists (every page), then per key DescribeKey and, for
//! a customer managed symmetric key, GetKeyRotationStatus, each filed as the AWS CLI writes it
//! (`kms/<region>/…`), a failed call as its error text.

use aws_config::SdkConfig;
use serde_json::{Value, json};

use super::calls::{CallCounter, all_pages};
use super::{Sink, failure};

pub(super) async fn region(config: &SdkConfig, counter: &CallCounter, region: &str, sink: &Sink) {
    let kms = regional_client!(aws_sdk_kms, config, counter, region);
    let dir = format!("kms/{region}");
    let mut aliases = Vec::new();
    let outcome = all_pages(
        kms.list_aliases().into_paginator().send(),
        "ListAliases",
        sink.max_pages(),
        |p| p.next_marker(),
        |p| {
            aliases.extend(p.aliases().iter().map(|a| {
                json!({"AliasName": a.alias_name(), "AliasArn": a.alias_arn(), "TargetKeyId": a.target_key_id()})
            }))
        },
    )
    .await;
    match outcome {
        Ok(()) => sink.json(format!("{dir}/aliases.json"), &json!({"Aliases": aliases})),
        Err(text) => sink.failed(format!("{dir}/aliases.json"), text),
    }
    let mut ids = Vec::new();
    let outcome = all_pages(
        kms.list_keys().into_paginator().send(),
        "ListKeys",
        sink.max_pages(),
        |p| p.next_marker(),
        |p| {
            ids.extend(
                p.keys()
                    .iter()
                    .filter_map(|k| k.key_id().map(str::to_string)),
            )
        },
    )
    .await;
    if let Err(text) = outcome {
        sink.failed(format!("{dir}/keys.json"), text);
        return;
    }
    sink.json(
        format!("{dir}/keys.json"),
        &json!({"Keys": ids.iter().map(|id| json!({"KeyId": id})).collect::<Vec<_>>()}),
    );
    for id in ids {
        // Only ids KMS issues become paths (the importer checks again).
        if !crate::snapshot::kms::valid_key_id(&id) {
            continue;
        }
        let at = format!("{dir}/keys/{id}");
        let rotates = match kms.describe_key().key_id(&id).send().await {
            Ok(out) => {
                let m = out.key_metadata();
                sink.json(
                    format!("{at}/describe.json"),
                    &json!({"KeyMetadata": m.map(metadata)}),
                );
                m.is_some_and(|m| {
                    m.key_manager().map(|k| k.as_str()) == Some("CUSTOMER")
                        && m.key_spec()
                            .is_none_or(|s| s.as_str() == "SYMMETRIC_DEFAULT")
                        && m.key_usage()
                            .is_none_or(|u| u.as_str() == "ENCRYPT_DECRYPT")
                        && m.origin().is_none_or(|o| o.as_str() == "AWS_KMS")
                })
            }
            Err(e) => {
                sink.failed(format!("{at}/describe.json"), failure("DescribeKey", &e));
                false
            }
        };
        if rotates {
            match kms.get_key_rotation_status().key_id(&id).send().await {
                Ok(out) => sink.json(
                    format!("{at}/rotation.json"),
                    &json!({"KeyRotationEnabled": out.key_rotation_enabled()}),
                ),
                Err(e) => sink.failed(
                    format!("{at}/rotation.json"),
                    failure("GetKeyRotationStatus", &e),
                ),
            }
        }
    }
}

/// DescribeKey's metadata as the CLI prints it: what the checks read (no key material exists
/// in it; the description, which a person wrote, is left out).
fn metadata(m: &aws_sdk_kms::types::KeyMetadata) -> Value {
    json!({
        "KeyId": m.key_id(),
        "Arn": m.arn(),
        "KeyManager": m.key_manager().map(|k| k.as_str()),
        "KeyState": m.key_state().map(|s| s.as_str()),
        "KeySpec": m.key_spec().map(|s| s.as_str()),
        "KeyUsage": m.key_usage().map(|u| u.as_str()),
        "Origin": m.origin().map(|o| o.as_str()),
        "DeletionDate": m.deletion_date().map(|d| d.to_string()),
    })
}
