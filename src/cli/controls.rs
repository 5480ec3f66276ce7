//! `safeguard controls`: the catalog, one control, the checks, or the coverage table.

use std::path::PathBuf;

use crate::app;
use crate::error::Result;

pub(super) fn controls(
    id: Option<String>,
    catalog: Option<PathBuf>,
    coverage: bool,
    checks: bool,
) -> Result<i32> {
    let catalog = app::load_catalog(catalog.as_deref())?;
    let text = if checks {
        crate::catalog::describe::list_checks()
    } else if coverage {
        crate::catalog::coverage::markdown(&catalog)
    } else {
        crate::catalog::describe::describe(&catalog, id.as_deref())?
    };
    print!("{}", crate::text::terminal(&text));
    Ok(0)
}
