//! `rds.storage_encrypted`: every RDS database in the PHI scope encrypts its storage (and so
//! its automated backups, snapshots and read replicas) with a KMS key.

use crate::checks::{Context, Finding, Outcome};

check! {
    StorageEncrypted = "rds.storage_encrypted",
    "Every RDS database holding PHI encrypts its storage at rest",
    severity: High => "an unencrypted database of ePHI leaves the records, their backups and snapshots readable by whoever reaches the storage",
    remediation: "Encryption is set when a database is created: snapshot the database, copy the snapshot with a KMS key, restore from the encrypted copy and move traffic to it.",
}

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Outcome {
    Ok(super::per_database(ctx, |db, label, pointer| {
        let at = format!("{pointer}/storage_encrypted");
        match db.storage_encrypted {
            None => ctx.missing(&db.arn, &at, &format!("whether {label} is encrypted")),
            Some(true) => Finding::pass(
                &db.arn,
                format!(
                    "{label} is encrypted at rest with {}",
                    db.kms_key.as_deref().map(crate::text::line).unwrap_or("a KMS key".into())
                ),
                at,
            ),
            Some(false) => Finding::fail(
                &db.arn,
                format!("{label} is not encrypted at rest, nor are its backups and snapshots"),
                at,
            ),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::rds::fixtures::{instance, rds};
    use crate::checks::testutil::*;
    use crate::phi_scope::{Definition, PhiScope};

    #[test]
    fn encrypted_passes_unencrypted_fails_unknown_is_a_gap_and_cluster_members_defer() {
        let mut s = snapshot();
        let mut plain = instance("plain");
        plain.storage_encrypted = Some(false);
        let mut unknown = instance("unknown");
        unknown.storage_encrypted = None;
        let mut member = instance("aurora-1");
        member.cluster = Some("aurora".into());
        member.storage_encrypted = Some(false);
        let mut cluster = instance("aurora");
        cluster.arn = "arn:aws:rds:us-east-1:123456789012:cluster:aurora".into();
        cluster.storage_encrypted = Some(false);
        s.rds = rds(vec![instance("ehr"), plain, unknown, member], vec![cluster]);
        let f = run(&StorageEncrypted, &s);
        // Clusters first, then instances.
        assert_eq!(statuses(&f), ["fail", "pass", "fail", "error", "not_applicable"]);
        assert!(f[0].message.contains("DB cluster aurora"), "{}", f[0].message);
        assert!(f[4].message.contains("belongs to DB cluster aurora"), "{}", f[4].message);
    }

    #[test]
    fn scope_unread_regions_and_empty_accounts() {
        let scope = PhiScope::defined(Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        let mut s = snapshot();
        let mut dev = instance("dev");
        dev.tags = Vec::new();
        dev.storage_encrypted = Some(false);
        s.rds = rds(vec![instance("ehr"), dev], Vec::new());
        let f = run_scoped(&StorageEncrypted, &s, &[], &scope);
        assert_eq!(statuses(&f), ["pass", "not_applicable"]);
        assert!(f[1].message.contains("outside the PHI scope"), "{}", f[1].message);
        s.rds.regions.get_mut("us-east-1").unwrap().instances = None;
        assert_eq!(statuses(&run(&StorageEncrypted, &s)), ["error"]);
        assert_eq!(statuses(&run(&StorageEncrypted, &snapshot())), ["error"]);
        s.rds = rds(Vec::new(), Vec::new());
        assert_eq!(statuses(&run(&StorageEncrypted, &s)), ["not_applicable"]);
    }
}
