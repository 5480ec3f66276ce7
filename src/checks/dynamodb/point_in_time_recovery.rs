//! `dynamodb.point_in_time_recovery`: every DynamoDB table in the PHI scope keeps continuous
//! backups it can be restored from to any second of the recovery period.

use crate::checks::{Context, Finding, Outcome};

check! {
    PointInTimeRecovery = "dynamodb.point_in_time_recovery",
    "Every DynamoDB table holding PHI has point-in-time recovery on",
    severity: High => "without point-in-time recovery a table of ePHI deleted in error or corrupted by a bad write cannot be restored to an exact copy",
    remediation: "Turn on point-in-time recovery (aws dynamodb update-continuous-backups --table-name NAME --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true), with a recovery period that covers the backup plan's.",
    params {
        min_recovery_days: int(1 in 1..=35) "the fewest days back a table must be restorable to (DynamoDB keeps 1 to 35; a description that does not state its period passes only the default of 1)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let min = settings.min_recovery_days;
    Ok(super::per_table(ctx, |t, label, pointer| {
        let at = format!("{pointer}/point_in_time_recovery");
        let Some(pitr) = &t.point_in_time_recovery else {
            return ctx.missing(&t.arn, &at, &format!("{label}'s point-in-time recovery status"));
        };
        if !pitr.enabled() {
            return Finding::fail(
                &t.arn,
                format!(
                    "{label} has point-in-time recovery {}",
                    crate::text::line(&pitr.status.to_ascii_lowercase())
                ),
                at,
            );
        }
        match pitr.recovery_period_days {
            Some(d) if d < min => Finding::fail(
                &t.arn,
                format!("{label} can be restored {d} day(s) back, fewer than the required {min}"),
                at,
            ),
            Some(d) => Finding::pass(
                &t.arn,
                format!("{label} has point-in-time recovery on, {d} day(s) back"),
                at,
            ),
            // Older descriptions do not state the period: enough only when one day is.
            None if min > 1 => ctx.missing(
                &t.arn,
                &at,
                &format!(
                    "{label}'s recovery period (the description says recovery is on, not how far back; {min} days are required)"
                ),
            ),
            None => Finding::pass(
                &t.arn,
                format!("{label} has point-in-time recovery on"),
                at,
            ),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::dynamodb::fixtures::{dynamodb, table};
    use crate::checks::testutil::*;
    use crate::snapshot::dynamodb::PointInTimeRecovery as Pitr;

    fn with(name: &str, pitr: Option<(&str, Option<i64>)>) -> crate::snapshot::dynamodb::Table {
        let mut t = table(name);
        t.point_in_time_recovery = pitr.map(|(s, d)| Pitr {
            status: s.into(),
            recovery_period_days: d,
        });
        t
    }

    #[test]
    fn on_off_short_and_unknown_are_told_apart() {
        let mut s = snapshot();
        s.dynamodb = dynamodb(vec![
            with("visits", Some(("ENABLED", Some(35)))),
            with("claims", Some(("DISABLED", None))),
            with("notes", Some(("ENABLED", Some(3)))),
            with("intake", None),
            with("legacy", Some(("ENABLED", None))),
        ]);
        with_gap(&mut s, "/dynamodb/regions/us-east-1/tables/3/point_in_time_recovery");
        let f = run(&PointInTimeRecovery, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "pass", "error", "pass"]);
        assert!(f[1].message.contains("recovery disabled"), "{}", f[1].message);
        let f = run_with(&PointInTimeRecovery, &s, &[("min_recovery_days", ParamValue::Int(7))]);
        assert_eq!(statuses(&f), ["pass", "fail", "fail", "error", "error"]);
        assert!(f[2].message.contains("3 day(s) back, fewer than the required 7"), "{}", f[2].message);
        assert!(f[4].message.contains("not how far back"), "{}", f[4].message);
    }

    #[test]
    fn scope_decides_and_unread_tags_or_lists_are_gaps() {
        let mut s = snapshot();
        let mut dev = with("dev-scratch", Some(("DISABLED", None)));
        dev.tags = Some(vec![]);
        let mut unknown = with("unknown-tags", Some(("DISABLED", None)));
        unknown.tags = None;
        s.dynamodb = dynamodb(vec![dev, unknown]);
        let scope = crate::phi_scope::PhiScope::defined(crate::phi_scope::Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        let f = run_scoped(&PointInTimeRecovery, &s, &[], &scope);
        assert_eq!(statuses(&f), ["not_applicable", "error"]);
        assert!(f[1].message.contains("decide whether it holds PHI"), "{}", f[1].message);
        s.dynamodb.regions.get_mut("us-east-1").unwrap().tables = None;
        let f = run(&PointInTimeRecovery, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert!(f[0].message.contains("DynamoDB table list of us-east-1"), "{}", f[0].message);
        s.dynamodb = dynamodb(vec![]);
        assert_eq!(statuses(&run(&PointInTimeRecovery, &s)), ["not_applicable"]);
    }
}
