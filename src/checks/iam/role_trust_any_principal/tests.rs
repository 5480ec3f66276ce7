use serde_json::json;

use super::*;
use crate::checks::testutil::gaad::*;
use crate::checks::testutil::*;

#[test]
fn open_trust_fails_unless_a_condition_restricts_the_caller() {
    let s = with_details(details(
        vec![],
        vec![],
        vec![
            role("open", trust(json!("*")), &[], &[]),
            role("open-aws", trust(json!({"AWS": "*"})), &[], &[]),
            role(
                "org",
                trust_with(
                    json!({"AWS": "*"}),
                    "sts:AssumeRole",
                    json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
                ),
                &[],
                &[],
            ),
            role(
                "mfa-only",
                trust_with(
                    json!("*"),
                    "sts:AssumeRole",
                    json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
                ),
                &[],
                &[],
            ),
            role("named", trust(account_root()), &[], &[]),
            role(
                "tag-only",
                json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:TagSession"}]}),
                &[],
                &[],
            ),
        ],
        vec![],
    ));
    let f = run(&RoleTrustAnyPrincipal, &s);
    assert_eq!(
        statuses(&f),
        ["fail", "fail", "pass", "fail", "pass", "pass"]
    );
    assert_eq!(
        f[0].evidence,
        "/iam/authorization_details/RoleDetailList/0/AssumeRolePolicyDocument/Statement/0"
    );
    assert!(
        f[3].message.contains("do not restrict who"),
        "{}",
        f[3].message
    );
    assert!(
        f[2].message.contains("aws:PrincipalOrgID"),
        "{}",
        f[2].message
    );
}

#[test]
fn unreadable_or_missing_trust_is_an_error() {
    let mut r = role(
        "broken",
        json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}),
        &[],
        &[],
    );
    let s = with_details(details(vec![], vec![], vec![r.clone()], vec![]));
    let f = run(&RoleTrustAnyPrincipal, &s);
    assert_eq!(statuses(&f), ["error"]);
    assert!(
        f[0].message.contains("missing Principal"),
        "{}",
        f[0].message
    );
    r.as_object_mut()
        .unwrap()
        .remove("AssumeRolePolicyDocument");
    let s = with_details(details(vec![], vec![], vec![r], vec![]));
    assert_eq!(statuses(&run(&RoleTrustAnyPrincipal, &s)), ["error"]);
}
