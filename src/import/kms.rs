//! KMS, per region: the key list and alias list, then per key what DescribeKey says and, for a
//! customer managed symmetric key, whether automatic rotation is on.

use super::*;
use crate::snapshot::kms::{Alias, Key, KeyMetadata, Kms, KmsRegion, valid_key_id};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListKeys {
    #[serde(default)]
    keys: Vec<ListedKey>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedKey {
    key_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListAliases {
    #[serde(default)]
    aliases: Vec<ListedAlias>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedAlias {
    alias_name: String,
    #[serde(default)]
    target_key_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeKey {
    key_metadata: Metadata,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Metadata {
    key_manager: String,
    key_state: String,
    #[serde(default)]
    key_spec: Option<String>,
    #[serde(default)]
    key_usage: Option<String>,
    #[serde(default)]
    origin: Option<String>,
    /// The CLI prints it as RFC 3339 text (or epoch seconds with `--cli-timestamp-format`
    /// none); kept as text.
    #[serde(default)]
    deletion_date: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Rotation {
    key_rotation_enabled: bool,
}

impl Importer<'_> {
    pub(super) fn kms(
        &mut self,
        regions: &BTreeSet<String>,
        partition: &str,
        account: &str,
    ) -> Result<Kms> {
        let mut kms = Kms::default();
        for region in regions {
            let base = crate::snapshot::pointer::region("kms", region);
            let aliases = self
                .read_or_gap::<ListAliases>(
                    &format!("kms/{region}/aliases.json"),
                    &format!("{base}/aliases"),
                    &format!("aws kms list-aliases --region {region}"),
                )?
                .map(|l| {
                    l.aliases
                        .into_iter()
                        .map(|a| Alias {
                            name: a.alias_name,
                            target_key_id: a.target_key_id,
                        })
                        .collect()
                });
            let keys = match self.read_or_gap::<ListKeys>(
                &format!("kms/{region}/keys.json"),
                &format!("{base}/keys"),
                &format!("aws kms list-keys --region {region}"),
            )? {
                Some(list) => Some(self.keys(region, partition, account, list)?),
                None => None,
            };
            kms.regions
                .insert(region.clone(), KmsRegion { keys, aliases });
        }
        Ok(kms)
    }

    fn keys(
        &mut self,
        region: &str,
        partition: &str,
        account: &str,
        list: ListKeys,
    ) -> Result<Vec<Key>> {
        let list_file = format!("kms/{region}/keys.json");
        let base = crate::snapshot::pointer::region("kms", region);
        let mut keys = Vec::new();
        for (i, k) in list.keys.into_iter().enumerate() {
            // The id becomes a path and an ARN: only what KMS issues goes further.
            if !valid_key_id(&k.key_id) {
                self.refuse_entry(
                    &list_file,
                    format!("/Keys/{i}/KeyId"),
                    format!(
                        "{:?} is not a KMS key id (a UUID, or mrk- and 32 hex digits)",
                        crate::text::line(&k.key_id)
                    ),
                    &format!("{base}/keys"),
                )?;
                continue;
            }
            let id = k.key_id;
            let at = format!("{base}/keys/{}", keys.len());
            let metadata = self
                .read_or_gap::<DescribeKey>(
                    &format!("kms/{region}/keys/{id}/describe.json"),
                    &format!("{at}/metadata"),
                    &format!("aws kms describe-key --key-id {id} --region {region}"),
                )?
                .map(|d| {
                    let m = d.key_metadata;
                    KeyMetadata {
                        manager: m.key_manager,
                        state: m.key_state,
                        spec: m.key_spec,
                        usage: m.key_usage,
                        origin: m.origin,
                        deletion_date: m.deletion_date.map(|v| match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        }),
                    }
                });
            // Rotation is asked only of the keys whose rotation the customer decides.
            let rotation_enabled = match &metadata {
                Some(m) if m.rotates() => self
                    .read_or_gap::<Rotation>(
                        &format!("kms/{region}/keys/{id}/rotation.json"),
                        &format!("{at}/rotation_enabled"),
                        &format!("aws kms get-key-rotation-status --key-id {id} --region {region}"),
                    )?
                    .map(|r| r.key_rotation_enabled),
                _ => None,
            };
            keys.push(Key {
                arn: format!("arn:{partition}:kms:{region}:{account}:key/{id}"),
                id,
                metadata,
                rotation_enabled,
            });
        }
        Ok(keys)
    }
}
