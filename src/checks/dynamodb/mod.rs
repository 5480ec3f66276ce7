//! Checks on the DynamoDB tables within the PHI scope: point-in-time recovery. (DynamoDB
//! encrypts every table at rest; the key it uses is judged with the other stores' keys, by
//! `kms.pending_deletion` and `kms.key_rotation`.)

crate::checks::register! {
    point_in_time_recovery,
}

use crate::checks::{Context, Finding};
use crate::phi_scope::Membership;
use crate::snapshot::dynamodb::Table;

/// The gap for a region whose table list was not read.
pub(crate) fn list_gap(ctx: &Context<'_>, region: &str) -> Finding {
    crate::checks::stores::region_list_gap(
        ctx,
        ("dynamodb", "dynamodb", "tables"),
        region,
        "DynamoDB table list",
    )
}

/// One finding per table of every region read: `judge` (with the table, what it is called and
/// its pointer) for those in the PHI scope. Without any region read, one gap.
pub(super) fn per_table(
    ctx: &Context<'_>,
    mut judge: impl FnMut(&Table, &str, &str) -> Finding,
) -> Vec<Finding> {
    let dynamodb = &ctx.snapshot.dynamodb;
    if dynamodb.regions.is_empty() {
        return vec![ctx.missing(
            ctx.account_resource("dynamodb"),
            "/dynamodb/regions",
            "the account's DynamoDB tables (no region's list is in the evidence)",
        )];
    }
    let mut out = Vec::new();
    for (region, r) in &dynamodb.regions {
        let Some(tables) = &r.tables else {
            out.push(list_gap(ctx, region));
            continue;
        };
        let base = crate::snapshot::pointer::region("dynamodb", region);
        for (i, t) in tables.iter().enumerate() {
            let pointer = format!("{base}/tables/{i}");
            let label = format!("table {}", t.name);
            out.push(
                match crate::checks::stores::membership(ctx, &t.arn, t.tags.as_deref()) {
                    Membership::In(_) => judge(t, &label, &pointer),
                    Membership::Out(why) => Finding::not_applicable(&t.arn, why, pointer),
                    Membership::Undecided(_) => ctx.missing(
                        &t.arn,
                        &format!("{pointer}/tags"),
                        &format!("{label}'s tags, which decide whether it holds PHI,"),
                    ),
                },
            );
        }
    }
    if out.is_empty() {
        out.push(Finding::not_applicable(
            ctx.account_resource("dynamodb"),
            "the regions read hold no DynamoDB table",
            "/dynamodb/regions",
        ));
    }
    out
}

#[cfg(test)]
pub(crate) mod fixtures {
    use std::collections::BTreeMap;

    use crate::snapshot::dynamodb::{
        DynamoDb, DynamoDbRegion, PointInTimeRecovery, Table, TableDescription,
    };

    /// A table of us-east-1 tagged `phi=true`, under the key AWS owns, recovery on for 35 days.
    pub(crate) fn table(name: &str) -> Table {
        Table {
            name: name.into(),
            arn: format!("arn:aws:dynamodb:us-east-1:123456789012:table/{name}"),
            description: Some(TableDescription {
                status: Some("ACTIVE".into()),
                sse_type: None,
                kms_key: None,
            }),
            point_in_time_recovery: Some(PointInTimeRecovery {
                status: "ENABLED".into(),
                recovery_period_days: Some(35),
            }),
            tags: Some(vec![("phi".into(), "true".into())]),
        }
    }

    pub(crate) fn dynamodb(tables: Vec<Table>) -> DynamoDb {
        DynamoDb {
            regions: BTreeMap::from([(
                "us-east-1".to_string(),
                DynamoDbRegion {
                    tables: Some(tables),
                },
            )]),
        }
    }
}
