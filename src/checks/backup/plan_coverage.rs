//! `backup.plan_coverage`: every data store in the PHI scope is selected by an AWS Backup plan
//! of its region with a rule that runs at least every `max_interval_hours` and keeps each
//! recovery point at least `min_retention_days`, its resource type opted in where that applies.
//!
//! One finding per store. A pass names the plan and rule; a failure says what each selecting
//! plan lacks, or that none selects the store; what the evidence or the engine cannot decide
//! (a selection unread, a schedule using `W` or `#`) is a gap, unless another plan passes.

use super::schedule;
use crate::checks::stores::Store;
use crate::checks::{Context, Finding, Outcome};

check! {
    PlanCoverage = "backup.plan_coverage",
    "Every data store holding PHI is backed up by an AWS Backup plan that runs often enough and keeps its copies long enough",
    severity: High => "a store no plan backs up, or backs up too rarely or too briefly, cannot be restored to an exact copy after loss, corruption or ransomware",
    remediation: "Assign the store to a backup plan of its region (aws backup create-backup-selection, by ARN or by the PHI tag) with a rule that runs at least every max_interval_hours and keeps recovery points at least min_retention_days, and opt its resource type in (aws backup update-region-settings).",
    params {
        max_interval_hours: int(24 in 1..=8784) "the longest time one rule may leave between two backups",
        min_retention_days: int(35 in 1..=36500) "the fewest days that rule keeps each recovery point"
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    Ok(crate::checks::stores::per_store(ctx, |s| {
        judge(ctx, s, settings)
    }))
}

/// At most three reasons, then how many more: a message stays readable on a store that many
/// plans select.
fn listed(reasons: &[String]) -> String {
    let mut text = reasons.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
    if reasons.len() > 3 {
        text.push_str(&format!("; and {} more", reasons.len() - 3));
    }
    text
}

fn judge(ctx: &Context<'_>, s: &Store<'_>, settings: &Settings) -> Finding {
    if let Some(f) = super::not_judged(ctx, s) {
        return f;
    }
    let r = match super::reaching(ctx, s) {
        Ok(r) => r,
        Err(gap) => return *gap,
    };
    let base = crate::snapshot::pointer::region("backup", r.region);
    let (max_minutes, min_days) = (settings.max_interval_hours * 60, settings.min_retention_days);
    let mut undecided = r.undecided;
    let mut short = Vec::new();
    for &(i, plan, by_type) in &r.plans {
        let at = format!("{base}/plans/{i}");
        let name = crate::text::line(&plan.name);
        // Tags and `*` reach only opted-in types; an ARN naming the type reaches it anyway,
        // except these three.
        if !by_type || matches!(s.backup_type, "Aurora" | "DocumentDB" | "Neptune") {
            match r.evidence.opt_in.as_ref().map(|m| m.get(s.backup_type)) {
                Some(Some(true)) => {}
                Some(Some(false)) => {
                    short.push((
                        format!("{base}/opt_in"),
                        format!(
                            "plan {name} selects it, but {}'s AWS Backup settings do not opt in {} resources",
                            r.region, s.backup_type
                        ),
                    ));
                    continue;
                }
                Some(None) | None => {
                    undecided.push((
                        format!("{base}/opt_in"),
                        format!("whether {} resources are opted in to AWS Backup in {} is not in the evidence", s.backup_type, r.region),
                    ));
                    continue;
                }
            }
        }
        let Some(rules) = &plan.rules else {
            undecided.push((format!("{at}/rules"), format!("plan {name}'s rules are unread")));
            continue;
        };
        if rules.is_empty() {
            short.push((format!("{at}/rules"), format!("plan {name} selects it but has no rule")));
        }
        for (k, rule) in rules.iter().enumerate() {
            let rule_at = format!("{at}/rules/{k}");
            let rule_name = crate::text::line(&rule.name);
            let longest = match rule.schedule.as_deref().map(schedule::longest_interval) {
                None => {
                    undecided.push((rule_at, format!("plan {name} rule {rule_name} states no schedule")));
                    continue;
                }
                Some(Err(why)) => {
                    undecided.push((
                        rule_at,
                        format!(
                            "plan {name} rule {rule_name}'s schedule {:?} is not evaluated: {why}",
                            crate::text::line(rule.schedule.as_deref().unwrap_or_default())
                        ),
                    ));
                    continue;
                }
                Some(Ok(longest)) => longest,
            };
            let every = match longest {
                Some(m) => format!("at most {} apart", schedule::describe(m)),
                None => "fewer than twice in four years".to_string(),
            };
            let kept = match rule.delete_after_days {
                Some(d) => format!("keeps copies {d} day(s)"),
                None => "keeps copies until deleted".to_string(),
            };
            let often = longest.is_some_and(|m| m <= max_minutes);
            let long = rule.delete_after_days.is_none_or(|d| d >= min_days);
            if often && long {
                return Finding::pass(
                    s.arn,
                    format!("{} is backed up by plan {name}: rule {rule_name} runs {every} and {kept}", s.label),
                    rule_at,
                );
            }
            short.push((rule_at, format!("plan {name} rule {rule_name} runs {every} and {kept}")));
        }
    }
    let required = format!(
        "at least every {} with copies kept at least {min_days} day(s)",
        schedule::describe(max_minutes)
    );
    if let Some((at, _)) = undecided.first() {
        let why: Vec<String> = undecided.iter().map(|(_, w)| w.clone()).collect();
        let mut message = format!(
            "whether {} is backed up {required} cannot be decided: {}",
            s.label,
            listed(&why)
        );
        if !short.is_empty() {
            let why: Vec<String> = short.iter().map(|(_, w)| w.clone()).collect();
            message.push_str(&format!(" (and it falls short where decided: {})", listed(&why)));
        }
        return super::undecided(s.arn, message, at.clone());
    }
    match short.first() {
        Some((at, _)) => {
            let why: Vec<String> = short.iter().map(|(_, w)| w.clone()).collect();
            Finding::fail(
                s.arn,
                format!("{} is not backed up {required}: {}", s.label, listed(&why)),
                at.clone(),
            )
        }
        None => Finding::fail(
            s.arn,
            format!("no AWS Backup plan of {} selects {}", r.region, s.label),
            format!("{base}/plans"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::backup::fixtures::{backup, daily, plan, vault};
    use crate::checks::dynamodb::fixtures::{dynamodb, table};
    use crate::checks::testutil::*;
    use crate::snapshot::backup::SelectionDetail;

    fn with_table() -> crate::snapshot::Snapshot {
        let mut s = snapshot();
        s.s3.buckets = Some(Vec::new());
        s.dynamodb = dynamodb(vec![table("patients")]);
        s
    }

    #[test]
    fn a_daily_plan_keeping_35_days_passes_and_shortfalls_fail() {
        let mut s = with_table();
        s.backup = backup(vec![plan("phi", vec![daily("phi-vault")])], vec![vault("phi-vault", true)]);
        let f = run(&PlanCoverage, &s);
        assert_eq!(statuses(&f), ["pass"], "{f:?}");
        assert!(f[0].message.contains("plan phi: rule daily runs at most 24 hours apart and keeps copies 35 day(s)"), "{}", f[0].message);
        let mut weekly = daily("phi-vault");
        weekly.schedule = Some("cron(0 5 ? * SUN *)".into());
        let mut brief = daily("phi-vault");
        brief.delete_after_days = Some(7);
        s.backup = backup(vec![plan("phi", vec![weekly, brief])], vec![]);
        let f = run(&PlanCoverage, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(f[0].message.contains("at most 7 days apart") && f[0].message.contains("7 day(s)"), "{}", f[0].message);
        // The parameters decide.
        let f = run_with(&PlanCoverage, &s, &[("max_interval_hours", ParamValue::Int(12)), ("min_retention_days", ParamValue::Int(7))]);
        assert_eq!(statuses(&f), ["fail"]);
        let f = run_with(&PlanCoverage, &s, &[("max_interval_hours", ParamValue::Int(168)), ("min_retention_days", ParamValue::Int(7))]);
        assert_eq!(statuses(&f), ["pass"]);
    }

    #[test]
    fn unselected_not_opted_in_and_other_regions_fail() {
        let mut s = with_table();
        let mut other = plan("dev", vec![daily("v1")]);
        other.selections.as_mut().unwrap()[0].detail = Some(SelectionDetail {
            list_of_tags: vec![("env".into(), "dev".into())],
            ..Default::default()
        });
        s.backup = backup(vec![other], vec![]);
        let f = run(&PlanCoverage, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(f[0].message.contains("no AWS Backup plan of us-east-1 selects table patients"), "{}", f[0].message);
        s.backup = backup(vec![plan("phi", vec![daily("v1")])], vec![]);
        s.backup.regions.get_mut("us-east-1").unwrap().opt_in.as_mut().unwrap().insert("DynamoDB".into(), false);
        let f = run(&PlanCoverage, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert!(f[0].message.contains("do not opt in DynamoDB"), "{}", f[0].message);
        // Named by ARN, the type is backed up whatever the opt-in says.
        s.backup.regions.get_mut("us-east-1").unwrap().plans.as_mut().unwrap()[0].selections.as_mut().unwrap()[0].detail =
            Some(SelectionDetail { resources: vec!["arn:aws:dynamodb:*:*:table/*".into()], ..Default::default() });
        assert_eq!(statuses(&run(&PlanCoverage, &s)), ["pass"]);
        // A plan of another region does not back up this one's stores.
        let r = s.backup.regions.remove("us-east-1").unwrap();
        s.backup.regions.insert("us-west-2".into(), r.clone());
        s.backup.regions.insert("us-east-1".into(), crate::snapshot::backup::BackupRegion { plans: Some(vec![]), ..r });
        assert_eq!(statuses(&run(&PlanCoverage, &s)), ["fail"]);
    }

    #[test]
    fn what_cannot_be_decided_is_a_gap_unless_another_plan_passes() {
        let mut s = with_table();
        let mut odd = daily("v1");
        odd.schedule = Some("cron(0 5 ? * 2#1 *)".into());
        s.backup = backup(vec![plan("odd", vec![odd.clone()])], vec![]);
        let f = run(&PlanCoverage, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert!(f[0].message.contains("not evaluated"), "{}", f[0].message);
        s.backup = backup(vec![plan("odd", vec![odd]), plan("phi", vec![daily("v1")])], vec![]);
        assert_eq!(statuses(&run(&PlanCoverage, &s)), ["pass"]);
        // Selections unread, opt-in unread, plan list unread, region unread.
        let mut unread = plan("phi", vec![daily("v1")]);
        unread.selections = None;
        s.backup = backup(vec![unread], vec![]);
        assert_eq!(statuses(&run(&PlanCoverage, &s)), ["error"]);
        s.backup = backup(vec![plan("phi", vec![daily("v1")])], vec![]);
        s.backup.regions.get_mut("us-east-1").unwrap().opt_in = None;
        assert_eq!(statuses(&run(&PlanCoverage, &s)), ["error"]);
        s.backup.regions.get_mut("us-east-1").unwrap().plans = None;
        let f = run(&PlanCoverage, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert!(f[0].message.contains("AWS Backup plan list of us-east-1"), "{}", f[0].message);
        s.backup = Default::default();
        assert_eq!(statuses(&run(&PlanCoverage, &s)), ["error"]);
    }

    #[test]
    fn scope_and_replicas_decide_what_is_judged() {
        let mut s = with_table();
        let mut dev = table("scratch");
        dev.tags = Some(Vec::new());
        s.dynamodb = dynamodb(vec![dev]);
        s.backup = backup(vec![], vec![]);
        let scope = crate::phi_scope::PhiScope::defined(crate::phi_scope::Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        assert_eq!(statuses(&run_scoped(&PlanCoverage, &s, &[], &scope)), ["not_applicable"]);
        let mut s = snapshot();
        s.s3.buckets = Some(Vec::new());
        let mut replica = crate::checks::rds::fixtures::instance("ehr-replica");
        replica.replica_of = Some("ehr".into());
        s.rds = crate::checks::rds::fixtures::rds(vec![replica], Vec::new());
        s.backup = backup(vec![], vec![]);
        let f = run(&PlanCoverage, &s);
        assert_eq!(statuses(&f), ["not_applicable"]);
        assert!(f[0].message.contains("read replica"), "{}", f[0].message);
    }
}
