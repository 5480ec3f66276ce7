//! Synthetic AWS accounts in the import-folder format, for benchmarks and the side-by-side run
//! against Cloudsplaining (`cargo run --release --example synth_account -- PRINCIPALS DIR`).
//!
//! The mix follows what real accounts hold (the runbooks in the project's seeds): humans in
//! groups with a few direct attachments; workload roles trusted by ECS, Lambda, EC2, Glue and
//! CodeBuild; human roles trusted by the account, often with MFA; GitHub OIDC deploy roles
//! (some unscoped); vendor roles from other accounts (some without an external id); permissions
//! boundaries on a tenth of principals; Denies, NotAction, conditions and policy variables; a
//! few admin grants and a sprinkling of IAM write permissions that open escalation paths.
//! Deterministic: the same size gives the same files.

#![allow(
    dead_code,
    reason = "the benches and the synth_account example each use a part of it"
)]

use std::path::Path;

use base64::Engine;
use serde_json::{Value, json};

pub const ACCOUNT: &str = "111122223333";

pub const REGIONS: [&str; 17] = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub users: usize,
    pub roles: usize,
    pub policies: usize,
}

impl Size {
    /// 40% users, 60% roles, half as many customer-managed policies as principals.
    pub fn principals(n: usize) -> Size {
        Size {
            users: (n * 2).div_ceil(5),
            roles: n - (n * 2).div_ceil(5),
            policies: (n / 2).max(10),
        }
    }
}

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SERVICES: [&str; 14] = [
    "s3",
    "dynamodb",
    "sqs",
    "sns",
    "logs",
    "cloudwatch",
    "ecs",
    "ecr",
    "lambda",
    "secretsmanager",
    "kms",
    "ssm",
    "rds",
    "ec2",
];

fn resource(svc: &str, i: usize) -> String {
    match svc {
        "s3" => format!("arn:aws:s3:::clinic-data-{i}/*"),
        "dynamodb" => format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t{i}"),
        "sqs" => format!("arn:aws:sqs:us-east-1:{ACCOUNT}:q{i}"),
        "kms" => format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{i:08}-0000-0000-0000-000000000000"),
        "lambda" => format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn-{i}"),
        _ => format!("arn:aws:{svc}:us-east-1:{ACCOUNT}:*"),
    }
}

/// One statement of a workload or human policy.
fn statement(rng: &mut Rng, i: usize, j: usize) -> Value {
    let svc = *rng.pick(&SERVICES);
    let kind = rng.below(100);
    let mut s = match kind {
        0..=44 => {
            json!({"Effect": "Allow", "Action": [format!("{svc}:Get*"), format!("{svc}:List*"), format!("{svc}:Describe*")], "Resource": "*"})
        }
        45..=74 => {
            json!({"Effect": "Allow", "Action": [format!("{svc}:Put*"), format!("{svc}:Update*"), format!("{svc}:Create*")], "Resource": resource(svc, i)})
        }
        75..=81 => json!({"Effect": "Allow", "Action": format!("{svc}:*"), "Resource": "*"}),
        82..=87 => {
            json!({"Effect": "Deny", "Action": format!("{svc}:Delete*"), "Resource": resource(svc, i)})
        }
        88..=91 => {
            json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": format!("{svc}.us-east-1.amazonaws.com")}}})
        }
        92..=94 => {
            json!({"Effect": "Allow", "Action": "s3:*", "Resource": [format!("arn:aws:s3:::home-{i}/${{aws:username}}/*")]})
        }
        95..=96 => {
            json!({"Effect": "Deny", "NotAction": ["iam:ChangePassword", "iam:*MFADevice", "sts:GetSessionToken"], "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}})
        }
        _ => {
            json!({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"})
        }
    };
    s["Sid"] = json!(format!("S{j}"));
    if kind < 45 && rng.chance(15) {
        s["Condition"] = json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}});
    }
    s
}

/// A customer-managed policy; a few hold admin grants or IAM write permissions.
fn managed_document(rng: &mut Rng, i: usize) -> Value {
    let mut statements: Vec<Value> = (0..2 + rng.below(6))
        .map(|j| statement(rng, i, j))
        .collect();
    let r = rng.below(1000);
    let extra = match r {
        0..=4 => Some(json!({"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"})),
        5..=14 => Some(
            json!({"Sid": "PassAny", "Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}),
        ),
        15..=24 => Some(
            json!({"Sid": "PassScoped", "Effect": "Allow", "Action": "iam:PassRole", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/svc-{}", i % 50),
            "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}),
        ),
        25..=29 => Some(
            json!({"Sid": "OwnKeys", "Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey"],
            "Resource": format!("arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")}),
        ),
        30..=32 => Some(
            json!({"Sid": "UserAdmin", "Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:CreateLoginProfile"], "Resource": format!("arn:aws:iam::{ACCOUNT}:user/*")}),
        ),
        33..=35 => Some(
            json!({"Sid": "AttachRoles", "Effect": "Allow", "Action": ["iam:AttachRolePolicy", "sts:AssumeRole"], "Resource": format!("arn:aws:iam::{ACCOUNT}:role/app-{}", i % 40)}),
        ),
        36..=45 => Some(
            json!({"Sid": "Assume", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/human-*")}),
        ),
        _ => None,
    };
    statements.extend(extra);
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn boundary_document() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Workloads", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        {"Sid": "OwnRolesOnly", "Effect": "Allow", "Action": ["iam:PassRole", "iam:GetRole"], "Resource": format!("arn:aws:iam::{ACCOUNT}:role/app-*")},
        {"Sid": "NoBoundaryEscape", "Effect": "Deny", "Action": ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"], "Resource": "*"}]})
}

fn trust(rng: &mut Rng, name: &str) -> Value {
    let service = |s: &str| json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": s}, "Action": "sts:AssumeRole"}]});
    let r = rng.below(100);
    match r {
        0..=24 => service("ecs-tasks.amazonaws.com"),
        25..=39 => service("lambda.amazonaws.com"),
        40..=49 => service("ec2.amazonaws.com"),
        50..=54 => {
            const OTHERS: [&str; 3] = [
                "glue.amazonaws.com",
                "codebuild.amazonaws.com",
                "states.amazonaws.com",
            ];
            service(OTHERS[rng.below(OTHERS.len())])
        }
        55..=79 => {
            let mut st = json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"});
            if rng.chance(70) {
                st["Condition"] = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
            }
            json!({"Version": "2012-10-17", "Statement": [st]})
        }
        80..=86 => {
            let sub = if rng.chance(20) {
                "repo:*".to_string()
            } else {
                format!("repo:clinic/{name}:ref:refs/heads/main")
            };
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com")},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                              "StringLike": {"token.actions.githubusercontent.com:sub": sub}}}]})
        }
        87..=93 => {
            let mut st = json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:root", 200000000000u64 + rng.below(50) as u64)}, "Action": "sts:AssumeRole"});
            if rng.chance(60) {
                st["Condition"] =
                    json!({"StringEquals": {"sts:ExternalId": format!("ext-{name}")}});
            }
            json!({"Version": "2012-10-17", "Statement": [st]})
        }
        _ => json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:saml-provider/Okta")},
            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]}),
    }
}

fn write(root: &Path, rel: &str, v: &Value) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, serde_json::to_vec(v).unwrap()).unwrap();
}

/// Writes a whole import folder for an account of the given size.
pub fn generate(root: &Path, size: Size) {
    let mut rng = Rng(0x5AFE_6A2D ^ (size.users as u64 * 31 + size.roles as u64));
    write(
        root,
        "export-info.json",
        &json!({"collected_at": "2026-11-20T09:00:00Z", "events_since": "2026-08-22T09:00:00Z"}),
    );
    write(
        root,
        "account/regions.json",
        &json!({"Regions": REGIONS.iter().map(|r| json!({"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"})).collect::<Vec<_>>()}),
    );
    write(
        root,
        "sts/caller-identity.json",
        &json!({"Account": ACCOUNT, "Arn": format!("arn:aws:iam::{ACCOUNT}:user/bench")}),
    );
    let policy_arn = |i: usize| format!("arn:aws:iam::{ACCOUNT}:policy/p{i}");
    let boundary_arn = format!("arn:aws:iam::{ACCOUNT}:policy/workload-boundary");
    let mut policies: Vec<Value> = (0..size.policies)
        .map(|i| {
            let doc = managed_document(&mut rng, i);
            json!({"PolicyName": format!("p{i}"), "PolicyId": format!("ANPA{i:016}"), "Arn": policy_arn(i), "Path": "/",
                "DefaultVersionId": "v1", "AttachmentCount": 1 + i % 4, "IsAttachable": true,
                "PolicyVersionList": [{"Document": doc, "VersionId": "v1", "IsDefaultVersion": true}]})
        })
        .collect();
    policies.push(json!({"PolicyName": "workload-boundary", "PolicyId": "ANPAWORKLOADBOUNDARY", "Arn": boundary_arn, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1,
        "PolicyVersionList": [{"Document": boundary_document(), "VersionId": "v1", "IsDefaultVersion": true}]}));
    policies.push(json!({"PolicyName": "AdministratorAccess", "PolicyId": "ANPAIWMBCKSKIEE64ZLYK", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess", "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 2,
        "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, "VersionId": "v1", "IsDefaultVersion": true}]}));
    let attach = |arn: String| json!({"PolicyName": arn.rsplit('/').next().unwrap().to_string(), "PolicyArn": arn});
    let bounded =
        json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary_arn});

    let group_count = size.users / 10 + 1;
    let groups: Vec<Value> = (0..group_count)
        .map(|g| {
            let mut attached = vec![attach(policy_arn(g % size.policies)), attach(policy_arn((g * 7 + 3) % size.policies))];
            if g == 0 {
                attached = vec![attach("arn:aws:iam::aws:policy/AdministratorAccess".into())];
            }
            let inline = if rng.chance(30) {
                json!([{"PolicyName": "team-extras", "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement(&mut rng, g, 0)]}}])
            } else {
                json!([])
            };
            json!({"Path": "/", "GroupName": format!("g{g}"), "GroupId": format!("AGPA{g:016}"), "Arn": format!("arn:aws:iam::{ACCOUNT}:group/g{g}"),
                "GroupPolicyList": inline, "AttachedManagedPolicies": attached})
        })
        .collect();
    let users: Vec<Value> = (0..size.users)
        .map(|u| {
            let direct: Vec<Value> = if rng.chance(15) { vec![attach(policy_arn(rng.below(size.policies)))] } else { vec![] };
            let inline = if rng.chance(8) {
                json!([{"PolicyName": "own", "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement(&mut rng, u, 0)]}}])
            } else {
                json!([])
            };
            let mut groups = vec![format!("g{}", (u / 10) % group_count)];
            if rng.chance(30) {
                groups.push(format!("g{}", 1 + rng.below(group_count.max(2) - 1)));
            }
            groups.dedup();
            let mut user = json!({"Path": "/", "UserName": format!("u{u}"), "UserId": format!("AIDA{u:016}"), "Arn": format!("arn:aws:iam::{ACCOUNT}:user/u{u}"),
                "CreateDate": "2024-01-01T00:00:00Z", "GroupList": groups, "AttachedManagedPolicies": direct, "UserPolicyList": inline,
                "Tags": [{"Key": "team", "Value": format!("team-{}", u % 12)}]});
            if rng.chance(10) {
                user["PermissionsBoundary"] = bounded.clone();
            }
            user
        })
        .collect();
    let roles: Vec<Value> = (0..size.roles)
        .map(|r| {
            let name = match r % 10 {
                0..=3 => format!("app-{r}"),
                4..=5 => format!("svc-{r}"),
                6..=7 => format!("human-{r}"),
                _ => format!("role-{r}"),
            };
            let mut attached = vec![attach(policy_arn(rng.below(size.policies)))];
            if rng.chance(30) {
                attached.push(attach(policy_arn(rng.below(size.policies))));
            }
            if r == 1 {
                attached = vec![attach("arn:aws:iam::aws:policy/AdministratorAccess".into())];
            }
            let inline = if rng.chance(40) {
                json!([{"PolicyName": "app", "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement(&mut rng, r, 0), statement(&mut rng, r, 1)]}}])
            } else {
                json!([])
            };
            let mut role = json!({"Path": "/", "RoleName": name, "RoleId": format!("AROA{r:016}"), "Arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
                "CreateDate": "2024-01-01T00:00:00Z", "AssumeRolePolicyDocument": trust(&mut rng, &name), "InstanceProfileList": [],
                "RolePolicyList": inline, "AttachedManagedPolicies": attached, "Tags": [], "MaxSessionDuration": 3600});
            if rng.chance(10) {
                role["PermissionsBoundary"] = bounded.clone();
            }
            role
        })
        .collect();
    // list-roles: human roles alternate between one hour and twelve.
    let listed: Vec<Value> = roles
        .iter()
        .enumerate()
        .map(|(r, role)| {
            let long = role["RoleName"].as_str().unwrap_or_default().starts_with("human-") && r % 3 == 0;
            json!({"RoleName": role["RoleName"], "Arn": role["Arn"], "MaxSessionDuration": if long { 43200 } else { 3600 }})
        })
        .collect();
    write(root, "iam/roles.json", &json!({"Roles": listed}));
    write(
        root,
        "iam/account-authorization-details.json",
        &json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies}),
    );
    // CloudTrail event history: two IAM changes per principal over the look-back (a few by root
    // or denied), and a little root activity.
    let principals = size.users + size.roles;
    let events: Vec<Value> = (0..principals * 2)
        .map(|i| {
            let (kind, who) = match i % 97 {
                0 => ("Root", format!("arn:aws:iam::{ACCOUNT}:root")),
                _ => ("IAMUser", format!("arn:aws:iam::{ACCOUNT}:user/u{}", i % size.users.max(1))),
            };
            let error = if i % 53 == 0 { json!("AccessDenied") } else { Value::Null };
            let record = json!({"userIdentity": {"type": kind, "arn": who, "sessionContext": {"attributes": {"mfaAuthenticated": "true"}}},
                "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7", "errorCode": error,
                "requestParameters": {"userName": format!("u{}", i % size.users.max(1)), "policyArn": policy_arn(i % size.policies.max(1))}});
            let name = ["AttachUserPolicy", "CreateAccessKey", "PutRolePolicy", "GetUser"][i % 4];
            json!({"EventId": format!("ev-{i:08}"), "EventName": name,
                "ReadOnly": if i % 4 == 3 { "true" } else { "false" },
                "EventTime": format!("2026-{:02}-{:02}T{:02}:00:00Z", 9 + i % 3, 1 + i % 28, i % 24), "EventSource": "iam.amazonaws.com",
                "Username": who.rsplit('/').next(), "Resources": [{"ResourceType": "AWS::IAM::User", "ResourceName": format!("u{}", i % size.users.max(1))}],
                "CloudTrailEvent": record.to_string()})
        })
        .collect();
    write(root, "events/iam-changes.json", &json!({"Events": events}));
    let filters = [
        (
            "console",
            "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }",
        ),
        (
            "root",
            "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS }",
        ),
        ("iam", "{ $.eventSource = iam.amazonaws.com }"),
    ];
    write(
        root,
        "logs/us-east-1/log-groups.json",
        &json!({"logGroups": [{"logGroupName": "org-trail", "retentionInDays": 400, "kmsKeyId": "k"}]}),
    );
    write(
        root,
        "logs/us-east-1/metric-filters.json",
        &json!({"metricFilters": filters.iter().map(|(n, p)| json!({"filterName": n, "filterPattern": p, "logGroupName": "org-trail",
        "metricTransformations": [{"metricName": n, "metricNamespace": "Security", "metricValue": "1"}]})).collect::<Vec<_>>()}),
    );
    // Many unrelated alarms, as real accounts have, and one per filter.
    let alarms: Vec<Value> = (0..principals / 10)
        .map(|i| json!({"AlarmName": format!("app-{i}"), "MetricName": "CPUUtilization", "Namespace": "AWS/EC2", "ActionsEnabled": true, "AlarmActions": ["arn:aws:sns:us-east-1:123:ops"]}))
        .chain(filters.iter().map(|(n, _)| json!({"AlarmName": n, "MetricName": n, "Namespace": "Security", "ActionsEnabled": true, "AlarmActions": ["arn:aws:sns:us-east-1:123:sec"]})))
        .collect();
    write(
        root,
        "cloudwatch/us-east-1/alarms.json",
        &json!({"MetricAlarms": alarms}),
    );
    for r in REGIONS {
        write(
            root,
            &format!("events/{r}/root-activity.json"),
            &json!({"Events": []}),
        );
    }

    let mut csv = String::from(
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n",
    );
    csv.push_str(&format!("<root_account>,arn:aws:iam::{ACCOUNT}:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,true,false,N/A,N/A,false,N/A,N/A\n"));
    for u in 0..size.users {
        let used = if u % 11 == 0 {
            "2026-01-01T00:00:00+00:00"
        } else {
            "2026-11-10T00:00:00+00:00"
        };
        csv.push_str(&format!(
            "u{u},arn:aws:iam::{ACCOUNT}:user/u{u},2024-01-01T00:00:00+00:00,{},{used},2026-09-01T00:00:00+00:00,{},{},2026-0{}-01T00:00:00+00:00,{used},false,N/A,N/A\n",
            u % 3 != 0, u % 4 != 0, u % 5 == 0, 1 + u % 9
        ));
    }
    write(
        root,
        "iam/credential-report.json",
        &json!({"Content": base64::engine::general_purpose::STANDARD.encode(csv), "GeneratedTime": "2026-11-20T08:55:00Z"}),
    );
    write(
        root,
        "iam/password-policy.json",
        &json!({"PasswordPolicy": {"MinimumPasswordLength": 14, "RequireSymbols": true}}),
    );
    write(
        root,
        "iam/account-summary.json",
        &json!({"SummaryMap": {"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}}),
    );
    write(
        root,
        "iam/virtual-mfa-devices.json",
        &json!({"VirtualMFADevices": []}),
    );
    let trail = json!({"Name": "org", "TrailARN": format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org"), "HomeRegion": "us-east-1", "IsMultiRegionTrail": true,
        "LogFileValidationEnabled": true, "KmsKeyId": "k", "CloudWatchLogsLogGroupArn": format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:org-trail:*")});
    for r in REGIONS {
        write(
            root,
            &format!("cloudtrail/{r}/trails.json"),
            &json!({"trailList": [trail]}),
        );
        write(
            root,
            &format!("config/{r}/configuration-recorders.json"),
            &json!({"ConfigurationRecorders": [{"name": "default", "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": true}}]}),
        );
        write(
            root,
            &format!("config/{r}/configuration-recorder-status.json"),
            &json!({"ConfigurationRecordersStatus": [{"name": "default", "recording": true, "lastStatus": "SUCCESS"}]}),
        );
        write(
            root,
            &format!("config/{r}/delivery-channels.json"),
            &json!({"DeliveryChannels": [{"name": "default", "s3BucketName": "config-history"}]}),
        );
        write(
            root,
            &format!("config/{r}/delivery-channel-status.json"),
            &json!({"DeliveryChannelsStatus": [{"name": "default",
                "configHistoryDeliveryInfo": {"lastStatus": "SUCCESS"},
                "configSnapshotDeliveryInfo": {"lastStatus": "SUCCESS"}}]}),
        );
    }
    write(
        root,
        "cloudtrail/us-east-1/trail-status/org.json",
        &json!({"IsLogging": true, "LatestCloudWatchLogsDeliveryTime": "2026-11-20T08:00:00Z"}),
    );
    write(
        root,
        "cloudtrail/us-east-1/event-selectors/org.json",
        &json!({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}]}),
    );
}

// ------------------------------------------------------------------ the dense shape (issue 12)

/// The dense shape that made the escalation analysis superlinear: per 1,000 roles, 250 users, 20
/// groups and 500 customer-managed policies of 1–8 statements, about 30 % of statements on
/// `Resource: "*"`, 8 % with a service wildcard and 8 % with a verb wildcard, IAM write actions
/// and `sts:AssumeRole` beside data services, 15 % conditioned, 5 % Deny; users in groups with
/// 1–4 attached policies; roles trusting the account, each other and services; boundaries on
/// some principals. Many principals can reach many others.
pub fn dense_size(roles: usize) -> Size {
    Size {
        users: roles / 4,
        roles,
        policies: (roles / 2).max(10),
    }
}

const DENSE_SERVICES: [&str; 10] = [
    "s3",
    "dynamodb",
    "sqs",
    "kms",
    "secretsmanager",
    "logs",
    "lambda",
    "ec2",
    "iam",
    "sts",
];

const IAM_WRITES: [&str; 5] = [
    "iam:PassRole",
    "iam:CreateAccessKey",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "sts:AssumeRole",
];

fn dense_statement(rng: &mut Rng, roles: usize, j: usize) -> Value {
    let svc = *rng.pick(&DENSE_SERVICES);
    let action: Value = match rng.below(100) {
        0..=7 => json!(format!("{svc}:*")),
        8..=15 => json!(format!("{svc}:Get*")),
        16..=40 => json!(*rng.pick(&IAM_WRITES)),
        _ => json!([format!("{svc}:Describe*"), format!("{svc}:Put*")]),
    };
    let resource: Value = if rng.chance(30) {
        json!("*")
    } else if svc == "iam" || svc == "sts" || rng.chance(30) {
        let kind = if rng.chance(70) { "role" } else { "user" };
        let target = if kind == "role" {
            format!("role-{}", rng.below(roles))
        } else {
            format!("u{}", rng.below(roles / 4 + 1))
        };
        json!(format!("arn:aws:iam::{ACCOUNT}:{kind}/{target}"))
    } else {
        json!(resource(svc, rng.below(100)))
    };
    let effect = if rng.chance(5) { "Deny" } else { "Allow" };
    let mut s =
        json!({"Sid": format!("D{j}"), "Effect": effect, "Action": action, "Resource": resource});
    if rng.chance(15) {
        s["Condition"] = match rng.below(3) {
            0 => json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
            1 => json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
            _ => json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}),
        };
    }
    s
}

/// Overwrites the authorization details of an account `generate` wrote with the dense shape
/// (same user and role names, so the credential report and role list stay consistent).
pub fn generate_dense(root: &Path, roles: usize) {
    let size = dense_size(roles);
    generate(root, size);
    let mut rng = Rng(0xDE5E ^ roles as u64);
    let policy_arn = |i: usize| format!("arn:aws:iam::{ACCOUNT}:policy/d{i}");
    let boundary_arn = format!("arn:aws:iam::{ACCOUNT}:policy/dense-boundary");
    let mut policies: Vec<Value> = (0..size.policies)
        .map(|i| {
            let statements: Vec<Value> = (0..1 + rng.below(8))
                .map(|j| dense_statement(&mut rng, roles, j))
                .collect();
            json!({"PolicyName": format!("d{i}"), "PolicyId": format!("ANPD{i:016}"), "Arn": policy_arn(i), "Path": "/",
                "DefaultVersionId": "v1", "AttachmentCount": 3, "IsAttachable": true,
                "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": statements}, "VersionId": "v1", "IsDefaultVersion": true}]})
        })
        .collect();
    policies.push(json!({"PolicyName": "dense-boundary", "PolicyId": "ANPDBOUNDARY", "Arn": boundary_arn, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1,
        "PolicyVersionList": [{"Document": boundary_document(), "VersionId": "v1", "IsDefaultVersion": true}]}));
    let attach = |arn: String| json!({"PolicyName": arn.rsplit('/').next().unwrap().to_string(), "PolicyArn": arn});
    let bounded =
        json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary_arn});
    let group_count = (roles / 50).max(2);
    let groups: Vec<Value> = (0..group_count)
        .map(|g| {
            let attached: Vec<Value> = (0..1 + rng.below(4))
                .map(|_| attach(policy_arn(rng.below(size.policies))))
                .collect();
            json!({"Path": "/", "GroupName": format!("g{g}"), "GroupId": format!("AGPD{g:016}"), "Arn": format!("arn:aws:iam::{ACCOUNT}:group/g{g}"),
                "GroupPolicyList": [], "AttachedManagedPolicies": attached})
        })
        .collect();
    let users: Vec<Value> = (0..size.users)
        .map(|u| {
            let mut user = json!({"Path": "/", "UserName": format!("u{u}"), "UserId": format!("AIDA{u:016}"), "Arn": format!("arn:aws:iam::{ACCOUNT}:user/u{u}"),
                "CreateDate": "2024-01-01T00:00:00Z", "GroupList": [format!("g{}", rng.below(group_count))], "AttachedManagedPolicies": [], "UserPolicyList": []});
            if rng.chance(10) {
                user["PermissionsBoundary"] = bounded.clone();
            }
            user
        })
        .collect();
    // Role names as `generate` gives them, so iam/roles.json and the details agree.
    let role_name = |r: usize| match r % 10 {
        0..=3 => format!("app-{r}"),
        4..=5 => format!("svc-{r}"),
        6..=7 => format!("human-{r}"),
        _ => format!("role-{r}"),
    };
    let role_list: Vec<Value> = (0..roles)
        .map(|r| {
            let name = role_name(r);
            let principal = match rng.below(10) {
                0..=3 => json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}),
                4..=6 => json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:role/{}", role_name(rng.below(roles)))}),
                _ => json!({"Service": *rng.pick(&["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com"])}),
            };
            let attached: Vec<Value> = (0..1 + rng.below(3))
                .map(|_| attach(policy_arn(rng.below(size.policies))))
                .collect();
            let mut role = json!({"Path": "/", "RoleName": name, "RoleId": format!("AROA{r:016}"), "Arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
                "CreateDate": "2024-01-01T00:00:00Z",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]},
                "InstanceProfileList": [], "RolePolicyList": [], "AttachedManagedPolicies": attached});
            if rng.chance(10) {
                role["PermissionsBoundary"] = bounded.clone();
            }
            role
        })
        .collect();
    write(
        root,
        "iam/account-authorization-details.json",
        &json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": role_list, "Policies": policies}),
    );
}
