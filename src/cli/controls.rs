//! `safeguard controls`: the catalog, one control, the checks, the coverage table, or the PHI
//! scope.

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

/// `controls --scope [--config FILE]`: the PHI scope as a run with that configuration
/// resolves it.
pub(super) fn scope(config: Option<PathBuf>) -> Result<i32> {
    let scope = match config {
        Some(path) => crate::inputs::config::load(&path)?.scope,
        None => crate::phi_scope::PhiScope::everything(),
    };
    print!("{}", crate::text::terminal(&scope.describe()));
    Ok(0)
}
