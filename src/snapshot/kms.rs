//! KMS: per region, the account's keys (with what DescribeKey says of each and, for customer
//! managed symmetric keys, whether automatic rotation is on) and its aliases, so that the key a
//! data store names (by id, ARN or alias) can be found and its state judged.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Kms {
    /// Per region read (`kms/<region>/`).
    pub regions: BTreeMap<String, KmsRegion>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct KmsRegion {
    /// `kms list-keys`; `None`: not in the evidence.
    #[serde(default)]
    pub keys: Option<Vec<Key>>,
    /// `kms list-aliases`; `None`: not in the evidence.
    #[serde(default)]
    pub aliases: Option<Vec<Alias>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Key {
    pub id: String,
    pub arn: String,
    /// What `describe-key` said; `None` when it could not be read.
    #[serde(default)]
    pub metadata: Option<KeyMetadata>,
    /// `get-key-rotation-status`, asked of customer managed symmetric keys only; `None` when
    /// not asked or not read.
    #[serde(default)]
    pub rotation_enabled: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KeyMetadata {
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `PendingReplicaDeletion`,
    /// `Unavailable`, `Creating`, `Updating`.
    pub state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, …; only symmetric encryption keys rotate automatically.
    #[serde(default)]
    pub spec: Option<String>,
    /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, …
    #[serde(default)]
    pub usage: Option<String>,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`: imported and custom key
    /// store material cannot rotate automatically.
    #[serde(default)]
    pub origin: Option<String>,
    /// When a key pending deletion will be deleted (RFC 3339).
    #[serde(default)]
    pub deletion_date: Option<String>,
}

impl KeyMetadata {
    /// A customer managed symmetric encryption key with KMS-generated material: the keys whose
    /// automatic rotation the customer decides.
    pub fn rotates(&self) -> bool {
        self.manager == "CUSTOMER"
            && self.spec.as_deref().unwrap_or("SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            && self.usage.as_deref().unwrap_or("ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
            && self.origin.as_deref().unwrap_or("AWS_KMS") == "AWS_KMS"
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Alias {
    /// `alias/<name>`.
    pub name: String,
    /// The key it points to; `None` for AWS managed aliases not yet used.
    #[serde(default)]
    pub target_key_id: Option<String>,
}

/// What a data store's key reference resolves to.
#[derive(Debug, PartialEq)]
pub enum KeyLookup<'a> {
    /// The key, with its region and index in that region's key list.
    Found {
        region: &'a str,
        index: usize,
        key: &'a Key,
    },
    /// An AWS managed key named by its alias (`alias/aws/s3`) that has no key yet.
    AwsManaged,
    /// A key of another account: its state is not in this account's evidence.
    OtherAccount(String),
    /// The region's key list (`list` = `keys`) or alias list (`aliases`, for an alias) was
    /// not read.
    Unread { region: String, list: &'static str },
    /// The evidence was read and holds no such key or alias.
    NotFound { region: String },
}

impl Kms {
    /// Finds the key `reference` names, as a data store records it: a key id, a key ARN, an
    /// alias name (`alias/x`) or an alias ARN. `region` is the store's (a bare id or alias is
    /// resolved there) and `account` the account the evidence is of.
    pub fn lookup<'a>(&'a self, reference: &str, region: &str, account: &str) -> KeyLookup<'a> {
        let (region, account_of, rest) = match reference.strip_prefix("arn:") {
            Some(arn) => {
                let parts: Vec<&str> = arn.splitn(5, ':').collect();
                if parts.len() < 5 {
                    return KeyLookup::NotFound {
                        region: region.to_string(),
                    };
                }
                (parts[2], Some(parts[3]), parts[4])
            }
            None => (region, None, reference),
        };
        if let Some(other) = account_of.filter(|a| *a != account) {
            return KeyLookup::OtherAccount(other.to_string());
        }
        let Some(r) = self.regions.get_key_value(region) else {
            return KeyLookup::Unread {
                region: region.to_string(),
                list: "keys",
            };
        };
        let (region, r) = (r.0.as_str(), r.1);
        let id = if rest.starts_with("alias/") {
            let Some(aliases) = &r.aliases else {
                return KeyLookup::Unread {
                    region: region.to_string(),
                    list: "aliases",
                };
            };
            match aliases.iter().find(|a| a.name == rest) {
                Some(Alias {
                    target_key_id: Some(id),
                    ..
                }) => id.as_str(),
                // AWS creates an AWS managed key on its first use.
                Some(_) | None if rest.starts_with("alias/aws/") => return KeyLookup::AwsManaged,
                _ => {
                    return KeyLookup::NotFound {
                        region: region.to_string(),
                    };
                }
            }
        } else {
            rest.strip_prefix("key/").unwrap_or(rest)
        };
        let Some(keys) = &r.keys else {
            return KeyLookup::Unread {
                region: region.to_string(),
                list: "keys",
            };
        };
        match keys.iter().enumerate().find(|(_, k)| k.id == id) {
            Some((index, key)) => KeyLookup::Found { region, index, key },
            None => KeyLookup::NotFound {
                region: region.to_string(),
            },
        }
    }
}

/// Whether `id` is a KMS key id (a UUID, or `mrk-` and 32 hex digits for a multi-Region key):
/// the only ids that may become paths.
pub fn valid_key_id(id: &str) -> bool {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(m) = id.strip_prefix("mrk-") {
        return m.len() == 32 && hex(m);
    }
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5
        && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| hex(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

    fn kms() -> Kms {
        let key = Key {
            id: ID.into(),
            arn: format!("arn:aws:kms:us-east-1:123456789012:key/{ID}"),
            metadata: None,
            rotation_enabled: None,
        };
        let mut regions = BTreeMap::new();
        regions.insert(
            "us-east-1".to_string(),
            KmsRegion {
                keys: Some(vec![key]),
                aliases: Some(vec![Alias {
                    name: "alias/phi".into(),
                    target_key_id: Some(ID.into()),
                }]),
            },
        );
        regions.insert("eu-west-1".to_string(), KmsRegion::default());
        Kms { regions }
    }

    #[test]
    fn a_key_is_found_by_id_arn_alias_and_alias_arn_in_its_own_region() {
        let k = kms();
        let acct = "123456789012";
        for r in [
            ID.to_string(),
            format!("arn:aws:kms:us-east-1:{acct}:key/{ID}"),
            "alias/phi".to_string(),
            format!("arn:aws:kms:us-east-1:{acct}:alias/phi"),
        ] {
            assert!(
                matches!(
                    k.lookup(&r, "us-east-1", acct),
                    KeyLookup::Found { index: 0, .. }
                ),
                "{r}"
            );
        }
        // The bare id resolves in the store's region, where the key is not.
        assert_eq!(
            k.lookup(ID, "eu-west-1", acct),
            KeyLookup::Unread {
                region: "eu-west-1".into(),
                list: "keys"
            }
        );
        assert_eq!(
            k.lookup(ID, "us-west-2", acct),
            KeyLookup::Unread {
                region: "us-west-2".into(),
                list: "keys"
            }
        );
        assert_eq!(
            k.lookup("alias/gone", "us-east-1", acct),
            KeyLookup::NotFound {
                region: "us-east-1".into()
            }
        );
        assert_eq!(
            k.lookup("alias/aws/s3", "us-east-1", acct),
            KeyLookup::AwsManaged
        );
        assert_eq!(
            k.lookup(
                &format!("arn:aws:kms:us-east-1:999999999999:key/{ID}"),
                "us-east-1",
                acct
            ),
            KeyLookup::OtherAccount("999999999999".into())
        );
        assert!(matches!(
            k.lookup("arn:bogus", "us-east-1", acct),
            KeyLookup::NotFound { .. }
        ));
    }

    #[test]
    fn only_key_ids_become_paths() {
        assert!(valid_key_id(ID));
        assert!(valid_key_id("mrk-1234abcd12ab34cd56ef1234567890ab"));
        for bad in [
            "",
            "../x",
            "1234abcd-12ab-34cd-56ef-1234567890a/",
            "mrk-12",
            "alias/x",
        ] {
            assert!(!valid_key_id(bad), "{bad}");
        }
    }
}
