//! AWS Backup, per region: the plan list, then per plan its rules and its selections (each
//! read), the vault list with each vault's lock, and the region's opt-in per resource type.

use super::*;
use crate::snapshot::backup::{
    Backup, BackupRegion, Conditions, Plan, Rule, Selection, SelectionDetail, Vault, valid_id,
    valid_vault_name,
};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListPlans {
    #[serde(default)]
    backup_plans_list: Vec<Listed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Listed {
    backup_plan_id: String,
    #[serde(default)]
    backup_plan_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetPlan {
    backup_plan: PlanBody,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PlanBody {
    #[serde(default)]
    rules: Vec<RuleBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RuleBody {
    rule_name: String,
    target_backup_vault_name: String,
    #[serde(default)]
    schedule_expression: Option<String>,
    #[serde(default)]
    schedule_expression_timezone: Option<String>,
    #[serde(default)]
    lifecycle: Option<Lifecycle>,
    #[serde(default)]
    enable_continuous_backup: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Lifecycle {
    #[serde(default)]
    delete_after_days: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListSelections {
    #[serde(default)]
    backup_selections_list: Vec<ListedSelection>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedSelection {
    selection_id: String,
    #[serde(default)]
    selection_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetSelection {
    backup_selection: SelectionBody,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SelectionBody {
    #[serde(default)]
    resources: Vec<String>,
    #[serde(default)]
    not_resources: Vec<String>,
    #[serde(default)]
    list_of_tags: Vec<TagCondition>,
    #[serde(default)]
    conditions: Option<ConditionsBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagCondition {
    condition_type: String,
    condition_key: String,
    condition_value: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ConditionsBody {
    #[serde(default)]
    string_equals: Vec<ConditionParameter>,
    #[serde(default)]
    string_not_equals: Vec<ConditionParameter>,
    #[serde(default)]
    string_like: Vec<ConditionParameter>,
    #[serde(default)]
    string_not_like: Vec<ConditionParameter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ConditionParameter {
    condition_key: String,
    condition_value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListVaults {
    #[serde(default)]
    backup_vault_list: Vec<VaultBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VaultBody {
    backup_vault_name: String,
    #[serde(default)]
    locked: Option<bool>,
    #[serde(default)]
    min_retention_days: Option<i64>,
    #[serde(default)]
    max_retention_days: Option<i64>,
    #[serde(default)]
    lock_date: Option<crate::snapshot::AwsTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RegionSettings {
    resource_type_opt_in_preference: BTreeMap<String, bool>,
}

/// A tag key as a selection writes it: `Conditions` always, and `ListOfTags` sometimes, prefix
/// it with `aws:ResourceTag/`.
fn tag_key(key: String) -> String {
    match key.strip_prefix("aws:ResourceTag/") {
        Some(k) => k.to_string(),
        None => key,
    }
}

fn pairs(list: Vec<ConditionParameter>) -> Vec<(String, String)> {
    list.into_iter()
        .map(|c| (tag_key(c.condition_key), c.condition_value))
        .collect()
}

impl Importer<'_> {
    pub(super) fn backup(
        &mut self,
        regions: &BTreeSet<String>,
        partition: &str,
        account: &str,
    ) -> Result<Backup> {
        let plans = self.region_lists(
            regions,
            ("backup", "plans"),
            |region| format!("backup/{region}/plans.json"),
            |region| format!("aws backup list-backup-plans --region {region}"),
            |im, region, rel, list: ListPlans| im.plans(rel, list, (partition, region, account)),
        )?;
        let mut vaults = self.region_lists(
            regions,
            ("backup", "vaults"),
            |region| format!("backup/{region}/vaults.json"),
            |region| format!("aws backup list-backup-vaults --region {region}"),
            |im, region, rel, list: ListVaults| im.vaults(rel, list, (partition, region, account)),
        )?;
        let mut opt_in = self.region_lists(
            regions,
            ("backup", "opt_in"),
            |region| format!("backup/{region}/region-settings.json"),
            |region| format!("aws backup describe-region-settings --region {region}"),
            |_, _, _, s: RegionSettings| Ok(s.resource_type_opt_in_preference),
        )?;
        Ok(Backup {
            regions: plans
                .into_iter()
                .map(|(region, plans)| {
                    let r = BackupRegion {
                        plans,
                        vaults: vaults.remove(&region).flatten(),
                        opt_in: opt_in.remove(&region).flatten(),
                    };
                    (region, r)
                })
                .collect(),
        })
    }

    fn plans(
        &mut self,
        list_file: &str,
        list: ListPlans,
        (partition, region, account): (&str, &str, &str),
    ) -> Result<Vec<Plan>> {
        let base = crate::snapshot::pointer::region("backup", region);
        let mut out = Vec::new();
        for (i, listed) in list.backup_plans_list.into_iter().enumerate() {
            let id = listed.backup_plan_id;
            // The id becomes a path and an ARN: only what AWS Backup issues goes further.
            if !valid_id(&id) {
                self.refuse_entry(
                    list_file,
                    format!("/BackupPlansList/{i}/BackupPlanId"),
                    format!(
                        "{:?} is not an AWS Backup plan id (letters, digits and '-')",
                        crate::text::line(&id)
                    ),
                    &format!("{base}/plans"),
                )?;
                continue;
            }
            let at = format!("{base}/plans/{}", out.len());
            let rules = self
                .read_or_gap::<GetPlan>(
                    &format!("backup/{region}/plans/{plan}/plan.json", plan = id),
                    &format!("{at}/rules"),
                    &format!("aws backup get-backup-plan --backup-plan-id {id} --region {region}"),
                )?
                .map(|p| {
                    p.backup_plan
                        .rules
                        .into_iter()
                        .map(|r| Rule {
                            name: crate::text::line(&r.rule_name).to_string(),
                            schedule: r.schedule_expression,
                            timezone: r.schedule_expression_timezone,
                            delete_after_days: r.lifecycle.and_then(|l| l.delete_after_days),
                            vault: r.target_backup_vault_name,
                            continuous: r.enable_continuous_backup.unwrap_or(false),
                        })
                        .collect()
                });
            let selections = self.selections(&id, region, &at)?;
            out.push(Plan {
                arn: format!("arn:{partition}:backup:{region}:{account}:backup-plan:{id}"),
                name: crate::text::line(&listed.backup_plan_name).to_string(),
                id,
                rules,
                selections,
            });
        }
        Ok(out)
    }

    /// One plan's selections, each read; a selection id AWS Backup would not issue is refused.
    fn selections(&mut self, plan: &str, region: &str, at: &str) -> Result<Option<Vec<Selection>>> {
        let list_file = format!("backup/{region}/plans/{plan}/selections.json");
        let Some(list) = self.read_or_gap::<ListSelections>(
            &list_file,
            &format!("{at}/selections"),
            &format!("aws backup list-backup-selections --backup-plan-id {plan} --region {region}"),
        )?
        else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for (i, listed) in list.backup_selections_list.into_iter().enumerate() {
            let id = listed.selection_id;
            if !valid_id(&id) {
                self.refuse_entry(
                    &list_file,
                    format!("/BackupSelectionsList/{i}/SelectionId"),
                    format!(
                        "{:?} is not an AWS Backup selection id (letters, digits and '-')",
                        crate::text::line(&id)
                    ),
                    &format!("{at}/selections"),
                )?;
                continue;
            }
            let rel = format!(
                "backup/{region}/plans/{plan}/selections/{selection}.json",
                selection = id
            );
            let detail_at = format!("{at}/selections/{}/detail", out.len());
            let detail = match self.read_or_gap::<GetSelection>(
                &rel,
                &detail_at,
                &format!(
                    "aws backup get-backup-selection --backup-plan-id {plan} --selection-id {id} --region {region}"
                ),
            )? {
                None => None,
                Some(s) => self.selection_detail(&rel, s.backup_selection, &detail_at)?,
            };
            out.push(Selection {
                id,
                name: crate::text::line(&listed.selection_name).to_string(),
                detail,
            });
        }
        Ok(Some(out))
    }

    /// A selection's body; a `ListOfTags` condition of a type AWS Backup does not have would
    /// change what the selection reaches, so the selection is refused, not read without it.
    fn selection_detail(
        &mut self,
        rel: &str,
        body: SelectionBody,
        at: &str,
    ) -> Result<Option<SelectionDetail>> {
        if let Some(i) = body
            .list_of_tags
            .iter()
            .position(|c| c.condition_type != "STRINGEQUALS")
        {
            self.refuse_entry(
                rel,
                format!("/BackupSelection/ListOfTags/{i}/ConditionType"),
                format!(
                    "{:?} is not a ListOfTags condition type: AWS Backup has only STRINGEQUALS",
                    crate::text::line(&body.list_of_tags[i].condition_type)
                ),
                at,
            )?;
            return Ok(None);
        }
        let c = body.conditions.unwrap_or_default();
        Ok(Some(SelectionDetail {
            resources: body.resources,
            not_resources: body.not_resources,
            list_of_tags: body
                .list_of_tags
                .into_iter()
                .map(|c| (tag_key(c.condition_key), c.condition_value))
                .collect(),
            conditions: Conditions {
                string_equals: pairs(c.string_equals),
                string_not_equals: pairs(c.string_not_equals),
                string_like: pairs(c.string_like),
                string_not_like: pairs(c.string_not_like),
            },
        }))
    }

    fn vaults(
        &mut self,
        list_file: &str,
        list: ListVaults,
        (partition, region, account): (&str, &str, &str),
    ) -> Result<Vec<Vault>> {
        let base = crate::snapshot::pointer::region("backup", region);
        let mut out = Vec::new();
        for (i, v) in list.backup_vault_list.into_iter().enumerate() {
            let name = v.backup_vault_name;
            if !valid_vault_name(&name) {
                self.refuse_entry(
                    list_file,
                    format!("/BackupVaultList/{i}/BackupVaultName"),
                    format!(
                        "{:?} is not a backup vault name (2 to 50 letters, digits, '-' and '_')",
                        crate::text::line(&name)
                    ),
                    &format!("{base}/vaults"),
                )?;
                continue;
            }
            out.push(Vault {
                arn: format!("arn:{partition}:backup:{region}:{account}:backup-vault:{name}"),
                name,
                locked: v.locked,
                min_retention_days: v.min_retention_days,
                max_retention_days: v.max_retention_days,
                lock_date: v.lock_date,
            });
        }
        Ok(out)
    }
}
