//! AWS Backup, per region: the backup plans (each with its rules and the selections that
//! assign resources to it), the backup vaults with their Vault Lock, and the region's opt-in
//! per resource type, which decides whether a selection by tag or `*` reaches a store at all.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::AwsTime;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Backup {
    /// Per region read (`backup/<region>/`).
    pub regions: BTreeMap<String, BackupRegion>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct BackupRegion {
    /// `backup list-backup-plans`, each plan read; `None`: the list is not in the evidence.
    #[serde(default)]
    pub plans: Option<Vec<Plan>>,
    /// `backup list-backup-vaults`; `None`: not in the evidence.
    #[serde(default)]
    pub vaults: Option<Vec<Vault>>,
    /// `backup describe-region-settings`: `ResourceTypeOptInPreference`, resource type
    /// (`RDS`, `S3`, …) → opted in; `None`: not in the evidence.
    #[serde(default)]
    pub opt_in: Option<BTreeMap<String, bool>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub arn: String,
    /// `get-backup-plan`'s rules; `None`: not in the evidence.
    #[serde(default)]
    pub rules: Option<Vec<Rule>>,
    /// `list-backup-selections`, each selection read; `None`: the list is not in the evidence.
    #[serde(default)]
    pub selections: Option<Vec<Selection>>,
}

/// One rule of a plan: when it runs, how long it keeps what it copies, and where.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rule {
    pub name: String,
    /// `ScheduleExpression`, e.g. `cron(0 5 ? * * *)`; `None` when the plan states none.
    #[serde(default)]
    pub schedule: Option<String>,
    /// `ScheduleExpressionTimezone` (IANA name); `None`: UTC.
    #[serde(default)]
    pub timezone: Option<String>,
    /// `Lifecycle.DeleteAfterDays`; `None`: recovery points are kept until deleted by hand.
    #[serde(default)]
    pub delete_after_days: Option<i64>,
    /// `TargetBackupVaultName`.
    pub vault: String,
    /// `EnableContinuousBackup`: point-in-time recovery for the types that support it.
    #[serde(default)]
    pub continuous: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Selection {
    pub id: String,
    pub name: String,
    /// `get-backup-selection`; `None`: not in the evidence.
    #[serde(default)]
    pub detail: Option<SelectionDetail>,
}

/// What a selection assigns to its plan, as `BackupSelection` states it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SelectionDetail {
    /// ARNs, `*` a wildcard; any one matching selects (OR).
    #[serde(default)]
    pub resources: Vec<String>,
    /// ARNs excluded, `*` a wildcard.
    #[serde(default)]
    pub not_resources: Vec<String>,
    /// `ListOfTags`: tag key → value, any one matching selects (OR).
    #[serde(default)]
    pub list_of_tags: Vec<(String, String)>,
    /// `Conditions`: all must hold (AND).
    #[serde(default)]
    pub conditions: Conditions,
}

/// `Conditions` of a selection: tag key (without `aws:ResourceTag/`) and value (`*` a wildcard
/// in the `like` forms).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Conditions {
    #[serde(default)]
    pub string_equals: Vec<(String, String)>,
    #[serde(default)]
    pub string_not_equals: Vec<(String, String)>,
    #[serde(default)]
    pub string_like: Vec<(String, String)>,
    #[serde(default)]
    pub string_not_like: Vec<(String, String)>,
}

impl Conditions {
    pub fn is_empty(&self) -> bool {
        self.string_equals.is_empty()
            && self.string_not_equals.is_empty()
            && self.string_like.is_empty()
            && self.string_not_like.is_empty()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Vault {
    pub name: String,
    pub arn: String,
    /// `Locked`: Vault Lock applies; `None` when the listing does not say.
    #[serde(default)]
    pub locked: Option<bool>,
    #[serde(default)]
    pub min_retention_days: Option<i64>,
    #[serde(default)]
    pub max_retention_days: Option<i64>,
    /// `LockDate`: from then on the lock cannot be changed or removed (compliance mode); none
    /// for a lock in governance mode, which a permitted principal can remove at any time.
    #[serde(default)]
    pub lock_date: Option<AwsTime>,
}

/// Whether `id` is a plan or selection id as AWS Backup issues them (letters, digits and `-`,
/// at most 100): the only ids that become paths, ARNs and messages.
pub fn valid_id(id: &str) -> bool {
    (1..=100).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Whether `name` is a backup vault name as AWS Backup allows it (2 to 50 of letters, digits,
/// `-` and `_`).
pub fn valid_vault_name(name: &str) -> bool {
    (2..=50).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_issued_ids_and_allowed_vault_names_are_valid() {
        assert!(valid_id("8b6d0a1e-4c5f-4b7e-9a32-0f1e2d3c4b5a"));
        for bad in ["", "../x", "a/b", "a b", &"a".repeat(101)] {
            assert!(!valid_id(bad), "{bad}");
        }
        assert!(valid_vault_name("phi-vault_1"));
        for bad in ["a", "a/b", "vault.x", &"v".repeat(51)] {
            assert!(!valid_vault_name(bad), "{bad}");
        }
    }
}
