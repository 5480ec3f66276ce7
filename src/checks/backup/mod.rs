//! Checks on AWS Backup for the data stores within the PHI scope: that a plan backs each up
//! often enough and keeps the copies long enough, and that the vaults holding those copies are
//! locked against deletion.
//!
//! Which plans reach a store is decided here, as AWS Backup decides it
//! (docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html): a plan backs
//! up resources of its own region only; a selection's `Resources` match by ARN (`*` a
//! wildcard, any one), `NotResources` exclude, `ListOfTags` match any one tag, `Conditions`
//! must all hold, and a selection with neither `Resources` nor `ListOfTags` takes every
//! resource. The region's opt-in for the store's type applies unless the selection names the
//! type by ARN (always for Aurora, DocumentDB and Neptune).

crate::checks::register! {
    plan_coverage,
    vault_lock,
}

pub(crate) mod schedule;

use crate::checks::stores::Store;
use crate::checks::{Context, Finding, FindingStatus};
use crate::phi_scope::Membership;
use crate::snapshot::backup::{BackupRegion, Plan, SelectionDetail};

/// Whether one selection reaches a store.
#[derive(Debug, PartialEq)]
pub(crate) enum Reach {
    No,
    /// Selected; `by_type`: through a `Resources` ARN that names the store's type (so the
    /// region's opt-in does not apply).
    Yes {
        by_type: bool,
    },
    /// The evidence cannot decide, and why.
    Undecided(String),
}

fn glob(pattern: &str, text: &str) -> bool {
    safeguard_policy::glob::matches(pattern, text, false)
}

/// Whether `selection` reaches the resource `arn` with `tags` (`None`: unread).
pub(crate) fn reach(
    selection: &SelectionDetail,
    arn: &str,
    tags: Option<&[(String, String)]>,
) -> Reach {
    if selection.not_resources.iter().any(|p| glob(p, arn)) {
        return Reach::No;
    }
    let by_arn: Vec<&String> = selection
        .resources
        .iter()
        .filter(|p| glob(p, arn))
        .collect();
    let by_type = by_arn.iter().any(|p| p.as_str() != "*");
    let uses_tags = !selection.list_of_tags.is_empty() || !selection.conditions.is_empty();
    let tags = match tags {
        Some(t) => t,
        None if uses_tags => {
            return Reach::Undecided("its tags, which the selection matches on, are unread".into());
        }
        None => &[],
    };
    let value = |k: &str| {
        tags.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let by_tag = selection
        .list_of_tags
        .iter()
        .any(|(k, v)| value(k) == Some(v.as_str()));
    let base = match (
        selection.resources.is_empty(),
        selection.list_of_tags.is_empty(),
    ) {
        (true, true) => true,
        (false, true) => !by_arn.is_empty(),
        (true, false) => by_tag,
        (false, false) if by_tag != by_arn.is_empty() => by_tag,
        // AWS documents Resources with Conditions (AND) and ListOfTags alone (OR), not this.
        (false, false) => {
            return Reach::Undecided(
                "the selection combines Resources and ListOfTags, and the store matches only one"
                    .into(),
            );
        }
    };
    let c = &selection.conditions;
    let holds = c.string_equals.iter().all(|(k, v)| value(k) == Some(v))
        && c.string_not_equals.iter().all(|(k, v)| value(k) != Some(v))
        && c.string_like
            .iter()
            .all(|(k, v)| value(k).is_some_and(|t| glob(v, t)))
        && c.string_not_like
            .iter()
            .all(|(k, v)| !value(k).is_some_and(|t| glob(v, t)));
    if base && holds {
        Reach::Yes { by_type }
    } else {
        Reach::No
    }
}

/// The plans of a store's region and which of them reach it.
pub(crate) struct Reaching<'a> {
    pub region: &'a str,
    pub evidence: &'a BackupRegion,
    /// Index (in the region's plans) and plan of each plan that selects the store, and whether
    /// the selection named its type by ARN.
    pub plans: Vec<(usize, &'a Plan, bool)>,
    /// What could not be decided: the pointer of the evidence and why.
    pub undecided: Vec<(String, String)>,
}

/// The finding that ends the judging of a store before AWS Backup is consulted: outside the
/// scope, scope undecided, or a read replica.
pub(crate) fn not_judged(ctx: &Context<'_>, s: &Store<'_>) -> Option<Finding> {
    match &s.membership {
        Membership::In(_) => {}
        Membership::Out(why) => {
            return Some(Finding::not_applicable(
                s.arn,
                why.clone(),
                s.pointer.clone(),
            ));
        }
        Membership::Undecided(_) => return Some(s.undecided(ctx)),
    }
    s.replica_of.map(|source| {
        Finding::not_applicable(
            s.arn,
            format!(
                "{} is a read replica of {}: the source's backups hold its data",
                s.label,
                crate::text::line(source)
            ),
            format!("{}/replica_of", s.pointer),
        )
    })
}

/// Which plans of its region reach the store, or the gap that leaves the question open.
pub(crate) fn reaching<'a>(ctx: &Context<'a>, s: &Store<'a>) -> Result<Reaching<'a>, Box<Finding>> {
    let Some(region) = s.region else {
        return Err(Box::new(ctx.missing(
            s.arn,
            &format!("{}/region", s.pointer),
            &format!("{}'s region, whose backup plans would cover it,", s.label),
        )));
    };
    let base = crate::snapshot::pointer::region("backup", region);
    let Some((region, evidence)) = ctx.snapshot.backup.regions.get_key_value(region) else {
        return Err(Box::new(ctx.missing(
            s.arn,
            &base,
            &format!("AWS Backup's plans of {region}, where {} is,", s.label),
        )));
    };
    let Some(plans) = &evidence.plans else {
        return Err(Box::new(ctx.missing(
            s.arn,
            &format!("{base}/plans"),
            &format!("the AWS Backup plan list of {region}"),
        )));
    };
    let mut out = Reaching {
        region,
        evidence,
        plans: Vec::new(),
        undecided: Vec::new(),
    };
    for (i, plan) in plans.iter().enumerate() {
        let at = format!("{base}/plans/{i}");
        let Some(selections) = &plan.selections else {
            out.undecided.push((
                format!("{at}/selections"),
                format!("plan {}'s selections are unread", plan.name),
            ));
            continue;
        };
        let mut by_type = None;
        for (j, sel) in selections.iter().enumerate() {
            let Some(detail) = &sel.detail else {
                out.undecided.push((
                    format!("{at}/selections/{j}/detail"),
                    format!("plan {}'s selection {} is unread", plan.name, sel.name),
                ));
                continue;
            };
            match reach(detail, s.arn, s.tags) {
                Reach::No => {}
                Reach::Yes { by_type: t } => by_type = Some(by_type.unwrap_or(false) || t),
                Reach::Undecided(why) => out.undecided.push((
                    format!("{at}/selections/{j}/detail"),
                    format!("plan {}'s selection {}: {why}", plan.name, sel.name),
                )),
            }
        }
        if let Some(t) = by_type {
            out.plans.push((i, plan, t));
        }
    }
    Ok(out)
}

/// An `error` finding for what the engine cannot decide (not missing evidence, so no gap is
/// quoted): `what` at `pointer`.
pub(crate) fn undecided(resource: &str, message: String, pointer: String) -> Finding {
    Finding::new(resource, FindingStatus::Error, message, pointer)
}

#[cfg(test)]
pub(crate) mod fixtures {
    use std::collections::BTreeMap;

    use crate::snapshot::backup::{
        Backup, BackupRegion, Plan, Rule, Selection, SelectionDetail, Vault,
    };

    /// A daily rule (05:00 UTC) keeping 35 days in `vault`.
    pub(crate) fn daily(vault: &str) -> Rule {
        Rule {
            name: "daily".into(),
            schedule: Some("cron(0 5 ? * * *)".into()),
            timezone: None,
            delete_after_days: Some(35),
            vault: vault.into(),
            continuous: false,
        }
    }

    /// A plan of us-east-1 with `rules`, selecting by tag `phi=true`.
    pub(crate) fn plan(name: &str, rules: Vec<Rule>) -> Plan {
        Plan {
            id: format!("{name}-0000-1111"),
            name: name.into(),
            arn: format!("arn:aws:backup:us-east-1:123456789012:backup-plan:{name}-0000-1111"),
            rules: Some(rules),
            selections: Some(vec![Selection {
                id: "sel-1".into(),
                name: "phi-tagged".into(),
                detail: Some(SelectionDetail {
                    list_of_tags: vec![("phi".into(), "true".into())],
                    ..Default::default()
                }),
            }]),
        }
    }

    /// A vault of us-east-1, locked in compliance mode since 2026-01-01 when `locked`.
    pub(crate) fn vault(name: &str, locked: bool) -> Vault {
        Vault {
            name: name.into(),
            arn: format!("arn:aws:backup:us-east-1:123456789012:backup-vault:{name}"),
            locked: Some(locked),
            min_retention_days: locked.then_some(7),
            max_retention_days: None,
            lock_date: locked.then(|| crate::snapshot::AwsTime("2026-01-01T00:00:00Z".into())),
        }
    }

    /// us-east-1 with `plans` and `vaults`, every type opted in.
    pub(crate) fn backup(plans: Vec<Plan>, vaults: Vec<Vault>) -> Backup {
        let opt_in = ["Aurora", "DynamoDB", "EFS", "RDS", "S3"]
            .into_iter()
            .map(|t| (t.to_string(), true))
            .collect();
        Backup {
            regions: BTreeMap::from([(
                "us-east-1".to_string(),
                BackupRegion {
                    plans: Some(plans),
                    vaults: Some(vaults),
                    opt_in: Some(opt_in),
                },
            )]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::backup::Conditions;

    const ARN: &str = "arn:aws:rds:us-east-1:123456789012:db:ehr";

    fn tags(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn resources_tags_and_conditions_combine_as_aws_backup_documents() {
        let phi = tags(&[("phi", "true"), ("env", "prod")]);
        let all = SelectionDetail::default();
        assert_eq!(reach(&all, ARN, Some(&phi)), Reach::Yes { by_type: false });
        let star = SelectionDetail {
            resources: vec!["*".into()],
            ..Default::default()
        };
        assert_eq!(reach(&star, ARN, Some(&phi)), Reach::Yes { by_type: false });
        let rds = SelectionDetail {
            resources: vec!["arn:aws:rds:*:*:db:*".into()],
            ..Default::default()
        };
        assert_eq!(reach(&rds, ARN, Some(&phi)), Reach::Yes { by_type: true });
        let s3 = SelectionDetail {
            resources: vec!["arn:aws:s3:::*".into()],
            ..Default::default()
        };
        assert_eq!(reach(&s3, ARN, Some(&phi)), Reach::No);
        let excluded = SelectionDetail {
            resources: vec!["*".into()],
            not_resources: vec!["arn:aws:rds:*:*:db:e*".into()],
            ..Default::default()
        };
        assert_eq!(reach(&excluded, ARN, Some(&phi)), Reach::No);
        // ListOfTags: any one tag.
        let any = SelectionDetail {
            list_of_tags: vec![
                ("backup".into(), "daily".into()),
                ("phi".into(), "true".into()),
            ],
            ..Default::default()
        };
        assert_eq!(reach(&any, ARN, Some(&phi)), Reach::Yes { by_type: false });
        assert_eq!(reach(&any, ARN, Some(&tags(&[("phi", "TRUE")]))), Reach::No);
        // Conditions: every one, with Resources narrowing first.
        let both = SelectionDetail {
            resources: vec!["arn:aws:rds:*".into()],
            conditions: Conditions {
                string_equals: vec![("phi".into(), "true".into())],
                string_like: vec![("env".into(), "pro*".into())],
                string_not_equals: vec![("tier".into(), "scratch".into())],
                string_not_like: vec![("owner".into(), "test*".into())],
            },
            ..Default::default()
        };
        assert_eq!(reach(&both, ARN, Some(&phi)), Reach::Yes { by_type: true });
        let dev = tags(&[("phi", "true"), ("env", "dev")]);
        assert_eq!(reach(&both, ARN, Some(&dev)), Reach::No);
    }

    #[test]
    fn what_tags_cannot_decide_is_undecided() {
        let by_tag = SelectionDetail {
            list_of_tags: vec![("phi".into(), "true".into())],
            ..Default::default()
        };
        assert!(matches!(reach(&by_tag, ARN, None), Reach::Undecided(_)));
        // Without tags in the selection, unread tags do not matter.
        let rds = SelectionDetail {
            resources: vec!["arn:aws:rds:*".into()],
            ..Default::default()
        };
        assert_eq!(reach(&rds, ARN, None), Reach::Yes { by_type: true });
        let mixed = SelectionDetail {
            resources: vec!["arn:aws:s3:::*".into()],
            list_of_tags: vec![("phi".into(), "true".into())],
            ..Default::default()
        };
        let phi = tags(&[("phi", "true")]);
        assert!(matches!(
            reach(&mixed, ARN, Some(&phi)),
            Reach::Undecided(_)
        ));
        assert_eq!(reach(&mixed, ARN, Some(&[])), Reach::No);
    }
}
