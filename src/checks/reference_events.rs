//! Reference CloudTrail records: the events each monitoring check's metric filter must catch.
//!
//! A filter is judged by matching it against these records as CloudTrail delivers them to
//! CloudWatch Logs (record shape: CloudTrail User Guide, "CloudTrail record contents"). Each
//! set varies what a real attacker or mistake varies — identity type, source address, region,
//! MFA, success — so a filter narrowed to one address, one user type or one event name misses
//! one of them, and the finding names the record it misses.

use serde_json::{Value, json};

/// One record a filter must match.
pub struct ReferenceEvent {
    /// What the record is, for findings ("failed console sign-in of an IAM user without MFA").
    pub label: String,
    pub record: Value,
}

/// The account and partition the records are written for, so that ARNs and account ids in a
/// filter compare as they would against the account's own trail.
pub struct Account<'a> {
    pub id: &'a str,
    pub partition: &'a str,
}

struct Record<'a> {
    account: &'a Account<'a>,
    identity: Value,
    source: &'a str,
    name: &'a str,
    region: &'a str,
    ip: &'a str,
    read_only: bool,
    event_type: &'a str,
}

impl Record<'_> {
    fn build(self, extra: Value) -> Value {
        let mut r = json!({
            "eventVersion": "1.09",
            "userIdentity": self.identity,
            "eventTime": "2026-11-01T09:30:00Z",
            "eventSource": self.source,
            "eventName": self.name,
            "awsRegion": self.region,
            "sourceIPAddress": self.ip,
            "userAgent": "Mozilla/5.0 (X11; Linux x86_64)",
            "requestParameters": null,
            "responseElements": null,
            "requestID": "5f1e2d3c-0000-4000-8000-000000000001",
            "eventID": "0b8c7d6e-0000-4000-8000-000000000002",
            "readOnly": self.read_only,
            "eventType": self.event_type,
            "managementEvent": true,
            "recipientAccountId": self.account.id,
            "eventCategory": "Management",
        });
        if let (Some(r), Value::Object(extra)) = (r.as_object_mut(), extra) {
            r.extend(extra);
        }
        r
    }
}

fn iam_user(a: &Account<'_>, name: &str) -> Value {
    json!({
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLEREFERENCE1",
        "arn": format!("arn:{}:iam::{}:user/{name}", a.partition, a.id),
        "accountId": a.id,
        "userName": name,
    })
}

fn root(a: &Account<'_>) -> Value {
    json!({
        "type": "Root",
        "principalId": a.id,
        "arn": format!("arn:{}:iam::{}:root", a.partition, a.id),
        "accountId": a.id,
    })
}

fn assumed_role(a: &Account<'_>, role: &str) -> Value {
    json!({
        "type": "AssumedRole",
        "principalId": "AROAEXAMPLEREFERENCE2:ops-session",
        "arn": format!("arn:{}:sts::{}:assumed-role/{role}/ops-session", a.partition, a.id),
        "accountId": a.id,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEREFERENCE2",
                "arn": format!("arn:{}:iam::{}:role/{role}", a.partition, a.id),
                "accountId": a.id,
                "userName": role,
            },
            "attributes": {"creationDate": "2026-11-01T09:00:00Z", "mfaAuthenticated": "false"},
        },
    })
}

fn console_failure(a: &Account<'_>, identity: Value, ip: &str, region: &str, mfa: &str) -> Value {
    Record {
        account: a,
        identity,
        source: "signin.amazonaws.com",
        name: "ConsoleLogin",
        region,
        ip,
        read_only: false,
        event_type: "AwsConsoleSignIn",
    }
    .build(json!({
        "errorMessage": "Failed authentication",
        "responseElements": {"ConsoleLogin": "Failure"},
        "additionalEventData": {
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": mfa,
        },
    }))
}

/// Failed console sign-ins (CIS AWS Foundations, "console authentication failures").
pub(crate) fn console_login_failures(a: &Account<'_>) -> Vec<ReferenceEvent> {
    let unknown_user = json!({
        "type": "IAMUser",
        "accountId": a.id,
        "accessKeyId": "",
        "userName": "HIDDEN_DUE_TO_SECURITY_REASONS",
    });
    vec![
        ReferenceEvent {
            label: "failed console sign-in of an IAM user without MFA".into(),
            record: console_failure(
                a,
                iam_user(a, "clinician"),
                "198.51.100.23",
                "us-east-1",
                "No",
            ),
        },
        ReferenceEvent {
            label: "failed console sign-in of an unknown user name from another address".into(),
            record: console_failure(a, unknown_user, "203.0.113.77", "us-east-1", "No"),
        },
        ReferenceEvent {
            label: "failed root sign-in in eu-west-1".into(),
            record: console_failure(a, root(a), "192.0.2.44", "eu-west-1", "Yes"),
        },
    ]
}

/// Uses of the root user that are not AWS acting on its behalf (CIS "root account usage").
pub fn root_activity(a: &Account<'_>) -> Vec<ReferenceEvent> {
    let signin = Record {
        account: a,
        identity: root(a),
        source: "signin.amazonaws.com",
        name: "ConsoleLogin",
        region: "us-east-1",
        ip: "198.51.100.80",
        read_only: false,
        event_type: "AwsConsoleSignIn",
    }
    .build(json!({
        "responseElements": {"ConsoleLogin": "Success"},
        "additionalEventData": {"MobileVersion": "No", "MFAUsed": "Yes"},
    }));
    let create_key = Record {
        account: a,
        identity: root(a),
        source: "iam.amazonaws.com",
        name: "CreateAccessKey",
        region: "us-east-1",
        ip: "203.0.113.5",
        read_only: false,
        event_type: "AwsApiCall",
    }
    .build(json!({"requestParameters": {}}));
    let read_elsewhere = Record {
        account: a,
        identity: root(a),
        source: "ec2.amazonaws.com",
        name: "DescribeInstances",
        region: "eu-west-1",
        ip: "192.0.2.200",
        read_only: true,
        event_type: "AwsApiCall",
    }
    .build(json!({"requestParameters": {"maxResults": 1000}}));
    vec![
        ReferenceEvent {
            label: "root console sign-in".into(),
            record: signin,
        },
        ReferenceEvent {
            label: "root creating an access key (iam:CreateAccessKey)".into(),
            record: create_key,
        },
        ReferenceEvent {
            label: "root reading EC2 in eu-west-1 (ec2:DescribeInstances)".into(),
            record: read_elsewhere,
        },
    ]
}

/// The IAM policy changes the CIS AWS Foundations benchmark's filter lists.
pub(crate) const POLICY_CHANGES: &[&str] = &[
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
];

/// One record per IAM policy change, alternating a user and a role session as the caller.
pub(crate) fn iam_policy_changes(a: &Account<'_>) -> Vec<ReferenceEvent> {
    POLICY_CHANGES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let identity = if i % 2 == 0 {
                iam_user(a, "platform-admin")
            } else {
                assumed_role(a, "deploy-automation")
            };
            ReferenceEvent {
                label: format!("iam:{name}"),
                record: Record {
                    account: a,
                    identity,
                    source: "iam.amazonaws.com",
                    name,
                    region: "us-east-1",
                    ip: if i % 2 == 0 { "198.51.100.9" } else { "10.20.30.40" },
                    read_only: false,
                    event_type: "AwsApiCall",
                }
                .build(json!({
                    "requestParameters": {"policyArn": format!("arn:{}:iam::{}:policy/reference", a.partition, a.id)},
                })),
            }
        })
        .collect()
}

/// Management events a trail must record to "log all management activity": a write, a read in
/// another region, a KMS decrypt and an RDS Data API statement (the last two are what
/// `ExcludeManagementEventSources` can drop, and both touch ePHI).
pub(crate) fn management_events(a: &Account<'_>) -> Vec<ReferenceEvent> {
    let caller = || assumed_role(a, "clinic-app");
    let rec = |source: &'static str, name: &'static str, region: &'static str, read_only| Record {
        account: a,
        identity: caller(),
        source,
        name,
        region,
        ip: "198.51.100.50",
        read_only,
        event_type: "AwsApiCall",
    };
    vec![
        ReferenceEvent {
            label: "a write (iam:CreateUser)".into(),
            record: rec("iam.amazonaws.com", "CreateUser", "us-east-1", false).build(json!({})),
        },
        ReferenceEvent {
            label: "a read in eu-west-1 (ec2:DescribeInstances)".into(),
            record: rec("ec2.amazonaws.com", "DescribeInstances", "eu-west-1", true)
                .build(json!({})),
        },
        ReferenceEvent {
            label: "a KMS decrypt (kms:Decrypt)".into(),
            record: rec("kms.amazonaws.com", "Decrypt", "us-east-1", true).build(json!({})),
        },
        ReferenceEvent {
            label: "an RDS Data API statement (rds-data:ExecuteStatement)".into(),
            record: rec(
                "rdsdata.amazonaws.com",
                "ExecuteStatement",
                "us-east-1",
                false,
            )
            .build(json!({})),
        },
    ]
}

impl<'a> Account<'a> {
    pub fn of(s: &'a crate::snapshot::Snapshot) -> Self {
        Account {
            id: &s.account.id,
            partition: &s.account.partition,
        }
    }
}
