//! `safeguard collect`: the account read live with the AWS SDK → snapshot.json.

use std::path::PathBuf;

use super::args::AwsArgs;
use super::say::write_snapshot;
use crate::app;
use crate::error::Result;

pub(super) fn collect(aws: AwsArgs, output: PathBuf) -> Result<i32> {
    let (collection, snapshot) = app::collect_snapshot(&aws.options()?)?;
    write_snapshot(
        &output,
        &snapshot,
        Some(collection.calls.values().sum::<usize>()),
    )?;
    // A partial collection is not a clean one: say so in the exit code.
    Ok(if snapshot.gaps.is_empty() { 0 } else { 1 })
}
