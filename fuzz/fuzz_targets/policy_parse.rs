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
                // The diagnostic points into the document (or at it as a whole).
                assert!(
                    e.pointer.is_empty() || doc.pointer(&e.pointer).is_some(),
                    "pointer {} not in the document",
                    e.pointer
                );
            }
            Ok(_) if kind == PolicyKind::Identity => {
                let catalog = Catalog::builtin();
                let account = Account::new(
                    "111122223333",
                    "aws",
                    catalog,
                    vec![PolicyInput {
                        label: "fuzz".into(),
                        pointer: String::new(),
                        document: &doc,
                        kind,
                        managed_arn: None,
                        versions: 1,
                    }],
                    vec![PrincipalInput {
                        arn: "arn:aws:iam::111122223333:user/fuzz".into(),
                        name: "fuzz".into(),
                        kind: PrincipalKind::User,
                        policies: vec![PolicyRef {
                            policy: PolicyId::from_index(0),
                            via_group: None,
                        }],
                        groups: vec![],
                        boundary: None,
                        trust: None,
                        tags: vec![],
                        console_password: None,
                        instance_profile: false,
                    }],
                    vec![],
                );
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
