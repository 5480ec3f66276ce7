//! Pipeline benchmark on synthetic accounts: `cargo bench --bench pipeline [-- SIZE...]`.
//!
//! Sizes (users / roles / customer-managed policies): realistic 100/200/150, large
//! 1,000/2,000/1,000, extreme 4,000/6,000/5,000 (10,000 principals). Each stage is run several
//! times on the same input and the median is printed; peak RSS (VmHWM) follows each size, so run
//! sizes in ascending order (the default) for meaningful peaks.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use safeguard::assess::{AssessOptions, assess};
use safeguard::catalog::Catalog;
use safeguard::import::{ImportOptions, import_dir};
use safeguard::render;
use safeguard::snapshot::sha256_hex;

const REGIONS: [&str; 17] = [
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

struct Size {
    name: &'static str,
    users: usize,
    roles: usize,
    policies: usize,
}

const SIZES: [Size; 3] = [
    Size {
        name: "realistic",
        users: 100,
        roles: 200,
        policies: 150,
    },
    Size {
        name: "large",
        users: 1_000,
        roles: 2_000,
        policies: 1_000,
    },
    Size {
        name: "extreme",
        users: 4_000,
        roles: 6_000,
        policies: 5_000,
    },
];

fn write(root: &Path, rel: &str, v: &Value) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, serde_json::to_vec(v).unwrap()).unwrap();
}

/// A policy document of 3 to 8 statements, some with conditions, some admin.
fn document(i: usize) -> Value {
    let services = [
        "s3",
        "kms",
        "ec2",
        "ecs",
        "logs",
        "dynamodb",
        "sqs",
        "secretsmanager",
        "lambda",
        "iam",
    ];
    let mut statements: Vec<Value> = (0..3 + i % 6)
        .map(|j| {
            let svc = services[(i + j) % services.len()];
            let mut s = json!({"Sid": format!("S{j}"), "Effect": if j % 7 == 6 { "Deny" } else { "Allow" },
                "Action": [format!("{svc}:Get*"), format!("{svc}:List*"), format!("{svc}:Describe*")],
                "Resource": format!("arn:aws:{svc}:us-east-1:111122223333:resource-{i}-{j}/*")});
            if j % 3 == 1 {
                s["Condition"] = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
            }
            s
        })
        .collect();
    if i.is_multiple_of(97) {
        statements.push(json!({"Effect": "Allow", "Action": "*", "Resource": "*"}));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn generate(root: &Path, size: &Size) {
    let acct = "111122223333";
    write(
        root,
        "export-info.json",
        &json!({"collected_at": "2026-11-20T09:00:00Z"}),
    );
    write(
        root,
        "sts/caller-identity.json",
        &json!({"Account": acct, "Arn": format!("arn:aws:iam::{acct}:user/bench")}),
    );
    let policy_arn = |i: usize| format!("arn:aws:iam::{acct}:policy/p{i}");
    let policies: Vec<Value> = (0..size.policies)
        .map(|i| json!({"PolicyName": format!("p{i}"), "PolicyId": format!("ANPA{i}"), "Arn": policy_arn(i), "Path": "/", "DefaultVersionId": "v1",
            "AttachmentCount": 1 + i % 4, "PolicyVersionList": [{"Document": document(i), "VersionId": "v1", "IsDefaultVersion": true}]}))
        .collect();
    let groups: Vec<Value> = (0..size.users / 10 + 1)
        .map(|g| json!({"GroupName": format!("g{g}"), "Arn": format!("arn:aws:iam::{acct}:group/g{g}"),
            "GroupPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(g + 1)}],
            "AttachedManagedPolicies": [{"PolicyName": format!("p{}", g % size.policies), "PolicyArn": policy_arn(g % size.policies)}]}))
        .collect();
    let users: Vec<Value> = (0..size.users)
        .map(|u| {
            let direct: Vec<Value> = if u % 5 == 0 { vec![json!({"PolicyName": format!("p{}", u % size.policies), "PolicyArn": policy_arn(u % size.policies)})] } else { vec![] };
            json!({"UserName": format!("u{u}"), "Arn": format!("arn:aws:iam::{acct}:user/u{u}"), "GroupList": [format!("g{}", u / 10)],
                "AttachedManagedPolicies": direct,
                "UserPolicyList": if u % 7 == 0 { json!([{"PolicyName": "own", "PolicyDocument": document(u)}]) } else { json!([]) }})
        })
        .collect();
    let roles: Vec<Value> = (0..size.roles)
        .map(|r| json!({"RoleName": format!("r{r}"), "Arn": format!("arn:aws:iam::{acct}:role/r{r}"),
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "RolePolicyList": [{"PolicyName": "app", "PolicyDocument": document(r + 3)}],
            "AttachedManagedPolicies": [{"PolicyName": format!("p{}", r % size.policies), "PolicyArn": policy_arn(r % size.policies)}]}))
        .collect();
    write(
        root,
        "iam/account-authorization-details.json",
        &json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies}),
    );

    let mut csv = String::from(
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n",
    );
    csv.push_str(&format!("<root_account>,arn:aws:iam::{acct}:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,true,false,N/A,N/A,false,N/A,N/A\n"));
    for u in 0..size.users {
        let used = if u % 11 == 0 {
            "2026-01-01T00:00:00+00:00"
        } else {
            "2026-11-10T00:00:00+00:00"
        };
        csv.push_str(&format!(
            "u{u},arn:aws:iam::{acct}:user/u{u},2024-01-01T00:00:00+00:00,{},{used},2026-09-01T00:00:00+00:00,{},true,2026-0{}-01T00:00:00+00:00,{used},false,N/A,N/A\n",
            u % 3 != 0, u % 4 != 0, 1 + u % 9
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
    let trail = json!({"Name": "org", "TrailARN": format!("arn:aws:cloudtrail:us-east-1:{acct}:trail/org"), "HomeRegion": "us-east-1", "IsMultiRegionTrail": true,
        "LogFileValidationEnabled": true, "KmsKeyId": "k", "CloudWatchLogsLogGroupArn": "g"});
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
            &json!({"DeliveryChannels": []}),
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

fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], last.unwrap())
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let catalog = Catalog::builtin().unwrap();
    println!(
        "{:<10} {:>7} {:>7} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9}",
        "size",
        "users",
        "roles",
        "policies",
        "import",
        "assess",
        "json",
        "csv",
        "md",
        "pdf",
        "pages",
        "peak RSS"
    );
    for size in SIZES
        .iter()
        .filter(|s| wanted.is_empty() || wanted.iter().any(|w| w == s.name))
    {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), size);
        let runs = if size.users >= 4_000 { 3 } else { 5 };
        let (t_import, snapshot) = median(runs, || {
            import_dir(dir.path(), &ImportOptions::default()).unwrap()
        });
        let bytes = snapshot.to_canonical_json();
        let sha = sha256_hex(&bytes);
        let (t_assess, results) = median(runs, || {
            assess(&snapshot, &sha, &catalog, &AssessOptions::default()).unwrap()
        });
        let (t_json, _) = median(runs, || results.to_json());
        let (t_csv, _) = median(runs, || render::csv::render(&results));
        let (t_md, _) = median(runs, || render::markdown::render(&results, None).unwrap());
        let (t_pdf, pdf) = median(1.max(runs / 2), || render::pdf::render(&results).unwrap());
        let pages = String::from_utf8_lossy(&pdf)
            .matches("/Type /Page\n")
            .count()
            .max(String::from_utf8_lossy(&pdf).matches("/Type/Page/").count());
        let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
        println!(
            "{:<10} {:>7} {:>7} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>6.0} MiB",
            size.name,
            size.users,
            size.roles,
            size.policies,
            ms(t_import),
            ms(t_assess),
            ms(t_json),
            ms(t_csv),
            ms(t_md),
            ms(t_pdf),
            if pages == 0 {
                "?".into()
            } else {
                pages.to_string()
            },
            peak_rss_mib()
        );
    }
}
