//! Checks on the EFS file systems within the PHI scope: encryption at rest. (The key each
//! names is judged with the other stores' keys, by `kms.pending_deletion` and
//! `kms.key_rotation`.)

crate::checks::register! {
    encrypted,
}

use crate::checks::{Context, Finding};

/// The gap for a region whose file system list was not read.
pub(crate) fn list_gap(ctx: &Context<'_>, region: &str) -> Finding {
    crate::checks::stores::region_list_gap(
        ctx,
        ("elasticfilesystem", "efs", "file_systems"),
        region,
        "EFS file system list",
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    use std::collections::BTreeMap;

    use crate::snapshot::efs::{Efs, EfsRegion, FileSystem};

    /// An encrypted file system of us-east-1 tagged `phi=true`.
    pub(crate) fn file_system(id: &str) -> FileSystem {
        FileSystem {
            id: id.into(),
            arn: format!("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/{id}"),
            name: None,
            encrypted: Some(true),
            kms_key: Some(
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    .into(),
            ),
            tags: vec![("phi".into(), "true".into())],
        }
    }

    pub(crate) fn efs(list: Vec<FileSystem>) -> Efs {
        Efs {
            regions: BTreeMap::from([(
                "us-east-1".to_string(),
                EfsRegion {
                    file_systems: Some(list),
                },
            )]),
        }
    }
}
