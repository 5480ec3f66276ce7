//! Service control policies: every level of the account's path must allow, any Deny blocks,
//! service-linked roles are exempt, and "admin-equivalent" means all the SCPs leave.

use serde_json::{Value, json};

use crate::account::{Outcome, Target};
use crate::condition::RequestContext;
use crate::escalation::{self, Power};
use crate::testkit::{ACCOUNT, account, admin, allow, index};

fn full_aws_access() -> Value {
    allow(&["*"], "*")
}

/// Deny every IAM action to all but the break-glass role (the usual guard-rail SCP).
fn deny_iam_except_break_glass() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*",
        "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/break-glass"}}}]})
}

fn ctx_of(a: &crate::Account, name: &str) -> RequestContext {
    let mut base = RequestContext::new();
    base.set("aws:MultiFactorAuthPresent", &["true"]);
    a.context_for(index(a, name), &base)
}

fn outcome(a: &crate::Account, who: &str, action: &str, target: Target<'_>) -> Outcome {
    let id = a.catalog.id(action).expect(action);
    a.outcome(index(a, who), id, target, &ctx_of(a, who))
}

fn spec(scps: Value) -> Value {
    json!({
        "users": [
            {"name": "alice", "policies": [admin()]},
            {"name": "mallory", "policies": [allow(&["iam:AttachUserPolicy", "iam:PutUserPolicy"], "*")]},
            {"name": "denied-s3", "policies": [admin(), {"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}]},
        ],
        "roles": [
            {"name": "break-glass", "policies": [admin()]},
            {"name": "aws-service-role/ops.amazonaws.com/AWSServiceRoleForOps", "policies": [admin()]},
        ],
        "scps": scps,
    })
}

#[test]
fn an_scp_deny_blocks_and_decide_names_it() {
    let a = account(&spec(json!([
        [full_aws_access()],
        [full_aws_access(), deny_iam_except_break_glass()]
    ])));
    let id = a.catalog.id("iam:CreateUser").unwrap();
    let d = a.decide(index(&a, "alice"), id, Target::All, &ctx_of(&a, "alice"));
    assert_eq!(d.outcome, Outcome::Denied);
    assert!(
        a.describe(&d.denies[0]).contains("SCP 1.1"),
        "{}",
        a.describe(&d.denies[0])
    );
    assert_eq!(
        outcome(&a, "alice", "s3:GetObject", Target::Arn("arn:aws:s3:::b/k")),
        Outcome::Allowed
    );
    // The exception the SCP makes, and the role AWS exempts from every SCP.
    assert_eq!(
        outcome(&a, "break-glass", "iam:CreateUser", Target::All),
        Outcome::Allowed
    );
    assert_eq!(
        outcome(
            &a,
            "aws-service-role/ops.amazonaws.com/AWSServiceRoleForOps",
            "iam:CreateUser",
            Target::All
        ),
        Outcome::Allowed
    );
}

#[test]
fn every_level_must_allow() {
    // The root allows everything; the OU only S3: everything else is outside the SCPs.
    let a = account(&spec(json!([[full_aws_access()], [allow(&["s3:*"], "*")]])));
    assert_eq!(
        outcome(&a, "alice", "ec2:RunInstances", Target::Some),
        Outcome::OutsideScp
    );
    assert_eq!(
        outcome(&a, "alice", "s3:PutObject", Target::Some),
        Outcome::Allowed
    );
    // A level with no SCP allows nothing.
    let a = account(&spec(json!([[full_aws_access()], []])));
    assert_eq!(
        outcome(&a, "alice", "s3:PutObject", Target::Some),
        Outcome::OutsideScp
    );
    // An SCP Allow scoped to one bucket allows that bucket only.
    let a = account(&spec(json!([[allow(&["s3:*"], "arn:aws:s3:::phi/*")]])));
    assert_eq!(
        outcome(
            &a,
            "alice",
            "s3:GetObject",
            Target::Arn("arn:aws:s3:::phi/x")
        ),
        Outcome::Allowed
    );
    assert_eq!(
        outcome(
            &a,
            "alice",
            "s3:GetObject",
            Target::Arn("arn:aws:s3:::other/x")
        ),
        Outcome::OutsideScp
    );
}

#[test]
fn an_undecidable_scp_condition_leaves_the_grant_conditional() {
    let region_deny = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "iam:*",
        "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}}]});
    let a = account(&spec(json!([[full_aws_access(), region_deny]])));
    assert_eq!(
        outcome(&a, "alice", "s3:PutObject", Target::Some),
        Outcome::Conditional
    );
    assert_eq!(
        outcome(&a, "alice", "iam:CreateUser", Target::All),
        Outcome::Allowed
    );
}

#[test]
fn admin_equivalent_means_everything_the_scps_leave() {
    // An allow-list narrows `*`: alice holds all it leaves, so she is admin-equivalent.
    let a = account(&spec(json!([[allow(&["s3:*", "iam:*", "sts:*"], "*")]])));
    let fa = a.full_access(index(&a, "alice"), &ctx_of(&a, "alice"));
    assert!(fa.is_admin(a.catalog));
    assert_eq!(
        outcome(&a, "alice", "ec2:RunInstances", Target::Some),
        Outcome::OutsideScp
    );
    // Her own Deny on S3 keeps denied-s3 from it: only the SCPs lower the bar.
    let fa = a.full_access(index(&a, "denied-s3"), &ctx_of(&a, "denied-s3"));
    assert!(!fa.is_admin(a.catalog) && !fa.maybe_admin(a.catalog));
    // With IAM denied to all but break-glass, alice holds everything else the account can do.
    let a = account(&spec(json!([[
        full_aws_access(),
        deny_iam_except_break_glass()
    ]])));
    let fa = a.full_access(index(&a, "alice"), &ctx_of(&a, "alice"));
    assert!(fa.is_admin(a.catalog));
    let iam = a.catalog.service_actions("iam");
    assert!(!fa.maybe_covers(&iam) || fa.ceiling.as_ref().unwrap().is_superset_of(&iam));
    let bg = a.full_access(index(&a, "break-glass"), &ctx_of(&a, "break-glass"));
    assert!(bg.is_admin(a.catalog) && bg.surely_covers(&iam));
    // A policy judged on its own terms ignores them.
    let alone = a.principals[index(&a, "alice")].clone();
    assert_eq!(
        a.full_access_ignoring_scps(&alone, &ctx_of(&a, "alice"))
            .sure
            .len(),
        a.catalog.len()
    );
}

fn analysis(a: &crate::Account) -> escalation::Analysis {
    let mut base = RequestContext::new();
    base.set("aws:MultiFactorAuthPresent", &["false"]);
    escalation::analyze(a, &base)
}

#[test]
fn an_scp_denying_iam_removes_the_iam_escalation_methods() {
    let without = account(&spec(json!([])));
    let an = analysis(&without);
    assert!(
        an.escalates(index(&without, "mallory")),
        "no SCP: AttachUserPolicy escalates"
    );

    let a = account(&spec(json!([[
        full_aws_access(),
        deny_iam_except_break_glass()
    ]])));
    let an = analysis(&a);
    assert!(
        !an.escalates(index(&a, "mallory")),
        "{:?}",
        an.paths[index(&a, "mallory")]
    );
    // The break-glass role keeps its power; alice is admin of all the SCPs leave.
    assert!(matches!(
        an.power[index(&a, "break-glass")],
        Some((Power::Admin, false))
    ));
    assert!(matches!(
        an.power[index(&a, "alice")],
        Some((Power::Admin, false))
    ));
}

#[test]
fn an_scp_naming_one_role_is_honoured_beside_an_identity_allow_on_all() {
    // mallory may assume any role; the admin role trusts the account. Only the SCP names the
    // role, so the reach of mallory's `*` must still look at it.
    let spec = |scps: Value| {
        json!({
            "users": [{"name": "mallory", "policies": [allow(&["sts:AssumeRole"], "*")]}],
            // "other" first: it is the member that decides for all no pattern names.
            "roles": [{"name": "other", "policies": [allow(&["s3:GetObject"], "*")]},
                      {"name": "prod-admin", "policies": [admin()]}],
            "scps": scps,
        })
    };
    let open = account(&spec(json!([])));
    assert!(analysis(&open).escalates(index(&open, "mallory")));
    let guard = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole",
        "Resource": format!("arn:aws:iam::{ACCOUNT}:role/prod-admin")}]});
    let a = account(&spec(json!([[full_aws_access(), guard]])));
    let an = analysis(&a);
    assert!(
        !an.escalates(index(&a, "mallory")),
        "{:?}",
        an.paths[index(&a, "mallory")]
    );
}
