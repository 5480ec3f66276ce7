//! `iam.root_mfa_enabled`: the root user signs in with a second factor.

use crate::checks::{Context, Finding, Outcome};
use crate::snapshot::report_flag;

check! {
    RootMfaEnabled = "iam.root_mfa_enabled",
    "The root user has MFA enabled",
    severity: High => "the root user's password alone controls the whole account",
    remediation: "Enable MFA on the root user."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let s = ctx.snapshot;
    let resource = s.root_arn();
    // Two independent sources; when both are present, both must say MFA is on.
    let summary = s
        .iam
        .account_summary
        .as_ref()
        .and_then(|m| m.get("AccountMFAEnabled"))
        .map(|v| *v == 1);
    let report = s
        .iam
        .credential_report
        .as_ref()
        .and_then(|r| r.root())
        .and_then(|(i, row)| report_flag(row, "mfa_active").map(|v| (i, v)));
    let summary_ptr = "/iam/account_summary/AccountMFAEnabled".to_string();
    Ok(match (summary, report) {
        (None, None) => vec![ctx.missing(
            resource,
            "/iam/account_summary",
            "the account summary and the credential report's <root_account> row",
        )],
        (Some(false), _) => vec![Finding::fail(
            resource,
            "root user has no MFA device (account summary AccountMFAEnabled = 0)",
            summary_ptr,
        )],
        (_, Some((i, false))) => vec![Finding::fail(
            resource,
            "root user has no MFA device (credential report <root_account> mfa_active = false)",
            format!("/iam/credential_report/rows/{i}/mfa_active"),
        )],
        (Some(true), _) => vec![Finding::pass(
            resource,
            "root user has MFA enabled (account summary AccountMFAEnabled = 1)",
            summary_ptr,
        )],
        (None, Some(_)) if super::reconciled_report(ctx).is_err() => {
            let gap = super::reconciled_report(ctx).err().expect("checked");
            vec![Finding { resource, ..*gap }]
        }
        (None, Some((i, true))) => vec![Finding::pass(
            resource,
            "root user has MFA enabled (credential report <root_account> mfa_active = true)",
            format!("/iam/credential_report/rows/{i}/mfa_active"),
        )],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::snapshot::ROOT_ACCOUNT_USER;

    #[test]
    fn passes_with_mfa_fails_without_and_errors_without_evidence() {
        let mut s = snapshot();
        s.iam
            .account_summary
            .as_mut()
            .unwrap()
            .insert("AccountMFAEnabled".into(), 1);
        assert_eq!(statuses(&run(&RootMfaEnabled, &s)), ["pass"]);

        s.iam
            .account_summary
            .as_mut()
            .unwrap()
            .insert("AccountMFAEnabled".into(), 0);
        let f = run(&RootMfaEnabled, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert_eq!(f[0].resource, "arn:aws:iam::123456789012:root");
        assert_eq!(f[0].evidence, "/iam/account_summary/AccountMFAEnabled");

        s.iam.account_summary = None;
        with_gap(&mut s, "/iam/account_summary");
        let f = run(&RootMfaEnabled, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert!(f[0].message.contains("AccessDenied"), "{}", f[0].message);
    }

    #[test]
    fn credential_report_alone_decides_and_a_disagreement_fails() {
        let mut s = snapshot();
        s.iam.account_summary = None;
        s.iam
            .credential_report
            .as_mut()
            .unwrap()
            .rows
            .push(report_row(ROOT_ACCOUNT_USER, &[("mfa_active", "true")]));
        assert_eq!(statuses(&run(&RootMfaEnabled, &s)), ["pass"]);

        s.iam.account_summary = Some([("AccountMFAEnabled".to_string(), 1)].into());
        s.iam.credential_report.as_mut().unwrap().rows[0]
            .insert("mfa_active".into(), "false".into());
        assert_eq!(statuses(&run(&RootMfaEnabled, &s)), ["fail"]);
    }
}
