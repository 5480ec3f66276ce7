//! `iam.user_access_key_rotation`: active access keys are rotated within the allowed age.

use super::{credential_report, days_since_column, report_bool, row_arn, row_pointer};
use crate::checks::{Context, Finding, FindingStatus, Outcome};

check! {
    UserAccessKeyRotation = "iam.user_access_key_rotation",
    "Every active IAM user access key is rotated within the allowed age",
    severity: Medium => "an old key has had longer to leak, and a leaked one keeps working",
    remediation: "Rotate access keys older than the limit, or replace them with roles.",
    params {
        max_age_days: int(90 in 1..=3650) "oldest allowed age of an active access key",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let (report, unreported) = credential_report(ctx)?;
    let max_age = settings.max_age_days;
    let mut out = Vec::new();
    for (i, row) in report.users() {
        let arn = row_arn(row);
        let mut active = 0;
        for n in [1, 2] {
            let column = format!("access_key_{n}_active");
            match report_bool(row, &column) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(why) => {
                    active += 1;
                    out.push(Finding::new(
                        format!("{arn}#access_key_{n}"),
                        FindingStatus::Error,
                        format!("cannot tell whether access key {n} is active: {why}"),
                        row_pointer(i, &column),
                    ));
                    continue;
                }
            }
            active += 1;
            let column = format!("access_key_{n}_last_rotated");
            let resource = format!("{arn}#access_key_{n}");
            out.push(match days_since_column(ctx, row, &column) {
                None => Finding::new(
                    resource,
                    FindingStatus::Error,
                    format!("access key {n} is active but its rotation date is unreadable"),
                    row_pointer(i, &column),
                ),
                Some(age) if age > max_age => Finding::fail(
                    resource,
                    format!("access key {n} is {age} days old (limit {max_age})"),
                    row_pointer(i, &column),
                ),
                Some(age) => Finding::pass(
                    resource,
                    format!("access key {n} is {age} days old (limit {max_age})"),
                    row_pointer(i, &column),
                ),
            });
        }
        if active == 0 {
            out.push(Finding::not_applicable(
                arn,
                "no active access keys",
                row_pointer(i, "access_key_1_active"),
            ));
        }
    }
    out.extend(unreported);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::testutil::*;

    #[test]
    fn old_keys_fail_young_keys_pass_as_of_collection_time() {
        let mut s = snapshot(); // collected 2026-11-01
        let rows = &mut s.iam.credential_report.as_mut().unwrap().rows;
        rows.push(report_row(
            "fresh",
            &[
                ("access_key_1_active", "true"),
                ("access_key_1_last_rotated", "2026-10-01T00:00:00+00:00"),
            ],
        ));
        rows.push(report_row(
            "stale",
            &[
                ("access_key_2_active", "true"),
                ("access_key_2_last_rotated", "2025-10-01T00:00:00+00:00"),
            ],
        ));
        rows.push(report_row("none", &[]));
        let f = run(&UserAccessKeyRotation, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "not_applicable"]);
        assert_eq!(
            f[1].resource,
            "arn:aws:iam::123456789012:user/stale#access_key_2"
        );
        assert!(f[1].message.contains("396 days old"), "{}", f[1].message);
        assert_eq!(
            statuses(&run_with(
                &UserAccessKeyRotation,
                &s,
                &[("max_age_days", ParamValue::Int(400))]
            )),
            ["pass", "pass", "not_applicable"]
        );
    }

    #[test]
    fn missing_report_is_an_error() {
        let mut s = snapshot();
        s.iam.credential_report = None;
        assert_eq!(statuses(&run(&UserAccessKeyRotation, &s)), ["error"]);
    }
}
