//! `rds.backup_retention`: every RDS database in the PHI scope keeps automated backups (point
//! in time recovery) for at least `min_days`.

use crate::checks::{Context, Finding, Outcome};

check! {
    BackupRetention = "rds.backup_retention",
    "Every RDS database holding PHI keeps automated backups for at least the required days",
    severity: High => "without automated backups a database of ePHI lost or corrupted cannot be restored to an exact copy",
    remediation: "Set the database's backup retention period (aws rds modify-db-instance or modify-db-cluster --backup-retention-period) to the required days or more.",
    params {
        min_days: int(7 in 1..=35) "the fewest days automated backups must be kept (RDS allows 1 to 35)"
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let min = settings.min_days;
    Ok(super::per_database(ctx, |db, label, pointer| {
        if let Some(source) = &db.replica_of {
            return Finding::not_applicable(
                &db.arn,
                format!(
                    "{label} is a read replica of {}: the source's automated backups hold its data",
                    crate::text::line(source)
                ),
                format!("{pointer}/replica_of"),
            );
        }
        let at = format!("{pointer}/backup_retention_days");
        match db.backup_retention_days {
            None => ctx.missing(&db.arn, &at, &format!("{label}'s backup retention")),
            Some(0) => Finding::fail(&db.arn, format!("{label} has automated backups turned off (retention 0 days)"), at),
            Some(d) if d < min => Finding::fail(
                &db.arn,
                format!("{label} keeps automated backups {d} day(s), fewer than the required {min}"),
                at,
            ),
            Some(d) => Finding::pass(&db.arn, format!("{label} keeps automated backups {d} day(s) (required {min})"), at),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::rds::fixtures::{instance, rds};
    use crate::checks::testutil::*;

    #[test]
    fn off_short_and_unknown_retention_are_told_apart() {
        let mut s = snapshot();
        let with = |id: &str, days: Option<i64>| {
            let mut d = instance(id);
            d.backup_retention_days = days;
            d
        };
        s.rds = rds(
            vec![with("ok", Some(7)), with("off", Some(0)), with("short", Some(3)), with("unknown", None)],
            Vec::new(),
        );
        let f = run(&BackupRetention, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "fail", "error"]);
        assert!(f[1].message.contains("turned off"), "{}", f[1].message);
        let f = run_with(&BackupRetention, &s, &[("min_days", ParamValue::Int(14))]);
        assert_eq!(statuses(&f), ["fail", "fail", "fail", "error"]);
    }

    #[test]
    fn a_read_replica_defers_to_its_source() {
        let mut s = snapshot();
        let mut replica = instance("ehr-replica");
        replica.backup_retention_days = Some(0);
        replica.replica_of = Some("ehr".into());
        let mut source = instance("ehr");
        source.backup_retention_days = Some(0);
        s.rds = rds(vec![source, replica], Vec::new());
        let f = run(&BackupRetention, &s);
        // The source without backups fails; the replica points at it.
        assert_eq!(statuses(&f), ["fail", "not_applicable"]);
        assert!(f[1].message.contains("read replica of ehr"), "{}", f[1].message);
    }
}
