//! `iam.user_unused_credentials`: passwords and access keys nobody has used recently are disabled.

use std::collections::BTreeMap;

use super::{credential_report, days_since_column, row_arn, row_pointer};
use crate::checks::{Check, CheckInfo, Context, Finding, ParamDefault, ParamSpec};
use crate::snapshot::report_flag;

pub struct UserUnusedCredentials;

static INFO: CheckInfo = CheckInfo {
    id: "iam.user_unused_credentials",
    description: "No IAM user keeps an enabled password or access key unused for longer than the allowed window",
    docs: "docs/checks.md#iam-user_unused_credentials",
    params: &[ParamSpec {
        name: "max_unused_days",
        description: "longest a credential may stay enabled without use (Prowler uses 45; Steampipe and Config 90)",
        default: ParamDefault::Int(90),
    }],
};

impl Check for UserUnusedCredentials {
    fn info(&self) -> &'static CheckInfo {
        &INFO
    }

    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding> {
        let report = match credential_report(ctx) {
            Ok(r) => r,
            Err(missing) => return vec![missing],
        };
        let limit = ctx.params.int("max_unused_days");
        report
            .users()
            .map(|(i, row)| {
                let arn = row_arn(row);
                let mut stale: Vec<(String, String)> = Vec::new(); // (reason, column)
                let mut active = 0;
                if report_flag(row, "password_enabled") == Some(true) {
                    active += 1;
                    if let Some(reason) = unused(
                        ctx,
                        row,
                        "console password",
                        "password_last_used",
                        &["password_last_changed", "user_creation_time"],
                        limit,
                    ) {
                        stale.push((reason, "password_last_used".into()));
                    }
                }
                for n in [1, 2] {
                    if report_flag(row, &format!("access_key_{n}_active")) == Some(true) {
                        active += 1;
                        let used = format!("access_key_{n}_last_used_date");
                        let rotated = format!("access_key_{n}_last_rotated");
                        if let Some(reason) = unused(
                            ctx,
                            row,
                            &format!("access key {n}"),
                            &used,
                            &[rotated.as_str(), "user_creation_time"],
                            limit,
                        ) {
                            stale.push((reason, used));
                        }
                    }
                }
                if let Some((_, column)) = stale.first() {
                    let reasons: Vec<&str> = stale.iter().map(|(r, _)| r.as_str()).collect();
                    Finding::fail(
                        arn,
                        format!("{} (limit {limit} days)", reasons.join("; ")),
                        row_pointer(i, column),
                    )
                } else if active == 0 {
                    Finding::pass(
                        arn,
                        "no enabled password or active access key",
                        row_pointer(i, "password_enabled"),
                    )
                } else {
                    Finding::pass(
                        arn,
                        format!("every enabled credential was used within {limit} days"),
                        row_pointer(i, "password_last_used"),
                    )
                }
            })
            .collect()
    }
}

/// Why a credential counts as unused, or `None` when it was used (or issued) within `limit`.
/// A never-used credential is judged by the age of its issue date (`fallbacks`, in order).
fn unused(
    ctx: &Context<'_>,
    row: &BTreeMap<String, String>,
    what: &str,
    last_used: &str,
    fallbacks: &[&str],
    limit: i64,
) -> Option<String> {
    if let Some(days) = days_since_column(ctx, row, last_used) {
        return (days > limit).then(|| format!("{what} last used {days} days ago"));
    }
    let issued = fallbacks
        .iter()
        .find_map(|c| days_since_column(ctx, row, c));
    match issued {
        Some(days) if days > limit => Some(format!("{what} never used, issued {days} days ago")),
        Some(_) => None,
        // No date at all: we cannot show it was used, so it counts as unused.
        None => Some(format!("{what} never used and its issue date is unknown")),
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
}
