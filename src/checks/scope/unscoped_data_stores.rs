//! `scope.unscoped_data_stores`: the data stores the PHI scope leaves out, each listed, and
//! flagged for review where its name or tags suggest PHI. A scope drawn too narrow is an
//! auditor's first worry: every store outside it is judged by no data-plane check.

use crate::checks::{Context, Finding, Outcome};
use crate::phi_scope::Membership;

check! {
    UnscopedDataStores = "scope.unscoped_data_stores",
    "Data stores outside the PHI scope whose name or tags suggest PHI are flagged for review",
    severity: Medium => "a store of ePHI left outside the scope is judged by no encryption, backup or transport check",
    remediation: "Review each flagged store: bring it into the PHI scope (tag it, or name it in scope.arns) if it holds ePHI, or record why it does not.",
    params {
        likely_phi_patterns: text("phi|patient|ehr|emr|clinical|health") "words (separated by |) that, in a store's name or tags, suggest it holds PHI; compared without case"
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let account = ctx.account_resource("phi-scope");
    if ctx.phi_scope.definition().is_none() {
        return Ok(vec![Finding::not_applicable(
            account,
            "no PHI scope defined: every data store is judged, so none is left out",
            "/s3/buckets",
        )]);
    }
    let inventory = crate::checks::stores::all(ctx);
    // No store at all: nothing is left out, and nothing was shown to be in scope either.
    if inventory.stores.is_empty() && inventory.unread.is_empty() {
        return Ok(vec![Finding::not_applicable(
            account,
            "the account has no data store the scope could leave out",
            "/s3/buckets",
        )]);
    }
    let words: Vec<String> = settings
        .likely_phi_patterns
        .split('|')
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let suggests = |text: &str| {
        let text = text.to_lowercase();
        words.iter().find(|w| text.contains(w.as_str())).cloned()
    };
    let mut out = inventory.unread;
    for store in &inventory.stores {
        match &store.membership {
            Membership::In(_) => {}
            Membership::Undecided(_) => out.push(store.undecided(ctx)),
            Membership::Out(why) => {
                let hint = suggests(store.name).map(|w| format!("its name has {w:?}")).or_else(|| {
                    store.tags.into_iter().flatten().find_map(|(k, v)| {
                        suggests(&format!("{k}={v}")).map(|w| format!("its tag {k}={v} has {w:?}"))
                    })
                });
                out.push(match hint {
                    Some(hint) => Finding::fail(
                        store.arn,
                        format!("{} is {why}, yet {hint}: review whether it holds ePHI", store.label),
                        store.pointer.clone(),
                    ),
                    None => Finding::pass(
                        store.arn,
                        format!("{} is {why}; nothing in its name or tags suggests PHI", store.label),
                        store.pointer.clone(),
                    ),
                });
            }
        }
    }
    if out.is_empty() {
        out.push(Finding::pass(
            account,
            "every data store is in the PHI scope",
            "/s3/buckets",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s3::fixtures::bucket;
    use crate::checks::testutil::*;
    use crate::phi_scope::{Definition, PhiScope};

    #[test]
    fn stores_left_out_are_listed_and_those_named_like_phi_are_flagged() {
        let scope = PhiScope::defined(Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        let mut s = snapshot();
        let untagged = |name: &str, tags: Vec<(String, String)>| {
            let mut b = bucket(name);
            b.tags = Some(tags);
            b
        };
        let mut unknown = bucket("mystery");
        unknown.tags = None;
        s.s3.buckets = Some(vec![
            bucket("records"),
            untagged("patient-exports-tmp", Vec::new()),
            untagged("web-assets", vec![("team".into(), "Clinical-Apps".into())]),
            untagged("build-cache", Vec::new()),
            unknown,
        ]);
        let f = run_scoped(&UnscopedDataStores, &s, &[], &scope);
        assert_eq!(statuses(&f), ["fail", "fail", "pass", "error"]);
        assert!(f[0].message.contains("\"patient\""), "{}", f[0].message);
        assert!(f[1].message.contains("team=Clinical-Apps"), "{}", f[1].message);
        // Every store in scope: one pass; no scope: nothing is left out.
        s.s3.buckets = Some(vec![bucket("records")]);
        assert_eq!(statuses(&run_scoped(&UnscopedDataStores, &s, &[], &scope)), ["pass"]);
        assert_eq!(statuses(&run(&UnscopedDataStores, &s)), ["not_applicable"]);
        // No store at all is no pass; no bucket list is a gap.
        s.s3.buckets = Some(Vec::new());
        assert_eq!(statuses(&run_scoped(&UnscopedDataStores, &s, &[], &scope)), ["not_applicable"]);
        s.s3.buckets = None;
        assert_eq!(statuses(&run_scoped(&UnscopedDataStores, &s, &[], &scope)), ["error"]);
    }

    #[test]
    fn databases_left_out_are_listed_too() {
        let scope = PhiScope::defined(Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        let mut s = snapshot();
        s.s3.buckets = Some(Vec::new());
        let mut ehr_copy = crate::checks::rds::fixtures::instance("ehr-restore-test");
        ehr_copy.tags = Vec::new();
        let mut cache = crate::checks::rds::fixtures::instance("sessions");
        cache.tags = Vec::new();
        s.rds = crate::checks::rds::fixtures::rds(
            vec![crate::checks::rds::fixtures::instance("records"), ehr_copy, cache],
            Vec::new(),
        );
        let f = run_scoped(&UnscopedDataStores, &s, &[], &scope);
        assert_eq!(statuses(&f), ["fail", "pass"]);
        assert!(f[0].message.contains("DB instance ehr-restore-test") && f[0].message.contains("\"ehr\""), "{}", f[0].message);
        // A region whose databases were not read: a gap, since a store may be left out there.
        s.rds.regions.get_mut("us-east-1").unwrap().instances = None;
        assert!(statuses(&run_scoped(&UnscopedDataStores, &s, &[], &scope)).contains(&"error"));
    }
}
