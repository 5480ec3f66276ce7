//! One scenario per escalation method, each with its negative twins: a Deny, a permissions
//! boundary, a resource scope and an MFA condition that each block it.

use serde_json::{Value, json};

use super::*;
use crate::condition::parse_date;
use crate::ids::{Id, PrincipalId};

/// The first principal of a test account.
fn first() -> PrincipalId {
    PrincipalId::from_index(0)
}
use crate::testkit::{ACCOUNT, account, admin, index, trust_account, trust_service};

fn no_mfa() -> RequestContext {
    let mut c = RequestContext::new();
    c.set("aws:MultiFactorAuthPresent", &["false"]);
    c
}

/// What the account around the attacker (user `mallory`) holds.
#[derive(Clone, Copy)]
enum Setup {
    /// Role `target` with admin rights, trusted by this service (or the account when None).
    AdminRole(Option<&'static str>),
    /// Role `plain` with no rights to speak of, trusted by the account.
    PlainRole,
    /// User `ada` with admin rights.
    AdminUser,
    /// User `ada` with admin rights and IAM's two access keys already.
    AdminUserWithTwoKeys,
    /// Nothing else: mallory acts on itself (or its group `team`).
    SelfOnly,
    /// A customer-managed policy `shared` attached to mallory, with this many versions.
    SharedPolicy(usize),
    /// Group `admins` with admin rights.
    AdminGroup,
    /// Mallory's own policies are admin, held back by a boundary.
    Bounded,
}

struct Scenario {
    method: &'static str,
    /// Actions mallory is granted, on "*".
    actions: &'static [&'static str],
    /// The action whose Deny/scope must block the method.
    key: &'static str,
    setup: Setup,
    /// Whether a resource scope on `key` can block it (false when the resource is unknowable).
    scopable: bool,
}

const fn sc(
    method: &'static str,
    actions: &'static [&'static str],
    key: &'static str,
    setup: Setup,
) -> Scenario {
    Scenario {
        method,
        actions,
        key,
        setup,
        scopable: true,
    }
}

fn scenarios() -> Vec<Scenario> {
    let mut v = vec![
        sc(
            "assume_role",
            &["sts:AssumeRole"],
            "sts:AssumeRole",
            Setup::AdminRole(None),
        ),
        // No sts:AssumeRole: a trust policy rewritten to name the caller admits it without one.
        sc(
            "update_assume_role_policy",
            &["iam:UpdateAssumeRolePolicy"],
            "iam:UpdateAssumeRolePolicy",
            Setup::AdminRole(Some("ec2.amazonaws.com")),
        ),
        sc(
            "delete_and_create_access_key",
            &["iam:CreateAccessKey", "iam:DeleteAccessKey"],
            "iam:DeleteAccessKey",
            Setup::AdminUserWithTwoKeys,
        ),
        sc(
            "create_access_key",
            &["iam:CreateAccessKey"],
            "iam:CreateAccessKey",
            Setup::AdminUser,
        ),
        sc(
            "create_login_profile",
            &["iam:CreateLoginProfile"],
            "iam:CreateLoginProfile",
            Setup::AdminUser,
        ),
        sc(
            "update_login_profile",
            &["iam:UpdateLoginProfile"],
            "iam:UpdateLoginProfile",
            Setup::AdminUser,
        ),
        sc(
            "attach_user_policy",
            &["iam:AttachUserPolicy"],
            "iam:AttachUserPolicy",
            Setup::SelfOnly,
        ),
        sc(
            "put_user_policy",
            &["iam:PutUserPolicy"],
            "iam:PutUserPolicy",
            Setup::SelfOnly,
        ),
        sc(
            "attach_group_policy",
            &["iam:AttachGroupPolicy"],
            "iam:AttachGroupPolicy",
            Setup::SelfOnly,
        ),
        sc(
            "put_group_policy",
            &["iam:PutGroupPolicy"],
            "iam:PutGroupPolicy",
            Setup::SelfOnly,
        ),
        sc(
            "attach_role_policy",
            &["iam:AttachRolePolicy", "sts:AssumeRole"],
            "iam:AttachRolePolicy",
            Setup::PlainRole,
        ),
        sc(
            "put_role_policy",
            &["iam:PutRolePolicy", "sts:AssumeRole"],
            "iam:PutRolePolicy",
            Setup::PlainRole,
        ),
        sc(
            "create_policy_version",
            &["iam:CreatePolicyVersion"],
            "iam:CreatePolicyVersion",
            Setup::SharedPolicy(1),
        ),
        sc(
            "set_default_policy_version",
            &["iam:SetDefaultPolicyVersion"],
            "iam:SetDefaultPolicyVersion",
            Setup::SharedPolicy(3),
        ),
        sc(
            "add_user_to_group",
            &["iam:AddUserToGroup"],
            "iam:AddUserToGroup",
            Setup::AdminGroup,
        ),
        sc(
            "delete_permissions_boundary",
            &["iam:DeleteUserPermissionsBoundary"],
            "iam:DeleteUserPermissionsBoundary",
            Setup::Bounded,
        ),
        sc(
            "put_permissions_boundary",
            &["iam:PutUserPermissionsBoundary"],
            "iam:PutUserPermissionsBoundary",
            Setup::Bounded,
        ),
    ];
    for m in COMPUTE_METHODS {
        let mut actions: Vec<&'static str> = m.actions.to_vec();
        if m.pass_role {
            actions.push("iam:PassRole");
        }
        // When the actions also make up a method that needs no PassRole (CodeBuild's
        // StartBuild), only blocking that action blocks both.
        let overlap = COMPUTE_METHODS.iter().find(|o| {
            !o.pass_role && o.service == m.service && o.actions.iter().all(|a| actions.contains(a))
        });
        let (key, scopable) = match overlap {
            Some(o) => (o.actions[0], false),
            None if m.pass_role => ("iam:PassRole", true),
            None => (m.actions[0], false),
        };
        v.push(Scenario {
            method: m.id,
            actions: Box::leak(actions.into_boxed_slice()),
            key,
            setup: Setup::AdminRole(Some(m.service)),
            scopable,
        });
    }
    v
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Twin {
    Positive,
    Deny,
    Boundary,
    Scope,
    Mfa,
    /// The near miss: every action but the one at this index.
    Missing(usize),
}

/// Whether the actions left when the one at `missing` is dropped still make up a whole method
/// on the scenario's target (then the near miss is no miss: CodeBuild's CreateProject +
/// StartBuildBatch without CreateProject is StartBuildBatch on an existing project).
fn still_a_method(s: &Scenario, missing: usize) -> bool {
    let left: Vec<&str> = s
        .actions
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != missing)
        .map(|(_, a)| *a)
        .collect();
    let Setup::AdminRole(Some(service)) = s.setup else {
        return false;
    };
    COMPUTE_METHODS.iter().any(|m| {
        m.service == service
            && m.actions.iter().all(|a| left.contains(a))
            && (!m.pass_role || left.contains(&"iam:PassRole"))
    })
}

fn build(s: &Scenario, twin: Twin) -> Value {
    let resource_for = |action: &str| -> &str {
        if twin == Twin::Scope && action == s.key {
            "arn:aws:iam::999999999999:role/unrelated"
        } else {
            "*"
        }
    };
    let mut statements: Vec<Value> = s
        .actions
        .iter()
        .enumerate()
        .filter(|(i, _)| twin != Twin::Missing(*i))
        .map(|(_, a)| {
            let mut st = json!({"Effect": "Allow", "Action": a, "Resource": resource_for(a)});
            if twin == Twin::Mfa {
                st["Condition"] = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
            }
            st
        })
        .collect();
    if twin == Twin::Deny {
        statements.push(json!({"Effect": "Deny", "Action": s.key, "Resource": "*"}));
    }
    let mut mallory = json!({"name": "mallory", "groups": ["team"],
        "policies": [{"Version": "2012-10-17", "Statement": statements}]});
    let mut spec = json!({"groups": [{"name": "team", "policies": []}], "users": [], "roles": [], "managed": {}});
    match s.setup {
        Setup::AdminRole(service) => {
            let trust = service.map(trust_service).unwrap_or_else(trust_account);
            spec["roles"] = json!([{"name": "target", "policies": [admin()], "trust": trust}]);
        }
        Setup::PlainRole => {
            spec["roles"] = json!([{"name": "plain", "policies": [crate::testkit::allow(&["s3:ListAllMyBuckets"], "*")]}]);
        }
        Setup::AdminUser => spec["users"] = json!([{"name": "ada", "policies": [admin()]}]),
        Setup::AdminUserWithTwoKeys => {
            spec["users"] = json!([{"name": "ada", "policies": [admin()], "access_keys": 2}])
        }
        Setup::SelfOnly => {}
        Setup::SharedPolicy(versions) => {
            spec["managed"] = json!({"shared": {"doc": crate::testkit::allow(&["s3:ListAllMyBuckets"], "*"), "versions": versions}});
            mallory["policies"]
                .as_array_mut()
                .unwrap()
                .push(json!("shared"));
        }
        Setup::AdminGroup => {
            spec["groups"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "admins", "policies": [admin()]}));
        }
        Setup::Bounded => {
            mallory["policies"].as_array_mut().unwrap().push(admin());
            // The boundary holds the key action back in the twins just as the policies do.
            let mut st =
                json!({"Effect": "Allow", "Action": s.key, "Resource": resource_for(s.key)});
            if twin == Twin::Mfa {
                st["Condition"] = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
            }
            mallory["boundary"] = json!({"Version": "2012-10-17", "Statement": [st]});
        }
    }
    if twin == Twin::Boundary {
        // Everything but the key action.
        mallory["boundary"] =
            json!({"Statement": [{"Effect": "Allow", "NotAction": s.key, "Resource": "*"}]});
    }
    spec["users"].as_array_mut().unwrap().push(mallory);
    spec
}

#[test]
fn every_method_escalates_and_each_twin_blocks_it() {
    let all = scenarios();
    assert!(all.len() >= 21 + 16, "{} scenarios", all.len());
    let mut near_misses = 0;
    for s in &all {
        let twins = [
            Twin::Positive,
            Twin::Deny,
            Twin::Boundary,
            Twin::Scope,
            Twin::Mfa,
        ]
        .into_iter()
        .chain((0..s.actions.len()).map(Twin::Missing));
        for twin in twins {
            if twin == Twin::Scope && !s.scopable {
                continue;
            }
            if let Twin::Missing(i) = twin {
                // A boundary scenario's own policies are admin: dropping one grants nothing.
                if matches!(s.setup, Setup::Bounded) || still_a_method(s, i) {
                    continue;
                }
                near_misses += 1;
            }
            // A boundary on a principal whose escalation *is* removing its boundary: the twin
            // that matters there is the Deny.
            if twin == Twin::Boundary && matches!(s.setup, Setup::Bounded) {
                continue;
            }
            let a = account(&build(s, twin));
            let m = index(&a, "mallory");
            let result = analyze(&a, &no_mfa());
            let label = format!("{} / {twin:?}", s.method);
            if twin == Twin::Positive {
                assert!(result.escalates(m), "{label}: expected a path");
                let path = result.paths[m].as_ref().unwrap();
                assert!(
                    path.iter().any(|st| st.method == s.method)
                        || s.key != "iam:PassRole" && s.method.starts_with("passrole_"),
                    "{label}: path {:?}",
                    path.iter().map(|st| st.method).collect::<Vec<_>>()
                );
                for st in path {
                    assert!(
                        !st.enabled_by.is_empty(),
                        "{label}: step {} names no statement",
                        st.action
                    );
                }
            } else {
                assert!(
                    !result.escalates(m),
                    "{label}: expected no path, found {:?}",
                    result.paths[m]
                        .as_ref()
                        .map(|p| p.iter().map(|st| st.action.clone()).collect::<Vec<_>>())
                );
            }
        }
    }
    assert!(near_misses >= all.len(), "{near_misses} near misses");
}

#[test]
fn multi_hop_paths_are_reported_step_by_step() {
    // mallory → (create key) bob → (assume) deployer → (passrole to lambda) admin-fn role.
    let a = account(&json!({
        "users": [
            {"name": "mallory", "policies": [crate::testkit::allow(&["iam:CreateAccessKey"], &format!("arn:aws:iam::{ACCOUNT}:user/bob"))]},
            {"name": "bob", "policies": [crate::testkit::allow(&["sts:AssumeRole"], &format!("arn:aws:iam::{ACCOUNT}:role/deployer"))]}
        ],
        "roles": [
            {"name": "deployer", "policies": [crate::testkit::allow(&["lambda:CreateFunction", "lambda:InvokeFunction", "iam:PassRole"], "*")]},
            {"name": "admin-fn", "policies": [admin()], "trust": trust_service("lambda.amazonaws.com")}
        ]
    }));
    let r = analyze(&a, &no_mfa());
    let m = index(&a, "mallory");
    let path = r.paths[m].as_ref().expect("path");
    let methods: Vec<&str> = path.iter().map(|s| s.method).collect();
    assert_eq!(
        methods,
        vec!["create_access_key", "assume_role", "passrole_lambda_invoke"]
    );
    assert_eq!(path[2].to, Some(index(&a, "admin-fn")));
    assert!(
        a.describe(&path[0].enabled_by[0])
            .starts_with("user/mallory inline policy")
    );
    assert_eq!(r.power[index(&a, "admin-fn")], Some((Power::Admin, false)));
    assert!(
        !r.escalates(index(&a, "admin-fn")),
        "already admin is not escalation"
    );
}

#[test]
fn attach_to_another_role_then_assume_it() {
    let a = account(&json!({
        "users": [{"name": "mallory", "policies": [crate::testkit::allow(&["iam:AttachRolePolicy", "sts:AssumeRole"], &format!("arn:aws:iam::{ACCOUNT}:role/plain"))]}],
        "roles": [{"name": "plain", "policies": [crate::testkit::allow(&["s3:ListAllMyBuckets"], "*")]}]
    }));
    let r = analyze(&a, &no_mfa());
    let path = r.paths[index(&a, "mallory")].as_ref().expect("path");
    assert_eq!(path.last().unwrap().method, "attach_role_policy");
    assert!(
        path.last().unwrap().action.contains("then become it"),
        "{}",
        path.last().unwrap().action
    );
}

#[test]
fn trust_conditions_gate_assume_role() {
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]});
    let spec = json!({
        "users": [{"name": "mallory", "policies": [crate::testkit::allow(&["sts:AssumeRole"], "*")]}],
        "roles": [{"name": "target", "policies": [admin()], "trust": trust}]
    });
    let a = account(&spec);
    assert!(
        !analyze(&a, &no_mfa()).escalates(first()),
        "MFA-gated trust blocks a session without MFA"
    );
    let mut mfa = RequestContext::new();
    mfa.set("aws:MultiFactorAuthPresent", &["true"]);
    assert!(analyze(&a, &mfa).escalates(first()));
    // A trust policy naming the user needs no identity permission within the account.
    let named = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:user/mallory")}, "Action": "sts:AssumeRole"}]});
    let a = account(
        &json!({"users": [{"name": "mallory"}], "roles": [{"name": "target", "policies": [admin()], "trust": named}]}),
    );
    assert!(analyze(&a, &no_mfa()).escalates(first()));
    // A role trusting another account is not reachable from this one.
    let other = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}]});
    let a = account(
        &json!({"users": [{"name": "mallory", "policies": [crate::testkit::allow(&["sts:AssumeRole"], "*")]}],
        "roles": [{"name": "target", "policies": [admin()], "trust": other}]}),
    );
    assert!(!analyze(&a, &no_mfa()).escalates(first()));
}

#[test]
fn escalation_across_two_policies_of_one_principal() {
    // Neither policy alone holds the combination; Cloudsplaining judges them one at a time.
    let a = account(&json!({
        "managed": {"passer": {"doc": crate::testkit::allow(&["iam:PassRole"], "*")}},
        "groups": [{"name": "devs", "policies": [crate::testkit::allow(&["ec2:RunInstances"], "*")]}],
        "users": [{"name": "mallory", "policies": ["passer"], "groups": ["devs"]}],
        "roles": [{"name": "target", "policies": [admin()], "trust": trust_service("ec2.amazonaws.com")}]
    }));
    let r = analyze(&a, &no_mfa());
    let path = r.paths[index(&a, "mallory")].as_ref().expect("path");
    assert_eq!(path[0].method, "passrole_ec2_run_instances");
    assert_eq!(path[0].enabled_by.len(), 2, "both policies named");
}

#[test]
fn every_method_action_is_in_the_catalog() {
    let c = crate::catalog::Catalog::builtin();
    for m in COMPUTE_METHODS {
        for a in m.actions {
            assert!(c.id(a).is_some(), "{a}");
        }
    }
    for m in IAM_METHODS {
        for a in m.actions {
            assert!(c.id(a).is_some(), "{a}");
        }
    }
    // Every method has a scenario in the loop above, and every id is one method's.
    let scenarios: Vec<&str> = scenarios().iter().map(|s| s.method).collect();
    let mut ids: Vec<&str> = IAM_METHODS
        .iter()
        .map(|m| m.id)
        .chain(COMPUTE_METHODS.iter().map(|m| m.id))
        .collect();
    for id in &ids {
        assert!(scenarios.contains(id), "{id} has no scenario");
    }
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "a method id is used twice");
    assert!(
        COMPUTE_METHODS
            .iter()
            .map(|m| m.source)
            .chain(IAM_METHODS.iter().map(|m| m.source))
            .all(|s| !s.is_empty())
    );
}

#[test]
fn raising_another_principal_then_becoming_it_is_found_for_each_published_pair() {
    // pathfinding.cloud iam-014 to iam-021: raise a principal's permissions, then become it.
    // The role trusts only EC2 and the user holds one key, so becoming either is the second
    // action of the pair.
    let role = format!("arn:aws:iam::{ACCOUNT}:role/plain");
    let user = format!("arn:aws:iam::{ACCOUNT}:user/bob");
    let pairs: [(&str, &[&str], &str); 8] = [
        (
            "iam-014",
            &["iam:AttachRolePolicy", "sts:AssumeRole"],
            "trust_account",
        ),
        (
            "iam-015",
            &["iam:AttachUserPolicy", "iam:CreateAccessKey"],
            "",
        ),
        (
            "iam-016",
            &["iam:CreatePolicyVersion", "sts:AssumeRole"],
            "trust_account",
        ),
        (
            "iam-017",
            &["iam:PutRolePolicy", "sts:AssumeRole"],
            "trust_account",
        ),
        ("iam-018", &["iam:PutUserPolicy", "iam:CreateAccessKey"], ""),
        (
            "iam-019",
            &["iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"],
            "ec2",
        ),
        (
            "iam-020",
            &["iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy"],
            "ec2",
        ),
        (
            "iam-021",
            &["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"],
            "ec2",
        ),
    ];
    for (id, actions, trust) in pairs {
        let target = if trust.is_empty() { &user } else { &role };
        let trust = match trust {
            "trust_account" => trust_account(),
            _ => trust_service("ec2.amazonaws.com"),
        };
        for missing in [None, Some(0), Some(1)] {
            let granted: Vec<&str> = actions
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != missing)
                .map(|(_, a)| *a)
                .collect();
            // Each action on the one resource it acts on (on "*" it would reach mallory).
            let on = |a: &str| match a {
                "iam:CreatePolicyVersion" => format!("arn:aws:iam::{ACCOUNT}:policy/shared"),
                a if a.contains("User") || a == "iam:CreateAccessKey" => user.clone(),
                _ => role.clone(),
            };
            let statements: Vec<Value> = granted
                .iter()
                .map(|a| json!({"Effect": "Allow", "Action": a, "Resource": on(a)}))
                .collect();
            let a = account(&json!({
                "users": [
                    {"name": "mallory", "policies": [{"Version": "2012-10-17", "Statement": statements}]},
                    {"name": "bob", "policies": ["shared"], "access_keys": 1}
                ],
                "roles": [{"name": "plain", "policies": ["shared"], "trust": trust}],
                "managed": {"shared": {"doc": crate::testkit::allow(&["s3:ListAllMyBuckets"], "*"), "versions": 1}}
            }));
            let r = analyze(&a, &no_mfa());
            let m = index(&a, "mallory");
            assert_eq!(
                r.escalates(m),
                missing.is_none(),
                "{id} without {missing:?} ({target}): {:?}",
                r.paths[m]
                    .as_ref()
                    .map(|p| p.iter().map(|s| s.action.clone()).collect::<Vec<_>>())
            );
        }
    }
}

#[test]
fn passrole_scoped_to_one_service_enables_only_that_services_methods() {
    let passrole_to = |service: &str| {
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
             "Condition": {"StringEquals": {"iam:PassedToService": service}}},
            {"Effect": "Allow", "Action": ["ec2:RunInstances", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}
        ]})
    };
    for (service, escalates) in [("lambda.amazonaws.com", false), ("ec2.amazonaws.com", true)] {
        let a = account(&json!({
            "users": [{"name": "mallory", "policies": [passrole_to(service)]}],
            "roles": [{"name": "target", "policies": [admin()], "trust": trust_service("ec2.amazonaws.com")}]
        }));
        let r = analyze(&a, &no_mfa());
        assert_eq!(
            r.escalates(index(&a, "mallory")),
            escalates,
            "PassRole to {service}"
        );
        if escalates {
            let path = r.paths[index(&a, "mallory")].as_ref().unwrap();
            assert!(
                path[0].caveats.is_empty(),
                "decided, not conditional: {:?}",
                path[0].caveats
            );
            assert!(!path[0].is_possible());
        }
    }
}

#[test]
fn login_profile_methods_follow_the_credential_report() {
    for (action, password, escalates) in [
        ("iam:CreateLoginProfile", Some(true), false),
        ("iam:CreateLoginProfile", Some(false), true),
        ("iam:UpdateLoginProfile", Some(false), false),
        ("iam:UpdateLoginProfile", Some(true), true),
        ("iam:UpdateLoginProfile", None, true),
    ] {
        let mut ada = json!({"name": "ada", "policies": [admin()]});
        if let Some(p) = password {
            ada["console_password"] = json!(p);
        }
        let a = account(&json!({"users": [
            {"name": "mallory", "policies": [crate::testkit::allow(&[action], "*")]},
            ada
        ]}));
        let r = analyze(&a, &no_mfa());
        assert_eq!(
            r.escalates(index(&a, "mallory")),
            escalates,
            "{action} with password {password:?}"
        );
    }
}

#[test]
fn paths_through_existing_resources_are_possible_and_ec2_needs_an_instance_profile() {
    for (actions, profile, escalates) in [
        (&["ec2-instance-connect:SendSSHPublicKey"][..], true, true),
        (&["ec2-instance-connect:SendSSHPublicKey"][..], false, false),
        (&["ssm:StartSession"][..], false, false),
        (
            &["ec2-instance-connect:SendSerialConsoleSSHPublicKey"][..],
            true,
            true,
        ),
    ] {
        let a = account(&json!({
            "users": [{"name": "mallory", "policies": [crate::testkit::allow(actions, "*")]}],
            "roles": [{"name": "target", "policies": [admin()], "trust": trust_service("ec2.amazonaws.com"), "instance_profile": profile}]
        }));
        let r = analyze(&a, &no_mfa());
        assert_eq!(
            r.escalates(index(&a, "mallory")),
            escalates,
            "{actions:?} profile {profile}"
        );
        if escalates {
            let step = &r.paths[index(&a, "mallory")].as_ref().unwrap()[0];
            assert!(step.is_possible());
            assert!(
                step.action
                    .contains("possible (through an existing resource)"),
                "{}",
                step.action
            );
        }
    }
    for (actions, service) in [
        (
            &["cloudformation:UpdateStack"][..],
            "cloudformation.amazonaws.com",
        ),
        (
            &[
                "cloudformation:CreateChangeSet",
                "cloudformation:ExecuteChangeSet",
            ][..],
            "cloudformation.amazonaws.com",
        ),
        (
            &["sagemaker:CreatePresignedNotebookInstanceUrl"][..],
            "sagemaker.amazonaws.com",
        ),
        (&["codebuild:UpdateProject"][..], "codebuild.amazonaws.com"),
    ] {
        let a = account(&json!({
            "users": [{"name": "mallory", "policies": [crate::testkit::allow(actions, "*")]}],
            "roles": [{"name": "target", "policies": [admin()], "trust": trust_service(service)}]
        }));
        let r = analyze(&a, &no_mfa());
        let path = r.paths[index(&a, "mallory")].as_ref().expect("path");
        assert!(path[0].is_possible(), "{actions:?}");
        // Only CreateChangeSet without ExecuteChangeSet does nothing.
        if actions.len() == 2 {
            let a = account(&json!({
                "users": [{"name": "mallory", "policies": [crate::testkit::allow(&actions[..1], "*")]}],
                "roles": [{"name": "target", "policies": [admin()], "trust": trust_service(service)}]
            }));
            assert!(!analyze(&a, &no_mfa()).escalates(index(&a, "mallory")));
        }
    }
}

#[test]
fn token_issue_time_is_bounded_by_the_collection_time() {
    // Collected 2026-11-01T00:00Z: a session that exists then was issued in the 36 hours
    // before. iam-vulnerable's fp5 and fn3 principals rest on such conditions.
    let collected = parse_date("2026-11-01T00:00:00Z").unwrap();
    let mut base = no_mfa();
    base.set("aws:CurrentTime", &["2026-11-01T00:00:00Z"]);
    base.window("aws:TokenIssueTime", collected - 36.0 * 3600.0, collected);
    for (operator, date, escalates, caveat) in [
        // Before every session that exists: false for all, and absent for a long-term key.
        ("DateLessThan", "2020-01-01T00:00:00Z", false, false),
        ("DateLessThanEquals", "2026-10-30T00:00:00Z", false, false),
        // After the collection: no session yet.
        ("DateGreaterThan", "2026-11-02T00:00:00Z", false, false),
        (
            "DateGreaterThanEquals",
            "2026-11-01T00:00:01Z",
            false,
            false,
        ),
        // Inside the window: some sessions, not all.
        ("DateLessThan", "2026-10-31T12:00:00Z", true, true),
        // After every session: true for every session.
        ("DateLessThan", "2026-11-01T00:00:01Z", true, false),
    ] {
        let doc = json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
            "Condition": {operator: {"aws:TokenIssueTime": date}}}]});
        let a = account(&json!({"roles": [
            {"name": "worker", "policies": [doc]},
            {"name": "target", "policies": [admin()], "trust": trust_account()}
        ]}));
        let r = analyze(&a, &base);
        let w = index(&a, "worker");
        assert_eq!(r.escalates(w), escalates, "{operator} {date}");
        if escalates {
            let path = r.paths[w].as_ref().unwrap();
            assert_eq!(
                !path[0].caveats.is_empty(),
                caveat,
                "{operator} {date}: {path:?}"
            );
        }
    }
}

#[test]
fn update_assume_role_policy_needs_no_assume_role_allow_but_a_deny_stops_it() {
    let rewrite = crate::testkit::allow(&["iam:UpdateAssumeRolePolicy"], "*");
    let deny = json!({"Statement": [
        {"Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy", "Resource": "*"},
        {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}]});
    for (doc, escalates) in [(rewrite, true), (deny, false)] {
        let a = account(&json!({
            "users": [{"name": "mallory", "policies": [doc]}],
            "roles": [{"name": "target", "policies": [admin()], "trust": trust_service("ec2.amazonaws.com")}]
        }));
        let r = analyze(&a, &no_mfa());
        let m = index(&a, "mallory");
        assert_eq!(r.escalates(m), escalates);
        if escalates {
            let step = &r.paths[m].as_ref().unwrap()[0];
            assert_eq!(step.method, "update_assume_role_policy");
            assert!(
                step.action.contains("made to name the caller"),
                "{}",
                step.action
            );
        }
    }
}

#[test]
fn a_third_access_key_needs_one_deleted_first() {
    for (keys, actions, escalates) in [
        (json!(2), vec!["iam:CreateAccessKey"], false),
        (
            json!(2),
            vec!["iam:CreateAccessKey", "iam:DeleteAccessKey"],
            true,
        ),
        (json!(1), vec!["iam:CreateAccessKey"], true),
        // The report does not say: every method is kept.
        (Value::Null, vec!["iam:CreateAccessKey"], true),
    ] {
        let a = account(&json!({"users": [
            {"name": "mallory", "policies": [crate::testkit::allow(&actions, "*")]},
            {"name": "ada", "policies": [admin()], "access_keys": keys}
        ]}));
        let r = analyze(&a, &no_mfa());
        let m = index(&a, "mallory");
        assert_eq!(r.escalates(m), escalates, "{keys} {actions:?}");
        if escalates && keys == json!(2) {
            let step = &r.paths[m].as_ref().unwrap()[0];
            assert_eq!(step.method, "delete_and_create_access_key");
            assert_eq!(step.enabled_by.len(), 2, "both statements named");
        }
    }
}

#[test]
fn time_conditions_are_decided_at_the_collection_time() {
    let mut at = no_mfa();
    at.set("aws:CurrentTime", &["2026-11-01T00:00:00Z"]);
    for (operator, date, escalates) in [
        ("DateLessThan", "2026-06-30T00:00:00Z", false),
        ("DateLessThan", "2027-06-30T00:00:00Z", true),
        ("DateGreaterThan", "2027-01-01T00:00:00Z", false),
    ] {
        let doc = json!({"Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*",
            "Condition": {operator: {"aws:CurrentTime": date}}}]});
        let a = account(&json!({"users": [
            {"name": "mallory", "policies": [doc]},
            {"name": "ada", "policies": [admin()]}
        ]}));
        let r = analyze(&a, &at);
        let m = index(&a, "mallory");
        assert_eq!(r.escalates(m), escalates, "{operator} {date}");
        if escalates {
            assert!(r.paths[m].as_ref().unwrap()[0].caveats.is_empty());
        }
    }
}

/// "Every role but these": a Deny on one role beside an Allow on all of them.
fn assume_all_but(denied: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
        {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/{denied}")}]})
}

#[test]
fn a_deny_on_one_role_beside_an_allow_on_all_is_honoured() {
    let a = account(&json!({
        "users": [
            {"name": "kept-out", "policies": [assume_all_but("admin")]},
            {"name": "let-in", "policies": [assume_all_but("plain")]},
            {"name": "anyone", "policies": [crate::testkit::allow(&["sts:AssumeRole"], "*")]}
        ],
        "roles": [
            {"name": "admin", "policies": [admin()]},
            {"name": "plain", "policies": [crate::testkit::allow(&["s3:ListAllMyBuckets"], "*")]}
        ]
    }));
    let r = analyze(&a, &no_mfa());
    assert!(
        r.paths[index(&a, "kept-out")].is_none(),
        "{:?}",
        r.paths[index(&a, "kept-out")]
    );
    for who in ["let-in", "anyone"] {
        let path = r.paths[index(&a, who)].as_ref().expect("path");
        assert_eq!(path.len(), 1, "{path:?}");
        assert_eq!(path[0].action, "sts:AssumeRole on role admin");
    }
}

#[test]
fn raising_a_role_one_cannot_become_is_not_a_path() {
    // Attach a policy to `plain`, then become it: blocked when `plain` is the role left out,
    // open when another is.
    let raise_then = |denied: &str| {
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sts:AssumeRole", "iam:AttachRolePolicy"], "Resource": "*"},
            {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/{denied}")},
            {"Effect": "Deny", "Action": "iam:AttachRolePolicy", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/other")}]})
    };
    let a = account(&json!({
        "users": [
            {"name": "blocked", "policies": [raise_then("plain")]},
            {"name": "open", "policies": [raise_then("other")]}
        ],
        "roles": [
            {"name": "plain", "policies": [crate::testkit::allow(&["s3:ListAllMyBuckets"], "*")]},
            {"name": "other", "policies": [crate::testkit::allow(&["s3:ListAllMyBuckets"], "*")]}
        ]
    }));
    let r = analyze(&a, &no_mfa());
    assert!(
        r.paths[index(&a, "blocked")].is_none(),
        "{:?}",
        r.paths[index(&a, "blocked")]
    );
    let path = r.paths[index(&a, "open")].as_ref().expect("path");
    assert!(
        path.last()
            .unwrap()
            .action
            .contains("iam:AttachRolePolicy on role plain then become it"),
        "{path:?}"
    );
}

/// Every role may assume every other role but a different one each: one hub and one edge per
/// role, not a hub per role (which was 9,000,000 edges at 3,000 roles).
#[test]
fn different_exceptions_share_one_hub() {
    let n = 3_000;
    let roles: Vec<Value> = (0..n)
        .map(|i| json!({"name": format!("r{i}"), "policies": [assume_all_but(&format!("r{}", (i + 1) % n))]}))
        .collect();
    let a = account(&json!({"roles": roles}));
    let t = std::time::Instant::now();
    let r = analyze(&a, &no_mfa());
    assert!(r.edges <= 3 * n, "{} edges", r.edges);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        t.elapsed()
    );
    assert!(r.paths.iter().all(Option::is_none));
}

/// Evidence that lists one role twice (hostile or broken input): a Deny naming the ARN covers
/// both.
#[test]
fn a_deny_covers_every_role_listed_under_its_arn() {
    let a = account(&json!({
        "users": [{"name": "kept-out", "policies": [assume_all_but("dup")]}],
        "roles": [
            {"name": "other", "policies": [crate::testkit::allow(&["s3:ListAllMyBuckets"], "*")]},
            {"name": "dup", "policies": [admin()]},
            {"name": "dup", "policies": [crate::testkit::allow(&["s3:ListAllMyBuckets"], "*")]}
        ]
    }));
    let r = analyze(&a, &no_mfa());
    assert!(
        r.paths[index(&a, "kept-out")].is_none(),
        "{:?}",
        r.paths[index(&a, "kept-out")]
    );
}
