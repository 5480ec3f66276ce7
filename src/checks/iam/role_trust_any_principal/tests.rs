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

#[test]
fn conditions_that_bind_nothing_do_not_restrict() {
    let cond = |c: serde_json::Value| trust_with(json!({"AWS": "*"}), "sts:AssumeRole", c);
    let cases = [
        // Wildcard ARNs, accounts and orgs name no one.
        (
            json!({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}),
            "fail",
        ),
        (
            json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}),
            "fail",
        ),
        (json!({"StringLike": {"aws:PrincipalOrgID": "o-*"}}), "fail"),
        (json!({"StringLike": {"aws:PrincipalAccount": "*"}}), "fail"),
        (
            json!({"StringLike": {"aws:PrincipalOrgPaths": "*/r-ab12/*"}}),
            "fail",
        ),
        // One wildcard among bound values lets anyone in.
        (
            json!({"StringEquals": {"aws:PrincipalAccount": ["111122223333", "*"]}}),
            "fail",
        ),
        // IfExists on a key callers outside an organization lack.
        (
            json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}),
            "fail",
        ),
        (
            json!({"StringEqualsIfExists": {"sts:ExternalId": "x-1"}}),
            "fail",
        ),
        // Negated, null-checks and ForAllValues bind nothing.
        (
            json!({"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
            "fail",
        ),
        (json!({"Null": {"aws:PrincipalOrgID": "false"}}), "fail"),
        (
            json!({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
            "fail",
        ),
        // Bound values restrict.
        (
            json!({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}),
            "pass",
        ),
        (
            json!({"StringEqualsIfExists": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ci"}}),
            "pass",
        ),
        (
            json!({"StringEquals": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}}),
            "pass",
        ),
        (
            json!({"StringLike": {"aws:PrincipalOrgPaths": "o-abc123/r-ab12/*"}}),
            "pass",
        ),
        (json!({"StringEquals": {"sts:ExternalId": "x-1"}}), "pass"),
    ];
    let roles = cases
        .iter()
        .enumerate()
        .map(|(i, (c, _))| role(&format!("r{i:02}"), cond(c.clone()), &[], &[]))
        .collect();
    let s = with_details(details(vec![], vec![], roles, vec![]));
    let f = run(&RoleTrustAnyPrincipal, &s);
    let want: Vec<&str> = cases.iter().map(|(_, w)| *w).collect();
    let got = statuses(&f);
    for ((c, w), g) in cases.iter().zip(&got) {
        assert_eq!(g, w, "{c}");
    }
    assert_eq!(got, want);
}
