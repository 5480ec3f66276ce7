//! `safeguard diff OLD NEW`: what changed between two packages of one account.

use std::io::Write;
use std::path::PathBuf;

use super::DiffFormat;
use crate::app;
use crate::error::Result;

pub(super) fn diff(
    old: PathBuf,
    new: PathBuf,
    format: DiffFormat,
    output: Option<PathBuf>,
) -> Result<i32> {
    let drift = crate::drift::compare(&crate::drift::load(&old)?, &crate::drift::load(&new)?)?;
    let bytes = match format {
        DiffFormat::Md => crate::drift::render::markdown(&drift).into_bytes(),
        DiffFormat::Json => crate::drift::render::json(&drift),
    };
    match &output {
        Some(path) => {
            app::write_atomically(path, &bytes)?;
            crate::say_err!(
                "wrote {}: {}",
                path.display(),
                if drift.is_worse() {
                    drift.worse.join("; ")
                } else {
                    "nothing got worse".into()
                }
            );
        }
        None => {
            let _ = std::io::stdout().lock().write_all(&bytes);
        }
    }
    Ok(i32::from(drift.is_worse()))
}
