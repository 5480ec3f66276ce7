use serde_json::json;

use super::*;
use crate::checks::testutil::gaad::*;
use crate::checks::testutil::*;
use crate::checks::{FindingStatus, ParamValue};

#[test]
fn admin_grants_fail_wherever_they_are_and_however_written() {
    let s = with_details(details(
        vec![user(
            "eve",
            &[
                json!({"Statement": [{"Sid": "AlmostAll", "Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "*"}]}),
            ],
            &[],
            &[],
        )],
        vec![group("Admins", &[], &[ADMIN_ARN])],
        vec![
            role(
                "ops",
                trust(account_root()),
                &[json!({"Statement": [
                    {"Effect": "Deny", "Action": "*", "Resource": "*"},
                    {"Sid": "All", "Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]}
                ]})],
                &[],
            ),
            role(
                "iamops",
                trust(account_root()),
                &[
                    json!({"Statement": [{"Sid": "Iam", "Effect": "Allow", "Action": ["iam:*", "sts:*"], "Resource": "*"}]}),
                ],
                &[],
            ),
            role(
                "mfa",
                trust(account_root()),
                &[
                    json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
                ],
                &[],
            ),
        ],
        vec![
            admin_policy(),
            managed(
                "arn:aws:iam::123456789012:policy/read",
                allow(&["s3:Get*", "s3:GetObjekt"], "*"),
                1,
            ),
            managed(
                "arn:aws:iam::123456789012:policy/unused",
                allow(&["*"], "*"),
                0,
            ),
        ],
    ));
    let f = run(&NoAdminPolicy, &s);
    let by = |r: &str| {
        f.iter()
            .find(|x| x.resource.contains(r))
            .unwrap_or_else(|| panic!("{r}: {f:#?}"))
    };
    let admin = by("AdministratorAccess");
    assert_eq!(admin.status, FindingStatus::Fail);
    assert!(
        admin.message.contains("attached to group/Admins"),
        "{}",
        admin.message
    );
    assert_eq!(
        admin.evidence,
        "/iam/authorization_details/Policies/0/PolicyVersionList/0/Document/Statement/0"
    );
    let read = by("policy/read");
    assert_eq!(read.status, FindingStatus::Pass);
    assert!(
        read.message.contains("s3:GetObjekt"),
        "unknown action reported: {}",
        read.message
    );
    assert_eq!(by("policy/unused").status, FindingStatus::NotApplicable);
    assert_eq!(
        by("policy/unused").evidence,
        "/iam/authorization_details/Policies/2/AttachmentCount"
    );
    // NotAction leaving out one action still grants every IAM action: admin-equivalent.
    let eve = by("user/eve");
    assert_eq!(eve.status, FindingStatus::Fail);
    assert!(eve.message.contains("every IAM action"), "{}", eve.message);
    assert!(
        eve.message.contains("statement \"AlmostAll\""),
        "{}",
        eve.message
    );
    // A Deny of everything in the same policy cancels the grant.
    assert_eq!(by("role/ops").status, FindingStatus::Pass);
    // iam:* with sts:* is admin-equivalent.
    let iamops = by("role/iamops");
    assert_eq!(iamops.status, FindingStatus::Fail);
    assert_eq!(
        iamops.resource,
        "arn:aws:iam::123456789012:role/iamops (inline policy iamops-inline-0)"
    );
    assert_eq!(
        iamops.evidence,
        "/iam/authorization_details/RoleDetailList/1/RolePolicyList/0/PolicyDocument/Statement/0"
    );
    // An admin grant behind an MFA condition is still an admin policy, and says when.
    let mfa = by("role/mfa");
    assert_eq!(mfa.status, FindingStatus::Fail);
    assert!(
        mfa.message
            .contains("when Bool aws:MultiFactorAuthPresent \"true\""),
        "{}",
        mfa.message
    );

    let f = run_with(
        &NoAdminPolicy,
        &s,
        &[("include_aws_managed", ParamValue::Bool(false))],
    );
    assert!(!f.iter().any(|x| x.resource.contains("AdministratorAccess")));
}

#[test]
fn unreadable_documents_are_errors_with_the_location() {
    let s = with_details(details(
        vec![user(
            "u",
            &[json!({"Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]})],
            &[],
            &[],
        )],
        vec![],
        vec![],
        vec![],
    ));
    let f = run(&NoAdminPolicy, &s);
    assert_eq!(statuses(&f), ["error"]);
    assert_eq!(
        f[0].evidence,
        "/iam/authorization_details/UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement/0/Effect"
    );
    assert!(
        f[0].message.contains("\"Allow\" or \"Deny\""),
        "{}",
        f[0].message
    );
}

#[test]
fn missing_details_is_an_error() {
    let mut s = snapshot();
    s.iam.authorization_details = None;
    assert_eq!(statuses(&run(&NoAdminPolicy, &s)), ["error"]);
}
