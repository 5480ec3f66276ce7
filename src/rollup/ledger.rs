//! The run ledger (`safeguard.org-run.v1`): what one `run --org` (or one shard of it) planned,
//! which packages it wrote and which accounts failed and why. `aggregate` reads ledgers so that
//! an account whose collection failed, or whose shard never finished, is a named gap in the
//! roll-up rather than silently missing. Written to `<output>/org-<id>/runs/<run>.json`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const SCHEMA: &str = "safeguard.org-run.v1";

/// Far above any organization's ledger (AWS caps an organization at a few thousand accounts).
const MAX_LEDGER_BYTES: u64 = 32 << 20;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Ledger {
    pub schema: String,
    pub organization: String,
    /// The run id (`<UTC timestamp>` and, when sharded, `-shard-<i>-of-<n>`).
    pub run: String,
    /// `I/N` when the run was one shard.
    pub shard: Option<String>,
    /// The accounts this run set out to assess.
    pub planned: Vec<String>,
    pub packages: Vec<LedgerPackage>,
    pub failures: Vec<LedgerFailure>,
    /// Accounts left out before any call: suspended or closing, or excluded by the user.
    pub skipped: Vec<LedgerSkip>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LedgerPackage {
    pub account: String,
    pub package: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LedgerFailure {
    pub account: String,
    pub name: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LedgerSkip {
    pub account: String,
    pub name: Option<String>,
    pub reason: String,
}

/// A ledger, or `None` for a JSON file in a `runs/` folder that is not one.
pub fn read(path: &Path) -> Result<Option<Ledger>> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() || meta.len() > MAX_LEDGER_BYTES {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    #[derive(Deserialize)]
    struct Head {
        schema: String,
    }
    match serde_json::from_slice::<Head>(&bytes) {
        Ok(h) if h.schema == SCHEMA => {}
        _ => return Ok(None),
    }
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(de)
        .map(Some)
        .map_err(|e| Error::from_json(path, e))
}

/// Writes the ledger under `<org_dir>/runs/`, atomically.
pub fn write(org_dir: &Path, ledger: &Ledger) -> Result<PathBuf> {
    let dir = org_dir.join("runs");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join(format!("{}.json", ledger.run));
    let mut bytes = serde_json::to_vec_pretty(ledger).expect("ledger serializes");
    bytes.push(b'\n');
    crate::app::write_atomically(&path, &bytes)?;
    Ok(path)
}
