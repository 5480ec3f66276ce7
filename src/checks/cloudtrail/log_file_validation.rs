//! `cloudtrail.log_file_validation`: every trail writes digest files, so tampering is detectable.

use super::per_trail;
use crate::checks::{Context, Finding, Outcome};

check! {
    LogFileValidation = "cloudtrail.log_file_validation",
    "Every CloudTrail trail has log file integrity validation enabled",
    severity: Medium => "without digests, an altered or deleted log file cannot be proven",
    remediation: "Enable log file validation on every trail."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    Ok(per_trail(ctx, "no log file is integrity-validated", |t, ptr| {
        let ptr = format!("{ptr}/trail/LogFileValidationEnabled");
        if t.trail.log_file_validation_enabled {
            Finding::pass(&t.trail.trail_arn, "log file validation enabled", ptr)
        } else {
            Finding::fail(
                &t.trail.trail_arn,
                "log file validation disabled: log files can be altered or deleted undetected",
                ptr,
            )
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::fixtures::trail;
    use crate::checks::testutil::*;

    #[test]
    fn each_trail_is_judged_and_no_trail_fails() {
        let mut s = snapshot();
        assert_eq!(statuses(&run(&LogFileValidation, &s)), ["fail"]);
        let mut bad = trail("b", false);
        bad.trail.log_file_validation_enabled = false;
        s.cloudtrail.trails = vec![trail("a", true), bad];
        let f = run(&LogFileValidation, &s);
        assert_eq!(statuses(&f), ["pass", "fail"]);
        assert_eq!(
            f[1].evidence,
            "/cloudtrail/trails/1/trail/LogFileValidationEnabled"
        );
    }

    #[test]
    fn an_unlisted_region_is_an_error() {
        let mut s = snapshot();
        s.cloudtrail.regions.insert("us-east-1".into(), None);
        with_gap(&mut s, "/cloudtrail/regions/us-east-1");
        let f = run(&LogFileValidation, &s);
        assert_eq!(statuses(&f), ["error"]);
        assert!(f[0].message.contains("AccessDenied"));
    }
}
