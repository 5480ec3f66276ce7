//! `s3.versioning`: every bucket in the PHI scope keeps object versions, so an overwritten or
//! deleted object can be recovered (supporting evidence for the data backup plan and for
//! integrity).

use crate::checks::{Context, Finding, Outcome};

check! {
    Versioning = "s3.versioning",
    "Every S3 bucket holding PHI has versioning enabled",
    severity: Medium => "without versions an overwrite or deletion of ePHI cannot be undone, though backups may still hold it",
    remediation: "Enable versioning on the bucket (and a lifecycle rule that expires old versions after the retention period)."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    Ok(super::per_bucket(ctx, |b, pointer| {
        let at = format!("{pointer}/versioning");
        match b.versioning.as_deref() {
            None => ctx.missing(&b.arn, &at, &format!("bucket {}'s versioning", b.name)),
            Some("Enabled") => Finding::pass(&b.arn, format!("bucket {} keeps object versions", b.name), at),
            Some("Suspended") => Finding::fail(
                &b.arn,
                format!("bucket {}'s versioning is suspended: new overwrites and deletions are not kept", b.name),
                at,
            ),
            Some(_) => Finding::fail(
                &b.arn,
                format!("bucket {} has never had versioning enabled", b.name),
                at,
            ),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s3::fixtures::bucket;
    use crate::checks::testutil::*;

    #[test]
    fn enabled_passes_suspended_and_never_fail_unread_is_a_gap() {
        let mut s = snapshot();
        let mut suspended = bucket("b2");
        suspended.versioning = Some("Suspended".into());
        let mut never = bucket("b3");
        never.versioning = Some(String::new());
        let mut unread = bucket("b4");
        unread.versioning = None;
        s.s3.buckets = Some(vec![bucket("b1"), suspended, never, unread]);
        assert_eq!(
            statuses(&run(&Versioning, &s)),
            ["pass", "fail", "fail", "error"]
        );
    }
}
