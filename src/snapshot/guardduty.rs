//! GuardDuty, per region: the detectors (threat detection is on in a region when one is
//! enabled there), the protection plans each turns on, and the open findings of high
//! severity, which are incidents to respond to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The severity from which GuardDuty calls a finding High (7.0–8.9; Critical from 9.0): the
/// export and the collector ask for the open findings at or above it.
pub const HIGH_SEVERITY: i64 = 7;

/// How many of the open high-severity findings are described (GetFindings takes at most 50 ids
/// a call): enough to say what they are; the count covers the rest.
pub const FINDINGS_DESCRIBED: usize = 50;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GuardDuty {
    /// Per region read (`guardduty/<region>/`).
    pub regions: BTreeMap<String, GuardDutyRegion>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GuardDutyRegion {
    /// `guardduty list-detectors`; `None`: not in the evidence.
    #[serde(default)]
    pub detectors: Option<Vec<Detector>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Detector {
    pub id: String,
    /// `ENABLED` or `DISABLED` (`guardduty get-detector`); `None`: not in the evidence.
    #[serde(default)]
    pub status: Option<String>,
    /// The protection plans (`Features`): name → `ENABLED` or `DISABLED`.
    #[serde(default)]
    pub features: BTreeMap<String, String>,
    /// The ids of the open (not archived) findings of severity [`HIGH_SEVERITY`] or more
    /// (`guardduty list-findings`, every page); `None`: not in the evidence.
    #[serde(default)]
    pub open_high_findings: Option<Vec<String>>,
    /// The first [`FINDINGS_DESCRIBED`] of them, described (`guardduty get-findings`);
    /// `None`: not in the evidence (or none to describe).
    #[serde(default)]
    pub described: Option<Vec<ThreatFinding>>,
}

impl Detector {
    pub fn enabled(&self) -> Option<bool> {
        self.status
            .as_deref()
            .map(|s| s.eq_ignore_ascii_case("ENABLED"))
    }
}

/// What a GuardDuty finding is, reduced to what an auditor reads in the report: no IP
/// addresses, access key ids or user names (those stay in GuardDuty).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ThreatFinding {
    pub id: String,
    /// The finding type, e.g. `UnauthorizedAccess:EC2/SSHBruteForce`.
    pub kind: String,
    pub severity: f64,
    #[serde(default)]
    pub title: Option<String>,
    /// The kind of resource involved (`Instance`, `AccessKey`, `S3Bucket`, …).
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// Whether `id` is a detector or finding id as GuardDuty issues them (lower-case letters and
/// digits, 1 to 300): the only ids that become paths, resources and messages.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 300
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_issued_ids_are_valid() {
        assert!(valid_id("12abc34d567e8fa901bc2d34e56789f0"));
        for bad in ["", "../x", "ABC", "a b", &"a".repeat(301)] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
