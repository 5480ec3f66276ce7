use serde_json::json;

use super::*;
use crate::checks::testutil::gaad::*;
use crate::checks::testutil::*;

fn gh() -> serde_json::Value {
    json!({"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"})
}

#[test]
fn oidc_trust_must_name_its_subjects() {
    let w = "sts:AssumeRoleWithWebIdentity";
    let s = with_details(details(
        vec![],
        vec![],
        vec![
            role(
                "gh-any",
                trust_with(
                    gh(),
                    w,
                    json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}),
                ),
                &[],
                &[],
            ),
            role(
                "gh-org",
                trust_with(
                    gh(),
                    w,
                    json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}),
                ),
                &[],
                &[],
            ),
            role(
                "gh-all",
                trust_with(
                    gh(),
                    w,
                    json!({"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/api:*", "repo:*"]}}),
                ),
                &[],
                &[],
            ),
            role(
                "gh-negated",
                trust_with(
                    gh(),
                    w,
                    json!({"StringNotLike": {"token.actions.githubusercontent.com:sub": "repo:evil/*"}}),
                ),
                &[],
                &[],
            ),
            role(
                "eks",
                trust_with(
                    json!({"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"}),
                    w,
                    json!({"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:app:api"}}),
                ),
                &[],
                &[],
            ),
            role("plain", trust(account_root()), &[], &[]),
        ],
        vec![],
    ));
    let f = run(&RoleTrustOidcScoped, &s);
    assert_eq!(
        statuses(&f),
        ["fail", "pass", "fail", "fail", "pass", "not_applicable"]
    );
    assert!(
        f[0].message
            .contains("no token.actions.githubusercontent.com:sub condition"),
        "{}",
        f[0].message
    );
    assert!(f[2].message.contains("repo:*"), "{}", f[2].message);
    assert_eq!(
        f[0].evidence,
        "/iam/authorization_details/RoleDetailList/0/AssumeRolePolicyDocument/Statement/0"
    );
}
