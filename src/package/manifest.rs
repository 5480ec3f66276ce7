//! The manifest: the list of a package's files with their hashes, and what the package is of.
//!
//! safeguard writes three kinds of package, told apart by the manifest's `schema`: an
//! account's evidence package, an organization roll-up (`aggregate`) and an account's trend
//! report (`history`). [`Manifest`] is the one place that tells them apart; `verify`, `sign`
//! and every reader match on it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

/// An account package's manifest schema (the layout is in the README).
pub const MANIFEST_SCHEMA: &str = "safeguard.manifest.v1";
/// An organization roll-up's manifest (`aggregate`): the same file list, no snapshot.
pub const ROLLUP_MANIFEST_SCHEMA: &str = "safeguard.rollup-manifest.v1";
/// An account's trend report's manifest (`history`): the same file list, no snapshot.
pub const HISTORY_MANIFEST_SCHEMA: &str = "safeguard.history-manifest.v1";

/// A manifest lists files and hashes; far below this even for the largest accounts.
pub(crate) const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// Which package a manifest describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An account's evidence package (`assess`, `run`, `demo`).
    Account,
    /// An organization roll-up (`aggregate`).
    Rollup,
    /// An account's trend report (`history`).
    History,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Account, Kind::Rollup, Kind::History];

    pub fn schema(self) -> &'static str {
        match self {
            Kind::Account => MANIFEST_SCHEMA,
            Kind::Rollup => ROLLUP_MANIFEST_SCHEMA,
            Kind::History => HISTORY_MANIFEST_SCHEMA,
        }
    }

    /// The kind a schema names (`None`: not a manifest this version writes).
    pub(crate) fn of_schema(schema: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.schema() == schema)
    }

    /// What a person calls it.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Account => "an account's evidence package",
            Kind::Rollup => "an organization roll-up",
            Kind::History => "a trend report",
        }
    }
}

/// A package's manifest, by kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Manifest {
    // Boxed: the account's manifest is the largest and one is held per package read.
    Account(Box<AccountManifest>),
    Rollup(RollupManifest),
    History(HistoryManifest),
}

impl Manifest {
    /// Reads a manifest: its schema picks the kind, and every error is at its JSON pointer.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Manifest> {
        let schema = schema_of(bytes).unwrap_or_default();
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        let typed = |e| Error::from_json(path, e);
        Ok(match Kind::of_schema(&schema) {
            Some(Kind::Account) => Manifest::Account(Box::new(
                serde_path_to_error::deserialize(de).map_err(typed)?,
            )),
            Some(Kind::Rollup) => {
                Manifest::Rollup(serde_path_to_error::deserialize(de).map_err(typed)?)
            }
            Some(Kind::History) => {
                Manifest::History(serde_path_to_error::deserialize(de).map_err(typed)?)
            }
            None => {
                return Err(Error::bad_input(
                    path,
                    Location {
                        pointer: Some("/schema".into()),
                        ..Default::default()
                    },
                    format!(
                        "unknown manifest schema {:?} (expected {MANIFEST_SCHEMA:?}, {ROLLUP_MANIFEST_SCHEMA:?} or {HISTORY_MANIFEST_SCHEMA:?})",
                        crate::text::line(&schema)
                    ),
                ));
            }
        })
    }

    pub fn kind(&self) -> Kind {
        match self {
            Manifest::Account(_) => Kind::Account,
            Manifest::Rollup(_) => Kind::Rollup,
            Manifest::History(_) => Kind::History,
        }
    }

    pub fn files(&self) -> &[ManifestFile] {
        match self {
            Manifest::Account(m) => &m.files,
            Manifest::Rollup(m) => &m.files,
            Manifest::History(m) => &m.files,
        }
    }

    /// When the package was written.
    pub fn created_at(&self) -> &str {
        match self {
            Manifest::Account(m) => &m.created_at,
            Manifest::Rollup(m) => &m.created_at,
            Manifest::History(m) => &m.created_at,
        }
    }

    /// Whom the package is of: the account, or the organization of a roll-up.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Manifest::Account(m) => Some(&m.account.id),
            Manifest::Rollup(m) => m.organization.as_deref(),
            Manifest::History(m) => Some(&m.account),
        }
    }

    /// The pretty JSON written as manifest.json (without the final newline).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("manifest serializes")
    }
}

/// The `schema` of a manifest's bytes, when they are a JSON object that has one.
pub(crate) fn schema_of(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Head {
        schema: String,
    }
    serde_json::from_slice::<Head>(bytes).ok().map(|h| h.schema)
}

/// An account package's manifest (the layout is in the README).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AccountManifest {
    pub schema: String,
    pub tool: crate::results::Tool,
    /// When the package was written (the only field that differs between two runs on the same
    /// snapshot and catalog).
    pub created_at: String,
    pub account: crate::results::AccountRef,
    pub snapshot: crate::results::SnapshotRef,
    pub catalog: crate::results::CatalogRef,
    pub files: Vec<ManifestFile>,
}

/// The manifest of an organization roll-up (docs/organizations.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RollupManifest {
    pub schema: String,
    pub tool: crate::results::Tool,
    /// When the roll-up was written (the only field that differs between two runs over the
    /// same packages).
    pub created_at: String,
    pub organization: Option<String>,
    /// Account packages rolled up.
    pub accounts: usize,
    pub files: Vec<ManifestFile>,
}

/// The manifest of an account's trend report (docs/scheduled-snapshots.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryManifest {
    pub schema: String,
    pub tool: crate::results::Tool,
    /// When the report was written (the only field that differs between two runs over the
    /// same packages).
    pub created_at: String,
    pub account: String,
    /// Packages read.
    pub runs: usize,
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_round_trips_through_its_schema() {
        for k in Kind::ALL {
            assert_eq!(Kind::of_schema(k.schema()), Some(k));
        }
        assert_eq!(Kind::of_schema("safeguard.manifest.v0"), None);
    }

    #[test]
    fn an_unknown_schema_is_refused_at_its_pointer() {
        let e = Manifest::parse(Path::new("m.json"), br#"{"schema":"x","files":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/schema") && e.contains("unknown manifest schema"),
            "{e}"
        );
        let e = Manifest::parse(
            Path::new("m.json"),
            br#"{"schema":"safeguard.rollup-manifest.v1","tool":{"name":"s","version":"1"},"created_at":"x","organization":null,"accounts":"two","files":[]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("/accounts"), "{e}");
    }
}
