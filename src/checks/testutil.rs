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
            export: Default::default(),
            collected_at_from: None,
        },
        account: Account {
            id: ACCOUNT.into(),
            partition: "aws".into(),
            caller_arn: None,
        },
        regions: vec!["us-east-1".into()],
        enabled_regions: Some(EnabledRegions {
            regions: vec!["us-east-1".into()],
            source: "account:ListRegions".into(),
        }),
        iam: Iam {
            authorization_details: Some(AuthorizationDetails::default()),
            credential_report: Some(CredentialReport {
                generated_time: Some(AwsTime("2026-10-31T22:00:00Z".into())),
                rows: vec![],
            }),
            password_policy: Some(PasswordPolicyEvidence::NotSet {
                detail: "NoSuchEntity".into(),
            }),
            account_summary: Some(BTreeMap::new()),
            virtual_mfa_devices: Some(vec![]),
            roles: Some(vec![]),
        },
        cloudtrail: CloudTrail {
            regions: BTreeMap::from([("us-east-1".to_string(), Some(vec![]))]),
            trails: vec![],
            event_history: EventHistory {
                start_time: Some(AwsTime("2026-08-03T00:00:00Z".into())),
                iam_changes: Some(vec![]),
                root_activity: BTreeMap::from([("us-east-1".to_string(), Some(vec![]))]),
            },
        },
        cloudwatch: CloudWatch::default(),
        s3: Default::default(),
        kms: Default::default(),
        rds: Default::default(),
        dynamodb: Default::default(),
        ec2: Default::default(),
        efs: Default::default(),
        backup: Default::default(),
        cloudfront: Default::default(),
        elb: Default::default(),
        guardduty: Default::default(),
        config: ConfigService {
            regions: BTreeMap::from([(
                "us-east-1".to_string(),
                ConfigRegion {
                    recorders: Some(vec![]),
                    recorder_statuses: Some(vec![]),
                    delivery_channels: Some(vec![]),
                    delivery_channel_statuses: Some(vec![]),
                },
            )]),
        },
        organization: None,
        gaps: vec![],
    }
}

/// Records a gap, as the importer would for a failed call.
pub(crate) fn with_gap(s: &mut Snapshot, pointer: &str) {
    s.gaps.push(Gap {
        evidence: pointer.into(),
        source: "test".into(),
        reason: "AccessDenied".into(),
    });
}

pub fn run(check: &dyn Check, s: &Snapshot) -> Vec<Finding> {
    run_with(check, s, &[])
}

pub(crate) fn run_with(
    check: &dyn Check,
    s: &Snapshot,
    overrides: &[(&str, super::ParamValue)],
) -> Vec<Finding> {
    run_scoped(
        check,
        s,
        overrides,
        &crate::phi_scope::PhiScope::everything(),
    )
}

/// [`run_with`] within a PHI scope.
pub(crate) fn run_scoped(
    check: &dyn Check,
    s: &Snapshot,
    overrides: &[(&str, super::ParamValue)],
    phi_scope: &crate::phi_scope::PhiScope,
) -> Vec<Finding> {
    let ov: BTreeMap<String, super::ParamValue> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let params = Params::resolve(check.info(), Some(&ov)).unwrap();
    let access = crate::access::AccessModel::new(s);
    let credential_report_max_age_hours = match params.0.get("max_age_hours") {
        Some(super::ParamValue::Int(h)) if check.info().id == "iam.credential_report" => *h,
        _ => Params::resolve(super::find("iam.credential_report").unwrap().info(), None)
            .unwrap()
            .int("max_age_hours"),
    };
    check.evaluate(&Context {
        snapshot: s,
        params: &params,
        as_of: s.collected_at,
        access: &access,
        credential_report_max_age_hours,
        phi_scope,
    })
}

/// A credential-report row with the given columns over sensible "nothing enabled" defaults.
pub(crate) fn report_row(user: &str, cols: &[(&str, &str)]) -> BTreeMap<String, String> {
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

/// An advanced event selector's field condition: `key` is `Equals`, `NotEquals`, `StartsWith`,
/// `NotStartsWith`, `EndsWith` or `NotEndsWith`.
pub(crate) fn field_selector(field: &str, key: &str, values: &[&str]) -> AdvancedFieldSelector {
    let list = Some(values.iter().map(|v| v.to_string()).collect());
    let mut f = AdvancedFieldSelector {
        field: field.into(),
        equals: None,
        not_equals: None,
        starts_with: None,
        not_starts_with: None,
        extra: Default::default(),
    };
    match key {
        "Equals" => f.equals = list,
        "NotEquals" => f.not_equals = list,
        "StartsWith" => f.starts_with = list,
        "NotStartsWith" => f.not_starts_with = list,
        other => {
            f.extra.insert(other.into(), serde_json::json!(values));
        }
    }
    f
}

pub fn statuses(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.status.as_str()).collect()
}

/// A snapshot whose authorization details are the given GAAD-shaped JSON
/// (`UserDetailList`, `GroupDetailList`, `RoleDetailList`, `Policies`).
pub(crate) fn with_details(details: serde_json::Value) -> Snapshot {
    let mut s = snapshot();
    s.iam.authorization_details =
        Some(serde_json::from_value(details).expect("authorization details fixture"));
    s
}

/// GAAD-shaped JSON builders for the policy-engine checks' fixtures.
pub mod gaad {
    use serde_json::{Value, json};

    use super::ACCOUNT;

    pub fn allow(actions: &[&str], resource: &str) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]})
    }

    pub fn user(name: &str, inline: &[Value], attached: &[&str], groups: &[&str]) -> Value {
        json!({
            "UserName": name,
            "Arn": format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            "UserPolicyList": inline.iter().enumerate().map(|(i, d)| json!({"PolicyName": format!("{name}-inline-{i}"), "PolicyDocument": d})).collect::<Vec<_>>(),
            "AttachedManagedPolicies": attached.iter().map(|a| json!({"PolicyName": a.rsplit('/').next().unwrap(), "PolicyArn": a})).collect::<Vec<_>>(),
            "GroupList": groups,
        })
    }

    pub fn role(name: &str, trust: Value, inline: &[Value], attached: &[&str]) -> Value {
        json!({
            "RoleName": name,
            "Arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            "Path": "/",
            "AssumeRolePolicyDocument": trust,
            "RolePolicyList": inline.iter().enumerate().map(|(i, d)| json!({"PolicyName": format!("{name}-inline-{i}"), "PolicyDocument": d})).collect::<Vec<_>>(),
            "AttachedManagedPolicies": attached.iter().map(|a| json!({"PolicyName": a.rsplit('/').next().unwrap(), "PolicyArn": a})).collect::<Vec<_>>(),
        })
    }

    pub fn group(name: &str, inline: &[Value], attached: &[&str]) -> Value {
        json!({
            "GroupName": name,
            "Arn": format!("arn:aws:iam::{ACCOUNT}:group/{name}"),
            "GroupPolicyList": inline.iter().enumerate().map(|(i, d)| json!({"PolicyName": format!("{name}-inline-{i}"), "PolicyDocument": d})).collect::<Vec<_>>(),
            "AttachedManagedPolicies": attached.iter().map(|a| json!({"PolicyName": a.rsplit('/').next().unwrap(), "PolicyArn": a})).collect::<Vec<_>>(),
        })
    }

    /// A managed policy: `arn` may be AWS's (`arn:aws:iam::aws:policy/...`) or the account's.
    pub fn managed(arn: &str, doc: Value, attachments: i64) -> Value {
        json!({
            "PolicyName": arn.rsplit('/').next().unwrap(),
            "Arn": arn,
            "DefaultVersionId": "v1",
            "AttachmentCount": attachments,
            "PolicyVersionList": [{"Document": doc, "VersionId": "v1", "IsDefaultVersion": true}],
        })
    }

    pub fn trust(principal: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})
    }

    pub(crate) fn trust_with(principal: Value, action: &str, condition: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action, "Condition": condition}]})
    }

    pub(crate) fn account_root() -> Value {
        json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")})
    }

    pub fn details(
        users: Vec<Value>,
        groups: Vec<Value>,
        roles: Vec<Value>,
        policies: Vec<Value>,
    ) -> Value {
        json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies})
    }

    pub(crate) const ADMIN_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

    pub(crate) fn admin_policy() -> Value {
        managed(ADMIN_ARN, allow(&["*"], "*"), 1)
    }
}
