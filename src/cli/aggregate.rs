//! `safeguard aggregate`: account packages (and run ledgers) rolled up into one organization
//! package.

use std::path::PathBuf;

use super::DeliveryArgs;
use crate::app;
use crate::error::Result;

pub(super) fn aggregate(
    dirs: Vec<PathBuf>,
    output: PathBuf,
    format: Vec<crate::render::Format>,
    quiet: bool,
    profile_phases: bool,
    delivery: DeliveryArgs,
) -> Result<i32> {
    if delivery.security_hub {
        return Err(crate::error::Error::Usage(
            "--security-hub imports an account's findings; a roll-up has none (import each account's package with `run` or `assess`)".into(),
        ));
    }
    let delivery = delivery.delivery(None, None, None)?;
    let phases = crate::phases::Phases::default();
    let formats = app::parse_formats_of(
        &format,
        &[
            crate::render::Format::Md,
            crate::render::Format::Pdf,
            crate::render::Format::Json,
            crate::render::Format::Csv,
        ],
        "a roll-up",
    )?;
    let found = phases.time("find", || crate::rollup::find(&dirs))?;
    if found.packages.is_empty() && found.ledgers.is_empty() {
        return Err(crate::error::Error::Usage(format!(
            "no evidence package (a folder with manifest.json) or run ledger under {}",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let rollup = phases.time("verify and read", || crate::rollup::build(&found))?;
    let dir = phases.time("write", || {
        crate::rollup::render::write(&output, &rollup, &formats, crate::clock::generated_at())
    })?;
    if profile_phases {
        crate::say_err!("{}", phases.line());
    }
    if quiet {
        crate::say!("{}", dir.display());
    } else {
        for line in crate::rollup::render::overview(&rollup) {
            crate::say!("{line}");
        }
        for f in &rollup.failed {
            crate::say!("  NO PACKAGE {}: {}", f.account, f.reason);
        }
        for x in &rollup.excluded {
            crate::say!("  LEFT OUT {}: {}", x.package, x.reason);
        }
        crate::say!("roll-up: {}", dir.display());
    }
    let folder = match &rollup.organization {
        Some(id) => format!("org-{id}"),
        None => "org-rollup".into(),
    };
    delivery.deliver(&dir, &folder, None, quiet)?;
    Ok(i32::from(!rollup.is_complete()))
}
