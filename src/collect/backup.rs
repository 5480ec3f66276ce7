//! AWS Backup in one region: the plans (every page), each read with its rules and its
//! selections (every page, each read), the vaults (every page) and the region's opt-in per
//! resource type, each filed as the AWS CLI writes it (`backup/<region>/…`), a failed call as
//! its error text.

use aws_config::SdkConfig;
use aws_sdk_backup::types::{BackupSelection, ConditionParameter};
use serde_json::{Value, json};

use super::calls::{CallCounter, all_pages};
use super::shapes::time;
use super::{Sink, failure};
use crate::snapshot::backup::valid_id;

pub(super) async fn region(config: &SdkConfig, counter: &CallCounter, region: &str, sink: &Sink) {
    let backup = regional_client!(aws_sdk_backup, config, counter, region);
    plans(&backup, region, sink).await;
    vaults(&backup, region, sink).await;
    let rel = format!("backup/{region}/region-settings.json");
    match backup.describe_region_settings().send().await {
        Ok(out) => sink.json(
            rel,
            &json!({"ResourceTypeOptInPreference": out.resource_type_opt_in_preference()}),
        ),
        Err(e) => sink.failed(rel, failure("DescribeRegionSettings", &e)),
    }
}

/// The plans, and per plan its rules and selections.
async fn plans(backup: &aws_sdk_backup::Client, region: &str, sink: &Sink) {
    let dir = format!("backup/{region}");
    let mut listed = Vec::new();
    let outcome = all_pages(
        backup.list_backup_plans().into_paginator().send(),
        "ListBackupPlans",
        sink.max_pages(),
        |p| p.next_token(),
        |p| {
            listed.extend(p.backup_plans_list().iter().map(|m| {
                (
                    m.backup_plan_id().unwrap_or_default().to_string(),
                    m.backup_plan_name().unwrap_or_default().to_string(),
                )
            }))
        },
    )
    .await;
    if let Err(text) = outcome {
        sink.failed(format!("{dir}/plans.json"), text);
        return;
    }
    let list: Vec<Value> = listed
        .iter()
        .map(|(id, name)| json!({"BackupPlanId": id, "BackupPlanName": name}))
        .collect();
    sink.json(
        format!("{dir}/plans.json"),
        &json!({"BackupPlansList": list}),
    );
    for (id, _) in listed {
        // Only ids AWS Backup issues become paths (the importer checks again).
        if !valid_id(&id) {
            continue;
        }
        let at = format!("{dir}/plans/{id}");
        match backup.get_backup_plan().backup_plan_id(&id).send().await {
            Ok(out) => {
                let rules: Vec<Value> = out
                    .backup_plan()
                    .map(|p| p.rules())
                    .unwrap_or_default()
                    .iter()
                    .map(|r| {
                        json!({
                            "RuleName": r.rule_name(),
                            "TargetBackupVaultName": r.target_backup_vault_name(),
                            "ScheduleExpression": r.schedule_expression(),
                            "ScheduleExpressionTimezone": r.schedule_expression_timezone(),
                            "Lifecycle": r.lifecycle().map(|l| json!({"DeleteAfterDays": l.delete_after_days()})),
                            "EnableContinuousBackup": r.enable_continuous_backup(),
                        })
                    })
                    .collect();
                sink.json(
                    format!("{at}/plan.json"),
                    &json!({"BackupPlan": {"Rules": rules}, "BackupPlanId": id}),
                );
            }
            Err(e) => sink.failed(format!("{at}/plan.json"), failure("GetBackupPlan", &e)),
        }
        selections(backup, &id, &at, sink).await;
    }
}

/// One plan's selections (every page), each read.
async fn selections(backup: &aws_sdk_backup::Client, plan: &str, at: &str, sink: &Sink) {
    let mut ids = Vec::new();
    let outcome = all_pages(
        backup
            .list_backup_selections()
            .backup_plan_id(plan)
            .into_paginator()
            .send(),
        "ListBackupSelections",
        sink.max_pages(),
        |p| p.next_token(),
        |p| {
            ids.extend(p.backup_selections_list().iter().map(|m| {
                (
                    m.selection_id().unwrap_or_default().to_string(),
                    m.selection_name().unwrap_or_default().to_string(),
                )
            }))
        },
    )
    .await;
    if let Err(text) = outcome {
        sink.failed(format!("{at}/selections.json"), text);
        return;
    }
    let list: Vec<Value> = ids
        .iter()
        .map(|(id, name)| json!({"SelectionId": id, "SelectionName": name}))
        .collect();
    sink.json(
        format!("{at}/selections.json"),
        &json!({"BackupSelectionsList": list}),
    );
    for (id, _) in ids {
        if !valid_id(&id) {
            continue;
        }
        let rel = format!("{at}/selections/{id}.json");
        match backup
            .get_backup_selection()
            .backup_plan_id(plan)
            .selection_id(&id)
            .send()
            .await
        {
            Ok(out) => sink.json(
                rel,
                &json!({"BackupSelection": out.backup_selection().map(selection), "SelectionId": id}),
            ),
            Err(e) => sink.failed(rel, failure("GetBackupSelection", &e)),
        }
    }
}

/// A selection as the CLI prints it (the IAM role it backs up with is left out: not judged).
fn selection(s: &BackupSelection) -> Value {
    let pairs = |list: &[ConditionParameter]| -> Vec<Value> {
        list.iter()
            .map(|c| json!({"ConditionKey": c.condition_key(), "ConditionValue": c.condition_value()}))
            .collect()
    };
    let c = s.conditions();
    json!({
        "SelectionName": s.selection_name(),
        "Resources": s.resources(),
        "NotResources": s.not_resources(),
        "ListOfTags": s.list_of_tags().iter().map(|t| json!({
            "ConditionType": t.condition_type().as_str(),
            "ConditionKey": t.condition_key(),
            "ConditionValue": t.condition_value(),
        })).collect::<Vec<_>>(),
        "Conditions": {
            "StringEquals": c.map(|c| pairs(c.string_equals())).unwrap_or_default(),
            "StringNotEquals": c.map(|c| pairs(c.string_not_equals())).unwrap_or_default(),
            "StringLike": c.map(|c| pairs(c.string_like())).unwrap_or_default(),
            "StringNotLike": c.map(|c| pairs(c.string_not_like())).unwrap_or_default(),
        },
    })
}

/// The vaults with their Vault Lock (every page).
async fn vaults(backup: &aws_sdk_backup::Client, region: &str, sink: &Sink) {
    let mut list = Vec::new();
    let outcome = all_pages(
        backup.list_backup_vaults().into_paginator().send(),
        "ListBackupVaults",
        sink.max_pages(),
        |p| p.next_token(),
        |p| {
            list.extend(p.backup_vault_list().iter().map(|v| {
                json!({
                    "BackupVaultName": v.backup_vault_name(),
                    "Locked": v.locked(),
                    "MinRetentionDays": v.min_retention_days(),
                    "MaxRetentionDays": v.max_retention_days(),
                    "LockDate": time(v.lock_date()),
                })
            }))
        },
    )
    .await;
    let rel = format!("backup/{region}/vaults.json");
    match outcome {
        Ok(()) => sink.json(rel, &json!({"BackupVaultList": list})),
        Err(text) => sink.failed(rel, text),
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_backup::error::ErrorMetadata;
    use aws_sdk_backup::operation::get_backup_plan::GetBackupPlanOutput;
    use aws_sdk_backup::operation::get_backup_selection::{
        GetBackupSelectionError, GetBackupSelectionOutput,
    };
    use aws_sdk_backup::operation::list_backup_plans::ListBackupPlansOutput;
    use aws_sdk_backup::operation::list_backup_selections::ListBackupSelectionsOutput;
    use aws_sdk_backup::types::{
        BackupPlan, BackupPlansListMember, BackupRule, BackupSelection, BackupSelectionsListMember,
        Condition, ConditionType, Lifecycle,
    };
    use aws_smithy_mocks::mock;

    use super::*;
    use crate::import::Entry;

    const PLAN: &str = "0f1e2d3c-4b5a-4968-8776-655443322110";

    fn tagged(name: &str, value: &str) -> BackupSelection {
        BackupSelection::builder()
            .selection_name(name)
            .iam_role_arn("arn:aws:iam::123456789012:role/backup")
            .list_of_tags(
                Condition::builder()
                    .condition_type(ConditionType::Stringequals)
                    .condition_key("phi")
                    .condition_value(value)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    }

    /// Selections are paged, and one that cannot be read is a gap, not "selects nothing": a
    /// store only it could select is undecided; one another selection reaches passes.
    #[tokio::test]
    async fn selections_are_paged_and_one_denied_is_a_gap() {
        let client = mocked_client!(
            aws_sdk_backup,
            &[
                mock!(aws_sdk_backup::Client::list_backup_plans).then_output(|| {
                    ListBackupPlansOutput::builder()
                        .backup_plans_list(
                            BackupPlansListMember::builder()
                                .backup_plan_id(PLAN)
                                .backup_plan_name("phi-daily")
                                .build(),
                        )
                        .build()
                }),
                mock!(aws_sdk_backup::Client::get_backup_plan).then_output(|| {
                    GetBackupPlanOutput::builder()
                        .backup_plan(
                            BackupPlan::builder()
                                .backup_plan_name("phi-daily")
                                .rules(
                                    BackupRule::builder()
                                        .rule_name("daily")
                                        .target_backup_vault_name("phi-vault")
                                        .schedule_expression("cron(0 5 ? * * *)")
                                        .lifecycle(
                                            Lifecycle::builder().delete_after_days(35).build(),
                                        )
                                        .build()
                                        .unwrap(),
                                )
                                .build()
                                .unwrap(),
                        )
                        .build()
                }),
                mock!(aws_sdk_backup::Client::list_backup_selections)
                    .match_requests(|r| r.next_token().is_none())
                    .then_output(|| {
                        ListBackupSelectionsOutput::builder()
                            .backup_selections_list(
                                BackupSelectionsListMember::builder()
                                    .selection_id("sel-true")
                                    .selection_name("phi-true")
                                    .build(),
                            )
                            .next_token("page-2")
                            .build()
                    }),
                mock!(aws_sdk_backup::Client::list_backup_selections)
                    .match_requests(|r| r.next_token() == Some("page-2"))
                    .then_output(|| {
                        ListBackupSelectionsOutput::builder()
                            .backup_selections_list(
                                BackupSelectionsListMember::builder()
                                    .selection_id("sel-yes")
                                    .selection_name("phi-yes")
                                    .build(),
                            )
                            .build()
                    }),
                mock!(aws_sdk_backup::Client::get_backup_selection)
                    .match_requests(|r| r.selection_id() == Some("sel-true"))
                    .then_output(|| {
                        GetBackupSelectionOutput::builder()
                            .backup_selection(tagged("phi-true", "true"))
                            .build()
                    }),
                mock!(aws_sdk_backup::Client::get_backup_selection)
                    .match_requests(|r| r.selection_id() == Some("sel-yes"))
                    .then_error(|| {
                        GetBackupSelectionError::generic(
                            ErrorMetadata::builder()
                                .code("AccessDeniedException")
                                .message("not authorized to perform: backup:GetBackupSelection")
                                .build(),
                        )
                    }),
            ]
        );
        let sink = Sink::default();
        plans(&client, "us-east-1", &sink).await;
        let mut entries = std::mem::take(&mut *sink.0.lock().unwrap());
        assert!(
            entries.contains_key(&format!(
                "backup/us-east-1/plans/{PLAN}/selections/sel-yes.json"
            )),
            "the denied selection is filed as its error: {:?}",
            entries.keys()
        );
        entries.insert(
            "backup/us-east-1/region-settings.json".into(),
            Entry::Json(br#"{"ResourceTypeOptInPreference": {"DynamoDB": true}}"#.to_vec()),
        );
        entries.insert(
            "dynamodb/us-east-1/tables.json".into(),
            Entry::Json(br#"{"TableNames": ["visits", "intake"]}"#.to_vec()),
        );
        for (table, tag) in [("visits", "true"), ("intake", "yes")] {
            entries.insert(
                format!("dynamodb/us-east-1/tables/{table}/tags.json"),
                Entry::Json(
                    format!(r#"{{"Tags": [{{"Key": "phi", "Value": "{tag}"}}]}}"#).into_bytes(),
                ),
            );
        }
        let snapshot = super::super::imported(entries);
        let plan = &snapshot.backup.regions["us-east-1"].plans.as_ref().unwrap()[0];
        let selections = plan.selections.as_ref().unwrap();
        assert_eq!(selections.len(), 2);
        assert!(selections[0].detail.is_some() && selections[1].detail.is_none());
        let check = crate::checks::find("backup.plan_coverage").unwrap();
        let f = crate::checks::testutil::run(check, &snapshot);
        let on = |table: &str| {
            f.iter()
                .find(|f| f.resource.ends_with(&format!(":table/{table}")))
                .unwrap_or_else(|| panic!("no finding on {table}: {f:?}"))
        };
        assert_eq!(on("visits").status.as_str(), "pass", "{f:?}");
        assert_eq!(on("intake").status.as_str(), "error");
        assert!(
            on("intake").message.contains("selection phi-yes is unread"),
            "{}",
            on("intake").message
        );
    }
}
