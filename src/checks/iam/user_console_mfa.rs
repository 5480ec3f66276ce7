//! `iam.user_console_mfa`: every IAM user who can sign in to the console has MFA.
//!
//! The anchors disagree on users without a console password: Prowler asks MFA of console
//! users only, Steampipe and the Config pack of every user. `all_users` picks Steampipe's reading.

use super::{credential_report, report_bool, row_arn, row_pointer};
use crate::checks::{Context, Finding, FindingStatus, Outcome};
use crate::snapshot::report_flag;

check! {
    UserConsoleMfa = "iam.user_console_mfa",
    "Every IAM user with a console password has an MFA device",
    severity: High => "a console password alone opens the account to anyone who learns it",
    remediation: "Require MFA for every IAM user who signs in to the console (or move them to SSO with MFA).",
    params {
        all_users: bool(false) "require MFA of users without a console password too (Steampipe's and the Config pack's reading)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let (report, unreported) = credential_report(ctx)?;
    let all_users = settings.all_users;
    Ok(report
        .users()
        .map(|(i, row)| {
            let arn = row_arn(row);
            match (
                report_flag(row, "password_enabled"),
                report_flag(row, "mfa_active"),
            ) {
                (Some(false), Some(true)) if all_users => Finding::pass(
                    arn,
                    "no console password; MFA device assigned",
                    row_pointer(i, "mfa_active"),
                ),
                (Some(false), Some(false)) if all_users => Finding::fail(
                    arn,
                    "user without MFA (no console password, but every user must have MFA)",
                    row_pointer(i, "mfa_active"),
                ),
                (Some(false), _) => Finding::not_applicable(
                    arn,
                    "no console password",
                    row_pointer(i, "password_enabled"),
                ),
                (Some(true), Some(true)) => Finding::pass(
                    arn,
                    "console password protected by MFA",
                    row_pointer(i, "mfa_active"),
                ),
                (Some(true), Some(false)) => Finding::fail(
                    arn,
                    "console password without MFA",
                    row_pointer(i, "mfa_active"),
                ),
                _ => {
                    let why: Vec<String> = [
                        report_bool(row, "password_enabled").err(),
                        report_bool(row, "mfa_active").err(),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    Finding::new(
                        arn,
                        FindingStatus::Error,
                        format!(
                            "cannot tell whether the console password has MFA: {}",
                            why.join("; ")
                        ),
                        row_pointer(i, "password_enabled"),
                    )
                }
            }
        })
        .chain(unreported)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;

    #[test]
    fn console_users_need_mfa_programmatic_users_do_not() {
        let mut s = snapshot();
        let rows = &mut s.iam.credential_report.as_mut().unwrap().rows;
        rows.push(report_row(
            "<root_account>",
            &[("password_enabled", "not_supported")],
        ));
        rows.push(report_row(
            "alice",
            &[("password_enabled", "true"), ("mfa_active", "true")],
        ));
        rows.push(report_row(
            "bob",
            &[("password_enabled", "true"), ("mfa_active", "false")],
        ));
        rows.push(report_row("ci", &[]));
        let f = run(&UserConsoleMfa, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "not_applicable"]);
        assert_eq!(f[1].resource, "arn:aws:iam::123456789012:user/bob");
        assert_eq!(f[1].evidence, "/iam/credential_report/rows/2/mfa_active");
        let every = [("all_users", crate::checks::ParamValue::Bool(true))];
        assert_eq!(
            statuses(&run_with(&UserConsoleMfa, &s, &every)),
            ["pass", "fail", "fail"]
        );
    }

    #[test]
    fn missing_report_is_an_error() {
        let mut s = snapshot();
        s.iam.credential_report = None;
        with_gap(&mut s, "/iam/credential_report");
        assert_eq!(statuses(&run(&UserConsoleMfa, &s)), ["error"]);
    }
}
