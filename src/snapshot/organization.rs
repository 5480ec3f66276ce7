//! The AWS Organizations evidence of a member account, as its management (or delegated
//! administrator) account sees it: where the account sits and which service control
//! policies bound it. The account itself cannot show either.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CloudWatch, PolicyDocument};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Organization {
    /// `o-...`
    pub id: String,
    pub management_account_id: String,
    /// The account as the organization lists it (`None`: not in the evidence, a gap).
    pub account: Option<OrgAccount>,
    /// The root, then each OU down to the account's parent (empty: not in the evidence).
    pub path: Vec<OrgUnit>,
    /// Whether the SCP policy type is enabled on the root (`None`: the root is not in the
    /// evidence).
    pub scp_enabled: Option<bool>,
    /// The SCPs attached at each level of the path — the root, each OU, the account — when
    /// they bound the account. `None` when none do (SCPs disabled, the management account) or
    /// when the evidence is incomplete (then a gap says which part is missing, and no SCP is
    /// applied: a partial set could deny what the whole would allow, or the reverse).
    pub service_control_policies: Option<Vec<ScpTarget>>,
    /// The log groups, metric filters and alarms, in the management account, of the
    /// organization trails this account's evidence shows delivering there: what the member
    /// cannot read about its own trail, read from the management side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trail_logs: Option<TrailLogs>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrailLogs {
    /// The account holding the log groups (the management account).
    pub account: String,
    pub cloudwatch: CloudWatch,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrgAccount {
    pub id: String,
    pub name: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, ... (the `State` field, or the older `Status`).
    pub status: Option<String>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrgUnit {
    /// `r-...` for the root, `ou-...` for an organizational unit.
    pub id: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScpTarget {
    /// The root, OU or account id the policies are attached to.
    pub target: String,
    pub policies: Vec<Scp>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Scp {
    /// `p-...` (`p-FullAWSAccess` for the AWS-managed one).
    pub id: String,
    pub name: Option<String>,
    pub aws_managed: bool,
    pub document: PolicyDocument,
}

impl Organization {
    /// `Root/Production/Clinical`: the OU path by name (ids where a name is unknown); `None`
    /// when the path is not in the evidence.
    pub fn ou_path(&self) -> Option<String> {
        if self.path.is_empty() {
            return None;
        }
        Some(
            self.path
                .iter()
                .map(|u| u.name.clone().unwrap_or_else(|| u.id.clone()))
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    /// Whether this is the management account, which no SCP binds.
    pub(crate) fn is_management(&self, account_id: &str) -> bool {
        self.management_account_id == account_id
    }
}

/// Ids AWS Organizations issues, checked before one names a file (`parents/<id>.json`).
pub(crate) fn valid_root_id(s: &str) -> bool {
    s.strip_prefix("r-").is_some_and(|r| {
        (4..=32).contains(&r.len())
            && r.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    })
}

pub(crate) fn valid_ou_id(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("ou-") else {
        return false;
    };
    let Some((root, unit)) = rest.split_once('-') else {
        return false;
    };
    let ok = |p: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&p.len())
            && p.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    };
    ok(root, 4, 32) && ok(unit, 8, 32)
}

pub(crate) fn valid_policy_id(s: &str) -> bool {
    s.strip_prefix("p-").is_some_and(|r| {
        (8..=128).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

pub(crate) fn valid_org_id(s: &str) -> bool {
    s.strip_prefix("o-").is_some_and(|r| {
        (10..=32).contains(&r.len())
            && r.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_could_escape_a_folder_are_refused() {
        assert!(valid_root_id("r-ab12"));
        assert!(valid_ou_id("ou-ab12-cdef3456"));
        assert!(valid_policy_id("p-FullAWSAccess"));
        assert!(valid_org_id("o-a1b2c3d4e5"));
        for bad in [
            "r-../x",
            "ou-ab12-../../etc",
            "p-../../x",
            "o-..",
            "",
            "r-",
            "ou-ab12",
            "p-short",
        ] {
            assert!(
                !valid_root_id(bad)
                    && !valid_ou_id(bad)
                    && !valid_policy_id(bad)
                    && !valid_org_id(bad),
                "{bad}"
            );
        }
    }
}
