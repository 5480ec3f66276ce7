//! DynamoDB, per region: the table list, then per table its description (status and
//! server-side encryption), its continuous backups (point-in-time recovery) and its tags.

use super::*;
use crate::snapshot::dynamodb::{
    DynamoDb, DynamoDbRegion, PointInTimeRecovery, Table, TableDescription, valid_table_name,
};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListTables {
    #[serde(default)]
    table_names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeTable {
    table: Described,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    #[serde(default)]
    table_status: Option<String>,
    #[serde(rename = "SSEDescription", default)]
    sse: Option<Sse>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Sse {
    #[serde(default)]
    status: Option<String>,
    #[serde(rename = "SSEType", default)]
    sse_type: Option<String>,
    #[serde(rename = "KMSMasterKeyArn", default)]
    kms_master_key_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ContinuousBackups {
    continuous_backups_description: BackupsDescription,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BackupsDescription {
    #[serde(default)]
    point_in_time_recovery_description: Option<PitrDescription>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PitrDescription {
    point_in_time_recovery_status: String,
    #[serde(default)]
    recovery_period_in_days: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Tags {
    #[serde(default)]
    tags: Vec<Tag>,
}

impl Importer<'_> {
    pub(super) fn dynamodb(
        &mut self,
        regions: &BTreeSet<String>,
        partition: &str,
        account: &str,
    ) -> Result<DynamoDb> {
        let lists = self.region_lists(
            regions,
            ("dynamodb", "tables"),
            |region| format!("dynamodb/{region}/tables.json"),
            |region| format!("aws dynamodb list-tables --region {region}"),
            |im, region, rel, list: ListTables| im.tables(rel, list, (partition, region, account)),
        )?;
        Ok(DynamoDb {
            regions: lists
                .into_iter()
                .map(|(region, tables)| (region, DynamoDbRegion { tables }))
                .collect(),
        })
    }

    fn tables(
        &mut self,
        list_file: &str,
        list: ListTables,
        (partition, region, account): (&str, &str, &str),
    ) -> Result<Vec<Table>> {
        let base = crate::snapshot::pointer::region("dynamodb", region);
        let mut out = Vec::new();
        for (i, name) in list.table_names.into_iter().enumerate() {
            // The name becomes a path and an ARN: only what DynamoDB allows goes further.
            if !valid_table_name(&name) {
                self.refuse_entry(list_file, format!("/TableNames/{i}"), format!(
                        "{:?} is not a DynamoDB table name (3 to 255 letters, digits, '_', '-' and '.')",
                        crate::text::line(&name)
                    ), &format!("{base}/tables"))?;
                continue;
            }
            let at = format!("{base}/tables/{}", out.len());
            let description = self
                .read_or_gap::<DescribeTable>(
                    &format!("dynamodb/{region}/tables/{name}/describe.json"),
                    &format!("{at}/description"),
                    &format!("aws dynamodb describe-table --table-name {name} --region {region}"),
                )?
                .map(|d| {
                    // SSEDescription is absent (or DISABLED) for a table under the key AWS owns.
                    let kms = d.table.sse.filter(|s| {
                        !s.status
                            .as_deref()
                            .is_some_and(|st| st.eq_ignore_ascii_case("DISABLED"))
                    });
                    TableDescription {
                        status: d.table.table_status,
                        sse_type: kms.as_ref().and_then(|s| s.sse_type.clone()),
                        kms_key: kms
                            .and_then(|s| s.kms_master_key_arn)
                            .filter(|k| !k.is_empty()),
                    }
                });
            let point_in_time_recovery = match self.read_or_gap::<ContinuousBackups>(
                &format!("dynamodb/{region}/tables/{name}/continuous-backups.json"),
                &format!("{at}/point_in_time_recovery"),
                &format!(
                    "aws dynamodb describe-continuous-backups --table-name {name} --region {region}"
                ),
            )? {
                Some(c) => match c
                    .continuous_backups_description
                    .point_in_time_recovery_description
                {
                    Some(p) => Some(PointInTimeRecovery {
                        status: p.point_in_time_recovery_status,
                        recovery_period_days: p.recovery_period_in_days,
                    }),
                    // The answer came but does not say: a gap, never "off".
                    None => {
                        self.gap(
                            &format!("{at}/point_in_time_recovery"),
                            &format!("dynamodb/{region}/tables/{name}/continuous-backups.json"),
                            "the answer has no PointInTimeRecoveryDescription",
                        );
                        None
                    }
                },
                None => None,
            };
            let arn = format!("arn:{partition}:dynamodb:{region}:{account}:table/{name}");
            let tags = self
                .read_or_gap::<Tags>(
                    &format!("dynamodb/{region}/tables/{name}/tags.json"),
                    &format!("{at}/tags"),
                    &format!(
                        "aws dynamodb list-tags-of-resource --resource-arn {arn} --region {region}"
                    ),
                )?
                .map(|t| t.tags.into_iter().map(|t| (t.key, t.value)).collect());
            out.push(Table {
                name,
                arn,
                description,
                point_in_time_recovery,
                tags,
            });
        }
        Ok(out)
    }
}
