//! `safeguard assess`: an export folder or snapshot.json → an evidence package.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::FailOn;
use super::args::OutputArgs;
use super::say::say_collected_at;
use crate::app;
use crate::error::{Error, Result};
use crate::import::{ImportOptions, import_dir};
use crate::snapshot::Snapshot;

pub(super) fn assess(
    input: PathBuf,
    out: OutputArgs,
    collected_at: Option<DateTime<Utc>>,
    fail_on: FailOn,
) -> Result<i32> {
    if collected_at.is_some() && !input.is_dir() {
        return Err(Error::Usage(format!(
            "--collected-at applies to an export folder; {} already says when it was collected",
            input.display()
        )));
    }
    let options = out.options();
    let inputs = app::load_inputs(&options)?;
    let delivery = out.delivery.delivery(None, None, inputs.sign.as_ref())?;
    let snapshot = super::timed(&options, "import", || {
        if input.is_dir() {
            import_dir(&input, &ImportOptions { collected_at })
        } else {
            Snapshot::read(&input)
        }
    })?;
    say_collected_at(&snapshot);
    let results = out.package(&snapshot, &inputs, &options, &delivery)?;
    Ok(super::exit_code_for(&results, fail_on))
}
