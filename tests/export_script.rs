//! scripts/export-aws-evidence.sh run for real, with the AWS CLI, against a moto server; its
//! folder must import and assess to the verdicts the seeded account deserves.

mod support;

use std::path::Path;
use std::process::Command;

#[test]
fn the_export_script_produces_a_folder_safeguard_assesses() {
    let moto = support::Moto::start();
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
        results["controls"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["checks"].as_array().unwrap())
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
    assert_eq!(
        results["gaps"].as_array().unwrap().len(),
        0,
        "{}",
        results["gaps"]
    );
}
