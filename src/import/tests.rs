use std::path::{Path, PathBuf};

use super::*;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/clinic-account")
}

/// A private copy of the example export to mutate.
fn copy_example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn import(dir: &Path) -> Result<Snapshot> {
    import_dir(dir, &ImportOptions::default())
}

#[test]
fn the_example_account_imports_completely_but_for_its_one_denied_call() {
    let s = import(&example()).unwrap();
    assert_eq!(s.account.id, "483920175634");
    assert_eq!(s.collected_at.to_rfc3339(), "2026-11-20T09:00:00+00:00");
    assert_eq!(s.regions, ["eu-west-1", "us-east-1"]);
    let d = s.iam.authorization_details.as_ref().unwrap();
    assert_eq!(
        (
            d.user_detail_list.len(),
            d.group_detail_list.len(),
            d.role_detail_list.len(),
            d.policies.len()
        ),
        (6, 4, 7, 7)
    );
    assert_eq!(s.iam.credential_report.as_ref().unwrap().rows.len(), 7);
    assert!(matches!(
        s.iam.password_policy,
        Some(PasswordPolicyEvidence::Set { .. })
    ));
    // The multi-region trail is listed in both regions (shadow copy) but kept once.
    assert_eq!(s.cloudtrail.trails.len(), 2);
    assert_eq!(s.cloudtrail.regions["eu-west-1"].as_ref().unwrap().len(), 2);
    assert!(
        s.cloudtrail
            .trails
            .iter()
            .all(|t| t.status.is_some() && t.event_selectors.is_some())
    );
    // GuardDuty: on in us-east-1 with two open high-severity findings, off in eu-west-1.
    let gd = &s.guardduty.regions;
    let d = &gd["us-east-1"].detectors.as_ref().unwrap()[0];
    assert_eq!(d.enabled(), Some(true));
    assert_eq!(d.features["RDS_LOGIN_EVENTS"], "ENABLED");
    assert_eq!(d.open_high_findings.as_ref().unwrap().len(), 2);
    assert_eq!(
        d.described.as_ref().unwrap()[1].resource_type.as_deref(),
        Some("S3Bucket")
    );
    assert!(gd["eu-west-1"].detectors.as_ref().unwrap().is_empty());
    assert_eq!(s.gaps.len(), 1, "{:?}", s.gaps);
    assert_eq!(
        s.gaps[0].evidence,
        "/config/regions/eu-west-1/recorder_statuses"
    );
    assert!(s.gaps[0].reason.contains("AccessDeniedException"));
    assert!(s.config.regions["eu-west-1"].recorder_statuses.is_none());
}

#[test]
fn import_is_deterministic() {
    assert_eq!(
        import(&example()).unwrap().to_canonical_json(),
        import(&example()).unwrap().to_canonical_json()
    );
}

#[test]
fn snapshot_round_trips_through_its_file() {
    let s = import(&example()).unwrap();
    let bytes = s.to_canonical_json();
    let back = Snapshot::from_slice(Path::new("snapshot.json"), &bytes).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.to_canonical_json(), bytes);
}

#[test]
fn policy_documents_as_json_strings_and_url_encoded_strings_decode_alike() {
    let dir = copy_example();
    let path = dir.path().join("iam/account-authorization-details.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let original = import(dir.path()).unwrap();
    let roles = v["RoleDetailList"].as_array_mut().unwrap();
    let trust = roles[1]["AssumeRolePolicyDocument"].to_string();
    roles[1]["AssumeRolePolicyDocument"] = Value::String(
        percent_encoding::utf8_percent_encode(&trust, percent_encoding::NON_ALPHANUMERIC)
            .to_string(),
    );
    let inline = roles[2]["RolePolicyList"][0]["PolicyDocument"].to_string();
    roles[2]["RolePolicyList"][0]["PolicyDocument"] = Value::String(inline);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    let reencoded = import(dir.path()).unwrap();
    assert_eq!(
        reencoded.iam.authorization_details,
        original.iam.authorization_details
    );
}

#[test]
fn concatenated_pages_are_merged() {
    let dir = copy_example();
    let path = dir.path().join("iam/account-authorization-details.json");
    let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let page = |key: &str, marker: bool| {
        let mut p = serde_json::json!({ "UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [] });
        p[key] = v[key].clone();
        if marker {
            p["IsTruncated"] = Value::Bool(true);
            p["Marker"] = Value::String("abc".into());
        }
        serde_json::to_string_pretty(&p).unwrap()
    };
    let text = [
        page("UserDetailList", true),
        page("GroupDetailList", true),
        page("RoleDetailList", true),
        page("Policies", false),
    ]
    .join("\n");
    std::fs::write(&path, text).unwrap();
    assert_eq!(
        import(dir.path()).unwrap().iam.authorization_details,
        import(&example()).unwrap().iam.authorization_details
    );
}

#[test]
fn no_such_entity_on_the_password_policy_means_no_policy_while_access_denied_is_a_gap() {
    let dir = copy_example();
    let pp = dir.path().join("iam/password-policy.json");
    std::fs::remove_file(&pp).unwrap();
    std::fs::write(dir.path().join("iam/password-policy.json.error"), "\nAn error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy with domain name 483920175634 cannot be found.\n").unwrap();
    let s = import(dir.path()).unwrap();
    assert!(matches!(
        s.iam.password_policy,
        Some(PasswordPolicyEvidence::NotSet { .. })
    ));
    assert!(!s.gaps.iter().any(|g| g.evidence == "/iam/password_policy"));

    std::fs::write(dir.path().join("iam/password-policy.json.error"), "An error occurred (AccessDenied) when calling the GetAccountPasswordPolicy operation: denied").unwrap();
    let s = import(dir.path()).unwrap();
    assert!(s.iam.password_policy.is_none());
    let gap = s
        .gaps
        .iter()
        .find(|g| g.evidence == "/iam/password_policy")
        .unwrap();
    assert!(
        gap.reason.contains("AccessDenied") && gap.source.contains("get-account-password-policy"),
        "{gap:?}"
    );
}

#[test]
fn a_missing_file_is_a_gap_not_an_error() {
    let dir = copy_example();
    std::fs::remove_file(dir.path().join("iam/credential-report.json")).unwrap();
    std::fs::remove_file(
        dir.path()
            .join("cloudtrail/us-east-1/trail-status/clinic-audit-trail.json"),
    )
    .unwrap();
    let s = import(dir.path()).unwrap();
    let pointers: Vec<&str> = s.gaps.iter().map(|g| g.evidence.as_str()).collect();
    assert!(pointers.contains(&"/iam/credential_report"), "{pointers:?}");
    let trail = s
        .cloudtrail
        .trails
        .iter()
        .position(|t| t.trail.name == "clinic-audit-trail")
        .unwrap();
    assert!(
        pointers.contains(&format!("/cloudtrail/trails/{trail}/status").as_str()),
        "{pointers:?}"
    );
}

#[test]
fn without_a_collection_time_the_credential_report_dates_the_snapshot() {
    let dir = copy_example();
    std::fs::remove_file(dir.path().join("export-info.json")).unwrap();
    let s = import(dir.path()).unwrap();
    assert_eq!(s.collected_at.to_rfc3339(), "2026-11-20T08:55:02+00:00");
    let forced = import_dir(
        dir.path(),
        &ImportOptions {
            collected_at: Some("2026-01-01T00:00:00Z".parse().unwrap()),
        },
    )
    .unwrap();
    assert_eq!(
        forced.collected_at.to_rfc3339(),
        "2026-01-01T00:00:00+00:00"
    );
}

fn bad_input(dir: &Path) -> (String, Location) {
    match import(dir).unwrap_err() {
        Error::BadInput {
            file,
            location,
            message,
        } => (format!("{}: {message}", file.display()), location),
        other => panic!("expected bad input, got {other}"),
    }
}

#[test]
fn truncated_json_names_file_line_and_column() {
    let dir = copy_example();
    let path = dir.path().join("iam/account-summary.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    let (msg, loc) = bad_input(dir.path());
    assert!(
        msg.contains("iam/account-summary.json") && msg.contains("EOF"),
        "{msg}"
    );
    assert!(loc.line.unwrap() > 1 && loc.column.is_some(), "{loc:?}");
}

#[test]
fn a_wrong_type_names_the_json_pointer() {
    let dir = copy_example();
    let path = dir.path().join("iam/account-authorization-details.json");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "\"UserName\": \"bob.martinez\"",
        "\"UserName\": 42",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let (msg, loc) = bad_input(dir.path());
    assert_eq!(
        loc.pointer.as_deref(),
        Some("/UserDetailList/1/UserName"),
        "{msg}"
    );
    assert!(
        msg.contains("invalid type: integer `42`, expected a string"),
        "{msg}"
    );
}

#[test]
fn garbage_policy_documents_and_bad_base64_are_bad_input() {
    let dir = copy_example();
    let path = dir.path().join("iam/account-authorization-details.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    v["RoleDetailList"][0]["AssumeRolePolicyDocument"] = Value::String("%7Bnot json".into());
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let (msg, loc) = bad_input(dir.path());
    assert_eq!(
        loc.pointer.as_deref(),
        Some("/RoleDetailList/0/AssumeRolePolicyDocument"),
        "{msg}"
    );

    let dir = copy_example();
    std::fs::write(
        dir.path().join("iam/credential-report.json"),
        r#"{"Content": "***", "ReportFormat": "text/csv"}"#,
    )
    .unwrap();
    let (msg, loc) = bad_input(dir.path());
    assert_eq!(loc.pointer.as_deref(), Some("/Content"));
    assert!(msg.contains("not base64"), "{msg}");
}

#[test]
fn virtual_mfa_seeds_never_reach_the_snapshot() {
    let dir = copy_example();
    let path = dir.path().join("iam/virtual-mfa-devices.json");
    std::fs::write(&path, r#"{"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::483920175634:mfa/x", "Base32StringSeed": "SECRETSEED", "QRCodePNG": "iVBOR", "User": {"UserName": "x", "base32stringseed": "DEEPSEED", "Tags": [{"QrCodePng": "DEEPQR"}]}}]}"#).unwrap();
    let bytes = import(dir.path()).unwrap().to_canonical_json();
    let text = String::from_utf8(bytes).unwrap();
    assert!(!text.contains("SECRETSEED") && !text.contains("iVBOR"));
    assert!(
        !text.contains("DEEPSEED") && !text.contains("DEEPQR"),
        "stripped at any depth, any case"
    );
}

#[test]
fn a_folder_that_is_not_an_export_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (msg, _) = bad_input(dir.path());
    assert!(
        msg.contains("does not look like an AWS CLI export folder"),
        "{msg}"
    );
    let (msg, _) = bad_input(&dir.path().join("nope"));
    assert!(msg.contains("not a folder"), "{msg}");
    // An export's own subfolder: its parent is named.
    let export = copy_example();
    let (msg, _) = bad_input(&export.path().join("cloudtrail"));
    assert!(msg.contains("its parent does"), "{msg}");
    // An export with a top-level folder but no identity: the account cannot be told.
    std::fs::create_dir_all(dir.path().join("iam")).unwrap();
    let (msg, _) = bad_input(dir.path());
    assert!(msg.contains("cannot tell which account"), "{msg}");
}

#[test]
fn a_renamed_credential_report_column_is_bad_input_naming_it() {
    use base64::Engine;
    let dir = copy_example();
    let path = dir.path().join("iam/credential-report.json");
    let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let csv = base64::engine::general_purpose::STANDARD
        .decode(v["Content"].as_str().unwrap())
        .unwrap();
    let renamed =
        String::from_utf8(csv)
            .unwrap()
            .replacen("password_enabled", "password_enable", 1);
    let content = base64::engine::general_purpose::STANDARD.encode(renamed);
    std::fs::write(
        &path,
        serde_json::to_vec(&serde_json::json!({"Content": content, "ReportFormat": "text/csv", "GeneratedTime": v["GeneratedTime"]})).unwrap(),
    )
    .unwrap();
    let (msg, loc) = bad_input(dir.path());
    assert_eq!(loc.pointer.as_deref(), Some("/Content"));
    assert!(
        msg.contains("no \"password_enabled\" column") && msg.contains("password_enable"),
        "{msg}"
    );
}

#[test]
fn a_trail_name_that_is_not_a_trail_name_is_bad_input() {
    for name in ["../../../../outside/secret", "a/b", "x", ".hidden"] {
        let dir = copy_example();
        let path = dir.path().join("cloudtrail/us-east-1/trails.json");
        let mut v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        v["trailList"][0]["Name"] = Value::String(name.into());
        std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
        let (msg, loc) = bad_input(dir.path());
        assert_eq!(
            loc.pointer.as_deref(),
            Some("/trailList/0/Name"),
            "{name}: {msg}"
        );
        assert!(msg.contains("is not a trail name"), "{msg}");
    }
}

#[test]
fn trail_status_is_read_from_the_home_region_only() {
    // A trail homed in us-east-1 whose status file is missing there is a gap, even when a
    // same-named file exists in another region's folder.
    let dir = copy_example();
    let home = dir
        .path()
        .join("cloudtrail/us-east-1/trail-status/clinic-audit-trail.json");
    let elsewhere = dir
        .path()
        .join("cloudtrail/eu-west-1/trail-status/clinic-audit-trail.json");
    std::fs::rename(&home, &elsewhere).unwrap();
    let s = import(dir.path()).unwrap();
    let t = s
        .cloudtrail
        .trails
        .iter()
        .find(|t| t.trail.name == "clinic-audit-trail")
        .unwrap();
    assert!(t.status.is_none());
    assert!(
        s.gaps
            .iter()
            .any(|g| g.source.contains("clinic-audit-trail")),
        "{:?}",
        s.gaps
    );
}

#[test]
fn an_account_id_or_partition_that_aws_would_not_issue_is_bad_input() {
    for (account, arn) in [
        ("../../../x", "arn:aws:iam::483920175634:user/x"),
        ("/etc", "arn:aws:iam::483920175634:user/x"),
        ("", "arn:aws:iam::483920175634:user/x"),
        ("123<script>", "arn:aws:iam::483920175634:user/x"),
        ("4839201756345", "arn:aws:iam::483920175634:user/x"),
        ("483920175634", "arn:../..:iam::483920175634:user/x"),
    ] {
        let dir = copy_example();
        std::fs::write(
            dir.path().join("sts/caller-identity.json"),
            serde_json::to_vec(&serde_json::json!({"Account": account, "Arn": arn})).unwrap(),
        )
        .unwrap();
        let (msg, loc) = bad_input(dir.path());
        assert!(
            msg.contains("caller-identity.json")
                && (msg.contains("not an AWS account id") || msg.contains("not an AWS partition")),
            "{account} {arn}: {msg}"
        );
        assert!(loc.pointer.is_some());
    }
}

#[test]
fn an_error_file_keeps_the_aws_code_and_operation_only() {
    let dir = copy_example();
    std::fs::remove_file(dir.path().join("iam/password-policy.json")).unwrap();
    std::fs::write(
        dir.path().join("iam/password-policy.json.error"),
        "\nAn error occurred (AccessDenied) when calling the GetAccountPasswordPolicy operation: User: arn:aws:iam::483920175634:user/x with key AKIAABCDEFGHIJKLMNOP is not authorized <script>\n\u{1b}[2J more\n",
    )
    .unwrap();
    let password_gap = || {
        import(dir.path())
            .unwrap()
            .gaps
            .into_iter()
            .find(|g| g.evidence.contains("password"))
            .unwrap()
    };
    let gap = password_gap();
    assert!(
        gap.reason.ends_with(
            "An error occurred (AccessDenied) when calling the GetAccountPasswordPolicy operation"
        ),
        "{}",
        gap.reason
    );
    assert!(!gap.reason.contains("AKIA") && !gap.reason.contains("script"));

    std::fs::write(
        dir.path().join("iam/password-policy.json.error"),
        "Unable to locate credentials \u{1b}[2J near AKIAABCDEFGHIJKLMNOP\n",
    )
    .unwrap();
    let gap = password_gap();
    assert!(
        gap.reason.contains("Unable to locate credentials"),
        "{}",
        gap.reason
    );
    assert!(
        gap.reason.contains("AKIA****************"),
        "{}",
        gap.reason
    );
    assert!(!gap.reason.contains('\u{1b}'), "{}", gap.reason);
}

#[test]
fn event_records_keep_an_allow_list_and_no_secret() {
    let dir = copy_example();
    let path = dir.path().join("events/iam-changes.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let event = &mut v["Events"][0];
    let mut record: Value =
        serde_json::from_str(event["CloudTrailEvent"].as_str().unwrap()).unwrap();
    record["requestParameters"] = serde_json::json!({
        "apiKey": "APIKEYSECRET", "passphrase": "PASSPHRASESECRET", "pwd": "PWDSECRET",
        "environment": {"Variables": {"DB_URL": "postgres://u:ENVSECRET@db"}},
        "parameters": [{"name": "password", "value": "PAIRSECRET"}],
    });
    record["responseElements"] = serde_json::json!({"credentials": {"sessionKey": "SESSIONSECRET", "accessKeyId": "ASIAQWERTYUIOPASDFGH"}});
    record["errorMessage"] = "User with key AKIAZXCVBNMASDFGHJKL is not authorized".into();
    event["CloudTrailEvent"] = record.to_string().into();
    event["Resources"] = serde_json::json!([{"ResourceType": "AWS::IAM::AccessKey", "ResourceName": "AKIAPOIUYTREWQLKJHGF"}]);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    let text = String::from_utf8(import(dir.path()).unwrap().to_canonical_json()).unwrap();
    for secret in [
        "APIKEYSECRET",
        "PASSPHRASESECRET",
        "PWDSECRET",
        "ENVSECRET",
        "PAIRSECRET",
        "SESSIONSECRET",
        "ASIAQWERTYUIOPASDFGH",
        "AKIAZXCVBNMASDFGHJKL",
        "AKIAPOIUYTREWQLKJHGF",
        "ASIAEXAMPLEEXAMPLE00",
    ] {
        assert!(!text.contains(secret), "{secret} reached the snapshot");
    }
    assert!(text.contains("AWS::IAM::AccessKey AKIA****************"));
}

/// S3's "none configured" answers are answers; a denied call, or a file missing, is a gap on
/// that bucket's piece of evidence; a bucket name S3 would not issue is bad input at its
/// pointer, never a path.
#[test]
fn s3_answers_gaps_and_hostile_bucket_names() {
    let s = import(&example()).unwrap();
    let buckets = s.s3.buckets.as_ref().unwrap();
    assert_eq!(buckets.len(), 4);
    let exports = &buckets[0];
    assert_eq!(exports.name, "clinic-patient-exports-tmp");
    assert_eq!(
        exports.tags.as_deref(),
        Some(&[][..]),
        "NoSuchTagSet: no tags"
    );
    assert_eq!(
        exports.encryption.as_deref(),
        Some(&[][..]),
        "no configuration"
    );
    assert_eq!(
        exports.policy.as_ref().map(|p| p.document.is_none()),
        Some(true)
    );
    assert_eq!(exports.versioning.as_deref(), Some(""));
    assert_eq!(exports.region.as_deref(), Some("us-east-1"));
    assert!(
        s.gaps.iter().all(|g| !g.evidence.starts_with("/s3/")),
        "{:?}",
        s.gaps
    );

    let dir = copy_example();
    let b = dir.path().join("s3/clinic-phi-imaging-prod");
    std::fs::remove_file(b.join("encryption.json")).unwrap();
    std::fs::write(b.join("encryption.json.error"), "An error occurred (AccessDenied) when calling the GetBucketEncryption operation: Access Denied\n").unwrap();
    std::fs::remove_file(b.join("policy.json")).unwrap();
    let s = import(dir.path()).unwrap();
    let imaging = &s.s3.buckets.as_ref().unwrap()[2];
    assert!(imaging.encryption.is_none() && imaging.policy.is_none());
    let gaps: Vec<&str> = s.gaps.iter().map(|g| g.evidence.as_str()).collect();
    assert!(
        gaps.contains(&"/s3/buckets/2/encryption") && gaps.contains(&"/s3/buckets/2/policy"),
        "{gaps:?}"
    );

    // No bucket list at all: one gap, and the list is unknown, not empty.
    std::fs::remove_file(dir.path().join("s3/buckets.json")).unwrap();
    let s = import(dir.path()).unwrap();
    assert!(s.s3.buckets.is_none());
    assert!(s.gaps.iter().any(|g| g.evidence == "/s3/buckets"));

    for hostile in ["../../etc", "Clinic", "a/b"] {
        std::fs::write(
            dir.path().join("s3/buckets.json"),
            serde_json::to_vec(&serde_json::json!({"Buckets": [{"Name": hostile}]})).unwrap(),
        )
        .unwrap();
        let e = import(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("/Buckets/0/Name") && e.contains("not an S3 bucket name"),
            "{e}"
        );
    }
}

#[test]
fn kms_keys_are_found_described_and_hostile_ids_refused() {
    let s = import(&example()).unwrap();
    let east = &s.kms.regions["us-east-1"];
    let keys = east.keys.as_ref().unwrap();
    assert_eq!(keys.len(), 5);
    let doomed = keys
        .iter()
        .find(|k| k.id == "4568c87f-d213-42b4-b9f0-423d1f45631a")
        .unwrap();
    let m = doomed.metadata.as_ref().unwrap();
    assert_eq!(m.state, "PendingDeletion");
    assert!(
        m.deletion_date
            .as_deref()
            .unwrap()
            .starts_with("2026-12-04")
    );
    // The ARN is built from what the account is, not copied from the file.
    assert_eq!(
        doomed.arn,
        "arn:aws:kms:us-east-1:483920175634:key/4568c87f-d213-42b4-b9f0-423d1f45631a"
    );
    // An AWS managed key is not asked for its rotation; a customer key is.
    let aws = keys
        .iter()
        .find(|k| k.metadata.as_ref().unwrap().manager == "AWS")
        .unwrap();
    assert_eq!(aws.rotation_enabled, None);
    assert_eq!(keys[0].rotation_enabled, Some(false));
    assert!(
        s.gaps.iter().all(|g| !g.evidence.starts_with("/kms/")),
        "{:?}",
        s.gaps
    );

    // A customer key's rotation unread, a description denied: each a gap at its pointer.
    let dir = copy_example();
    let k = dir
        .path()
        .join("kms/us-east-1/keys/5f1d2c3b-8a9e-4c7d-b6a5-0e1f2d3c4b5a");
    std::fs::remove_file(k.join("rotation.json")).unwrap();
    let k = dir
        .path()
        .join("kms/us-east-1/keys/7c1d4e2a-3b5f-4a6c-9d8e-0f1a2b3c4d5e");
    std::fs::remove_file(k.join("describe.json")).unwrap();
    std::fs::write(
        k.join("describe.json.error"),
        "An error occurred (AccessDeniedException) when calling the DescribeKey operation\n",
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("kms/eu-west-1/aliases.json")).unwrap();
    let s = import(dir.path()).unwrap();
    let gaps: Vec<&str> = s.gaps.iter().map(|g| g.evidence.as_str()).collect();
    for g in [
        "/kms/regions/us-east-1/keys/0/rotation_enabled",
        "/kms/regions/us-east-1/keys/1/metadata",
        "/kms/regions/eu-west-1/aliases",
    ] {
        assert!(gaps.contains(&g), "{g}: {gaps:?}");
    }
    assert!(s.kms.regions["eu-west-1"].aliases.is_none());

    for hostile in [
        "../../etc",
        "alias/x",
        "1234abcd-12ab-34cd-56ef-1234567890a/",
    ] {
        std::fs::write(
            dir.path().join("kms/us-east-1/keys.json"),
            serde_json::to_vec(&serde_json::json!({"Keys": [{"KeyId": hostile}]})).unwrap(),
        )
        .unwrap();
        let e = import(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("/Keys/0/KeyId") && e.contains("not a KMS key id"),
            "{e}"
        );
    }
}

#[test]
fn rds_databases_are_read_with_their_tags_and_hostile_ids_refused() {
    let s = import(&example()).unwrap();
    let east = &s.rds.regions["us-east-1"];
    let instances = east.instances.as_ref().unwrap();
    assert_eq!(instances.len(), 4);
    let billing = &instances[1];
    assert_eq!(billing.id, "clinic-billing-prod");
    assert_eq!(billing.storage_encrypted, Some(false));
    assert_eq!(billing.backup_retention_days, Some(1));
    assert_eq!(
        billing.tags,
        [("data-classification".to_string(), "phi".to_string())]
    );
    assert_eq!(
        billing.arn,
        "arn:aws:rds:us-east-1:483920175634:db:clinic-billing-prod"
    );
    assert_eq!(instances[3].cluster.as_deref(), Some("clinic-scheduling"));
    let clusters = east.clusters.as_ref().unwrap();
    assert_eq!(
        clusters[0].arn,
        "arn:aws:rds:us-east-1:483920175634:cluster:clinic-scheduling"
    );
    assert_eq!(
        s.rds.regions["eu-west-1"].instances.as_deref(),
        Some(&[][..])
    );

    let dir = copy_example();
    std::fs::remove_file(dir.path().join("rds/eu-west-1/db-clusters.json")).unwrap();
    let s = import(dir.path()).unwrap();
    assert!(
        s.rds.regions["eu-west-1"].clusters.is_none(),
        "missing is unknown, not empty"
    );
    assert!(
        s.gaps
            .iter()
            .any(|g| g.evidence == "/rds/regions/eu-west-1/clusters")
    );

    for (hostile, field) in [
        (
            serde_json::json!({"DBInstanceIdentifier": "../x"}),
            "DBInstanceIdentifier",
        ),
        (
            serde_json::json!({"DBInstanceIdentifier": "ok", "DBClusterIdentifier": "a b"}),
            "DBClusterIdentifier",
        ),
        (
            serde_json::json!({"Engine": "postgres"}),
            "DBInstanceIdentifier",
        ),
    ] {
        std::fs::write(
            dir.path().join("rds/us-east-1/db-instances.json"),
            serde_json::to_vec(&serde_json::json!({"DBInstances": [hostile]})).unwrap(),
        )
        .unwrap();
        let e = import(dir.path()).unwrap_err().to_string();
        assert!(e.contains(&format!("/DBInstances/0/{field}")), "{e}");
    }
}

#[test]
fn guardduty_detectors_and_findings_are_read_gaps_kept_and_hostile_ids_refused() {
    const ID: &str = "6ab6e6ee780ed494f3b7ca56acdc74df";
    let dir = copy_example();
    let d = dir
        .path()
        .join(format!("guardduty/us-east-1/detectors/{ID}"));
    // Findings listed but not described: the count stands, the description is a gap.
    std::fs::remove_file(d.join("findings.json")).unwrap();
    std::fs::write(
        d.join("detector.json.error"),
        "An error occurred (AccessDeniedException) when calling the GetDetector operation\n",
    )
    .unwrap();
    std::fs::remove_file(d.join("detector.json")).unwrap();
    std::fs::remove_file(dir.path().join("guardduty/eu-west-1/detectors.json")).unwrap();
    let s = import(dir.path()).unwrap();
    let det = &s.guardduty.regions["us-east-1"].detectors.as_ref().unwrap()[0];
    assert_eq!(det.status, None, "unread, not disabled");
    assert_eq!(det.open_high_findings.as_ref().unwrap().len(), 2);
    assert!(det.described.is_none());
    assert!(s.guardduty.regions["eu-west-1"].detectors.is_none());
    let gaps: Vec<&str> = s.gaps.iter().map(|g| g.evidence.as_str()).collect();
    for g in [
        "/guardduty/regions/us-east-1/detectors/0/status",
        "/guardduty/regions/us-east-1/detectors/0/described",
        "/guardduty/regions/eu-west-1/detectors",
    ] {
        assert!(gaps.contains(&g), "{g}: {gaps:?}");
    }

    // No open finding: nothing is described, and no file is asked for.
    std::fs::write(d.join("high-findings.json"), r#"{"FindingIds": []}"#).unwrap();
    let s = import(dir.path()).unwrap();
    assert!(
        !s.gaps.iter().any(|g| g.evidence.ends_with("/described")),
        "{:?}",
        s.gaps
    );

    for hostile in ["../../etc", "ABCDEF", "a/b", ""] {
        std::fs::write(
            dir.path().join("guardduty/us-east-1/detectors.json"),
            serde_json::to_vec(&serde_json::json!({"DetectorIds": [hostile]})).unwrap(),
        )
        .unwrap();
        let e = import(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("/DetectorIds/0") && e.contains("not a GuardDuty detector id"),
            "{e}"
        );
    }
    std::fs::write(
        dir.path().join("guardduty/us-east-1/detectors.json"),
        format!(r#"{{"DetectorIds": ["{ID}"]}}"#),
    )
    .unwrap();
    std::fs::write(d.join("high-findings.json"), r#"{"FindingIds": ["x1"]}"#).unwrap();
    std::fs::write(
        d.join("findings.json"),
        r#"{"Findings": [{"Id": "x1/../..", "Type": "Recon:EC2/Portscan", "Severity": 8}]}"#,
    )
    .unwrap();
    let e = import(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("/Findings/0/Id") && e.contains("not a GuardDuty finding id"),
        "{e}"
    );
}

#[test]
fn dynamodb_tables_are_read_with_their_keys_recovery_and_tags_and_hostile_names_refused() {
    let s = import(&example()).unwrap();
    let tables = s.dynamodb.regions["us-east-1"].tables.as_ref().unwrap();
    assert_eq!(tables.len(), 3);
    let visits = &tables[2];
    assert_eq!(visits.name, "clinic-phi-visits");
    // The ARN is built from what the account is, not copied from the file.
    assert_eq!(
        visits.arn,
        "arn:aws:dynamodb:us-east-1:483920175634:table/clinic-phi-visits"
    );
    let d = visits.description.as_ref().unwrap();
    assert_eq!(d.sse_type.as_deref(), Some("KMS"));
    assert!(
        d.kms_key
            .as_deref()
            .unwrap()
            .ends_with("5f1d2c3b-8a9e-4c7d-b6a5-0e1f2d3c4b5a")
    );
    let p = visits.point_in_time_recovery.as_ref().unwrap();
    assert!(p.enabled() && p.recovery_period_days == Some(35));
    // No SSEDescription: the key AWS owns.
    assert_eq!(tables[1].description.as_ref().unwrap().sse_type, None);
    assert_eq!(
        tables[1].tags.as_deref(),
        Some(
            &[
                ("data-classification".to_string(), "phi".to_string()),
                ("owner".to_string(), "front-desk-app".to_string())
            ][..]
        )
    );
    assert_eq!(
        s.dynamodb.regions["eu-west-1"].tables.as_deref(),
        Some(&[][..])
    );

    // A table's tags or recovery unread: each a gap at its pointer, never "none" or "off".
    let dir = copy_example();
    let t = dir
        .path()
        .join("dynamodb/us-east-1/tables/clinic-phi-visits");
    std::fs::remove_file(t.join("tags.json")).unwrap();
    std::fs::write(
        t.join("continuous-backups.json"),
        r#"{"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED"}}"#,
    )
    .unwrap();
    let s = import(dir.path()).unwrap();
    let visits = &s.dynamodb.regions["us-east-1"].tables.as_ref().unwrap()[2];
    assert!(visits.tags.is_none() && visits.point_in_time_recovery.is_none());
    let gaps: Vec<&str> = s.gaps.iter().map(|g| g.evidence.as_str()).collect();
    for g in [
        "/dynamodb/regions/us-east-1/tables/2/tags",
        "/dynamodb/regions/us-east-1/tables/2/point_in_time_recovery",
    ] {
        assert!(gaps.contains(&g), "{g}: {gaps:?}");
    }

    for hostile in ["../../etc", "ab", "a/b/c", "tab le"] {
        std::fs::write(
            dir.path().join("dynamodb/us-east-1/tables.json"),
            serde_json::to_vec(&serde_json::json!({"TableNames": [hostile]})).unwrap(),
        )
        .unwrap();
        let e = import(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("/TableNames/0") && e.contains("not a DynamoDB table name"),
            "{e}"
        );
    }
}

#[test]
fn load_balancers_are_read_with_listeners_rules_and_tags_and_hostile_ones_refused() {
    let s = import(&example()).unwrap();
    let lbs = s.elb.regions["us-east-1"].load_balancers.as_ref().unwrap();
    assert_eq!(lbs.len(), 3);
    let portal = &lbs[0];
    assert_eq!(
        (portal.name.as_str(), portal.kind.as_str()),
        ("clinic-portal-alb", "application")
    );
    let listeners = portal.listeners.as_ref().unwrap();
    assert_eq!(
        listeners[1].ssl_policy.as_deref(),
        Some("ELBSecurityPolicy-TLS13-1-2-2021-06")
    );
    // Only the plain-HTTP listener's rules are read.
    assert!(listeners[1].rules.is_none());
    let rules = listeners[0].rules.as_ref().unwrap();
    assert_eq!(rules[0].priority, "default");
    assert!(rules[0].actions[0].keeps_data_off_plain_http());
    assert_eq!(lbs[2].kind, "network");
    assert_eq!(
        lbs[1].tags.as_deref(),
        Some(&[("data-classification".to_string(), "phi".to_string())][..])
    );

    let dir = copy_example();
    let lb = dir
        .path()
        .join("elb/us-east-1/load-balancers/clinic-portal-alb");
    std::fs::remove_file(lb.join("rules-80.json")).unwrap();
    std::fs::remove_file(lb.join("tags.json")).unwrap();
    let s = import(dir.path()).unwrap();
    let portal = &s.elb.regions["us-east-1"].load_balancers.as_ref().unwrap()[0];
    assert!(portal.tags.is_none() && portal.listeners.as_ref().unwrap()[0].rules.is_none());
    let gaps: Vec<&str> = s.gaps.iter().map(|g| g.evidence.as_str()).collect();
    for g in [
        "/elb/regions/us-east-1/load_balancers/0/tags",
        "/elb/regions/us-east-1/load_balancers/0/listeners/0/rules",
    ] {
        assert!(gaps.contains(&g), "{g}: {gaps:?}");
    }

    // Tags that describe another resource are not this one's "no tags": a gap.
    let dir = copy_example();
    let tags = dir
        .path()
        .join("elb/us-east-1/load-balancers/clinic-portal-alb/tags.json");
    let text = std::fs::read_to_string(&tags).unwrap().replace(
        "app/clinic-portal-alb/8f4b2a1c9d3e5f60",
        "app/clinic-other/0123456789abcdef",
    );
    std::fs::write(&tags, text).unwrap();
    let s = import(dir.path()).unwrap();
    assert!(
        s.elb.regions["us-east-1"].load_balancers.as_ref().unwrap()[0]
            .tags
            .is_none()
    );
    let gap = s
        .gaps
        .iter()
        .find(|g| g.evidence == "/elb/regions/us-east-1/load_balancers/0/tags")
        .expect("a gap for the tags");
    assert!(gap.reason.contains("describes no resource"), "{gap:?}");

    // A name ELB would not issue, or an ARN not in ELB's shape (another type, another name's,
    // a path), is bad input at its pointer; the account and region are this export's (the
    // ARN is rebuilt from them, as every importer builds its ARNs).
    let good =
        "arn:aws:elasticloadbalancing:us-east-1:483920175634:loadbalancer/app/x/8f4b2a1c9d3e5f60";
    for (name, arn, field) in [
        ("../../etc", good, "LoadBalancerName"),
        (
            "x",
            "arn:aws:elasticloadbalancing:us-east-1:483920175634:loadbalancer/xyz/x/8f4b2a1c9d3e5f60",
            "LoadBalancerArn",
        ),
        (
            "x",
            "arn:aws:elasticloadbalancing:us-east-1:483920175634:loadbalancer/app/y/8f4b2a1c9d3e5f60",
            "LoadBalancerArn",
        ),
        (
            "x",
            "arn:aws:elasticloadbalancing:us-east-1:483920175634:loadbalancer/app/x/../../z",
            "LoadBalancerArn",
        ),
    ] {
        std::fs::write(
            dir.path().join("elb/us-east-1/load-balancers.json"),
            serde_json::to_vec(&serde_json::json!({"LoadBalancers": [
                {"LoadBalancerName": name, "LoadBalancerArn": arn, "Type": "application"}
            ]}))
            .unwrap(),
        )
        .unwrap();
        let e = import(dir.path()).unwrap_err().to_string();
        assert!(e.contains(&format!("/LoadBalancers/0/{field}")), "{e}");
    }
}

#[test]
fn efs_file_systems_are_read_with_encryption_and_tags_and_hostile_ids_refused() {
    let s = import(&example()).unwrap();
    let list = s.efs.regions["us-east-1"].file_systems.as_ref().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].encrypted, Some(false));
    assert_eq!(list[0].name.as_deref(), Some("clinic-imaging-scratch"));
    // The ARN is built from what the account is, not copied from the file.
    assert_eq!(
        list[1].arn,
        "arn:aws:elasticfilesystem:us-east-1:483920175634:file-system/fs-1b2c3d4e5f6071829"
    );
    assert!(
        list[1]
            .kms_key
            .as_deref()
            .unwrap()
            .ends_with("5f1d2c3b-8a9e-4c7d-b6a5-0e1f2d3c4b5a")
    );
    assert_eq!(
        s.efs.regions["eu-west-1"].file_systems.as_deref(),
        Some(&[][..])
    );

    let dir = copy_example();
    for (hostile, at) in [
        (
            serde_json::json!({"FileSystemId": "fs-../../etc"}),
            "/FileSystems/0/FileSystemId",
        ),
        (
            serde_json::json!({"FileSystemId": "FS-12345678"}),
            "/FileSystems/0/FileSystemId",
        ),
        (
            serde_json::json!({"Encrypted": true}),
            "/FileSystems/0/FileSystemId",
        ),
    ] {
        std::fs::write(
            dir.path().join("efs/us-east-1/file-systems.json"),
            serde_json::to_vec(&serde_json::json!({"FileSystems": [hostile]})).unwrap(),
        )
        .unwrap();
        let e = import(dir.path()).unwrap_err().to_string();
        assert!(e.contains(at), "{e}");
    }
}

#[test]
fn enabled_regions_are_those_marked_enabled_in_the_accounts_partition() {
    // An endpoint that ignores describe-regions' opt-in filter (moto does) lists every region
    // of every partition: only the enabled ones of the caller's partition are the account's.
    let dir = copy_example();
    std::fs::remove_file(dir.path().join("account/regions.json")).unwrap();
    std::fs::write(
        dir.path().join("account/regions.json.error"),
        "An error occurred (AccessDeniedException) when calling the ListRegions operation: denied",
    )
    .unwrap();
    let listed = [
        ("us-east-1", "opt-in-not-required"),
        ("eu-west-1", "opt-in-not-required"),
        ("ap-east-1", "not-opted-in"),
        ("me-south-1", "opted-in"),
        ("cn-north-1", "opt-in-not-required"),
        ("us-gov-west-1", "opt-in-not-required"),
    ];
    let regions: Vec<serde_json::Value> = listed
        .iter()
        .map(|(name, status)| {
            serde_json::json!({
                "Endpoint": format!("ec2.{name}.amazonaws.com"),
                "RegionName": name,
                "OptInStatus": status,
            })
        })
        .collect();
    std::fs::write(
        dir.path().join("account/ec2-regions.json"),
        serde_json::to_string_pretty(&serde_json::json!({ "Regions": regions })).unwrap(),
    )
    .unwrap();
    let s = import(dir.path()).unwrap();
    let enabled = s.enabled_regions.unwrap();
    assert_eq!(enabled.regions, ["eu-west-1", "me-south-1", "us-east-1"]);
    assert!(
        enabled.source.starts_with("ec2:DescribeRegions, because account:ListRegions failed")
            && enabled.source.ends_with(
                "left out, as regions of another partition than the account's (aws): cn-north-1, us-gov-west-1"
            ),
        "{}",
        enabled.source
    );
    // No per-region gap names a region the account cannot have.
    for g in &s.gaps {
        assert!(
            !g.evidence.contains("cn-north-1") && !g.evidence.contains("us-gov-west-1"),
            "{g:?}"
        );
    }
}

#[test]
fn a_listing_of_another_partitions_regions_only_is_bad_input_naming_both() {
    let dir = copy_example();
    std::fs::write(
        dir.path().join("account/regions.json"),
        r#"{"Regions": [{"RegionName": "cn-north-1", "RegionOptStatus": "ENABLED_BY_DEFAULT"}]}"#,
    )
    .unwrap();
    let (msg, loc) = bad_input(dir.path());
    assert!(
        msg.contains("account/regions.json")
            && msg.contains("cn-north-1")
            && msg.contains("another partition than the account's (aws)"),
        "{msg}"
    );
    assert_eq!(loc.pointer.as_deref(), Some("/Regions"));
}

#[test]
fn a_policy_status_not_asked_of_a_bucket_without_a_policy_is_not_public_and_otherwise_a_gap() {
    let dir = copy_example();
    let s3 = dir.path().join("s3");
    // clinic-web-assets has no policy (NoSuchBucketPolicy): its status need not be asked.
    std::fs::remove_file(s3.join("clinic-web-assets/policy-status.json.error")).unwrap();
    // clinic-phi-documents-prod has one: its status missing is a gap, never "not public".
    std::fs::remove_file(s3.join("clinic-phi-documents-prod/policy-status.json")).unwrap();
    // A bucket whose location was not asked takes the listing's BucketRegion.
    std::fs::remove_file(s3.join("clinic-web-assets/location.json")).unwrap();
    let listing = std::fs::read_to_string(s3.join("buckets.json")).unwrap();
    let mut list: serde_json::Value = serde_json::from_str(&listing).unwrap();
    for b in list["Buckets"].as_array_mut().unwrap() {
        if b["Name"] == "clinic-web-assets" {
            b["BucketRegion"] = "eu-west-1".into();
        }
    }
    std::fs::write(s3.join("buckets.json"), list.to_string()).unwrap();

    let s = import(dir.path()).unwrap();
    let buckets = s.s3.buckets.as_ref().unwrap();
    let at = |name: &str| buckets.iter().position(|b| b.name == name).unwrap();
    let web = &buckets[at("clinic-web-assets")];
    assert_eq!(web.policy_public, Some(false));
    assert_eq!(web.region.as_deref(), Some("eu-west-1"));
    let docs = at("clinic-phi-documents-prod");
    assert_eq!(buckets[docs].policy_public, None);
    let pointers: Vec<&str> = s.gaps.iter().map(|g| g.evidence.as_str()).collect();
    assert!(
        pointers.contains(&format!("/s3/buckets/{docs}/policy_public").as_str()),
        "{pointers:?}"
    );
    assert!(
        !pointers
            .contains(&format!("/s3/buckets/{}/policy_public", at("clinic-web-assets")).as_str()),
        "{pointers:?}"
    );
}
