//! `efs.encrypted`: every EFS file system in the PHI scope is encrypted at rest.
//!
//! EFS fixes encryption when a file system is created: one created without it stays
//! unencrypted until its data is copied to a new, encrypted one.

use crate::checks::{Context, Finding, Outcome};
use crate::phi_scope::Membership;

check! {
    Encrypted = "efs.encrypted",
    "Every EFS file system holding PHI is encrypted at rest",
    severity: High => "ePHI on an unencrypted file system is readable by anyone who obtains its storage or a copy of it outside the file system's access controls",
    remediation: "Create an encrypted file system (aws efs create-file-system --encrypted --kms-key-id KEY), copy the data across (e.g. with AWS DataSync), and delete the unencrypted one; EFS cannot encrypt a file system in place.",
}

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Outcome {
    let efs = &ctx.snapshot.efs;
    if efs.regions.is_empty() {
        return Err(Box::new(ctx.missing(
            ctx.account_resource("efs"),
            "/efs/regions",
            "the account's EFS file systems (no region's list is in the evidence)",
        )));
    }
    let mut out = Vec::new();
    for (region, r) in &efs.regions {
        let base = crate::snapshot::pointer::region("efs", region);
        let Some(list) = &r.file_systems else {
            out.push(super::list_gap(ctx, region));
            continue;
        };
        for (i, fs) in list.iter().enumerate() {
            let pointer = format!("{base}/file_systems/{i}");
            let label = format!("file system {}", fs.id);
            out.push(match crate::checks::stores::membership(ctx, &fs.arn, Some(&fs.tags)) {
                Membership::Out(why) => Finding::not_applicable(&fs.arn, why, pointer),
                Membership::Undecided(_) => ctx.missing(
                    &fs.arn,
                    &format!("{pointer}/tags"),
                    &format!("{label}'s tags, which decide whether it holds PHI,"),
                ),
                Membership::In(_) => {
                    let at = format!("{pointer}/encrypted");
                    match (fs.encrypted, &fs.kms_key) {
                        (None, _) => ctx.missing(&fs.arn, &at, &format!("whether {label} is encrypted")),
                        (Some(false), _) => Finding::fail(&fs.arn, format!("{label} is not encrypted at rest"), at),
                        (Some(true), Some(key)) => Finding::pass(
                            &fs.arn,
                            format!("{label} is encrypted at rest with {}", crate::text::line(key)),
                            at,
                        ),
                        (Some(true), None) => Finding::pass(&fs.arn, format!("{label} is encrypted at rest"), at),
                    }
                }
            });
        }
    }
    if out.is_empty() {
        out.push(Finding::not_applicable(
            ctx.account_resource("efs"),
            "the regions read hold no EFS file system",
            "/efs/regions",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::efs::fixtures::{efs, file_system};
    use crate::checks::testutil::*;

    #[test]
    fn encrypted_passes_unencrypted_fails_unknown_is_a_gap() {
        let mut s = snapshot();
        let mut plain = file_system("fs-22222222");
        plain.encrypted = Some(false);
        let mut unknown = file_system("fs-33333333");
        unknown.encrypted = None;
        s.efs = efs(vec![file_system("fs-11111111"), plain, unknown]);
        with_gap(&mut s, "/efs/regions/us-east-1/file_systems/2/encrypted");
        let f = run(&Encrypted, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "error"]);
        assert!(f[1].message.contains("not encrypted at rest"), "{}", f[1].message);
    }

    #[test]
    fn scope_decides_and_an_unread_list_is_a_gap() {
        let mut s = snapshot();
        let mut dev = file_system("fs-44444444");
        dev.tags = Vec::new();
        dev.encrypted = Some(false);
        s.efs = efs(vec![dev]);
        let scope = crate::phi_scope::PhiScope::defined(crate::phi_scope::Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        assert_eq!(statuses(&run_scoped(&Encrypted, &s, &[], &scope)), ["not_applicable"]);
        s.efs.regions.get_mut("us-east-1").unwrap().file_systems = None;
        let f = run(&Encrypted, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert!(f[0].message.contains("EFS file system list of us-east-1"), "{}", f[0].message);
        s.efs = efs(vec![]);
        assert_eq!(statuses(&run(&Encrypted, &s)), ["not_applicable"]);
        s.efs = Default::default();
        assert_eq!(statuses(&run(&Encrypted, &s)), ["error"]);
    }
}
