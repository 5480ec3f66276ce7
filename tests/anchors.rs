//! The catalog's anchors that name Prowler (`P`) are checked against Prowler's own HIPAA mapping,
//! vendored at a pinned commit in tests/fixtures/anchors/ (see PROVENANCE.md there): every claim
//! "Prowler maps this check to this citation" must be in Prowler's file, and every Prowler check
//! that corresponds to one of ours and that Prowler maps to a citation must be answered there.

use std::collections::{BTreeMap, BTreeSet};

use safeguard::catalog::{Anchor, AnchorAnswer, Catalog};

/// Our check → the Prowler checks that test the same thing (check ids from Prowler's
/// `prowler/providers/aws/services/`; facts about Prowler, kept here beside the test).
const CORRESPONDS: &[(&str, &[&str])] = &[
    (
        "iam.user_console_mfa",
        &["iam_user_mfa_enabled_console_access"],
    ),
    (
        "iam.no_admin_policy",
        &[
            "iam_aws_attached_policy_no_administrative_privileges",
            "iam_customer_attached_policy_no_administrative_privileges",
            "iam_inline_policy_no_administrative_privileges",
        ],
    ),
    ("iam.root_no_access_keys", &["iam_no_root_access_key"]),
    ("iam.root_mfa_enabled", &["iam_root_mfa_enabled"]),
    ("iam.root_hardware_mfa", &["iam_root_hardware_mfa_enabled"]),
    (
        "iam.password_policy",
        &[
            "iam_password_policy_minimum_length_14",
            "iam_password_policy_lowercase",
            "iam_password_policy_number",
            "iam_password_policy_symbol",
            "iam_password_policy_uppercase",
            "iam_password_policy_reuse_24",
        ],
    ),
    (
        "iam.user_access_key_rotation",
        &["iam_rotate_access_key_90_days"],
    ),
    (
        "iam.user_unused_credentials",
        &[
            "iam_user_accesskey_unused",
            "iam_user_console_access_unused",
        ],
    ),
    (
        "cloudtrail.s3_data_events",
        &[
            "cloudtrail_s3_dataevents_read_enabled",
            "cloudtrail_s3_dataevents_write_enabled",
        ],
    ),
    (
        "cloudtrail.kms_encryption",
        &["cloudtrail_kms_encryption_enabled"],
    ),
    (
        "cloudtrail.log_file_validation",
        &["cloudtrail_log_file_validation_enabled"],
    ),
    (
        "cloudtrail.multi_region_logging",
        &["cloudtrail_multi_region_enabled"],
    ),
    (
        "cloudtrail.cloudwatch_integration",
        &["cloudtrail_cloudwatch_logging_enabled"],
    ),
    (
        "cloudtrail.log_retention",
        &["cloudwatch_log_group_retention_policy_specific_days_enabled"],
    ),
    (
        "cloudwatch.log_group_encryption",
        &["cloudwatch_log_group_kms_encryption_enabled"],
    ),
    (
        "config.recorder_all_regions",
        &["config_recorder_all_regions_enabled"],
    ),
    (
        "cloudwatch.console_login_failure_alarm",
        &["cloudwatch_log_metric_filter_authentication_failures"],
    ),
    (
        "cloudwatch.root_usage_alarm",
        &["cloudwatch_log_metric_filter_root_usage"],
    ),
    (
        "cloudwatch.iam_change_alarm",
        &["cloudwatch_log_metric_filter_policy_changes"],
    ),
];

/// Prowler's requirements: `164.308(a)(1)(ii)(A)` → its checks. The citation is read from the
/// requirement's `Id` (`164_308_a_1_ii_a`), not its `Name`, which has a copy-paste slip in
/// Prowler (`164_308_a_4_ii_c` is named "(B)").
fn prowler() -> BTreeMap<String, BTreeSet<String>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/anchors/prowler-hipaa_aws.json"
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in doc["Requirements"].as_array().unwrap() {
        let id = r["Id"].as_str().unwrap();
        let mut parts = id.split('_');
        let citation = format!(
            "{}.{}{}",
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.map(|p| format!("({p})")).collect::<String>()
        );
        out.entry(citation).or_default().extend(
            r["Checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string()),
        );
    }
    out
}

/// Prowler's ids lower-case every level; the rule writes the fourth level as a capital letter.
fn rule_citation(prowler: &str) -> String {
    // 164.308(a)(1)(ii)(a) → 164.308(a)(1)(ii)(A)
    let levels: Vec<&str> = prowler
        .split('(')
        .skip(1)
        .map(|p| p.trim_end_matches(')'))
        .collect();
    let head = prowler.split('(').next().unwrap();
    let mut s = head.to_string();
    for (i, l) in levels.iter().enumerate() {
        if i == 3 {
            s.push_str(&format!("({})", l.to_uppercase()));
        } else {
            s.push_str(&format!("({l})"));
        }
    }
    s
}

#[test]
fn every_prowler_anchor_is_in_prowlers_own_mapping_and_none_is_missing() {
    let catalog = Catalog::builtin().unwrap();
    let upstream: BTreeMap<String, BTreeSet<String>> = prowler()
        .into_iter()
        .map(|(k, v)| (rule_citation(&k), v))
        .collect();
    assert!(
        upstream.contains_key("164.308(a)(1)(ii)(A)") && upstream.contains_key("164.312(e)(2)(i)"),
        "{:?}",
        upstream.keys().collect::<Vec<_>>()
    );
    let ours = |check: &str| -> &[&str] {
        CORRESPONDS
            .iter()
            .find(|(c, _)| *c == check)
            .map(|(_, p)| *p)
            .unwrap_or(&[])
    };
    let mut wrong = Vec::new();
    let mut missing = Vec::new();
    for control in &catalog.controls {
        let listed = upstream.get(&control.id).cloned().unwrap_or_default();
        let claimed: Vec<&str> = control
            .anchors
            .iter()
            .filter(|a| a.tools.contains(&Anchor::P))
            .filter_map(|a| match &a.answer {
                AnchorAnswer::Check(c) => Some(c.as_str()),
                _ => None,
            })
            .collect();
        // Every claim is Prowler's.
        for check in &claimed {
            let theirs = ours(check);
            assert!(
                !theirs.is_empty(),
                "{check}: add its Prowler counterparts to CORRESPONDS"
            );
            if !theirs.iter().any(|p| listed.contains(*p)) {
                wrong.push(format!(
                    "§{}: an anchor says Prowler maps {check} here; Prowler's file lists none of {theirs:?}",
                    control.id
                ));
            }
        }
        // Every Prowler check of ours that Prowler maps here is answered here.
        for (check, theirs) in CORRESPONDS {
            if theirs.iter().any(|p| listed.contains(*p)) && !claimed.contains(check) {
                let declined = control.anchors.iter().any(|a| {
                    a.tools.contains(&Anchor::P)
                        && matches!(a.answer, AnchorAnswer::Declined(_) | AnchorAnswer::Manual)
                        && a.mapping.contains(check)
                });
                if !declined {
                    missing.push(format!(
                        "§{}: Prowler maps {:?} here; no P anchor answers {check}",
                        control.id,
                        theirs
                            .iter()
                            .filter(|p| listed.contains(**p))
                            .collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty() && missing.is_empty(),
        "wrong:\n{}\nmissing:\n{}",
        wrong.join("\n"),
        missing.join("\n")
    );
}
