//! DynamoDB, per region: the tables, each with what decides whether the ePHI in it can be
//! restored and which key protects it: point-in-time recovery, server-side encryption and the
//! tags that place it in the PHI scope.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DynamoDb {
    /// Per region read (`dynamodb/<region>/`).
    pub regions: BTreeMap<String, DynamoDbRegion>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DynamoDbRegion {
    /// `dynamodb list-tables`, each described; `None`: the list is not in the evidence.
    #[serde(default)]
    pub tables: Option<Vec<Table>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Table {
    pub name: String,
    pub arn: String,
    /// `describe-table`; `None`: not in the evidence.
    #[serde(default)]
    pub description: Option<TableDescription>,
    /// `describe-continuous-backups`; `None`: not in the evidence.
    #[serde(default)]
    pub point_in_time_recovery: Option<PointInTimeRecovery>,
    /// `list-tags-of-resource`; `None`: not in the evidence.
    #[serde(default)]
    pub tags: Option<Vec<(String, String)>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TableDescription {
    /// `ACTIVE`, `CREATING`, `INACCESSIBLE_ENCRYPTION_CREDENTIALS`, …
    #[serde(default)]
    pub status: Option<String>,
    /// `SSEDescription.SSEType` when its status is `ENABLED` or `UPDATING`: `KMS`; `None`: the
    /// table is encrypted under a key AWS owns (DynamoDB encrypts every table at rest).
    #[serde(default)]
    pub sse_type: Option<String>,
    /// `SSEDescription.KMSMasterKeyArn`: the KMS key, customer or AWS managed.
    #[serde(default)]
    pub kms_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PointInTimeRecovery {
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    /// How many days back the table can be restored, when the description says.
    #[serde(default)]
    pub recovery_period_days: Option<i64>,
}

impl PointInTimeRecovery {
    pub fn enabled(&self) -> bool {
        self.status.eq_ignore_ascii_case("ENABLED")
    }
}

/// Whether `name` is a DynamoDB table name (3 to 255 of `a-z`, `A-Z`, `0-9`, `_`, `-`, `.`):
/// the only names that become paths, ARNs and messages.
pub fn valid_table_name(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_table_names_dynamodb_allows_are_valid() {
        assert!(valid_table_name("clinic-phi-visits.v2"));
        for bad in ["ab", "../x", "a/b", "a b", &"a".repeat(256)] {
            assert!(!valid_table_name(bad), "{bad}");
        }
        // Dots alone are a legal name and an ordinary folder name (never `.` or `..`).
        assert!(valid_table_name("..."));
    }
}
