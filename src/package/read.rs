//! Reading packages: the one way `diff`, `--previous`/`--history`, `history`, `aggregate`,
//! `sign` and upload find a package, verify it and read its results.
//!
//! A package is read only once it verifies ([`Package::open`]); what is not read is
//! [`Rejected`], with one wording per reason wherever it is said.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::DeserializeOwned;

use super::manifest::{Kind, MAX_MANIFEST_BYTES, Manifest, schema_of};
use super::verify::{Verification, check, read_package_file};
use super::{MANIFEST, SIGNATURE};
use crate::error::{Error, Location, Result};

/// The results file of an account package.
pub const RESULTS: &str = "results.json";

/// Why a package is not read.
#[derive(Debug)]
pub enum Rejected {
    /// Its manifest is missing, unreadable or not a safeguard manifest.
    Unverifiable(Error),
    /// Files are missing, altered, extra, or disagree with the manifest.
    FailsVerification(Vec<String>),
    /// Another kind of package than the command reads.
    WrongKind { found: Kind, expected: Kind },
    /// No results.json: written without `--format json`.
    NoResults,
    /// results.json of a schema an earlier safeguard wrote.
    OlderResults(String),
    /// results.json that does not parse, or holds a value safeguard would not write.
    BadResults {
        pointer: Option<String>,
        message: String,
    },
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejected::Unverifiable(e) => write!(f, "cannot be verified: {e}"),
            Rejected::FailsVerification(problems) => {
                // The first few: a tampered package of thousands of files is one line.
                const SHOWN: usize = 3;
                write!(f, "fails verification: ")?;
                let shown: Vec<&str> = problems.iter().take(SHOWN).map(String::as_str).collect();
                write!(f, "{}", shown.join("; "))?;
                if problems.len() > SHOWN {
                    write!(f, "; and {} more", problems.len() - SHOWN)?;
                }
                Ok(())
            }
            Rejected::WrongKind { found, expected } => {
                write!(f, "is {}, not {}", found.describe(), expected.describe())
            }
            Rejected::NoResults => {
                write!(
                    f,
                    "has no results.json (it was written without --format json)"
                )
            }
            Rejected::OlderResults(schema) => write!(
                f,
                "results.json is {}, which this version does not read (re-run `assess` on its snapshot.json)",
                crate::text::line(schema)
            ),
            Rejected::BadResults { pointer, message } => match pointer {
                Some(p) if !p.is_empty() => write!(f, "results.json at {p}: {message}"),
                _ => write!(f, "results.json {message}"),
            },
        }
    }
}

impl Rejected {
    /// The error a command that reads one package stops with (exit 2), at the file and JSON
    /// pointer when there is one.
    pub(crate) fn into_error(self, dir: &Path) -> Error {
        match self {
            Rejected::Unverifiable(e) => e,
            Rejected::BadResults { pointer, message } => Error::bad_input(
                dir.join(RESULTS),
                Location {
                    pointer,
                    ..Default::default()
                },
                format!("{message} (not read)"),
            ),
            other => Error::bad_input(dir, Location::default(), other.to_string()),
        }
    }
}

impl From<super::trust::Untrusted> for Rejected {
    fn from(u: super::trust::Untrusted) -> Self {
        Rejected::BadResults {
            pointer: Some(u.pointer),
            message: u.message,
        }
    }
}

/// A package that verified: every listed file matches, nothing unlisted, its files agree.
#[derive(Debug)]
pub struct Package {
    dir: PathBuf,
    manifest: Manifest,
    manifest_sha256: String,
}

impl Package {
    /// Verifies the package at `dir` and reads its manifest. A package that fails any check
    /// of `verify` (its signature's agreement included) is rejected.
    pub fn open(dir: &Path) -> std::result::Result<Package, Rejected> {
        let (manifest, v) = check(dir).map_err(Rejected::Unverifiable)?;
        if !v.is_intact() {
            return Err(Rejected::FailsVerification(v.problems()));
        }
        Ok(Package::of(dir, manifest, v))
    }

    /// [`Package::open`], for a command that reads one kind of package.
    pub(crate) fn open_kind(dir: &Path, expected: Kind) -> std::result::Result<Package, Rejected> {
        let p = Package::open(dir)?;
        match p.manifest.kind() {
            found if found == expected => Ok(p),
            found => Err(Rejected::WrongKind { found, expected }),
        }
    }

    /// A package whose files match though its signature.json may not describe it: what
    /// `sign` replaces. Every other problem rejects it.
    pub(crate) fn open_to_sign(dir: &Path) -> std::result::Result<Package, Rejected> {
        let (manifest, v) = check(dir).map_err(Rejected::Unverifiable)?;
        if !v.files_intact() {
            let mut problems = v.problems();
            problems.retain(|p| !v.signature.contains(p));
            return Err(Rejected::FailsVerification(problems));
        }
        Ok(Package::of(dir, manifest, v))
    }

    fn of(dir: &Path, manifest: Manifest, v: Verification) -> Package {
        Package {
            dir: dir.to_path_buf(),
            manifest,
            manifest_sha256: v.manifest_sha256,
        }
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// SHA-256 of manifest.json: what a roll-up, a diff or a signature names the package by.
    pub fn manifest_sha256(&self) -> &str {
        &self.manifest_sha256
    }

    /// Reads a listed file as verify read it: contained, regular, no larger than listed.
    pub fn read(&self, path: &str) -> std::result::Result<Option<Vec<u8>>, Rejected> {
        let Some(listed) = self.manifest.files().iter().find(|f| f.path == path) else {
            return Ok(None);
        };
        read_package_file(&self.dir, path, listed.size).map_err(|why| {
            Rejected::FailsVerification(vec![format!("{path} cannot be read: {why}")])
        })
    }

    /// results.json's bytes (an account package only).
    pub(crate) fn results_bytes(&self) -> std::result::Result<Vec<u8>, Rejected> {
        if self.manifest.kind() != Kind::Account {
            return Err(Rejected::WrongKind {
                found: self.manifest.kind(),
                expected: Kind::Account,
            });
        }
        self.read(RESULTS)?.ok_or(Rejected::NoResults)
    }

    /// results.json, read into `T` (the whole [`crate::results::Results`], or the part a
    /// reader needs) after its schema is checked.
    pub fn results<T: DeserializeOwned>(&self) -> std::result::Result<T, Rejected> {
        parse_results(&self.results_bytes()?)
    }
}

/// results.json of the current schema, read into `T`; an older schema, a wrong one, or a
/// value of the wrong type is rejected at its JSON pointer. What the package's hashes cannot
/// show (that its values are ones safeguard writes) is the caller's `package::trust` check.
pub fn parse_results<T: DeserializeOwned>(bytes: &[u8]) -> std::result::Result<T, Rejected> {
    let schema = schema_of(bytes);
    match schema.as_deref() {
        Some(crate::results::SCHEMA) => {}
        Some(s) if crate::results::OLDER_SCHEMAS.contains(&s) => {
            return Err(Rejected::OlderResults(s.to_string()));
        }
        other => {
            let found = other.map_or_else(
                || "no schema".to_string(),
                |s| format!("schema {:?}", crate::text::line(s)),
            );
            return Err(Rejected::BadResults {
                pointer: Some("/schema".into()),
                message: format!(
                    "is not safeguard results: {found}, expected {:?}",
                    crate::results::SCHEMA
                ),
            });
        }
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let pointer = crate::error::json_pointer_of(e.path());
        Rejected::BadResults {
            pointer,
            message: crate::error::json_message(&e.into_inner()),
        }
    })
}

/// What a search below some folders found.
#[derive(Debug, Default)]
pub struct Found {
    /// Folders holding a manifest.json, with the kind it names (`None`: unreadable or not a
    /// manifest safeguard writes; verification says why).
    pub packages: Vec<(PathBuf, Option<Kind>)>,
    /// Run ledgers of `run --org`: `*.json` files in folders named `runs`.
    pub ledgers: Vec<PathBuf>,
}

impl Found {
    /// The folders that may be `kind` packages: those of that kind, and those whose manifest
    /// cannot tell (so that verification says why they are left out).
    pub(crate) fn of_kind(&self, kind: Kind) -> Vec<PathBuf> {
        self.packages
            .iter()
            .filter(|(_, k)| k.is_none_or(|k| k == kind))
            .map(|(p, _)| p.clone())
            .collect()
    }
}

/// Finds packages and run ledgers below `roots` (each a package or a folder of them), at most
/// `depth` folders down. A package's folder is not searched further. Symbolic links are not
/// followed and hidden folders (packages still being written) are skipped.
pub fn discover(roots: &[PathBuf], depth: usize) -> Result<Found> {
    let mut found = Found::default();
    for root in roots {
        let meta = std::fs::symlink_metadata(root).map_err(|e| Error::io(root, e))?;
        if !meta.is_dir() {
            return Err(Error::bad_input(
                root,
                Location::default(),
                "not a folder: expected a package folder or a folder of packages (reports/)",
            ));
        }
        walk(root, depth, &mut found)?;
    }
    found.packages.sort();
    found.packages.dedup();
    found.ledgers.sort();
    found.ledgers.dedup();
    Ok(found)
}

fn walk(dir: &Path, depth: usize, found: &mut Found) -> Result<()> {
    // Any manifest.json makes a package, even one that is a link or a FIFO: it is then left
    // out with verify's reason, never silently passed over.
    if std::fs::symlink_metadata(dir.join(MANIFEST)).is_ok() {
        found.packages.push((dir.to_path_buf(), kind_of(dir)));
        return Ok(());
    }
    if depth == 0 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().map_err(|e| Error::io(dir, e))?;
        if name.starts_with('.') || kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            walk(&entry.path(), depth - 1, found)?;
        } else if kind.is_file()
            && name.ends_with(".json")
            && dir.file_name().is_some_and(|n| n == "runs")
        {
            found.ledgers.push(entry.path());
        }
    }
    Ok(())
}

/// The kind a package's manifest names, read as verify reads it (no link, regular, bounded).
fn kind_of(dir: &Path) -> Option<Kind> {
    let bytes = read_package_file(dir, MANIFEST, MAX_MANIFEST_BYTES).ok()??;
    Kind::of_schema(&schema_of(&bytes)?)
}

/// Reads a package's manifest without verifying the files: what a search that verifies only
/// the packages it needs reads first. `None`: no readable manifest.
pub fn peek(dir: &Path) -> Option<Manifest> {
    let bytes = read_package_file(dir, MANIFEST, MAX_MANIFEST_BYTES).ok()??;
    Manifest::parse(&dir.join(MANIFEST), &bytes).ok()
}

/// Whether `dir` holds something named signature.json (never followed: one that is not a
/// regular file is a problem `verify` reports).
pub fn is_signed(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(SIGNATURE)).is_ok()
}

/// `read(item)` for every item, on every core (at most `max_workers` threads), in order:
/// verifying and reading hundreds of packages is disk- and hash-bound.
pub fn read_all<I: Sync, T: Send>(
    items: &[I],
    max_workers: usize,
    read: impl Fn(&I) -> T + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(max_workers)
        .min(items.len())
        .max(1);
    let mut read_items: Vec<(usize, T)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, read(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    read_items.sort_by_key(|(i, _)| *i);
    read_items.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rejection_has_one_wording() {
        let many = Rejected::FailsVerification((0..5).map(|i| format!("missing f{i}")).collect());
        assert_eq!(
            many.to_string(),
            "fails verification: missing f0; missing f1; missing f2; and 2 more"
        );
        let kind = Rejected::WrongKind {
            found: Kind::Rollup,
            expected: Kind::Account,
        };
        assert_eq!(
            kind.to_string(),
            "is an organization roll-up, not an account's evidence package"
        );
        assert!(
            Rejected::OlderResults("safeguard.results.v1".into())
                .to_string()
                .contains("re-run `assess`")
        );
    }

    #[test]
    fn results_of_another_schema_or_type_are_rejected_at_their_pointer() {
        let older = parse_results::<serde_json::Value>(br#"{"schema":"safeguard.results.v1"}"#);
        assert!(matches!(older, Err(Rejected::OlderResults(_))));
        let none = parse_results::<serde_json::Value>(b"[1]").unwrap_err();
        assert_eq!(
            none.to_string(),
            "results.json at /schema: is not safeguard results: no schema, expected \"safeguard.results.v2\""
        );
        #[derive(Debug, serde::Deserialize)]
        struct Head {
            #[expect(dead_code, reason = "read to check its type")]
            account: Id,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Id {
            #[expect(dead_code, reason = "read to check its type")]
            id: String,
        }
        let typed =
            parse_results::<Head>(br#"{"schema":"safeguard.results.v2","account":{"id":7}}"#)
                .unwrap_err();
        assert!(
            typed
                .to_string()
                .starts_with("results.json at /account/id: invalid type"),
            "{typed}"
        );
    }

    #[test]
    fn every_item_is_read_once_and_in_order() {
        let items: Vec<usize> = (0..100).collect();
        assert_eq!(
            read_all(&items, 8, |i| i * 2),
            (0..100).map(|i| i * 2).collect::<Vec<_>>()
        );
        assert!(read_all(&[] as &[usize], 8, |i| *i).is_empty());
    }
}
