//! `safeguard demo`: the bundled example account, assessed into a package.

use std::path::PathBuf;

use super::args::OutputArgs;
use crate::app::{self, PackageOptions};
use crate::error::Result;
use crate::import::{ImportOptions, import_dir};

pub(super) fn demo(out: OutputArgs, example: Option<PathBuf>) -> Result<i32> {
    let dir = example.unwrap_or_else(app::default_example);
    // The example's own attestations, waivers and parameters, unless others are given.
    let mut options = PackageOptions {
        example: true,
        ..out.options().with_example_inputs(&dir)
    };
    // The demo shows every output, the OCSF feed too (assess and run leave it to --format).
    if options.format.is_empty() {
        options.format = crate::render::Format::ALL.to_vec();
    }
    let inputs = app::load_inputs(&options)?;
    let delivery = out.delivery.delivery(None, None, inputs.sign.as_ref())?;
    let snapshot = super::timed(&options, "import", || {
        import_dir(&dir, &ImportOptions::default())
    })?;
    out.package(&snapshot, &inputs, &options, &delivery)?;
    if !out.quiet {
        println!();
        crate::say!(
            "This was the bundled example account: its failures are deliberate, and `demo` exits 0 once the package is written."
        );
    }
    Ok(0)
}
