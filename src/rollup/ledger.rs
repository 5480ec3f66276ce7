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
    let ledger: Ledger =
        serde_path_to_error::deserialize(de).map_err(|e| Error::from_json(path, e))?;
    // Its account ids become rows of the roll-up: only what AWS issues.
    let ids = ledger
        .planned
        .iter()
        .chain(ledger.failures.iter().map(|f| &f.account))
        .chain(ledger.packages.iter().map(|p| &p.account))
        .chain(ledger.skipped.iter().map(|s| &s.account));
    for id in ids {
        if !crate::snapshot::valid_account_id(id) {
            return Err(Error::bad_input(
                path,
                crate::error::Location::default(),
                format!("{id:?} is not an AWS account id (12 digits)"),
            ));
        }
    }
    Ok(Some(ledger))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_json_is_not_a_ledger_and_a_forged_id_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other.json");
        std::fs::write(&other, br#"{"schema": "something.else", "planned": 7}"#).unwrap();
        assert!(read(&other).unwrap().is_none());
        let forged = dir.path().join("forged.json");
        std::fs::write(
            &forged,
            format!(
                r#"{{"schema": "{SCHEMA}", "organization": "o-aaaaaaaaaa", "run": "r", "shard": null,
                    "planned": ["../../etc"], "packages": [], "failures": [], "skipped": []}}"#
            ),
        )
        .unwrap();
        assert!(
            read(&forged)
                .unwrap_err()
                .to_string()
                .contains("not an AWS account id")
        );
    }
}
