//! `kms.pending_deletion`: no data store in the PHI scope is encrypted under a KMS key that is
//! disabled, scheduled for deletion, or gone: data under such a key cannot be decrypted, so
//! every copy of it, backups included, is lost with the key.
//!
//! One finding per store, on the store: keys the service manages (SSE-S3) and AWS managed keys
//! cannot be disabled or deleted by the account, which the evidence shows.

use crate::checks::stores::KeyUse;
use crate::checks::{Context, Finding, FindingStatus, Outcome};
use crate::phi_scope::Membership;
use crate::snapshot::kms::KeyLookup;

check! {
    PendingDeletion = "kms.pending_deletion",
    "No data store holding PHI is encrypted under a KMS key that is disabled, pending deletion or deleted",
    severity: High => "once the key is deleted, the store's ePHI and every backup encrypted under the same key cannot be decrypted again",
    remediation: "Cancel the key's deletion (aws kms cancel-key-deletion) and enable it, or re-encrypt the store under an enabled key before the deletion date.",
}

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Outcome {
    Ok(crate::checks::stores::per_store(ctx, |s| {
            match &s.membership {
                Membership::In(_) => {}
                Membership::Out(why) => return Finding::not_applicable(s.arn, why.clone(), s.pointer.clone()),
                Membership::Undecided(_) => return s.undecided(ctx),
            }
            let at = s.key_pointer.clone();
            let reference = match s.key {
                KeyUse::Unread(ref pointer) => {
                    return ctx.missing(s.arn, pointer, &format!("{}'s encryption settings", s.label));
                }
                KeyUse::Unencrypted(judged_by) => {
                    return Finding::not_applicable(
                        s.arn,
                        format!("{} names no encryption key ({judged_by} judges it)", s.label),
                        at,
                    );
                }
                KeyUse::ServiceManaged(what) => {
                    return Finding::pass(s.arn, format!("{} is encrypted with {what}, which the account cannot disable or delete", s.label), at);
                }
                KeyUse::Kms(None) => {
                    return Finding::pass(s.arn, format!("{} is encrypted with the service's AWS managed key, which the account cannot disable or delete", s.label), at);
                }
                KeyUse::Kms(Some(r)) => r,
            };
            let shown = crate::text::line(reference);
            let Some(found) = super::lookup(ctx, s, reference) else {
                return super::region_unread(ctx, s);
            };
            match found {
                KeyLookup::AwsManaged => Finding::pass(
                    s.arn,
                    format!("{} is encrypted with the AWS managed key {shown}, which the account cannot disable or delete", s.label),
                    at,
                ),
                KeyLookup::OtherAccount(other) => Finding::new(
                    s.arn,
                    FindingStatus::Error,
                    format!("{}'s key {shown} belongs to account {other}, whose key state is not in this account's evidence", s.label),
                    at,
                ),
                KeyLookup::Unread { region, list } => super::unread_list(ctx, s, &region, list),
                KeyLookup::NotFound { region } => Finding::fail(
                    s.arn,
                    format!("{} names the key {shown}, which is not among {region}'s keys and aliases: if it was deleted, what it encrypted cannot be decrypted", s.label),
                    at,
                ),
                KeyLookup::Found { region, index, key } => {
                    let pointer = format!("{}/keys/{index}", crate::snapshot::pointer::region("kms", region));
                    let Some(m) = &key.metadata else {
                        return ctx.missing(s.arn, &format!("{pointer}/metadata"), &format!("the state of key {} that {} names", key.id, s.label));
                    };
                    let at = format!("{pointer}/metadata");
                    match m.state.as_str() {
                        "Enabled" => Finding::pass(s.arn, format!("{}'s key {} is enabled", s.label, key.id), at),
                        "PendingDeletion" | "PendingReplicaDeletion" => Finding::fail(
                            s.arn,
                            format!(
                                "{}'s key {} is scheduled for deletion{}: after it, what the key encrypted cannot be decrypted",
                                s.label,
                                key.id,
                                m.deletion_date.as_deref().map(|d| format!(" on {}", crate::text::line(d))).unwrap_or_default()
                            ),
                            at,
                        ),
                        "Disabled" | "Unavailable" | "PendingImport" => Finding::fail(
                            s.arn,
                            format!("{}'s key {} is {}: nothing encrypted under it can be decrypted until it is enabled", s.label, key.id, m.state),
                            at,
                        ),
                        other => Finding::new(
                            s.arn,
                            FindingStatus::Error,
                            format!("{}'s key {} was {} when collected, a passing state: collect again to judge it", s.label, key.id, crate::text::line(other)),
                            at,
                        ),
                    }
                }
            }
        }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::kms::fixtures::{KEY, key, kms};
    use crate::checks::s3::fixtures::bucket;
    use crate::checks::testutil::*;
    use crate::phi_scope::{Definition, PhiScope};

    const DOOMED: &str = "0000abcd-12ab-34cd-56ef-1234567890ab";
    const OFF: &str = "1111abcd-12ab-34cd-56ef-1234567890ab";

    fn named(name: &str, algorithm: &str, key: Option<&str>) -> crate::snapshot::s3::Bucket {
        let mut b = bucket(name);
        let rule = &mut b.encryption.as_mut().unwrap()[0];
        rule.algorithm = algorithm.into();
        rule.kms_key = key.map(str::to_string);
        b
    }

    fn account() -> crate::snapshot::Snapshot {
        let mut s = snapshot();
        let mut doomed = key(DOOMED);
        let m = doomed.metadata.as_mut().unwrap();
        m.state = "PendingDeletion".into();
        m.deletion_date = Some("2026-11-20T00:00:00Z".into());
        let mut off = key(OFF);
        off.metadata.as_mut().unwrap().state = "Disabled".into();
        s.kms = kms(vec![key(KEY), doomed, off]);
        s.s3.buckets = Some(vec![
            named("by-alias", "aws:kms", Some("alias/phi")),
            named("doomed", "aws:kms", Some(&format!("arn:aws:kms:us-east-1:123456789012:key/{DOOMED}"))),
            named("disabled", "aws:kms:dsse", Some(OFF)),
            named("deleted", "aws:kms", Some("9999abcd-12ab-34cd-56ef-1234567890ab")),
            named("sse-s3", "AES256", None),
            named("aws-managed", "aws:kms", None),
            named("foreign", "aws:kms", Some(&format!("arn:aws:kms:us-east-1:999999999999:key/{KEY}"))),
        ]);
        s
    }

    #[test]
    fn a_store_under_a_disabled_doomed_or_missing_key_fails() {
        let f = run(&PendingDeletion, &account());
        assert_eq!(statuses(&f), ["pass", "fail", "fail", "fail", "pass", "pass", "error"]);
        assert!(f[1].message.contains("on 2026-11-20"), "{}", f[1].message);
        assert!(f[2].message.contains("Disabled"), "{}", f[2].message);
        assert!(f[3].message.contains("not among"), "{}", f[3].message);
        assert!(f[6].message.contains("999999999999"), "{}", f[6].message);
        assert!(f.iter().all(|f| f.resource.starts_with("arn:aws:s3:::")), "{f:?}");
    }

    #[test]
    fn unread_evidence_is_a_gap_and_out_of_scope_stores_are_not_applicable() {
        let mut s = account();
        s.kms.regions.get_mut("us-east-1").unwrap().keys.as_mut().unwrap()[1].metadata = None;
        s.s3.buckets.as_mut().unwrap()[4].encryption = None;
        s.kms.regions.get_mut("us-east-1").unwrap().aliases = None;
        let f = run(&PendingDeletion, &s);
        assert_eq!(statuses(&f), ["error", "error", "fail", "fail", "error", "pass", "error"]);
        let scope = PhiScope::defined(Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        let mut s = account();
        s.s3.buckets.as_mut().unwrap()[1].tags = Some(Vec::new());
        s.s3.buckets.as_mut().unwrap()[2].tags = None;
        let f = run_scoped(&PendingDeletion, &s, &[], &scope);
        assert_eq!(statuses(&f)[..3], ["pass", "not_applicable", "error"]);
        assert_eq!(statuses(&run(&PendingDeletion, &snapshot())), ["error"]);
        let mut s = snapshot();
        s.s3.buckets = Some(Vec::new());
        assert_eq!(statuses(&run(&PendingDeletion, &s)), ["not_applicable"]);
    }

    #[test]
    fn databases_are_stores_too() {
        let mut s = account();
        s.s3.buckets = Some(Vec::new());
        let mut doomed = crate::checks::rds::fixtures::instance("ehr");
        doomed.kms_key = Some(format!("arn:aws:kms:us-east-1:123456789012:key/{DOOMED}"));
        let mut plain = crate::checks::rds::fixtures::instance("billing");
        plain.storage_encrypted = Some(false);
        let mut member = crate::checks::rds::fixtures::instance("aurora-1");
        member.cluster = Some("aurora".into());
        s.rds = crate::checks::rds::fixtures::rds(vec![doomed, plain, member], Vec::new());
        let f = run(&PendingDeletion, &s);
        // The cluster member is no store of its own: the cluster is.
        assert_eq!(statuses(&f), ["fail", "not_applicable"], "{f:?}");
        assert!(f[0].message.contains("DB instance ehr"), "{}", f[0].message);
        assert!(f[1].message.contains("rds.storage_encrypted"), "{}", f[1].message);
        // A region whose databases were not read: a gap, not "no database".
        s.rds.regions.get_mut("us-east-1").unwrap().clusters = None;
        assert!(statuses(&run(&PendingDeletion, &s)).contains(&"error"));
    }

    #[test]
    fn a_store_whose_region_is_unread_names_its_key_by_arn_or_is_a_gap() {
        let mut s = account();
        for b in s.s3.buckets.as_mut().unwrap() {
            b.region = None;
        }
        let f = run(&PendingDeletion, &s);
        // by alias: a gap (no default region is guessed); by ARN: its own region.
        assert_eq!(statuses(&f)[..2], ["error", "fail"], "{f:?}");
        assert!(f[0].message.contains("region"), "{}", f[0].message);
    }
}
