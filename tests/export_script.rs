//! scripts/export-aws-evidence.sh run for real, with the AWS CLI, against a moto server; its
//! folder must import and assess to the verdicts the seeded account deserves.

use crate::support;

use std::path::Path;
use std::process::Command;

#[test]
fn the_export_script_produces_a_folder_safeguard_assesses() {
    let moto = support::Moto::shared();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    moto.seed();

    let work = tempfile::tempdir().unwrap();
    let export = work.path().join("export");
    let mut script = Command::new("bash");
    script
        .arg(root.join("scripts/export-aws-evidence.sh"))
        .arg(&export)
        .args(["--regions", "us-east-1 eu-west-1"]);
    moto.aws_env(&mut script);
    let out = script.output().unwrap();
    assert!(
        out.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "iam/account-authorization-details.json",
        "iam/credential-report.json",
        "cloudtrail/us-east-1/trail-status/main.json",
        "export-info.json",
    ] {
        assert!(export.join(f).is_file(), "{f} not exported");
    }

    let reports = work.path().join("reports");
    let out = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args([
            "assess",
            export.to_str().unwrap(),
            "-o",
            reports.to_str().unwrap(),
            "--format",
            "json",
            "-q",
            // moto stamps every credential report 2015-02-02T20:02:02Z; a real one is minutes old.
            "--set",
            "iam.credential_report.max_age_hours=1000000",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pkg = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(Path::new(&pkg).join("results.json")).unwrap())
            .unwrap();
    let finding = |check: &str, resource: &str| -> String {
        results["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["id"] == check)
            .flat_map(|k| k["findings"].as_array().unwrap())
            .find(|f| f["resource"].as_str().unwrap().contains(resource))
            .map(|f| f["status"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no {check} finding for {resource}"))
    };
    assert_eq!(
        finding("cloudtrail.multi_region_logging", "account/"),
        "pass"
    );
    assert_eq!(
        finding("cloudtrail.log_file_validation", "trail/main"),
        "pass"
    );
    assert_eq!(finding("cloudtrail.kms_encryption", "trail/main"), "fail");
    assert_eq!(finding("iam.no_admin_policy", "policy/everything"), "fail");
    assert_eq!(
        finding("iam.no_admin_policy", "role/app (inline policy read)"),
        "pass"
    );
    assert_eq!(finding("iam.user_no_direct_policies", "user/bob"), "fail");
    assert_eq!(finding("iam.user_console_mfa", "user/bob"), "fail");
    assert_eq!(finding("iam.password_policy", "password-policy"), "pass");
    assert_eq!(finding("config.recorder_all_regions", "eu-west-1"), "fail");
    // moto answers account:ListRegions with an error and ec2 describe-regions with every
    // region: the script keeps both, and each enabled region the export skipped is a gap.
    assert!(export.join("account/regions.json.error").is_file());
    assert!(export.join("account/ec2-regions.json").is_file());
    assert_eq!(
        finding("config.recorder_all_regions", "config/ap-northeast-1/"),
        "error"
    );
    // The trail's log group, its filter and the alarm, and the roles' session limits.
    assert_eq!(
        finding(
            "cloudwatch.console_login_failure_alarm",
            "alarm/console-login-failures"
        ),
        "pass"
    );
    assert_eq!(
        finding("cloudwatch.root_usage_alarm", "alarm/root-usage"),
        "fail"
    );
    assert_eq!(finding("cloudtrail.log_retention", "trail/main"), "fail");
    assert_eq!(
        finding("iam.role_max_session_duration", "role/admin-access"),
        "fail"
    );
    // moto has no LookupEvents: the event history is a gap, never an empty history; the other
    // gaps are the enabled regions the export skipped (--regions), each named.
    let gaps = results["gaps"].as_array().unwrap();
    assert!(gaps.iter().any(|g| {
        g["evidence"]
            .as_str()
            .unwrap()
            .starts_with("/cloudtrail/event_history/")
    }));
    for g in gaps {
        let e = g["evidence"].as_str().unwrap();
        let skipped = [
            "/cloudtrail/regions/",
            "/config/regions/",
            "/kms/regions/",
            "/rds/regions/",
            "/dynamodb/regions/",
            "/efs/regions/",
            "/elb/regions/",
            "/guardduty/regions/",
            "/backup/regions/",
            "/ec2/regions/",
            "/cloudtrail/event_history/root_activity/",
        ]
        .iter()
        .any(|p| e.starts_with(p))
            && !e.contains("us-east-1")
            && !e.contains("eu-west-1");
        // moto has no DescribeDeliveryChannelStatus either.
        let no_status = e.ends_with("/delivery_channel_statuses");
        // S3 Control's host name carries the account id: no local endpoint answers it.
        let no_control = e == "/s3/account_public_access_block";
        // nor GuardDuty's ListFindings: whether findings are open is a gap.
        let no_findings = e.starts_with("/guardduty/regions/us-east-1/detectors/")
            && e.ends_with("/open_high_findings");
        assert!(
            e.starts_with("/cloudtrail/event_history/")
                || skipped
                || no_status
                || no_findings
                || no_control,
            "{g}"
        );
    }
    assert_eq!(finding("cloudtrail.root_activity", "root"), "error");
    // The data stores' keys, exported with the CLI: found by ARN and by alias, one scheduled
    // for deletion; the key list of a region the export skipped is a gap, never "no keys".
    assert_eq!(
        finding("kms.pending_deletion", "clinic-phi-records"),
        "pass"
    );
    assert_eq!(finding("kms.pending_deletion", "clinic-phi-scans"), "fail");
    assert_eq!(
        finding("s3.public_access_blocked", "clinic-phi-records"),
        "pass"
    );
    assert_eq!(finding("kms.key_rotation", "kms:ap-northeast-1"), "error");
    assert_eq!(finding("rds.storage_encrypted", "db:clinic-ehr"), "pass");
    assert_eq!(finding("rds.backup_retention", "db:clinic-billing"), "fail");
    // The tables and threat detection, exported with the CLI.
    assert_eq!(
        finding("dynamodb.point_in_time_recovery", "table/clinic-visits"),
        "pass"
    );
    assert_eq!(
        finding("dynamodb.point_in_time_recovery", "table/clinic-intake"),
        "fail"
    );
    // The file systems: one encrypted, one not (the resource ends in the id moto chose); the
    // regions the export skipped are gaps beside them.
    let efs = support::statuses(&results, "efs.encrypted");
    assert!(
        efs.iter().any(|s| s == "pass") && efs.iter().any(|s| s == "fail"),
        "{efs:?}"
    );
    // EBS and the VPCs, exported with the CLI.
    let ebs = support::statuses(&results, "ebs.volume_encrypted");
    assert!(
        ebs.iter().any(|s| s == "pass") && ebs.iter().any(|s| s == "fail"),
        "{ebs:?}"
    );
    let flow = support::statuses(&results, "vpc.flow_logs");
    assert!(flow.iter().any(|s| s == "pass"), "{flow:?}");
    // AWS Backup, exported with the CLI: plans, selections by condition, vaults, opt-in.
    assert_eq!(finding("backup.plan_coverage", "db:clinic-ehr"), "pass");
    assert_eq!(finding("backup.plan_coverage", "db:clinic-billing"), "fail");
    assert_eq!(
        finding("backup.vault_lock", "backup-vault:clinic-archive-vault"),
        "fail"
    );
    // CloudFront, exported with the CLI (global): one distribution passes, one fails.
    assert_eq!(
        support::statuses(&results, "cloudfront.https_only"),
        ["fail", "pass"]
    );
    assert_eq!(
        finding("kms.pending_deletion", "table/clinic-visits"),
        "pass"
    );
    assert_eq!(
        finding("elb.tls_listeners", ":loadbalancer/app/clinic-portal/"),
        "pass"
    );
    assert_eq!(
        finding("elb.tls_listeners", ":loadbalancer/app/clinic-billing-api/"),
        "fail"
    );
    assert_eq!(
        finding("guardduty.enabled", "eu-west-1:123456789012"),
        "fail"
    );
    assert_eq!(
        finding("guardduty.open_high_findings", "eu-west-1:123456789012"),
        "not_applicable"
    );
}

/// The script's own messages: --help is usage, not a folder; a missing region says so rather
/// than blaming the credentials; missing credentials say what to set; AWS CLI v1 is named.
#[test]
fn the_export_script_says_what_is_wrong() {
    let moto = support::Moto::shared();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let script = |args: &[&str], env: &[(&str, &str)], remove: &[&str]| {
        let mut c = Command::new("bash");
        c.arg(root.join("scripts/export-aws-evidence.sh"))
            .args(args)
            .current_dir(work.path());
        moto.aws_env(&mut c);
        for (k, v) in env {
            c.env(k, v);
        }
        for k in remove {
            c.env_remove(k);
        }
        let out = c.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, _) = script(&["--help"], &[], &[]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("OUT_DIR") && stdout.contains("--org-profile"),
        "{stdout}"
    );
    assert!(!work.path().join("--help").exists());
    let (code, _, stderr) = script(&["--profile", "x"], &[], &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("the first argument is the output folder"),
        "{stderr}"
    );

    let (code, _, stderr) = script(&["noregion"], &[], &["AWS_DEFAULT_REGION", "AWS_REGION"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("no AWS region is configured"), "{stderr}");
    assert!(!stderr.contains("no AWS credentials"), "{stderr}");
    let (code, _, stderr) = script(
        &["nocreds"],
        &[("AWS_EC2_METADATA_DISABLED", "true")],
        &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("no AWS credentials: pass --profile"),
        "{stderr}"
    );
    // The tests' AWS CLI is v1 (PyPI has no v2): named, and it works.
    assert!(stderr.contains("is AWS CLI v1"), "{stderr}");
}
