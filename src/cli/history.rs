//! `safeguard history DIR`: the trend of an account's packages.

use std::path::PathBuf;

use crate::app;
use crate::error::Result;

pub(super) fn history(
    dir: PathBuf,
    output: PathBuf,
    format: Vec<crate::render::Format>,
    quiet: bool,
) -> Result<i32> {
    let started = std::time::Instant::now();
    let formats = app::parse_formats_of(
        &format,
        &[
            crate::render::Format::Md,
            crate::render::Format::Pdf,
            crate::render::Format::Json,
        ],
        "a history (besides its chart)",
    )?;
    let history = crate::history::build(&dir)?;
    if history.runs.is_empty() {
        for x in &history.excluded {
            crate::say_err!("  LEFT OUT {}: {}", x.package, x.reason);
        }
        return Err(crate::error::Error::Usage(format!(
            "no intact package under {} (every one was left out)",
            dir.display()
        )));
    }
    let out =
        crate::history::render::write(&output, &history, &formats, crate::clock::generated_at())?;
    if quiet {
        crate::say!("{}", out.display());
    } else {
        for line in crate::history::render::overview(&history) {
            crate::say!("{line}");
        }
        for x in &history.excluded {
            crate::say!("  LEFT OUT {}: {}", x.package, x.reason);
        }
        crate::say!(
            "history: {} ({} package(s) in {:.2} s)",
            out.display(),
            history.runs.len() + history.excluded.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(i32::from(!history.excluded.is_empty()))
}
