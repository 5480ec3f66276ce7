use serde_json::json;

use super::*;
use crate::checks::testutil::gaad::*;
use crate::checks::testutil::*;
use crate::checks::{FindingStatus, ParamValue};

#[test]
fn paths_fail_with_every_step_and_the_rest_pass() {
    let s = with_details(details(
        vec![
            user(
                "mallory",
                &[allow(
                    &["iam:CreateAccessKey"],
                    "arn:aws:iam::123456789012:user/ada",
                )],
                &[],
                &[],
            ),
            user("ada", &[], &[ADMIN_ARN], &[]),
            user(
                "dev",
                &[
                    json!({"Statement": [{"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
                ],
                &[],
                &[],
            ),
            user("reader", &[allow(&["s3:GetObject"], "*")], &[], &[]),
        ],
        vec![],
        vec![role(
            "fn-admin",
            trust(json!({"Service": "lambda.amazonaws.com"})),
            &[],
            &[ADMIN_ARN],
        )],
        vec![admin_policy()],
    ));
    let f = run_with(
        &PrivilegeEscalation,
        &s,
        &[("include_mfa_sessions", ParamValue::Bool(false))],
    );
    let by = |n: &str| {
        f.iter()
            .find(|x| x.resource.ends_with(n))
            .unwrap_or_else(|| panic!("{n}: {f:#?}"))
    };
    let m = by("user/mallory");
    assert_eq!(m.status, FindingStatus::Fail);
    assert!(
        m.message.contains("(1) iam:CreateAccessKey on user ada"),
        "{}",
        m.message
    );
    assert!(
        m.message.contains("becoming admin-equivalent user/ada"),
        "{}",
        m.message
    );
    assert_eq!(
        m.evidence,
        "/iam/authorization_details/UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement/0"
    );
    assert_eq!(by("user/ada").status, FindingStatus::NotApplicable);
    assert_eq!(by("role/fn-admin").status, FindingStatus::NotApplicable);
    // The MFA condition blocks a credential without MFA...
    assert_eq!(by("user/dev").status, FindingStatus::Pass);
    assert_eq!(by("user/reader").status, FindingStatus::Pass);
    // ...and not an MFA session, which is judged by default.
    let f = run(&PrivilegeEscalation, &s);
    let dev = f.iter().find(|x| x.resource.ends_with("user/dev")).unwrap();
    assert_eq!(dev.status, FindingStatus::Fail);
    assert!(
        dev.message.contains("iam:PassRole on role fn-admin"),
        "{}",
        dev.message
    );
    assert!(
        dev.message.contains("in a session authenticated with MFA"),
        "{}",
        dev.message
    );
    let m = f
        .iter()
        .find(|x| x.resource.ends_with("user/mallory"))
        .unwrap();
    assert!(
        !m.message.contains("authenticated with MFA"),
        "{}",
        m.message
    );
}

#[test]
fn a_principal_with_a_missing_policy_cannot_pass() {
    let s = with_details(details(
        vec![user(
            "u",
            &[],
            &["arn:aws:iam::123456789012:policy/gone"],
            &[],
        )],
        vec![],
        vec![],
        vec![],
    ));
    let f = run(&PrivilegeEscalation, &s);
    assert_eq!(statuses(&f), ["error"]);
    assert!(
        f[0].message.contains("policy/gone is not in the evidence"),
        "{}",
        f[0].message
    );
    let mut s = s;
    s.iam.authorization_details = None;
    assert_eq!(statuses(&run(&PrivilegeEscalation, &s)), ["error"]);
}

/// `dev` may pass a Lambda-trusted admin role only with MFA; the credential report says
/// whether dev has a device; `extra` is dev's further inline policies.
fn mfa_fixture(mfa_active: &str, extra: &[serde_json::Value]) -> Vec<Finding> {
    let mut inline = vec![json!({"Statement": [{"Effect": "Allow",
        "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})];
    inline.extend(extra.iter().cloned());
    let mut s = with_details(details(
        vec![user("dev", &inline, &[], &[])],
        vec![],
        vec![role(
            "fn-admin",
            trust(json!({"Service": "lambda.amazonaws.com"})),
            &[],
            &[ADMIN_ARN],
        )],
        vec![admin_policy()],
    ));
    s.iam
        .credential_report
        .as_mut()
        .unwrap()
        .rows
        .push(report_row("dev", &[("mfa_active", mfa_active)]));
    run(&PrivilegeEscalation, &s)
}

#[test]
fn an_mfa_path_is_open_only_to_a_user_with_a_device_or_who_can_enroll_one() {
    let dev = |f: &[Finding]| {
        f.iter()
            .find(|x| x.resource.ends_with("user/dev"))
            .unwrap()
            .clone()
    };
    // No device, no way to enroll one: the MFA condition closes the path.
    let closed = dev(&mfa_fixture("false", &[]));
    assert_eq!(closed.status, FindingStatus::Pass, "{}", closed.message);
    assert!(closed.message.contains("cannot enroll one"), "{}", closed.message);
    // A device: the path stands.
    let open = dev(&mfa_fixture("true", &[]));
    assert_eq!(open.status, FindingStatus::Fail);
    assert!(!open.message.contains("enrolling"), "{}", open.message);
    // No device, but the common "manage your own MFA" policy: enrolling is the first step.
    let own = json!({"Statement": [
        {"Effect": "Allow", "Action": "iam:CreateVirtualMFADevice", "Resource": "arn:aws:iam::*:mfa/${aws:username}"},
        {"Effect": "Allow", "Action": "iam:EnableMFADevice", "Resource": "arn:aws:iam::*:user/${aws:username}"}]});
    let enrolled = dev(&mfa_fixture("false", &[own]));
    assert_eq!(enrolled.status, FindingStatus::Fail);
    assert!(
        enrolled.message.contains("after enrolling an MFA device for itself in 2 step(s)")
            && enrolled
                .message
                .contains("(1) iam:CreateVirtualMFADevice then iam:EnableMFADevice on its own user")
            && enrolled.message.contains("(2) iam:PassRole on role fn-admin"),
        "{}",
        enrolled.message
    );
    // Enrolling for someone else's name is no enrolment of one's own.
    let other = json!({"Statement": [
        {"Effect": "Allow", "Action": "iam:CreateVirtualMFADevice", "Resource": "arn:aws:iam::*:mfa/ops"},
        {"Effect": "Allow", "Action": "iam:EnableMFADevice", "Resource": "arn:aws:iam::*:user/ops"}]});
    assert_eq!(dev(&mfa_fixture("false", &[other])).status, FindingStatus::Pass);
}
