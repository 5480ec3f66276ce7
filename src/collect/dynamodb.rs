//! DynamoDB in one region: the table list (every page), then per table DescribeTable,
//! DescribeContinuousBackups and ListTagsOfResource, each filed as the AWS CLI writes it
//! (`dynamodb/<region>/…`), a failed call as its error text.

use aws_config::SdkConfig;
use serde_json::json;

use super::calls::{CallCounter, all_pages};
use super::{Sink, failure};
use crate::snapshot::dynamodb::valid_table_name;

pub(super) async fn region(config: &SdkConfig, counter: &CallCounter, region: &str, sink: &Sink) {
    let db = regional_client!(aws_sdk_dynamodb, config, counter, region);
    tables(&db, region, sink).await;
}

/// Everything of one region's DynamoDB, asked of `db` (a client for that region).
async fn tables(db: &aws_sdk_dynamodb::Client, region: &str, sink: &Sink) {
    let dir = format!("dynamodb/{region}");
    let mut names = Vec::new();
    let outcome = all_pages(
        db.list_tables().into_paginator().send(),
        "ListTables",
        sink.max_pages(),
        |p| p.last_evaluated_table_name(),
        |p| names.extend(p.table_names().iter().cloned()),
    )
    .await;
    if let Err(text) = outcome {
        sink.failed(format!("{dir}/tables.json"), text);
        return;
    }
    sink.json(format!("{dir}/tables.json"), &json!({"TableNames": names}));
    for name in names {
        // Only names DynamoDB allows become paths (the importer checks again).
        if !valid_table_name(&name) {
            continue;
        }
        let at = format!("{dir}/tables/{name}");
        let arn = match db.describe_table().table_name(&name).send().await {
            Ok(out) => {
                let t = out.table();
                let sse = t.and_then(|t| t.sse_description());
                sink.json(
                    format!("{at}/describe.json"),
                    &json!({"Table": {
                        "TableName": t.and_then(|t| t.table_name()),
                        "TableArn": t.and_then(|t| t.table_arn()),
                        "TableStatus": t.and_then(|t| t.table_status()).map(|s| s.as_str()),
                        "SSEDescription": sse.map(|s| json!({
                            "Status": s.status().map(|x| x.as_str()),
                            "SSEType": s.sse_type().map(|x| x.as_str()),
                            "KMSMasterKeyArn": s.kms_master_key_arn(),
                        })),
                    }}),
                );
                t.and_then(|t| t.table_arn()).map(str::to_string)
            }
            Err(e) => {
                sink.failed(format!("{at}/describe.json"), failure("DescribeTable", &e));
                None
            }
        };
        match db
            .describe_continuous_backups()
            .table_name(&name)
            .send()
            .await
        {
            Ok(out) => {
                let pitr = out
                    .continuous_backups_description()
                    .and_then(|c| c.point_in_time_recovery_description());
                sink.json(
                    format!("{at}/continuous-backups.json"),
                    &json!({"ContinuousBackupsDescription": {
                        "ContinuousBackupsStatus": out.continuous_backups_description().map(|c| c.continuous_backups_status().as_str()),
                        "PointInTimeRecoveryDescription": pitr.map(|p| json!({
                            "PointInTimeRecoveryStatus": p.point_in_time_recovery_status().map(|s| s.as_str()),
                            "RecoveryPeriodInDays": p.recovery_period_in_days(),
                        })),
                    }}),
                )
            }
            Err(e) => sink.failed(
                format!("{at}/continuous-backups.json"),
                failure("DescribeContinuousBackups", &e),
            ),
        }
        // Tags are asked by ARN, which only the description gives.
        let Some(arn) = arn else {
            sink.failed(
                format!("{at}/tags.json"),
                "not asked: the table's ARN comes from DescribeTable, which failed".into(),
            );
            continue;
        };
        match tags(db, &arn, sink.max_pages()).await {
            Ok(list) => sink.json(format!("{at}/tags.json"), &json!({"Tags": list})),
            Err(text) => sink.failed(format!("{at}/tags.json"), text),
        }
    }
}

/// Every tag of the table, page after page (`NextToken`), at most `max_pages`.
async fn tags(
    db: &aws_sdk_dynamodb::Client,
    arn: &str,
    max_pages: usize,
) -> Result<Vec<serde_json::Value>, String> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..max_pages {
        let page = db
            .list_tags_of_resource()
            .resource_arn(arn)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| failure("ListTagsOfResource", &e))?;
        out.extend(
            page.tags()
                .iter()
                .map(|t| json!({"Key": t.key(), "Value": t.value()})),
        );
        match page.next_token() {
            Some(next) if Some(next) != token.as_deref() => token = Some(next.to_string()),
            Some(_) => {
                return Err("calling the ListTagsOfResource operation failed: the service repeated a pagination token, so the listing cannot be complete".into());
            }
            None => return Ok(out),
        }
    }
    Err(format!(
        "calling the ListTagsOfResource operation failed: still paging after {max_pages} pages (--max-pages); the listing was not finished"
    ))
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::error::ErrorMetadata;
    use aws_sdk_dynamodb::operation::describe_continuous_backups::DescribeContinuousBackupsOutput;
    use aws_sdk_dynamodb::operation::describe_table::{DescribeTableError, DescribeTableOutput};
    use aws_sdk_dynamodb::operation::list_tables::ListTablesOutput;
    use aws_sdk_dynamodb::operation::list_tags_of_resource::ListTagsOfResourceOutput;
    use aws_sdk_dynamodb::types::{
        ContinuousBackupsDescription, ContinuousBackupsStatus, PointInTimeRecoveryDescription,
        PointInTimeRecoveryStatus, TableDescription, Tag,
    };
    use aws_smithy_mocks::mock;

    use super::*;

    /// A table whose description is denied is still listed; its tags are not asked (they are
    /// asked by the ARN the description gives), and both are gaps after import, while the
    /// next table and its recovery are read and judged as usual.
    #[tokio::test]
    async fn a_denied_description_is_a_gap_and_the_next_table_is_read() {
        let arn = "arn:aws:dynamodb:us-east-1:123456789012:table/visits";
        let client = mocked_client!(
            aws_sdk_dynamodb,
            &[
                mock!(aws_sdk_dynamodb::Client::list_tables).then_output(|| {
                    ListTablesOutput::builder()
                        .table_names("denied")
                        .table_names("visits")
                        .build()
                }),
                mock!(aws_sdk_dynamodb::Client::describe_table)
                    .match_requests(|r| r.table_name() == Some("denied"))
                    .then_error(|| {
                        DescribeTableError::generic(
                            ErrorMetadata::builder()
                                .code("AccessDeniedException")
                                .message("not authorized to perform: dynamodb:DescribeTable")
                                .build(),
                        )
                    }),
                mock!(aws_sdk_dynamodb::Client::describe_table)
                    .match_requests(|r| r.table_name() == Some("visits"))
                    .then_output(move || {
                        DescribeTableOutput::builder()
                            .table(
                                TableDescription::builder()
                                    .table_name("visits")
                                    .table_arn(arn)
                                    .build(),
                            )
                            .build()
                    }),
                mock!(aws_sdk_dynamodb::Client::describe_continuous_backups).then_output(|| {
                    DescribeContinuousBackupsOutput::builder()
                        .continuous_backups_description(
                            ContinuousBackupsDescription::builder()
                                .continuous_backups_status(ContinuousBackupsStatus::Enabled)
                                .point_in_time_recovery_description(
                                    PointInTimeRecoveryDescription::builder()
                                        .point_in_time_recovery_status(
                                            PointInTimeRecoveryStatus::Enabled,
                                        )
                                        .recovery_period_in_days(14)
                                        .build(),
                                )
                                .build()
                                .unwrap(),
                        )
                        .build()
                }),
                mock!(aws_sdk_dynamodb::Client::list_tags_of_resource).then_output(|| {
                    ListTagsOfResourceOutput::builder()
                        .tags(Tag::builder().key("phi").value("true").build().unwrap())
                        .build()
                }),
            ]
        );
        let sink = Sink::default();
        tables(&client, "us-east-1", &sink).await;
        let entries = std::mem::take(&mut *sink.0.lock().unwrap());
        let snapshot = super::super::imported(entries);
        let t = snapshot.dynamodb.regions["us-east-1"]
            .tables
            .as_ref()
            .unwrap();
        assert_eq!(t.len(), 2);
        assert!(t[0].description.is_none() && t[0].tags.is_none());
        let gap = |e: &str| {
            snapshot
                .gaps
                .iter()
                .find(|g| g.evidence == e)
                .map(|g| g.reason.clone())
        };
        assert!(
            gap("/dynamodb/regions/us-east-1/tables/0/description")
                .unwrap()
                .contains("AccessDeniedException")
        );
        assert!(
            gap("/dynamodb/regions/us-east-1/tables/0/tags")
                .unwrap()
                .contains("not asked")
        );
        assert_eq!(
            t[1].tags.as_deref(),
            Some(&[("phi".to_string(), "true".to_string())][..])
        );
        assert_eq!(
            t[1].point_in_time_recovery
                .as_ref()
                .unwrap()
                .recovery_period_days,
            Some(14)
        );
    }
}
