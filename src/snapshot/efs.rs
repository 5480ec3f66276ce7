//! EFS, per region: the file systems, each with its encryption at rest and key and the tags
//! that place it in the PHI scope (DescribeFileSystems returns them all).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Efs {
    /// Per region read (`efs/<region>/`).
    pub regions: BTreeMap<String, EfsRegion>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EfsRegion {
    /// `efs describe-file-systems`; `None`: not in the evidence.
    #[serde(default)]
    pub file_systems: Option<Vec<FileSystem>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileSystem {
    pub id: String,
    pub arn: String,
    /// Its `Name` tag, when it has one.
    #[serde(default)]
    pub name: Option<String>,
    /// `None` when the evidence does not say.
    #[serde(default)]
    pub encrypted: Option<bool>,
    /// The key ARN, when encrypted.
    #[serde(default)]
    pub kms_key: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// Whether `id` is a file system id as EFS issues them (`fs-` and 8 to 40 hex digits): the only
/// ids that become ARNs, resources and messages.
pub fn valid_id(id: &str) -> bool {
    super::prefixed_hex_id(id, "fs-", 8..=40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_issued_ids_are_valid() {
        assert!(valid_id("fs-0123456789abcdef0"));
        assert!(valid_id("fs-12345678"));
        for bad in [
            "fs-",
            "fs-1234567",
            "fs-../../x",
            "FS-12345678",
            "fs-ABCDEF12",
            "12345678",
        ] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
