//! EFS, per region: the file systems, each with its encryption, key and tags (the describe
//! call returns them all).

use super::*;
use crate::snapshot::efs::{Efs, EfsRegion, FileSystem, valid_id};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FileSystems {
    #[serde(default)]
    file_systems: Vec<Described>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    #[serde(default)]
    file_system_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    encrypted: Option<bool>,
    #[serde(default)]
    kms_key_id: Option<String>,
    #[serde(default)]
    tags: Vec<Tag>,
}

impl Importer<'_> {
    pub(super) fn efs(
        &mut self,
        regions: &BTreeSet<String>,
        partition: &str,
        account: &str,
    ) -> Result<Efs> {
        let lists = self.region_lists(
            regions,
            ("efs", "file_systems"),
            |region| format!("efs/{region}/file-systems.json"),
            |region| format!("aws efs describe-file-systems --region {region}"),
            |im, region, rel, list: FileSystems| {
                im.file_systems(rel, list, (partition, region, account))
            },
        )?;
        Ok(Efs {
            regions: lists
                .into_iter()
                .map(|(region, file_systems)| (region, EfsRegion { file_systems }))
                .collect(),
        })
    }

    fn file_systems(
        &mut self,
        rel: &str,
        list: FileSystems,
        (partition, region, account): (&str, &str, &str),
    ) -> Result<Vec<FileSystem>> {
        let base = crate::snapshot::pointer::region("efs", region);
        let mut out = Vec::new();
        for (i, fs) in list.file_systems.into_iter().enumerate() {
            let id = match fs.file_system_id {
                Some(id) if valid_id(&id) => id,
                other => {
                    let what = match other {
                        Some(id) => format!(
                            "{:?} is not an EFS file system id (fs- and 8 to 40 lower-case hex digits)",
                            crate::text::line(&id)
                        ),
                        None => "missing: each entry of FileSystems has its FileSystemId".into(),
                    };
                    self.refuse_entry(
                        rel,
                        format!("/FileSystems/{i}/FileSystemId"),
                        what,
                        &format!("{base}/file_systems"),
                    )?;
                    continue;
                }
            };
            out.push(FileSystem {
                arn: format!(
                    "arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{id}"
                ),
                id,
                name: fs.name.map(|n| crate::text::line(&n).into_owned()),
                encrypted: fs.encrypted,
                kms_key: fs.kms_key_id.filter(|k| !k.is_empty()),
                tags: fs.tags.into_iter().map(|t| (t.key, t.value)).collect(),
            });
        }
        Ok(out)
    }
}
