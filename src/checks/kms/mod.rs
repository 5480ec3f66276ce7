//! Checks on the KMS keys that protect the data stores: automatic rotation of the customer
//! managed keys, and no store's key disabled or on its way to deletion.
//!
//! Keys are scoped by the stores they protect: with a PHI scope, a key is judged when a store
//! in the scope names it, and is not applicable otherwise (a key holds no data of its own).

crate::checks::register! {
    key_rotation,
    pending_deletion,
}

use std::collections::BTreeMap;

use crate::checks::stores::{KeyUse, Store};
use crate::checks::{Context, Finding};
use crate::phi_scope::Membership;
use crate::snapshot::kms::KeyLookup;

/// What the scope says of each key an in-scope (or undecided) store names, by key ARN: the
/// first store that puts it in scope, else the first whose scope is undecided.
pub(super) fn key_membership<'a>(
    ctx: &Context<'_>,
    stores: &'a [Store<'a>],
) -> BTreeMap<String, (Membership, &'a Store<'a>)> {
    let mut by_key: BTreeMap<String, (Membership, &Store)> = BTreeMap::new();
    for s in stores {
        let KeyUse::Kms(Some(reference)) = s.key else {
            continue;
        };
        let Some(KeyLookup::Found { key, .. }) = lookup(ctx, s, reference) else {
            continue;
        };
        let m = match &s.membership {
            Membership::In(_) => Membership::In(format!("{} names it", s.label)),
            Membership::Undecided(why) => Membership::Undecided(why.clone()),
            Membership::Out(_) => continue,
        };
        match by_key.get(&key.arn) {
            Some((Membership::In(_), _)) => {}
            Some(_) if !matches!(m, Membership::In(_)) => {}
            _ => {
                by_key.insert(key.arn.clone(), (m, s));
            }
        }
    }
    by_key
}

/// The key `store` names by `reference`. A bare id or alias is resolved in the store's region;
/// when that region was not read there is nothing to resolve it in: `None`, a gap for the
/// caller (never a guess at a default region).
pub(super) fn lookup<'a>(
    ctx: &Context<'a>,
    store: &Store<'_>,
    reference: &str,
) -> Option<KeyLookup<'a>> {
    let region = match store.region {
        Some(r) => r,
        // An ARN names its own region.
        None if reference.starts_with("arn:") => "",
        None => return None,
    };
    Some(
        ctx.snapshot
            .kms
            .lookup(reference, region, &ctx.snapshot.account.id),
    )
}

/// The gap for a store whose region was not read and whose key is named by a bare id or alias.
pub(super) fn region_unread(ctx: &Context<'_>, store: &Store<'_>) -> Finding {
    ctx.missing(
        store.arn,
        &format!("{}/region", store.pointer),
        &format!(
            "{}'s region, where the key it names by id or alias would be found,",
            store.label
        ),
    )
}

/// The gap for a store whose key lives in a region whose key (or alias) list is not in the
/// evidence: at that list when the region was read, else at the KMS evidence as a whole.
pub(super) fn unread_list(
    ctx: &Context<'_>,
    store: &Store<'_>,
    region: &str,
    list: &str,
) -> Finding {
    let what = if list == "aliases" {
        "alias list"
    } else {
        "key list"
    };
    let pointer = if ctx.snapshot.kms.regions.contains_key(region) {
        format!("{}/{list}", crate::snapshot::pointer::region("kms", region))
    } else {
        "/kms/regions".to_string()
    };
    ctx.missing(
        store.arn,
        &pointer,
        &format!(
            "the KMS {what} of {region}, which holds the key {} names,",
            store.label
        ),
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    use std::collections::BTreeMap;

    use crate::snapshot::kms::{Alias, Key, KeyMetadata, Kms, KmsRegion};

    pub(crate) const KEY: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

    /// An enabled customer managed symmetric key of us-east-1, rotation on.
    pub(crate) fn key(id: &str) -> Key {
        Key {
            id: id.into(),
            arn: format!("arn:aws:kms:us-east-1:123456789012:key/{id}"),
            metadata: Some(KeyMetadata {
                manager: "CUSTOMER".into(),
                state: "Enabled".into(),
                spec: Some("SYMMETRIC_DEFAULT".into()),
                usage: Some("ENCRYPT_DECRYPT".into()),
                origin: Some("AWS_KMS".into()),
                deletion_date: None,
            }),
            rotation_enabled: Some(true),
        }
    }

    /// us-east-1 holding `keys`, with alias `alias/phi` for the first.
    pub(crate) fn kms(keys: Vec<Key>) -> Kms {
        let aliases = keys
            .first()
            .map(|k| Alias {
                name: "alias/phi".into(),
                target_key_id: Some(k.id.clone()),
            })
            .into_iter()
            .collect();
        Kms {
            regions: BTreeMap::from([(
                "us-east-1".to_string(),
                KmsRegion {
                    keys: Some(keys),
                    aliases: Some(aliases),
                },
            )]),
        }
    }
}
