use serde_json::json;

use super::*;
use crate::ids::{Id, PolicyId, PrincipalId};

/// The first principal of a test account.
fn first() -> PrincipalId {
    PrincipalId::from_index(0)
}
use crate::testkit::{account, admin, allow, index};

fn ctx_no_mfa() -> RequestContext {
    let mut c = RequestContext::new();
    c.set("aws:MultiFactorAuthPresent", &["false"]);
    c
}

fn decide(a: &Account, who: &str, action: &str, target: Target<'_>) -> Decision {
    let p = index(a, who);
    let ctx = a.context_for(p, &ctx_no_mfa());
    a.decide(p, a.catalog.id(action).unwrap(), target, &ctx)
}

#[test]
fn policies_of_a_principal_add_up_across_inline_attached_and_groups() {
    let a = account(&json!({
        "managed": {"read": {"doc": allow(&["s3:GetObject"], "*")}},
        "groups": [{"name": "ops", "policies": [allow(&["ec2:*"], "*")]}],
        "users": [{"name": "u", "policies": ["read", allow(&["iam:PassRole"], "arn:aws:iam::111122223333:role/app")], "groups": ["ops"]}]
    }));
    assert_eq!(
        decide(&a, "u", "s3:GetObject", Target::All).outcome,
        Outcome::Allowed
    );
    let d = decide(&a, "u", "ec2:RunInstances", Target::Some);
    assert_eq!(d.outcome, Outcome::Allowed);
    assert!(
        a.describe(&d.grants[0]).contains("via group ops"),
        "{}",
        a.describe(&d.grants[0])
    );
    assert_eq!(
        decide(
            &a,
            "u",
            "iam:PassRole",
            Target::Arn("arn:aws:iam::111122223333:role/app")
        )
        .outcome,
        Outcome::Allowed
    );
    assert_eq!(
        decide(
            &a,
            "u",
            "iam:PassRole",
            Target::Arn("arn:aws:iam::111122223333:role/other")
        )
        .outcome,
        Outcome::NotGranted
    );
    assert_eq!(
        decide(&a, "u", "iam:PassRole", Target::All).outcome,
        Outcome::NotGranted
    );
    assert_eq!(
        decide(&a, "u", "iam:PassRole", Target::Some).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        decide(&a, "u", "s3:PutObject", Target::Some).outcome,
        Outcome::NotGranted
    );
}

#[test]
fn deny_is_compared_by_action_and_resource() {
    let a = account(
        &json!({"users": [{"name": "u", "policies": [admin(), {"Statement": [
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::phi/*"}]}]}]}),
    );
    assert_eq!(
        decide(
            &a,
            "u",
            "s3:DeleteObject",
            Target::Arn("arn:aws:s3:::phi/x")
        )
        .outcome,
        Outcome::Denied
    );
    // The same action on another resource is not denied (Cloudsplaining denies it by name).
    assert_eq!(
        decide(
            &a,
            "u",
            "s3:DeleteObject",
            Target::Arn("arn:aws:s3:::tmp/x")
        )
        .outcome,
        Outcome::Allowed
    );
    // A Deny on one bucket does not stop "all resources" from being granted elsewhere.
    assert!(a.full_access(first(), &ctx_no_mfa()).is_admin(a.catalog));
}

#[test]
fn not_action_and_not_resource_denies() {
    let a = account(
        &json!({"users": [{"name": "u", "policies": [admin(), {"Statement": [
        {"Effect": "Deny", "NotAction": ["s3:*"], "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::public", "arn:aws:s3:::public/*"]}]}]}]}),
    );
    assert_eq!(
        decide(&a, "u", "iam:CreateUser", Target::Some).outcome,
        Outcome::Denied
    );
    assert_eq!(
        decide(
            &a,
            "u",
            "s3:GetObject",
            Target::Arn("arn:aws:s3:::public/a")
        )
        .outcome,
        Outcome::Allowed
    );
    assert_eq!(
        decide(&a, "u", "s3:GetObject", Target::Arn("arn:aws:s3:::phi/a")).outcome,
        Outcome::Denied
    );
    assert!(!a.full_access(first(), &ctx_no_mfa()).maybe_admin(a.catalog));
}

#[test]
fn not_action_allow_grants_everything_else() {
    let a = account(&json!({"users": [{"name": "u", "policies": [
        {"Statement": [{"Effect": "Allow", "NotAction": "iam:DeleteUser", "Resource": "*"}]}]}]}));
    assert_eq!(
        decide(&a, "u", "iam:AttachUserPolicy", Target::All).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        decide(&a, "u", "iam:DeleteUser", Target::All).outcome,
        Outcome::NotGranted
    );
    let fa = a.full_access(first(), &ctx_no_mfa());
    assert_eq!(fa.sure.len(), a.catalog.len() - 1);
}

#[test]
fn permissions_boundary_intersects() {
    let a = account(&json!({"users": [{"name": "u", "policies": [admin()],
        "boundary": allow(&["s3:*", "ec2:Describe*"], "*")}]}));
    assert_eq!(
        decide(&a, "u", "s3:GetObject", Target::All).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        decide(&a, "u", "iam:CreateUser", Target::All).outcome,
        Outcome::OutsideBoundary
    );
    let fa = a.full_access(first(), &ctx_no_mfa());
    assert!(!fa.maybe_admin(a.catalog));
    assert!(
        fa.sure
            .contains(a.catalog.id("ec2:DescribeInstances").unwrap())
    );
    // A boundary never grants by itself.
    let b = account(
        &json!({"users": [{"name": "u", "policies": [allow(&["s3:GetObject"], "*")], "boundary": admin()}]}),
    );
    assert_eq!(
        decide(&b, "u", "iam:CreateUser", Target::All).outcome,
        Outcome::NotGranted
    );
}

#[test]
fn undecidable_conditions_make_a_grant_conditional_with_the_condition_in_words() {
    let a = account(
        &json!({"users": [{"name": "u", "policies": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}]}]}),
    );
    let d = decide(&a, "u", "iam:CreateUser", Target::All);
    assert_eq!(d.outcome, Outcome::Conditional);
    assert_eq!(
        d.caveats(),
        vec!["only when IpAddress aws:SourceIp \"10.0.0.0/8\"".to_string()]
    );
    let fa = a.full_access(first(), &ctx_no_mfa());
    assert!(!fa.is_admin(a.catalog) && fa.maybe_admin(a.catalog));
}

#[test]
fn mfa_condition_decides_against_a_session_without_mfa() {
    let a = account(
        &json!({"users": [{"name": "u", "policies": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}]}]}),
    );
    assert_eq!(
        decide(&a, "u", "iam:CreateUser", Target::All).outcome,
        Outcome::NotGranted
    );
    let mut with_mfa = RequestContext::new();
    with_mfa.set("aws:MultiFactorAuthPresent", &["true"]);
    assert!(
        a.full_access(first(), &a.context_for(first(), &with_mfa))
            .is_admin(a.catalog)
    );
}

#[test]
fn conditional_deny_leaves_the_grant_conditional() {
    let a = account(
        &json!({"users": [{"name": "u", "policies": [admin(), {"Statement": [
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}]}]}),
    );
    let d = decide(&a, "u", "s3:GetObject", Target::All);
    assert_eq!(d.outcome, Outcome::Conditional);
    assert!(
        d.caveats()[0].starts_with("unless denied when NotIpAddress"),
        "{:?}",
        d.caveats()
    );
}

#[test]
fn policy_variables_resolve_for_the_principal() {
    let a = account(
        &json!({"users": [{"name": "alice", "policies": [allow(&["iam:CreateAccessKey"], "arn:aws:iam::111122223333:user/${aws:username}")]}]}),
    );
    assert_eq!(
        decide(
            &a,
            "alice",
            "iam:CreateAccessKey",
            Target::Arn("arn:aws:iam::111122223333:user/alice")
        )
        .outcome,
        Outcome::Allowed
    );
    assert_eq!(
        decide(
            &a,
            "alice",
            "iam:CreateAccessKey",
            Target::Arn("arn:aws:iam::111122223333:user/bob")
        )
        .outcome,
        Outcome::NotGranted
    );
}

#[test]
fn tags_feed_principal_tag_conditions() {
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}}]});
    let a = account(
        &json!({"users": [{"name": "d", "policies": [doc.clone()], "tags": {"team": "data"}},
                                      {"name": "w", "policies": [doc], "tags": {"team": "web"}}]}),
    );
    assert_eq!(
        decide(&a, "d", "s3:GetObject", Target::All).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        decide(&a, "w", "s3:GetObject", Target::All).outcome,
        Outcome::NotGranted
    );
}

#[test]
fn malformed_policy_grants_nothing_and_keeps_its_diagnostic() {
    let a = account(
        &json!({"users": [{"name": "u", "policies": [{"Statement": [{"Effect": "Allow", "Action": 3, "Resource": "*"}]}]}]}),
    );
    let e = a.policies[PolicyId::from_index(0)]
        .policy
        .as_ref()
        .unwrap_err();
    assert_eq!(e.pointer, "/Statement/0/Action");
    assert_eq!(
        decide(&a, "u", "s3:GetObject", Target::All).outcome,
        Outcome::NotGranted
    );
}

#[test]
fn unknown_actions_are_reported_with_their_pointer() {
    let a = account(
        &json!({"users": [{"name": "u", "policies": [allow(&["s3:GetObject", "s3:GetObjekt"], "*")]}]}),
    );
    assert_eq!(
        a.policies[PolicyId::from_index(0)].unknown_actions,
        vec![(
            "/policies/0/Statement/0/Action/1".to_string(),
            "s3:GetObjekt".to_string()
        )]
    );
}

#[test]
fn universal_resource_patterns() {
    for p in ["*", "arn:*", "arn:aws:*:*:*:*", "arn:aws:*"] {
        assert!(is_universal(p), "{p}");
    }
    for p in ["arn:aws:s3:::*", "arn:aws:iam::*:role/*", "arn:aws:s3:::b"] {
        assert!(!is_universal(p), "{p}");
    }
}
