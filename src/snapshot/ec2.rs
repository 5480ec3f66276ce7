//! EC2, per region: EBS encryption by default, the EBS volumes (with their encryption, key,
//! attachments and tags), the instances they attach to (whose tags can place a volume in the
//! PHI scope, and whose VPC holds it), and the VPCs with their flow logs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Ec2 {
    /// Per region read (`ec2/<region>/`).
    pub regions: BTreeMap<String, Ec2Region>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Ec2Region {
    /// `ec2 get-ebs-encryption-by-default`; `None`: not in the evidence.
    #[serde(default)]
    pub ebs_encryption_by_default: Option<bool>,
    /// `ec2 describe-volumes`; `None`: not in the evidence.
    #[serde(default)]
    pub volumes: Option<Vec<Volume>>,
    /// `ec2 describe-instances`; `None`: not in the evidence.
    #[serde(default)]
    pub instances: Option<Vec<Instance>>,
    /// `ec2 describe-vpcs`; `None`: not in the evidence.
    #[serde(default)]
    pub vpcs: Option<Vec<Vpc>>,
    /// `ec2 describe-flow-logs`; `None`: not in the evidence.
    #[serde(default)]
    pub flow_logs: Option<Vec<FlowLog>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Volume {
    pub id: String,
    pub arn: String,
    /// `None` when the evidence does not say.
    #[serde(default)]
    pub encrypted: Option<bool>,
    #[serde(default)]
    pub kms_key: Option<String>,
    /// The instances it is attached to.
    #[serde(default)]
    pub attached_to: Vec<String>,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Instance {
    pub id: String,
    pub arn: String,
    #[serde(default)]
    pub vpc: Option<String>,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Vpc {
    pub id: String,
    pub arn: String,
    #[serde(default)]
    pub is_default: bool,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FlowLog {
    pub id: String,
    /// The VPC, subnet or network interface it logs.
    pub resource: String,
    /// `FlowLogStatus`: `ACTIVE` when it records.
    #[serde(default)]
    pub status: Option<String>,
    /// `ACCEPT`, `REJECT` or `ALL`.
    #[serde(default)]
    pub traffic: Option<String>,
}

/// Whether `id` is an EC2 resource id of the given kind as EC2 issues them (`vol-`, `i-`,
/// `vpc-`, `fl-` and 8 or 17 lower-case hex digits): the only ids that become ARNs and
/// messages.
pub fn valid_id(prefix: &str, id: &str) -> bool {
    id.strip_prefix(prefix)
        .is_some_and(|rest| super::prefixed_hex_id(rest, "-", 8..=32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_issued_ids_are_valid() {
        assert!(valid_id("vol", "vol-0a1b2c3d4e5f60718"));
        assert!(valid_id("i", "i-12345678"));
        for bad in [
            "vol-",
            "vol-xyz12345",
            "vol-../../x",
            "i-12345678",
            "VOL-12345678",
        ] {
            assert!(!valid_id("vol", bad), "{bad}");
        }
    }
}
