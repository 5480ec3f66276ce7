//! `iam.root_no_access_keys`: the root user has no access keys (it cannot be scoped or attributed).

use crate::checks::{Context, Finding, Outcome};
use crate::snapshot::report_flag;

check! {
    RootNoAccessKeys = "iam.root_no_access_keys",
    "The root user has no active access keys",
    severity: High => "a leaked root key is unrestricted, permanent access to the whole account",
    remediation: "Delete the root user's access keys; use IAM roles for programmatic access."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let s = ctx.snapshot;
    let resource = s.root_arn();
    let summary = s
        .iam
        .account_summary
        .as_ref()
        .and_then(|m| m.get("AccountAccessKeysPresent"))
        .copied();
    let report = s
        .iam
        .credential_report
        .as_ref()
        .and_then(|r| r.root())
        .map(|(i, row)| {
            let active: Vec<&str> = ["access_key_1_active", "access_key_2_active"]
                .into_iter()
                .filter(|c| report_flag(row, c) == Some(true))
                .collect();
            (i, active)
        });
    if let Some(n) = summary.filter(|n| *n > 0) {
        return Ok(vec![Finding::fail(
            resource,
            format!(
                "root user has {n} access key(s) (account summary AccountAccessKeysPresent = {n})"
            ),
            "/iam/account_summary/AccountAccessKeysPresent",
        )]);
    }
    if let Some((i, active)) = report.as_ref().filter(|(_, a)| !a.is_empty()) {
        return Ok(vec![Finding::fail(
            resource,
            format!(
                "root user has an active access key ({} = true in the credential report)",
                active.join(", ")
            ),
            format!("/iam/credential_report/rows/{i}/{}", active[0]),
        )]);
    }
    Ok(match (summary, report) {
        (Some(_), _) => vec![Finding::pass(
            resource,
            "root user has no access keys (account summary AccountAccessKeysPresent = 0)",
            "/iam/account_summary/AccountAccessKeysPresent",
        )],
        (None, Some((i, _))) => {
            // The report alone decides: it must be current, and both flags readable.
            if let Err(gap) = super::reconciled_report(ctx) {
                return Ok(vec![Finding { resource, ..*gap }]);
            }
            let row = &s.iam.credential_report.as_ref().expect("report").rows[i];
            for c in ["access_key_1_active", "access_key_2_active"] {
                if let Err(why) = super::report_bool(row, c) {
                    return Ok(vec![Finding::new(
                        resource,
                        crate::checks::FindingStatus::Error,
                        format!("cannot tell whether the root user has access keys: {why}"),
                        format!("/iam/credential_report/rows/{i}/{c}"),
                    )]);
                }
            }
            vec![Finding::pass(
                resource,
                "root user has no active access keys (credential report <root_account> row)",
                format!("/iam/credential_report/rows/{i}"),
            )]
        }
        (None, None) => vec![ctx.missing(
            resource,
            "/iam/account_summary",
            "the account summary and the credential report's <root_account> row",
        )],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::snapshot::ROOT_ACCOUNT_USER;

    #[test]
    fn pass_fail_and_missing_evidence() {
        let mut s = snapshot();
        s.iam
            .account_summary
            .as_mut()
            .unwrap()
            .insert("AccountAccessKeysPresent".into(), 0);
        assert_eq!(statuses(&run(&RootNoAccessKeys, &s)), ["pass"]);

        s.iam
            .account_summary
            .as_mut()
            .unwrap()
            .insert("AccountAccessKeysPresent".into(), 1);
        assert_eq!(statuses(&run(&RootNoAccessKeys, &s)), ["fail"]);

        s.iam.account_summary = None;
        s.iam.credential_report = None;
        assert_eq!(statuses(&run(&RootNoAccessKeys, &s)), ["error"]);
    }

    #[test]
    fn an_active_key_in_the_credential_report_fails_even_if_the_summary_says_none() {
        let mut s = snapshot();
        s.iam
            .account_summary
            .as_mut()
            .unwrap()
            .insert("AccountAccessKeysPresent".into(), 0);
        s.iam
            .credential_report
            .as_mut()
            .unwrap()
            .rows
            .push(report_row(
                ROOT_ACCOUNT_USER,
                &[("access_key_2_active", "true")],
            ));
        let f = run(&RootNoAccessKeys, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert_eq!(
            f[0].evidence,
            "/iam/credential_report/rows/0/access_key_2_active"
        );
    }
}
