//! `s3.public_access_blocked`: every bucket in the PHI scope has all four S3 Block Public Access
//! settings on, from the account's settings or its own (S3 applies the most restrictive), so
//! no ACL or policy, present or future, can make its ePHI public.
//!
//! A setting off where the other level was not read is a gap (the unread level may turn it on);
//! a bucket whose policy S3 judges public is named so in the failure.

use crate::checks::{Context, Finding, Outcome};

check! {
    PublicAccessBlocked = "s3.public_access_blocked",
    "Every S3 bucket holding PHI has S3 Block Public Access fully on (account or bucket)",
    severity: High => "without Block Public Access a single ACL or policy statement can expose ePHI to anyone on the internet",
    remediation: "Turn on all four Block Public Access settings for the account (aws s3control put-public-access-block --account-id ACCOUNT) or for the bucket (aws s3api put-public-access-block --bucket NAME).",
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let account = ctx.snapshot.s3.account_public_access_block.as_ref();
    Ok(super::per_bucket(ctx, |b, pointer| {
        let own_at = format!("{pointer}/public_access_block");
        let (effective, at) = match (account, &b.public_access_block) {
            (Some(a), Some(own)) => (a.or(own), own_at),
            // One level unread: what the other turns on is certain; what it leaves off is not.
            (None, Some(own)) if own.off().is_empty() => (own.clone(), own_at),
            (Some(a), None) if a.off().is_empty() => (a.clone(), "/s3/account_public_access_block".to_string()),
            (None, _) => {
                return ctx.missing(&b.arn, "/s3/account_public_access_block", &format!("the account's Block Public Access settings, which apply to bucket {},", b.name));
            }
            (Some(_), None) => {
                return ctx.missing(&b.arn, &own_at, &format!("bucket {}'s Block Public Access settings", b.name));
            }
        };
        let off = effective.off();
        if off.is_empty() {
            let from = match (account.is_some_and(|a| a.off().is_empty()), b.public_access_block.as_ref().is_some_and(|o| o.off().is_empty())) {
                (true, true) => "the account's and its own settings",
                (true, false) => "the account's settings",
                (false, true) => "its own settings",
                (false, false) => "the account's and its own settings together",
            };
            return Finding::pass(&b.arn, format!("bucket {} has Block Public Access fully on ({from})", b.name), at);
        }
        let public = match b.policy_public {
            Some(true) => "; S3 judges its bucket policy public",
            _ => "",
        };
        Finding::fail(
            &b.arn,
            format!("bucket {} has Block Public Access partly off: {} off at both the account and the bucket{public}", b.name, off.join(", ")),
            at,
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s3::fixtures::bucket;
    use crate::checks::testutil::*;
    use crate::snapshot::s3::PublicAccessBlock;

    /// All four on.
    fn all_on() -> PublicAccessBlock {
        PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }
    }

    #[test]
    fn the_account_or_the_bucket_may_block_and_what_neither_blocks_fails() {
        let mut s = snapshot();
        let mut open = bucket("open");
        open.public_access_block = Some(PublicAccessBlock::default());
        open.policy_public = Some(true);
        let mut half = bucket("half");
        half.public_access_block = Some(PublicAccessBlock {
            block_public_policy: true,
            restrict_public_buckets: true,
            ..Default::default()
        });
        s.s3.buckets = Some(vec![bucket("own"), open, half]);
        s.s3.account_public_access_block = Some(PublicAccessBlock::default());
        let f = run(&PublicAccessBlocked, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "fail"]);
        assert!(f[1].message.contains("S3 judges its bucket policy public"), "{}", f[1].message);
        assert!(f[2].message.contains("BlockPublicAcls, IgnorePublicAcls off"), "{}", f[2].message);
        // The account's settings cover every bucket.
        s.s3.account_public_access_block = Some(all_on());
        assert_eq!(statuses(&run(&PublicAccessBlocked, &s)), ["pass", "pass", "pass"]);
        // Half at the account, half at the bucket: together, fully on.
        s.s3.account_public_access_block = Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            ..Default::default()
        });
        assert_eq!(statuses(&run(&PublicAccessBlocked, &s))[2], "pass");
    }

    #[test]
    fn an_unread_level_is_a_gap_unless_the_other_blocks_everything() {
        let mut s = snapshot();
        let mut unread = bucket("unread");
        unread.public_access_block = None;
        let mut off = bucket("off");
        off.public_access_block = Some(PublicAccessBlock::default());
        s.s3.buckets = Some(vec![bucket("own"), unread, off]);
        s.s3.account_public_access_block = None;
        // Its own settings decide "own"; the others need the account's.
        assert_eq!(statuses(&run(&PublicAccessBlocked, &s)), ["pass", "error", "error"]);
        s.s3.account_public_access_block = Some(all_on());
        assert_eq!(statuses(&run(&PublicAccessBlocked, &s)), ["pass", "pass", "pass"]);
        s.s3.account_public_access_block = Some(PublicAccessBlock::default());
        assert_eq!(statuses(&run(&PublicAccessBlocked, &s)), ["pass", "error", "fail"]);
    }
}
