use serde_json::json;

use super::*;
use crate::checks::testutil::gaad::*;
use crate::checks::testutil::*;
use crate::checks::{FindingStatus, ParamValue};

fn fixture() -> crate::snapshot::Snapshot {
    let mut s = with_details(details(
        vec![
            user("keyed", &[], &[ADMIN_ARN], &[]),
            user("console", &[], &[], &["Admins"]),
            user("careful", &[], &[], &["Admins"]),
            user(
                "mfa-only",
                &[
                    json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
                ],
                &[],
                &[],
            ),
            user("reader", &[allow(&["s3:GetObject"], "*")], &[], &[]),
        ],
        vec![group("Admins", &[], &[ADMIN_ARN])],
        vec![
            role("BreakGlassAdmin", trust(account_root()), &[], &[ADMIN_ARN]),
            role(
                "ops-admin",
                trust_with(
                    account_root(),
                    "sts:AssumeRole",
                    json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
                ),
                &[],
                &[ADMIN_ARN],
            ),
            role(
                "ci-admin",
                trust(json!({"Service": "codebuild.amazonaws.com"})),
                &[],
                &[ADMIN_ARN],
            ),
            role(
                "sso-admin",
                trust_with(
                    json!({"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"}),
                    "sts:AssumeRoleWithSAML",
                    json!({}),
                ),
                &[],
                &[ADMIN_ARN],
            ),
        ],
        vec![admin_policy()],
    ));
    s.iam.credential_report.as_mut().unwrap().rows = vec![
        report_row("keyed", &[("access_key_1_active", "true")]),
        report_row("console", &[("password_enabled", "true")]),
        report_row(
            "careful",
            &[("password_enabled", "true"), ("mfa_active", "true")],
        ),
        report_row("mfa-only", &[("access_key_1_active", "true")]),
        report_row("reader", &[("access_key_1_active", "true")]),
    ];
    s
}

#[test]
fn admins_are_listed_and_those_usable_without_mfa_fail() {
    let s = fixture();
    let f = run(&AdminAccess, &s);
    let by = |n: &str| {
        f.iter()
            .find(|x| x.resource.ends_with(n))
            .unwrap_or_else(|| panic!("{n}: {f:#?}"))
    };
    assert_eq!(by("user/keyed").status, FindingStatus::Fail);
    assert!(
        by("user/keyed").message.contains("1 active access key"),
        "{}",
        by("user/keyed").message
    );
    assert!(
        by("user/keyed")
            .message
            .contains("arn:aws:iam::aws:policy/AdministratorAccess statement #0")
    );
    assert_eq!(by("user/console").status, FindingStatus::Fail);
    assert!(
        by("user/console").message.contains("via group Admins"),
        "{}",
        by("user/console").message
    );
    assert_eq!(by("user/careful").status, FindingStatus::Pass);
    assert_eq!(by("user/mfa-only").status, FindingStatus::Pass);
    assert!(
        by("user/mfa-only")
            .message
            .contains("only in sessions authenticated with MFA")
    );
    assert!(
        !f.iter().any(|x| x.resource.ends_with("user/reader")),
        "non-admins are not listed"
    );
    assert_eq!(by("role/BreakGlassAdmin").status, FindingStatus::Pass);
    assert!(by("role/BreakGlassAdmin").message.contains("break-glass"));
    assert_eq!(by("role/ops-admin").status, FindingStatus::Pass);
    assert_eq!(by("role/ci-admin").status, FindingStatus::Fail);
    assert!(
        by("role/ci-admin")
            .message
            .contains("service codebuild.amazonaws.com")
    );
    assert_eq!(by("role/sso-admin").status, FindingStatus::Fail);
    assert_eq!(
        by("role/sso-admin").evidence,
        "/iam/authorization_details/Policies/0/PolicyVersionList/0/Document/Statement/0"
    );

    let f = run_with(
        &AdminAccess,
        &s,
        &[
            ("mfa_at_identity_provider", ParamValue::Bool(true)),
            ("break_glass_names", ParamValue::Str("ci-*".into())),
        ],
    );
    let by = |n: &str| f.iter().find(|x| x.resource.ends_with(n)).unwrap();
    assert_eq!(by("role/sso-admin").status, FindingStatus::Pass);
    assert_eq!(by("role/ci-admin").status, FindingStatus::Pass);
    assert_eq!(
        by("role/BreakGlassAdmin").status,
        FindingStatus::Fail,
        "names are a parameter"
    );
}

#[test]
fn no_admin_at_all_is_one_pass_and_missing_evidence_is_an_error() {
    let s = with_details(details(
        vec![user("reader", &[allow(&["s3:GetObject"], "*")], &[], &[])],
        vec![],
        vec![],
        vec![],
    ));
    assert_eq!(statuses(&run(&AdminAccess, &s)), ["pass"]);
    let mut s = fixture();
    s.iam.credential_report = None;
    let f = run(&AdminAccess, &s);
    assert_eq!(
        f.iter()
            .find(|x| x.resource.ends_with("user/keyed"))
            .unwrap()
            .status,
        FindingStatus::Error
    );
    s.iam.authorization_details = None;
    assert_eq!(statuses(&run(&AdminAccess, &s)), ["error"]);
}
