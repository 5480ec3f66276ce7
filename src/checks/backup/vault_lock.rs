//! `backup.vault_lock`: every backup vault that a plan selecting a PHI store copies into is
//! locked with AWS Backup Vault Lock, so the copies the contingency plan relies on cannot be
//! deleted early, by an attacker or by mistake.
//!
//! One finding per vault. Compliance mode (a lock date reached by the collection time) cannot
//! be removed by anyone; governance mode (no lock date, or before it) can be, by a principal
//! allowed `backup:DeleteBackupVaultLockConfiguration`, and passes unless
//! `require_compliance_mode`.

use std::collections::BTreeMap;

use crate::checks::{Context, Finding, Outcome};

check! {
    VaultLock = "backup.vault_lock",
    "The backup vaults holding copies of PHI are locked against deletion (AWS Backup Vault Lock)",
    severity: Medium => "without Vault Lock, anyone allowed to delete recovery points (an attacker with stolen credentials or ransomware included) can destroy the backups the contingency plan relies on",
    remediation: "Apply Vault Lock to the vault (aws backup put-backup-vault-lock-configuration --backup-vault-name VAULT --min-retention-days N, with --changeable-for-days for compliance mode).",
    params {
        require_compliance_mode: bool(false) "fail vaults locked in governance mode (removable by a permitted principal): only compliance mode, past its lock date, passes"
    }
}

/// A vault that copies of PHI go to, and the first rule that sends them (for the message).
struct Target<'a> {
    plan: &'a str,
    rule: &'a str,
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let inventory = crate::checks::stores::all(ctx);
    let mut gaps: BTreeMap<String, Finding> = inventory
        .unread
        .into_iter()
        .map(|f| (f.evidence.clone(), f))
        .collect();
    let mut targets: BTreeMap<(&str, &str), Target<'_>> = BTreeMap::new();
    for s in &inventory.stores {
        if super::not_judged(ctx, s).is_some() {
            // Out of scope or a replica: its backups are not PHI's; scope undecided: the
            // plan coverage check reports the store.
            continue;
        }
        let reaching = match super::reaching(ctx, s) {
            Ok(r) => r,
            // One gap per missing piece, not per store.
            Err(gap) => {
                gaps.entry(gap.evidence.clone()).or_insert(*gap);
                continue;
            }
        };
        let base = crate::snapshot::pointer::region("backup", reaching.region);
        for (i, plan, _) in &reaching.plans {
            let Some(rules) = &plan.rules else {
                let at = format!("{base}/plans/{i}/rules");
                let gap = ctx.missing(&plan.arn, &at, &format!("plan {}'s rules", crate::text::line(&plan.name)));
                gaps.entry(gap.evidence.clone()).or_insert(gap);
                continue;
            };
            for rule in rules {
                targets.entry((reaching.region, rule.vault.as_str())).or_insert(Target {
                    plan: &plan.name,
                    rule: &rule.name,
                });
            }
        }
    }
    let mut out: Vec<Finding> = gaps.into_values().collect();
    for ((region, vault), target) in &targets {
        out.push(judge(ctx, region, vault, target, settings));
    }
    if out.is_empty() {
        out.push(Finding::not_applicable(
            ctx.account_resource("backup-vaults"),
            "no AWS Backup plan copies a data store in the PHI scope into a vault (backup.plan_coverage judges the coverage)",
            "/backup/regions",
        ));
    }
    Ok(out)
}

fn judge(
    ctx: &Context<'_>,
    region: &str,
    name: &str,
    target: &Target<'_>,
    settings: &Settings,
) -> Finding {
    let base = crate::snapshot::pointer::region("backup", region);
    let shown = crate::text::line(name);
    let arn = format!(
        "arn:{}:backup:{region}:{}:backup-vault:{shown}",
        ctx.snapshot.account.partition, ctx.snapshot.account.id
    );
    let why = format!(
        "where plan {} rule {} copies PHI stores",
        crate::text::line(target.plan),
        crate::text::line(target.rule)
    );
    let Some(vaults) = &ctx.snapshot.backup.regions[region].vaults else {
        return ctx.missing(&arn, &format!("{base}/vaults"), &format!("the backup vault list of {region}"));
    };
    let Some((i, v)) = vaults.iter().enumerate().find(|(_, v)| v.name == name) else {
        return super::undecided(
            &arn,
            format!("vault {shown}, {why}, is not in the backup vault list of {region}: its lock cannot be judged"),
            format!("{base}/vaults"),
        );
    };
    let at = format!("{base}/vaults/{i}/locked");
    match v.locked {
        None => ctx.missing(&v.arn, &at, &format!("whether vault {shown} is locked")),
        Some(false) => Finding::fail(&v.arn, format!("vault {shown}, {why}, has no Vault Lock: its recovery points can be deleted"), at),
        Some(true) => {
            let from = match &v.lock_date {
                None => None,
                Some(t) => match t.parse() {
                    Some(t) => Some(t),
                    None => {
                        return ctx.missing(&v.arn, &format!("{base}/vaults/{i}/lock_date"), &format!("a readable lock date of vault {shown}"));
                    }
                },
            };
            let retention = v.min_retention_days.map(|d| format!(", keeping recovery points at least {d} day(s)")).unwrap_or_default();
            match from {
                Some(t) if t <= ctx.as_of => Finding::pass(
                    &v.arn,
                    format!("vault {shown}, {why}, is locked in compliance mode since {}{retention}: no one can remove the lock", t.format("%Y-%m-%d")),
                    format!("{base}/vaults/{i}/lock_date"),
                ),
                _ => {
                    let mode = match from {
                        Some(t) => format!("in governance mode until its lock date {} (compliance mode from then)", t.format("%Y-%m-%d")),
                        None => "in governance mode".to_string(),
                    };
                    let message = format!("vault {shown}, {why}, is locked {mode}{retention}: a principal allowed backup:DeleteBackupVaultLockConfiguration can remove the lock");
                    if settings.require_compliance_mode {
                        Finding::fail(&v.arn, message, at)
                    } else {
                        Finding::pass(&v.arn, message, at)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::backup::fixtures::{backup, daily, plan, vault};
    use crate::checks::dynamodb::fixtures::{dynamodb, table};
    use crate::checks::testutil::*;

    fn with_plan(vaults: Vec<crate::snapshot::backup::Vault>) -> crate::snapshot::Snapshot {
        let mut s = snapshot();
        s.s3.buckets = Some(Vec::new());
        s.dynamodb = dynamodb(vec![table("patients")]);
        s.backup = backup(vec![plan("phi", vec![daily("phi-vault")])], vaults);
        s
    }

    #[test]
    fn compliance_mode_passes_no_lock_fails_governance_per_parameter() {
        let s = with_plan(vec![vault("phi-vault", true), vault("unused", false)]);
        let f = run(&VaultLock, &s);
        // Only the vault PHI copies go to is judged.
        assert_eq!(statuses(&f), ["pass"], "{f:?}");
        assert!(f[0].message.contains("compliance mode since 2026-01-01"), "{}", f[0].message);
        let s = with_plan(vec![vault("phi-vault", false)]);
        assert_eq!(statuses(&run(&VaultLock, &s)), ["fail"]);
        let mut governance = vault("phi-vault", true);
        governance.lock_date = None;
        let s = with_plan(vec![governance.clone()]);
        assert_eq!(statuses(&run(&VaultLock, &s)), ["pass"]);
        let strict = [("require_compliance_mode", ParamValue::Bool(true))];
        assert_eq!(statuses(&run_with(&VaultLock, &s, &strict)), ["fail"]);
        // A lock date after the collection time: still removable.
        governance.lock_date = Some(crate::snapshot::AwsTime("2999-01-01T00:00:00Z".into()));
        let s = with_plan(vec![governance]);
        let f = run_with(&VaultLock, &s, &strict);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(f[0].message.contains("until its lock date 2999-01-01"), "{}", f[0].message);
    }

    #[test]
    fn missing_vaults_and_lists_are_gaps_and_no_phi_backups_is_not_applicable() {
        let s = with_plan(vec![]);
        let f = run(&VaultLock, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert!(f[0].message.contains("not in the backup vault list"), "{}", f[0].message);
        let mut s = with_plan(vec![]);
        s.backup.regions.get_mut("us-east-1").unwrap().vaults = None;
        assert_eq!(statuses(&run(&VaultLock, &s)), ["error"]);
        let mut s = with_plan(vec![]);
        s.backup.regions.get_mut("us-east-1").unwrap().plans = Some(vec![]);
        assert_eq!(statuses(&run(&VaultLock, &s)), ["not_applicable"]);
        s.backup.regions.get_mut("us-east-1").unwrap().plans = None;
        assert_eq!(statuses(&run(&VaultLock, &s)), ["error"]);
    }
}
