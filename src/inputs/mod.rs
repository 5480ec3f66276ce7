//! The files a user hands in beside the evidence: attestations (`--attestations`), waivers
//! (`--waivers`) and parameters (`--config`). All YAML, validated completely before anything
//! runs; every problem in a file is reported at once, each at its line and column, and the
//! run exits 2.

pub mod attestations;
pub mod config;
pub mod waivers;

use std::path::Path;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde_saphyr::Spanned;

use crate::error::{Code, Diagnostic, Error, Result, yaml_at};

/// Defined beside the findings it qualifies (waivers apply to findings), so checks need not
/// depend on the input files.
pub use crate::verdict::Validity;
pub use attestations::{Attestation, EvidenceRef};
pub use waivers::Waiver;

/// The file's text, its structure checked against `shape` (every problem at once), then
/// parsed as `T`, with YAML errors located. `what` names the file in a message.
fn parse<T: DeserializeOwned>(
    path: &Path,
    shape: &crate::shape::Shape,
    what: &str,
) -> Result<(String, T)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    crate::shape::check(path, &text, shape, what)?;
    let value = serde_saphyr::from_str(&text).map_err(|e| crate::error::yaml_error(path, &e))?;
    Ok((text, value))
}

/// A `YYYY-MM-DD` date, or the problem at its spot.
fn date(s: &Spanned<String>, what: &str) -> Result<NaiveDate, Diagnostic> {
    NaiveDate::parse_from_str(s.value.trim(), "%Y-%m-%d").map_err(|_| {
        Diagnostic::new(
            yaml_at(s),
            Code::Date,
            format!("{what} {:?} is not a date (expected YYYY-MM-DD)", s.value),
        )
    })
}

/// A required text that must say something.
fn text(s: &Spanned<String>, what: &str) -> Result<String, Diagnostic> {
    let t = s.value.trim();
    if t.is_empty() {
        return Err(Diagnostic::new(
            yaml_at(s),
            Code::Empty,
            format!("{what} is empty"),
        ));
    }
    Ok(t.to_string())
}

/// The governance rule shared by attestations and waivers: `expires` (at `at`) is not before
/// the day it holds from, nor more than the configured number of days after it.
/// `from` is that day and how the file names it; `limit` the days, what holds, and the
/// `--config` key that sets them.
fn held_within(
    at: &Spanned<String>,
    (from, from_name): (NaiveDate, &str),
    expires: NaiveDate,
    (max_days, what, key): (u32, &str, &str),
) -> Result<(), Diagnostic> {
    let days = (expires - from).num_days();
    if expires < from {
        Err(Diagnostic::new(
            yaml_at(at),
            Code::Date,
            format!("expires {expires} is before {from_name} {from}"),
        ))
    } else if days > i64::from(max_days) {
        Err(Diagnostic::new(
            yaml_at(at),
            Code::Validity,
            format!(
                "expires {expires} is {days} days after {from_name} {from}; {what} holds at most {key} ({max_days}) days (set it in --config)"
            ),
        ))
    } else {
        Ok(())
    }
}
