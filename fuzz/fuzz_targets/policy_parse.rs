//! Fuzzes the policy parser and the engine behind it: any bytes that are JSON must parse to a
//! policy or to a diagnostic with a pointer that exists in the document, never panic; a policy
//! that parses must survive compilation, a decision and an escalation search.

#![no_main]

use libfuzzer_sys::fuzz_target;
use safeguard_policy::{
    Account, Catalog, Id, PolicyId, PolicyInput, PolicyKind, PolicyRef, PrincipalId,
    PrincipalInput, PrincipalKind, RequestContext, Target,
};

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for kind in [PolicyKind::Identity, PolicyKind::Resource] {
        match safeguard_policy::Policy::parse(&doc, kind) {
            Err(e) => {
                // The evidence pointer names something in the document: an element, or the
                // document as a whole (always, for one kept as text, whose inner pointer names
                // a place in the text rather than in the evidence).
                let at = e.evidence_pointer("");
                assert!(
                    at.is_empty() || doc.pointer(&at).is_some(),
                    "pointer {at} not in the document"
                );
                assert!(!e.in_text || at.is_empty());
            }
            Ok(_) if kind == PolicyKind::Identity => {
                let catalog = Catalog::builtin();
                // Around the fuzzed user: another user, an admin role and a plain role, both
                // trusting the account, so the search's hubs, exceptions and grants on others
                // are exercised too, not only the user acting on itself.
                let admin = serde_json::json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"}]});
                let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                     "Action": "sts:AssumeRole"}]});
                fn policy<'a>(
                    document: &'a serde_json::Value,
                    kind: PolicyKind,
                    label: &str,
                    managed_arn: Option<&str>,
                ) -> PolicyInput<'a> {
                    PolicyInput {
                        label: label.into(),
                        pointer: String::new(),
                        document,
                        kind,
                        managed_arn: managed_arn.map(str::to_string),
                        versions: 2,
                    }
                }
                let principal = |name: &str, kind, policies: Vec<usize>, trust: Option<usize>| {
                    let noun = if kind == PrincipalKind::User {
                        "user"
                    } else {
                        "role"
                    };
                    PrincipalInput {
                        arn: format!("arn:aws:iam::111122223333:{noun}/{name}"),
                        name: name.into(),
                        kind,
                        policies: policies
                            .into_iter()
                            .map(|p| PolicyRef {
                                policy: PolicyId::from_index(p),
                                via_group: None,
                            })
                            .collect(),
                        groups: vec![],
                        boundary: None,
                        trust: trust.map(PolicyId::from_index),
                        tags: vec![],
                        console_password: None,
                        // "other" holds IAM's two access keys: a key for it needs a delete.
                        access_keys: (name == "other").then_some(2),
                        instance_profile: kind == PrincipalKind::Role,
                    }
                };
                // And one admin role trusted by each service an escalation method runs code
                // in, so that every method can be drawn.
                let mut services: Vec<&str> = safeguard_policy::escalation::COMPUTE_METHODS
                    .iter()
                    .map(|m| m.service)
                    .collect();
                services.sort_unstable();
                services.dedup();
                let service_trusts: Vec<serde_json::Value> = services
                    .iter()
                    .map(|service| {
                        serde_json::json!({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Principal": {"Service": service},
                             "Action": "sts:AssumeRole"}]})
                    })
                    .collect();
                let mut policies = vec![
                    policy(
                        &doc,
                        kind,
                        "fuzz",
                        Some("arn:aws:iam::111122223333:policy/fuzz"),
                    ),
                    policy(&admin, PolicyKind::Identity, "admin", None),
                    policy(&trust, PolicyKind::Resource, "trust", None),
                ];
                let mut principals = vec![
                    principal("fuzz", PrincipalKind::User, vec![0], None),
                    principal("other", PrincipalKind::User, vec![0], None),
                    principal("admin", PrincipalKind::Role, vec![1], Some(2)),
                    principal("plain", PrincipalKind::Role, vec![0], Some(2)),
                ];
                for (i, trusted) in service_trusts.iter().enumerate() {
                    policies.push(policy(trusted, PolicyKind::Resource, "service-trust", None));
                    principals.push(principal(
                        &format!("svc{i}"),
                        PrincipalKind::Role,
                        vec![1],
                        Some(policies.len() - 1),
                    ));
                }
                let account =
                    Account::new("111122223333", "aws", catalog, policies, principals, vec![]);
                let fuzz = PrincipalId::from_index(0);
                let ctx = account.context_for(fuzz, &RequestContext::new());
                let id = catalog.id("iam:PassRole").expect("catalog");
                let _ = account.decide(fuzz, id, Target::All, &ctx);
                let _ = account.decide(
                    fuzz,
                    id,
                    Target::Arn("arn:aws:iam::111122223333:role/x"),
                    &ctx,
                );
                let _ = account.full_access(fuzz, &ctx);
                let _ = safeguard_policy::escalation::analyze(&account, &RequestContext::new());
            }
            Ok(_) => {}
        }
    }
});
