//! The search as it was before [`super::reach`]: every method decided for every pair of
//! principals with [`Account::outcome`], no hubs, no shortcuts. Slow on purpose, and kept only
//! to check the fast search against on small random accounts: both must find the same
//! principals admin-equivalent, the same that escalate, and no others.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::raise::unbounded_admin;
use super::*;
use crate::testkit::{ACCOUNT, account};

/// Per principal: whether the reference finds a path to admin (or it is admin already).
///
/// Over 150 lines on purpose: it is a table of cases, one per way of becoming another
/// principal, each written as plainly as the rule it checks, so that it can be read against
/// the method catalog in one place rather than trusted through helpers the fast search shares.
fn reference(account: &Account, base: &RequestContext) -> Vec<bool> {
    let analysis = analyze(account, base);
    let n = account.principals.len();
    let catalog = account.catalog;
    let iam_all = catalog.service_actions("iam");
    let pid = principal;
    let ctxs: Vec<RequestContext> = (0..n).map(|p| account.context_for(pid(p), base)).collect();
    let id = |a: &str| catalog.id(a).expect("a catalogued action");
    let can = |p: usize, action: &str, arn: &str, ctx: &RequestContext| {
        account
            .outcome(pid(p), id(action), Target::Arn(arn), ctx)
            .is_possible()
    };
    let some = |p: usize, action: &str| {
        account
            .outcome(pid(p), id(action), Target::Some, &ctxs[p])
            .is_possible()
    };
    let arn = |q: usize| account.principals[pid(q)].arn.as_str();
    let denied = |p: usize, action: &str, arn: &str, ctx: &RequestContext| {
        account
            .decide(pid(p), id(action), Target::Arn(arn), ctx)
            .outcome
            == Outcome::Denied
    };
    let trust = TrustIndex::new(account, base);
    let admits = |p: usize, q: usize| -> bool {
        trust.grants[q].iter().any(|g| {
            if !g.assume.contains(&"sts:AssumeRole")
                || trust_conditions(g, &ctxs[p]).0 == Tri::False
            {
                return false;
            }
            match &g.trustee {
                Trustee::Principal { arn: a, .. } if a == arn(p) => {
                    account
                        .decide(pid(p), id("sts:AssumeRole"), Target::Arn(arn(q)), &ctxs[p])
                        .outcome
                        != Outcome::Denied
                }
                Trustee::Account(a) if *a == account.id => {
                    can(p, "sts:AssumeRole", arn(q), &ctxs[p])
                }
                Trustee::Anyone => can(p, "sts:AssumeRole", arn(q), &ctxs[p]),
                _ => false,
            }
        })
    };
    let power = |p: usize| analysis.power[pid(p)].is_some();
    let kind = |q: usize| account.principals[pid(q)].kind;
    let mut edge = vec![vec![false; n]; n];
    for p in (0..n).filter(|&p| !power(p)) {
        for q in (0..n).filter(|&q| q != p) {
            let t = &account.principals[pid(q)];
            let mut e = kind(q) == PrincipalKind::Role
                && (admits(p, q)
                    || (can(p, "iam:UpdateAssumeRolePolicy", arn(q), &ctxs[p])
                        && !denied(p, "sts:AssumeRole", arn(q), &ctxs[p])));
            if kind(q) == PrincipalKind::User {
                e |= Credential::ALL.iter().any(|c| {
                    c.applies(t) && c.actions().iter().all(|a| can(p, a, arn(q), &ctxs[p]))
                });
            }
            for m in COMPUTE_METHODS {
                let trusted = trust
                    .by_service
                    .get(m.service)
                    .is_some_and(|v| v.contains(&q))
                    && (!m.needs_instance_profile() || t.instance_profile);
                if !trusted || !m.actions.iter().all(|a| some(p, a)) {
                    continue;
                }
                let mut pass = ctxs[p].clone();
                pass.set("iam:PassedToService", &[m.service]);
                e |= !m.pass_role || can(p, "iam:PassRole", arn(q), &pass);
            }
            edge[p][q] = e;
        }
    }
    // Whether p can raise q's permissions.
    let raises = |p: usize, q: usize| -> bool {
        let t = &account.principals[pid(q)];
        let ctx = &ctxs[p];
        let on_target = match t.kind {
            PrincipalKind::User => ["iam:AttachUserPolicy", "iam:PutUserPolicy"],
            PrincipalKind::Role => ["iam:AttachRolePolicy", "iam:PutRolePolicy"],
        };
        if on_target.iter().any(|a| can(p, a, &t.arn, ctx)) {
            return true;
        }
        let rewrite = t.policies.iter().any(|r| {
            let pol = &account.policies[r.policy];
            pol.managed_arn
                .as_deref()
                .filter(|a| !a.contains(":iam::aws:policy/"))
                .is_some_and(|a| {
                    can(p, "iam:CreatePolicyVersion", a, ctx)
                        || (pol.versions > 1 && can(p, "iam:SetDefaultPolicyVersion", a, ctx))
                })
        });
        if rewrite {
            return true;
        }
        let boundary = match t.kind {
            PrincipalKind::User => [
                "iam:DeleteUserPermissionsBoundary",
                "iam:PutUserPermissionsBoundary",
            ],
            PrincipalKind::Role => [
                "iam:DeleteRolePermissionsBoundary",
                "iam:PutRolePermissionsBoundary",
            ],
        };
        if t.boundary.is_some()
            && unbounded_admin(account, q, &ctxs[q], &iam_all)
            && boundary.iter().any(|a| can(p, a, &t.arn, ctx))
        {
            return true;
        }
        let me = &account.principals[pid(p)];
        account.groups.iter_enumerated().any(|(gi, g)| {
            (t.groups.contains(&gi)
                && ["iam:AttachGroupPolicy", "iam:PutGroupPolicy"]
                    .iter()
                    .any(|a| can(p, a, &g.arn, ctx)))
                || (q == p
                    && me.kind == PrincipalKind::User
                    && !me.groups.contains(&gi)
                    && group_is_admin(account, g, &iam_all)
                    && can(p, "iam:AddUserToGroup", &g.arn, ctx))
        })
    };
    // Reachability by repeated relaxation: small accounts only.
    let mut reach = edge.clone();
    for k in 0..n {
        let via = reach[k].clone();
        for row in reach.iter_mut() {
            if row[k] {
                for (r, v) in row.iter_mut().zip(&via) {
                    *r |= *v;
                }
            }
        }
    }
    let target: Vec<bool> = (0..n)
        .map(|p| {
            power(p)
                || (!power(p)
                    && (raises(p, p) || (0..n).any(|q| q != p && reach[p][q] && raises(p, q))))
        })
        .collect();
    (0..n)
        .map(|p| target[p] || (0..n).any(|q| reach[p][q] && target[q]))
        .collect()
}

const ACTIONS: &[&str] = &[
    "*",
    "iam:*",
    "iam:Attach*",
    "iam:Put*",
    "iam:PassRole",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AttachUserPolicy",
    "iam:AttachRolePolicy",
    "iam:PutGroupPolicy",
    "iam:AddUserToGroup",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRolePermissionsBoundary",
    "sts:AssumeRole",
    "lambda:CreateFunction",
    "lambda:InvokeFunction",
    "ec2:RunInstances",
    "s3:GetObject",
];

/// [`ACTIONS`] and every action of every method, so that each method is drawn.
fn actions() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = ACTIONS.to_vec();
    v.push("iam:DeleteAccessKey");
    for m in COMPUTE_METHODS {
        v.extend(m.actions);
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn resource() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        Just(format!("arn:aws:iam::{ACCOUNT}:role/*")),
        Just(format!("arn:aws:iam::{ACCOUNT}:user/*")),
        Just(format!("arn:aws:iam::{ACCOUNT}:role/r*")),
        Just(format!("arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")),
        Just(format!("arn:aws:iam::{ACCOUNT}:policy/*")),
        Just(format!("arn:aws:iam::{ACCOUNT}:group/*")),
        (0..4usize).prop_map(|i| format!("arn:aws:iam::{ACCOUNT}:role/r{i}")),
        (0..4usize).prop_map(|i| format!("arn:aws:iam::{ACCOUNT}:role/r{i}")),
        (0..3usize).prop_map(|i| format!("arn:aws:iam::{ACCOUNT}:user/u{i}")),
        (0..2usize).prop_map(|i| format!("arn:aws:iam::{ACCOUNT}:group/g{i}")),
        (0..2usize).prop_map(|i| format!("arn:aws:iam::{ACCOUNT}:policy/m{i}")),
    ]
}

fn statement() -> impl Strategy<Value = Value> {
    (
        prop::bool::weighted(0.2),
        prop::collection::vec(prop::sample::select(actions()), 1..3),
        prop::collection::vec(resource(), 1..3),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(deny, actions, resources, not_resource, mfa)| {
            let mut s = json!({"Effect": if deny { "Deny" } else { "Allow" }, "Action": actions});
            s[if not_resource {
                "NotResource"
            } else {
                "Resource"
            }] = json!(resources);
            if mfa {
                s["Condition"] = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
            }
            s
        })
}

/// An Allow on every resource, or a Deny on one role or user, of an action a method needs: the
/// two together are "all but these", which the search keeps beside a hub edge.
fn all_or_one() -> impl Strategy<Value = Value> {
    const ACTIONS: [&str; 5] = [
        "sts:AssumeRole",
        "iam:AttachRolePolicy",
        "iam:PassRole",
        "iam:CreateAccessKey",
        "iam:UpdateAssumeRolePolicy",
    ];
    (
        prop::bool::ANY,
        prop::sample::select(&ACTIONS[..]),
        prop_oneof![
            (0..4usize).prop_map(|i| format!("arn:aws:iam::{ACCOUNT}:role/r{i}")),
            (0..3usize).prop_map(|i| format!("arn:aws:iam::{ACCOUNT}:user/u{i}")),
        ],
    )
        .prop_map(|(deny, action, one)| {
            if deny {
                json!({"Effect": "Deny", "Action": action, "Resource": one})
            } else {
                json!({"Effect": "Allow", "Action": action, "Resource": "*"})
            }
        })
}

fn policy() -> impl Strategy<Value = Value> {
    prop::collection::vec(prop_oneof![3 => statement(), 2 => all_or_one()], 1..4)
        .prop_map(|st| json!({"Version": "2012-10-17", "Statement": st}))
}

fn trust() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")})),
        (0..3usize).prop_map(|i| json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:user/u{i}")})),
        (0..4usize).prop_map(|i| json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:role/r{i}")})),
        Just(json!({"Service": "lambda.amazonaws.com"})),
        Just(json!({"Service": "ec2.amazonaws.com"})),
    ]
    .prop_map(|who| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": who, "Action": "sts:AssumeRole"}]})
    })
}

/// Some principal's policies: a managed policy by name, an inline one, or nothing.
fn held() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(
        prop_oneof![(0..2usize).prop_map(|i| json!(format!("m{i}"))), policy(),],
        0..3,
    )
}

fn spec() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec((policy(), 1..3usize), 2),
        prop::collection::vec(held(), 2),
        prop::collection::vec(
            (
                held(),
                prop::collection::vec(0..2usize, 0..2),
                prop::option::of(policy()),
                prop::option::of(prop::bool::ANY),
            ),
            3,
        ),
        prop::collection::vec((held(), trust(), prop::option::of(policy())), 4),
        // Service control policies: none, or levels each with FullAWSAccess (mostly) and
        // generated policies beside it.
        prop::option::of(prop::collection::vec(
            (prop::bool::weighted(0.8), prop::collection::vec(policy(), 0..2)),
            1..3,
        )),
    )
        .prop_map(|(managed, groups, users, roles, scps)| {
            let scps: Vec<Value> = scps.into_iter().flatten().map(|(full, mut docs)| {
                if full {
                    docs.push(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}));
                }
                json!(docs)
            }).collect();
            let managed: serde_json::Map<String, Value> = managed
                .into_iter()
                .enumerate()
                .map(|(i, (doc, versions))| (format!("m{i}"), json!({"doc": doc, "versions": versions})))
                .collect();
            json!({
                "managed": managed,
                "groups": groups.into_iter().enumerate().map(|(i, p)| json!({"name": format!("g{i}"), "policies": p})).collect::<Vec<_>>(),
                "users": users.into_iter().enumerate().map(|(i, (p, g, b, console))| {
                    let mut u = json!({"name": format!("u{i}"), "policies": p,
                        "groups": g.into_iter().map(|g| format!("g{g}")).collect::<std::collections::BTreeSet<_>>()});
                    if let Some(b) = b { u["boundary"] = b; }
                    if let Some(c) = console { u["console_password"] = json!(c); }
                    // Every other user already holds IAM's two access keys.
                    if i % 2 == 1 { u["access_keys"] = json!(2); }
                    u
                }).collect::<Vec<_>>(),
                "roles": roles.into_iter().enumerate().map(|(i, (mut p, t, b))| {
                    // Role r0 is admin-equivalent, so whether a path reaches it (past a Deny on
                    // it, say) decides more cases.
                    if i == 0 {
                        p.push(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}));
                    }
                    let mut r = json!({"name": format!("r{i}"), "policies": p, "trust": t, "instance_profile": i % 2 == 0});
                    if let Some(b) = b { r["boundary"] = b; }
                    r
                }).collect::<Vec<_>>(),
                "scps": scps,
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// The fast search finds exactly the principals the pair-by-pair search finds.
    #[test]
    fn the_search_agrees_with_the_pair_by_pair_search(spec in spec(), mfa in prop::bool::ANY) {
        let a = account(&spec);
        let mut base = RequestContext::new();
        base.set("aws:MultiFactorAuthPresent", &[if mfa { "true" } else { "false" }]);
        let fast = analyze(&a, &base);
        let slow = reference(&a, &base);
        for (p, pr) in a.principals.iter_enumerated() {
            prop_assert_eq!(
                fast.paths[p].is_some(),
                slow[p.index()],
                "{}: fast {:?}",
                pr.name,
                fast.paths[p]
            );
        }
    }
}
