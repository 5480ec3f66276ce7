//! `kms.key_rotation`: every customer managed symmetric key that protects a data store in the
//! PHI scope rotates its key material automatically.
//!
//! AWS managed keys rotate every year on their own; asymmetric, HMAC and imported keys cannot
//! rotate automatically: each is not applicable, with the reason. Without a PHI scope every
//! customer managed key of every region read is judged.

use crate::checks::{Context, Finding, Outcome};
use crate::phi_scope::Membership;
use crate::snapshot::kms::{Key, KeyLookup};

check! {
    KeyRotation = "kms.key_rotation",
    "Customer managed KMS keys protecting PHI rotate their key material automatically",
    severity: Medium => "a key never rotated keeps every object it ever protected under one key material, so one exposure reaches all of it",
    remediation: "Turn on automatic rotation of the key (aws kms enable-key-rotation; a period of 365 days or less).",
}

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Outcome {
    let scoped = ctx.phi_scope.definition().is_some();
    // With a scope the stores decide which keys are judged, and a store list unread is a gap
    // here too; without one every key is judged, and the store checks report the list.
    let inventory = crate::checks::stores::all(ctx);
    let stores = inventory.stores;
    if ctx.snapshot.kms.regions.is_empty() {
        return Err(Box::new(ctx.missing(
            ctx.account_resource("kms"),
            "/kms/regions",
            "the account's KMS keys (no region's key list is in the evidence)",
        )));
    }
    let named = super::key_membership(ctx, &stores);
    let mut out = if scoped { inventory.unread } else { Vec::new() };
    for (region, r) in &ctx.snapshot.kms.regions {
        let base = crate::snapshot::pointer::region("kms", region);
        let Some(keys) = &r.keys else {
            // With a scope, only the regions an in-scope store's key lives in matter; those
            // are reported below, from the stores.
            if !scoped {
                out.push(ctx.missing(
                    format!("arn:{}:kms:{region}:{}", ctx.snapshot.account.partition, ctx.snapshot.account.id),
                    &format!("{base}/keys"),
                    &format!("the KMS key list of {region}"),
                ));
            }
            continue;
        };
        for (i, key) in keys.iter().enumerate() {
            let pointer = format!("{base}/keys/{i}");
            let membership = if scoped {
                named.get(&key.arn).map(|(m, _)| m.clone()).unwrap_or_else(|| {
                    Membership::Out("outside the PHI scope: no data store in the scope names it".into())
                })
            } else {
                Membership::In("no PHI scope defined".into())
            };
            out.push(match membership {
                Membership::In(_) => judge(ctx, key, &pointer),
                Membership::Out(why) => Finding::not_applicable(&key.arn, why, pointer),
                Membership::Undecided(_) => {
                    let (_, store) = &named[&key.arn];
                    store.undecided(ctx)
                }
            });
        }
    }
    // The keys in-scope stores name that the evidence cannot show.
    for s in stores.iter().filter(|s| matches!(s.membership, Membership::In(_))) {
        let crate::checks::stores::KeyUse::Kms(Some(reference)) = s.key else {
            continue;
        };
        let Some(found) = super::lookup(ctx, s, reference) else {
            out.push(super::region_unread(ctx, s));
            continue;
        };
        match found {
            // Without a scope the region's gap above already says it.
            KeyLookup::Unread { region, list } if scoped => {
                out.push(super::unread_list(ctx, s, &region, list))
            }
            KeyLookup::OtherAccount(account) => out.push(Finding::new(
                s.arn,
                crate::checks::FindingStatus::Error,
                format!(
                    "{}'s key {} belongs to account {account}, whose key rotation is not in this account's evidence",
                    s.label,
                    crate::text::line(reference)
                ),
                s.key_pointer.clone(),
            )),
            _ => {}
        }
    }
    if out.is_empty() {
        out.push(Finding::not_applicable(
            ctx.account_resource("kms"),
            "the regions read hold no KMS key",
            "/kms/regions",
        ));
    }
    Ok(out)
}

fn judge(ctx: &Context<'_>, key: &Key, pointer: &str) -> Finding {
    let Some(m) = &key.metadata else {
        return ctx.missing(&key.arn, &format!("{pointer}/metadata"), &format!("key {}'s description", key.id));
    };
    if m.manager != "CUSTOMER" {
        return Finding::not_applicable(&key.arn, "an AWS managed key: AWS rotates it every year", pointer);
    }
    if m.state != "Enabled" {
        return Finding::not_applicable(
            &key.arn,
            format!("the key is {} (kms.pending_deletion judges the stores that name it)", crate::text::line(&m.state)),
            pointer,
        );
    }
    if !m.rotates() {
        return Finding::not_applicable(
            &key.arn,
            format!(
                "a {} key with {} key material, which KMS cannot rotate automatically",
                crate::text::line(m.spec.as_deref().unwrap_or("?")),
                crate::text::line(m.origin.as_deref().unwrap_or("?"))
            ),
            pointer,
        );
    }
    let at = format!("{pointer}/rotation_enabled");
    match key.rotation_enabled {
        None => ctx.missing(&key.arn, &at, &format!("key {}'s rotation status", key.id)),
        Some(true) => Finding::pass(&key.arn, format!("key {} rotates its key material automatically", key.id), at),
        Some(false) => Finding::fail(&key.arn, format!("key {} has automatic rotation off", key.id), at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::kms::fixtures::{KEY, key, kms};
    use crate::checks::s3::fixtures::bucket;
    use crate::checks::testutil::*;
    use crate::phi_scope::{Definition, PhiScope};

    const OTHER: &str = "0000abcd-12ab-34cd-56ef-1234567890ab";
    const ASYM: &str = "1111abcd-12ab-34cd-56ef-1234567890ab";
    const AWS: &str = "2222abcd-12ab-34cd-56ef-1234567890ab";

    fn account() -> crate::snapshot::Snapshot {
        let mut s = snapshot();
        let mut off = key(OTHER);
        off.rotation_enabled = Some(false);
        let mut asym = key(ASYM);
        asym.metadata.as_mut().unwrap().spec = Some("RSA_2048".into());
        asym.rotation_enabled = None;
        let mut aws = key(AWS);
        aws.metadata.as_mut().unwrap().manager = "AWS".into();
        s.kms = kms(vec![key(KEY), off, asym, aws]);
        let mut records = bucket("records");
        records.encryption.as_mut().unwrap()[0].kms_key = Some("alias/phi".into());
        let mut web = bucket("web");
        web.tags = Some(Vec::new());
        web.encryption.as_mut().unwrap()[0].kms_key = Some(OTHER.into());
        s.s3.buckets = Some(vec![records, web]);
        s
    }

    #[test]
    fn without_a_scope_every_customer_key_is_judged() {
        let f = run(&KeyRotation, &account());
        assert_eq!(statuses(&f), ["pass", "fail", "not_applicable", "not_applicable"]);
        assert!(f[2].message.contains("cannot rotate"), "{}", f[2].message);
        assert!(f[3].message.contains("AWS managed"), "{}", f[3].message);
    }

    #[test]
    fn with_a_scope_only_the_keys_of_in_scope_stores_are_judged() {
        let scope = PhiScope::defined(Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        let f = run_scoped(&KeyRotation, &account(), &[], &scope);
        // records (in scope) names KEY through its alias; web (out) names OTHER, whose
        // rotation is off but which protects no PHI.
        assert_eq!(statuses(&f), ["pass", "not_applicable", "not_applicable", "not_applicable"]);
        assert!(f[1].message.contains("outside the PHI scope"), "{}", f[1].message);
        // A store in scope whose tags decide it, unread: its key is a gap, not out.
        let mut s = account();
        s.s3.buckets.as_mut().unwrap()[1].tags = None;
        let f = run_scoped(&KeyRotation, &s, &[], &scope);
        assert_eq!(statuses(&f)[1], "error");
    }

    #[test]
    fn unread_lists_and_descriptions_and_foreign_keys_are_gaps() {
        let mut s = account();
        s.kms.regions.get_mut("us-east-1").unwrap().keys.as_mut().unwrap()[0].metadata = None;
        assert_eq!(statuses(&run(&KeyRotation, &s))[0], "error");
        let mut s = account();
        s.kms.regions.get_mut("us-east-1").unwrap().keys.as_mut().unwrap()[0].rotation_enabled = None;
        assert_eq!(statuses(&run(&KeyRotation, &s))[0], "error");
        // The key list of the store's region unread: one gap for the region, or with a scope
        // one for each in-scope store whose key it holds.
        let mut s = account();
        s.kms.regions.get_mut("us-east-1").unwrap().keys = None;
        let f = run(&KeyRotation, &s);
        assert_eq!(statuses(&f), ["error"], "{f:?}");
        let scope = PhiScope::defined(Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        let f = run_scoped(&KeyRotation, &s, &[], &scope);
        assert_eq!(statuses(&f), ["error"], "{f:?}");
        assert!(f[0].resource.ends_with(":::records"), "{f:?}");
        // A key of another account.
        let mut s = account();
        s.s3.buckets.as_mut().unwrap()[0].encryption.as_mut().unwrap()[0].kms_key =
            Some(format!("arn:aws:kms:us-east-1:999999999999:key/{KEY}"));
        let f = run(&KeyRotation, &s);
        assert!(f.iter().any(|f| f.status.as_str() == "error" && f.message.contains("999999999999")), "{f:?}");
        // No KMS evidence at all (a snapshot from before KMS was read): a gap; regions read
        // and holding no key: not applicable, said so.
        assert_eq!(statuses(&run(&KeyRotation, &snapshot())), ["error"]);
        let mut s = snapshot();
        s.kms = kms(Vec::new());
        assert_eq!(statuses(&run(&KeyRotation, &s)), ["not_applicable"]);
    }
}
