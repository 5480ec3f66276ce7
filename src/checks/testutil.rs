//! Small snapshots for check unit tests.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};

use super::{Check, Context, Finding, Params};
use crate::snapshot::*;

pub const ACCOUNT: &str = "123456789012";

/// A snapshot with every piece of evidence present and empty, collected 2026-11-01T00:00Z.
pub fn snapshot() -> Snapshot {
    Snapshot {
        schema_version: SCHEMA_VERSION.into(),
        collected_at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
        source: Source {
            method: "import".into(),
            tool: "safeguard".into(),
            tool_version: "test".into(),
        },
        account: Account {
            id: ACCOUNT.into(),
            partition: "aws".into(),
            caller_arn: None,
        },
        regions: vec!["us-east-1".into()],
        iam: Iam {
            authorization_details: Some(AuthorizationDetails::default()),
            credential_report: Some(CredentialReport {
                generated_time: None,
                rows: vec![],
            }),
            password_policy: Some(PasswordPolicyEvidence::NotSet {
                detail: "NoSuchEntity".into(),
            }),
            account_summary: Some(BTreeMap::new()),
            virtual_mfa_devices: Some(vec![]),
        },
        cloudtrail: CloudTrail {
            regions: BTreeMap::from([("us-east-1".to_string(), Some(vec![]))]),
            trails: vec![],
        },
        config: ConfigService {
            regions: BTreeMap::from([(
                "us-east-1".to_string(),
                ConfigRegion {
                    recorders: Some(vec![]),
                    recorder_statuses: Some(vec![]),
                    delivery_channels: Some(vec![]),
                },
            )]),
        },
        gaps: vec![],
    }
}

/// Records a gap, as the importer would for a failed call.
pub fn with_gap(s: &mut Snapshot, pointer: &str) {
    s.gaps.push(Gap {
        evidence: pointer.into(),
        source: "test".into(),
        reason: "AccessDenied".into(),
    });
}

pub fn run(check: &dyn Check, s: &Snapshot) -> Vec<Finding> {
    run_with(check, s, &[])
}

pub fn run_with(
    check: &dyn Check,
    s: &Snapshot,
    overrides: &[(&str, super::ParamValue)],
) -> Vec<Finding> {
    let ov: BTreeMap<String, super::ParamValue> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let params = Params::resolve(check.info(), Some(&ov)).unwrap();
    check.evaluate(&Context {
        snapshot: s,
        params: &params,
        as_of: s.collected_at,
    })
}

/// A credential-report row with the given columns over sensible "nothing enabled" defaults.
pub fn report_row(user: &str, cols: &[(&str, &str)]) -> BTreeMap<String, String> {
    let arn = if user == ROOT_ACCOUNT_USER {
        format!("arn:aws:iam::{ACCOUNT}:root")
    } else {
        format!("arn:aws:iam::{ACCOUNT}:user/{user}")
    };
    let mut row: BTreeMap<String, String> = [
        ("user", user),
        ("arn", arn.as_str()),
        ("user_creation_time", "2024-01-01T00:00:00+00:00"),
        ("password_enabled", "false"),
        ("password_last_used", "N/A"),
        ("password_last_changed", "N/A"),
        ("mfa_active", "false"),
        ("access_key_1_active", "false"),
        ("access_key_1_last_rotated", "N/A"),
        ("access_key_1_last_used_date", "N/A"),
        ("access_key_2_active", "false"),
        ("access_key_2_last_rotated", "N/A"),
        ("access_key_2_last_used_date", "N/A"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in cols {
        row.insert(k.to_string(), v.to_string());
    }
    row
}

pub fn statuses(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.status.as_str()).collect()
}
