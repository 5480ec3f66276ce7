//! `safeguard run`: collect and assess one account in one step (`--org`: see `org.rs`).

use super::FailOn;
use super::args::{AwsArgs, OutputArgs};
use crate::app;
use crate::error::Result;

pub(super) fn run(aws: AwsArgs, out: OutputArgs, fail_on: FailOn) -> Result<i32> {
    let options = out.options();
    // Every input is read and checked before collecting, so a mistake in one costs no
    // collection.
    let inputs = app::load_inputs(&options)?;
    let delivery = out.delivery.delivery(
        aws.profile.as_deref(),
        aws.region.as_deref(),
        inputs.sign.as_ref(),
    )?;
    let (_, snapshot) = super::timed(&options, "collect", || {
        app::collect_snapshot(&aws.options()?)
    })?;
    let results = out.package(&snapshot, &inputs, &options, &delivery)?;
    let partial = !snapshot.gaps.is_empty() && fail_on != FailOn::Never;
    Ok(super::exit_code_for(&results, fail_on).max(i32::from(partial)))
}
