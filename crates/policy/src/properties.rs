//! Property tests: the engine is monotone. Adding an Allow never removes a permission or an
//! escalation path; adding a Deny never adds one.

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::account::{Outcome, Target};
use crate::condition::RequestContext;
use crate::escalation;
use crate::testkit::{ACCOUNT, account, index};

const ACTIONS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "s3:GetObject",
    "iam:*",
    "iam:PassRole",
    "iam:Create*",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "sts:AssumeRole",
    "lambda:CreateFunction",
    "lambda:InvokeFunction",
    "kms:Decrypt",
    "ec2:RunInstances",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::phi/*",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:iam::111122223333:role/target",
    "arn:aws:iam::111122223333:user/${aws:username}",
    "arn:aws:iam::111122223333:user/*",
];

fn statement() -> impl Strategy<Value = Value> {
    (
        prop::bool::ANY,
        prop::bool::ANY,
        prop::collection::vec(prop::sample::select(ACTIONS), 1..3),
        prop::bool::weighted(0.2),
        prop::collection::vec(prop::sample::select(RESOURCES), 1..3),
        prop::bool::weighted(0.15),
        0..4usize,
    )
        .prop_map(
            |(allow, _, actions, not_action, resources, not_resource, cond)| {
                let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" }});
                s[if not_action { "NotAction" } else { "Action" }] = json!(actions);
                s[if not_resource {
                    "NotResource"
                } else {
                    "Resource"
                }] = json!(resources);
                match cond {
                    1 => s["Condition"] = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
                    2 => s["Condition"] = json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
                    _ => {}
                }
                s
            },
        )
}

fn policy() -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(), 1..4)
        .prop_map(|st| json!({"Version": "2012-10-17", "Statement": st}))
}

fn spec(user_policies: &[Value], boundary: Option<&Value>, other: &[Value]) -> Value {
    let mut me = json!({"name": "me", "policies": user_policies});
    if let Some(b) = boundary {
        me["boundary"] = b.clone();
    }
    json!({
        "users": [me, {"name": "other", "policies": other}],
        "roles": [{"name": "target", "policies": other},
                  {"name": "fn", "policies": [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}],
                   "trust": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}]
    })
}

fn level(o: Outcome) -> u8 {
    match o {
        Outcome::Allowed => 2,
        Outcome::Conditional => 1,
        _ => 0,
    }
}

fn levels(v: &Value) -> Vec<u8> {
    let a = account(v);
    let me = index(&a, "me");
    let mut ctx = RequestContext::new();
    ctx.set("aws:MultiFactorAuthPresent", &["false"]);
    let ctx = a.context_for(me, &ctx);
    let target_role = format!("arn:aws:iam::{ACCOUNT}:role/target");
    let me_arn = format!("arn:aws:iam::{ACCOUNT}:user/me");
    let mut out = Vec::new();
    for action in [
        "s3:GetObject",
        "iam:PassRole",
        "iam:CreateAccessKey",
        "kms:Decrypt",
        "sts:AssumeRole",
        "iam:AttachUserPolicy",
    ] {
        let id = a.catalog.id(action).unwrap();
        for t in [
            Target::All,
            Target::Some,
            Target::Arn(&target_role),
            Target::Arn(&me_arn),
            Target::Arn("arn:aws:s3:::phi/x"),
        ] {
            out.push(level(a.decide(me, id, t, &ctx).outcome));
        }
    }
    let fa = a.full_access(me, &ctx);
    out.push(fa.sure.len().min(1) as u8 + fa.maybe_admin(a.catalog) as u8);
    out
}

fn escalates(v: &Value) -> bool {
    let a = account(v);
    let mut ctx = RequestContext::new();
    ctx.set("aws:MultiFactorAuthPresent", &["false"]);
    escalation::analyze(&a, &ctx).paths[index(&a, "me")].is_some()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn adding_an_allow_never_removes_a_permission(mine in prop::collection::vec(policy(), 1..3), boundary in prop::option::of(policy()), other in prop::collection::vec(policy(), 0..2), extra in statement()) {
        let mut extra = extra;
        extra["Effect"] = json!("Allow");
        let before = spec(&mine, boundary.as_ref(), &other);
        let mut more = mine.clone();
        more.push(json!({"Version": "2012-10-17", "Statement": [extra]}));
        let after = spec(&more, boundary.as_ref(), &other);
        let (b, a) = (levels(&before), levels(&after));
        for (i, (x, y)) in b.iter().zip(&a).enumerate() {
            prop_assert!(y >= x, "query {i}: {x} -> {y}");
        }
        prop_assert!(!escalates(&before) || escalates(&after));
    }

    #[test]
    fn adding_a_deny_never_adds_a_permission(mine in prop::collection::vec(policy(), 1..3), boundary in prop::option::of(policy()), other in prop::collection::vec(policy(), 0..2), extra in statement()) {
        let mut extra = extra;
        extra["Effect"] = json!("Deny");
        let before = spec(&mine, boundary.as_ref(), &other);
        let mut more = mine.clone();
        more.push(json!({"Version": "2012-10-17", "Statement": [extra]}));
        let after = spec(&more, boundary.as_ref(), &other);
        let (b, a) = (levels(&before), levels(&after));
        for (i, (x, y)) in b.iter().zip(&a).enumerate() {
            prop_assert!(y <= x, "query {i}: {x} -> {y}");
        }
        prop_assert!(escalates(&before) || !escalates(&after));
    }

    #[test]
    fn the_parser_never_panics_on_arbitrary_json(v in arb_json(4)) {
        let _ = crate::policy::Policy::parse(&v, crate::policy::PolicyKind::Identity);
        let _ = crate::policy::Policy::parse(&json!({"Statement": v.clone()}), crate::policy::PolicyKind::Resource);
        let _ = crate::policy::Policy::parse(&json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": v}]}), crate::policy::PolicyKind::Identity);
    }
}

fn arb_json(depth: u32) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(
            &[
                "*",
                "Allow",
                "Deny",
                "s3:Get*",
                "arn:aws:s3:::b/*",
                "StringLike",
                "ForAnyValue:StringEquals",
                "Bool",
                "2012-10-17",
                "${aws:username}",
                ""
            ][..]
        )
        .prop_map(Value::from),
        "[a-zA-Z:*?${}/ -]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(depth, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(
                    &[
                        "Version",
                        "Statement",
                        "Effect",
                        "Action",
                        "NotAction",
                        "Resource",
                        "NotResource",
                        "Principal",
                        "Condition",
                        "Sid",
                        "AWS",
                        "Service",
                        "StringEquals",
                        "Null",
                        "aws:SourceIp"
                    ][..]
                )
                .prop_map(String::from),
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
