//! `iam.user_unused_credentials`: passwords and access keys nobody has used recently are disabled.

use std::collections::BTreeMap;

use super::{credential_report, days_since_column, report_bool, row_arn, row_pointer};
use crate::checks::{Context, Finding, FindingStatus, Outcome};

check! {
    UserUnusedCredentials = "iam.user_unused_credentials",
    "No IAM user keeps an enabled password or access key unused for longer than the allowed window",
    severity: Medium => "an unused credential still works, and no one notices when it is used",
    remediation: "Disable or delete passwords and access keys unused past the limit.",
    params {
        max_unused_days: int(90 in 1..=3650) "longest a credential may stay enabled without use (Prowler uses 45; Steampipe and Config 90)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let (report, unreported) = credential_report(ctx)?;
    let limit = settings.max_unused_days;
    Ok(report
        .users()
        .map(|(i, row)| {
            let arn = row_arn(row);
            let mut stale: Vec<(String, String)> = Vec::new(); // (reason, column)
            let mut unknown: Vec<(String, String)> = Vec::new();
            let mut used: Vec<String> = Vec::new();
            let mut credentials = vec![(
                "console password".to_string(),
                "password_enabled".to_string(),
                "password_last_used".to_string(),
                vec!["password_last_changed", "user_creation_time"],
            )];
            for n in [1, 2] {
                credentials.push((
                    format!("access key {n}"),
                    format!("access_key_{n}_active"),
                    format!("access_key_{n}_last_used_date"),
                    if n == 1 {
                        vec!["access_key_1_last_rotated", "user_creation_time"]
                    } else {
                        vec!["access_key_2_last_rotated", "user_creation_time"]
                    },
                ));
            }
            for (what, enabled, last_used, issued) in &credentials {
                match report_bool(row, enabled) {
                    Ok(false) => continue,
                    Ok(true) => {}
                    Err(why) => {
                        unknown.push((
                            format!("whether the {what} is enabled is unknown ({why})"),
                            enabled.clone(),
                        ));
                        continue;
                    }
                }
                match judge(ctx, row, what, last_used, issued, limit) {
                    Use::Recent(how) => used.push(how),
                    Use::Stale(why) => stale.push((why, last_used.clone())),
                    Use::Unknown(why) => unknown.push((why, last_used.clone())),
                }
            }
            if let Some((_, column)) = stale.first() {
                let reasons: Vec<&str> = stale.iter().map(|(r, _)| r.as_str()).collect();
                Finding::fail(
                    arn,
                    format!("{} (limit {limit} days)", reasons.join("; ")),
                    row_pointer(i, column),
                )
            } else if let Some((_, column)) = unknown.first() {
                let reasons: Vec<&str> = unknown.iter().map(|(r, _)| r.as_str()).collect();
                Finding::new(
                    arn,
                    FindingStatus::Error,
                    reasons.join("; "),
                    row_pointer(i, column),
                )
                .with_gap(crate::verdict::GapKind::Unrecorded)
            } else if used.is_empty() {
                Finding::pass(
                    arn,
                    "no enabled password or active access key",
                    row_pointer(i, "password_enabled"),
                )
            } else {
                Finding::pass(
                    arn,
                    format!("{} (limit {limit} days)", used.join("; ")),
                    row_pointer(i, "password_last_used"),
                )
            }
        })
        .chain(unreported)
        .collect())
}

/// How one enabled credential stands.
enum Use {
    /// Used, or issued, within the limit: says which.
    Recent(String),
    Stale(String),
    /// The report cannot show it.
    Unknown(String),
}

/// Judges one enabled credential. A never-used credential is judged by the age of its issue
/// date (`issued`, in order). A console password never used but set recently on a user who has
/// existed longer than the limit is reported as unknown: the reset may hide a dormant account.
fn judge(
    ctx: &Context<'_>,
    row: &BTreeMap<String, String>,
    what: &str,
    last_used: &str,
    issued: &[&str],
    limit: i64,
) -> Use {
    if let Some(days) = days_since_column(ctx, row, last_used) {
        return if days > limit {
            Use::Stale(format!("{what} last used {days} days ago"))
        } else {
            Use::Recent(format!("{what} used {}", ago(days)))
        };
    }
    let never = row.get(last_used).map(String::as_str).unwrap_or("absent");
    let Some((column, days)) = issued
        .iter()
        .find_map(|c| days_since_column(ctx, row, c).map(|d| (*c, d)))
    else {
        // No date at all: we cannot show it was used, so it counts as unused.
        return Use::Stale(format!("{what} never used and its issue date is unknown"));
    };
    if days > limit {
        return Use::Stale(format!("{what} never used, issued {days} days ago"));
    }
    let created = days_since_column(ctx, row, "user_creation_time");
    if column == "password_last_changed"
        && let Some(created) = created.filter(|c| *c > limit) {
            return Use::Unknown(format!(
                "{what} never used ({last_used} {never}) and set {days} days ago, on a user created {created} days ago: whether the account was dormant before the reset is unknown"
            ));
        }
    Use::Recent(format!("{what} not used yet, issued {}", ago(days)))
}

fn ago(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "1 day ago".into(),
        n => format!("{n} days ago"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::testutil::*;

    #[test]
    fn stale_and_never_used_credentials_fail() {
        let mut s = snapshot(); // collected 2026-11-01
        let rows = &mut s.iam.credential_report.as_mut().unwrap().rows;
        rows.push(report_row(
            "active",
            &[
                ("password_enabled", "true"),
                ("password_last_used", "2026-10-20T00:00:00+00:00"),
            ],
        ));
        rows.push(report_row(
            "gone",
            &[
                ("password_enabled", "true"),
                ("password_last_used", "2026-06-01T00:00:00+00:00"),
            ],
        ));
        rows.push(report_row(
            "never",
            &[
                ("access_key_1_active", "true"),
                ("access_key_1_last_rotated", "2026-01-01T00:00:00+00:00"),
            ],
        ));
        rows.push(report_row(
            "new",
            &[
                ("access_key_1_active", "true"),
                ("access_key_1_last_rotated", "2026-10-25T00:00:00+00:00"),
            ],
        ));
        rows.push(report_row("idle", &[]));
        let f = run(&UserUnusedCredentials, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "fail", "pass", "pass"]);
        assert!(
            f[1].message
                .contains("console password last used 153 days ago"),
            "{}",
            f[1].message
        );
        assert!(
            f[2].message
                .contains("access key 1 never used, issued 304 days ago"),
            "{}",
            f[2].message
        );
        assert_eq!(
            f[2].evidence,
            "/iam/credential_report/rows/2/access_key_1_last_used_date"
        );
        assert_eq!(
            statuses(&run_with(
                &UserUnusedCredentials,
                &s,
                &[("max_unused_days", ParamValue::Int(365))]
            )),
            ["pass"; 5]
        );
    }

    #[test]
    fn missing_report_is_an_error() {
        let mut s = snapshot();
        s.iam.credential_report = None;
        assert_eq!(statuses(&run(&UserUnusedCredentials, &s)), ["error"]);
    }

    #[test]
    fn what_the_report_cannot_show_is_said_never_passed() {
        let mut s = snapshot();
        let rows = &mut s.iam.credential_report.as_mut().unwrap().rows;
        rows.push(report_row("odd", &[("password_enabled", "not_supported")]));
        rows.push(report_row(
            "reset",
            &[
                ("password_enabled", "true"),
                ("password_last_used", "no_information"),
                ("password_last_changed", "2026-10-25T00:00:00+00:00"),
            ],
        ));
        rows.push(report_row(
            "newcomer",
            &[
                ("user_creation_time", "2026-10-20T00:00:00+00:00"),
                ("password_enabled", "true"),
                ("password_last_used", "no_information"),
                ("password_last_changed", "2026-10-20T00:00:00+00:00"),
            ],
        ));
        let f = run(&UserUnusedCredentials, &s);
        assert_eq!(statuses(&f), ["error", "error", "pass"]);
        assert!(
            f[0].message
                .contains("password_enabled is \"not_supported\""),
            "{}",
            f[0].message
        );
        assert!(
            f[1].message
                .contains("whether the account was dormant before the reset is unknown"),
            "{}",
            f[1].message
        );
        assert!(
            f[2].message.contains("not used yet, issued 12 days ago"),
            "{}",
            f[2].message
        );
        assert!(!f[2].message.contains("every"), "{}", f[2].message);
    }

    #[test]
    fn users_missing_from_the_report_and_stale_reports_are_gaps() {
        use crate::checks::testutil::gaad::*;
        let mut s = with_details(details(
            vec![user("alice", &[], &[], &[]), user("bob", &[], &[], &[])],
            vec![],
            vec![],
            vec![],
        ));
        // Header and root row only, while users exist.
        s.iam.credential_report.as_mut().unwrap().rows =
            vec![report_row(crate::snapshot::ROOT_ACCOUNT_USER, &[])];
        let f = run(&UserUnusedCredentials, &s);
        assert_eq!(statuses(&f), ["error", "error"]);
        assert!(
            f[0].message.contains("not in the credential report"),
            "{}",
            f[0].message
        );
        // Every such finding points where the missing row would be: one evidence gap.
        assert_eq!(f[0].evidence, "/iam/credential_report");
        assert_eq!(f[0].gap, Some(crate::verdict::GapKind::Incomplete));
        let whole = run(&super::super::credential_report::CredentialReportCheck, &s);
        assert_eq!(statuses(&whole), ["error"]);
        assert!(
            whole[0].message.contains("lacks 2 IAM user(s)"),
            "{}",
            whole[0].message
        );

        s.iam
            .credential_report
            .as_mut()
            .unwrap()
            .rows
            .push(report_row("alice", &[]));
        s.iam
            .credential_report
            .as_mut()
            .unwrap()
            .rows
            .push(report_row("bob", &[]));
        assert_eq!(statuses(&run(&UserUnusedCredentials, &s)), ["pass", "pass"]);
        assert_eq!(
            statuses(&run(
                &super::super::credential_report::CredentialReportCheck,
                &s
            )),
            ["pass"]
        );

        // Generated three days before collection: a gap for every check that reads it.
        s.iam.credential_report.as_mut().unwrap().generated_time =
            Some(crate::snapshot::AwsTime("2026-10-29T00:00:00Z".into()));
        let f = run(&UserUnusedCredentials, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert!(
            f[0].message
                .contains("is stale: generated 2026-10-29T00:00:00Z, 72 hours before collection (limit 24)"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].gap, Some(crate::verdict::GapKind::Stale));
        assert_eq!(f[0].label(), "Gap: stale");
        let relaxed = run_with(
            &super::super::credential_report::CredentialReportCheck,
            &s,
            &[("max_age_hours", ParamValue::Int(96))],
        );
        assert_eq!(statuses(&relaxed), ["pass"]);
        // A generation time that is not a time, or none at all: a gap that says which.
        s.iam.credential_report.as_mut().unwrap().generated_time =
            Some(crate::snapshot::AwsTime("yesterday".into()));
        let f = run(&UserUnusedCredentials, &s);
        assert_eq!(f[0].gap, Some(crate::verdict::GapKind::Unreadable));
        // Generated after the collection (a clock skewed, or a report from a later export):
        // within the limit, never "stale".
        s.iam.credential_report.as_mut().unwrap().generated_time =
            Some(crate::snapshot::AwsTime("2026-11-01T03:00:00Z".into()));
        assert_ne!(
            run(&UserUnusedCredentials, &s)[0].gap,
            Some(crate::verdict::GapKind::Stale)
        );
        // Two days after: a later account, not the one collected.
        s.iam.credential_report.as_mut().unwrap().generated_time =
            Some(crate::snapshot::AwsTime("2026-11-03T00:00:00Z".into()));
        let f = run(&UserUnusedCredentials, &s);
        assert_eq!(f[0].gap, Some(crate::verdict::GapKind::Stale));
        assert!(f[0].message.contains("48 hours after the evidence was collected"), "{}", f[0].message);
        s.iam.credential_report.as_mut().unwrap().generated_time = None;
        let f = run(&UserUnusedCredentials, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert_eq!(f[0].gap, Some(crate::verdict::GapKind::Incomplete));
    }
}
