//! `safeguard import`: an AWS CLI export folder → snapshot.json.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::say::{say_collected_at, write_snapshot};
use crate::error::Result;
use crate::import::{ImportOptions, import_dir};

pub(super) fn import(
    dir: PathBuf,
    output: PathBuf,
    collected_at: Option<DateTime<Utc>>,
) -> Result<i32> {
    let snapshot = import_dir(&dir, &ImportOptions { collected_at })?;
    say_collected_at(&snapshot);
    write_snapshot(&output, &snapshot, None)?;
    Ok(0)
}
