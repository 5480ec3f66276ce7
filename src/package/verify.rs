//! `safeguard verify`: every listed file re-hashed, nothing unlisted, and the files that
//! describe the collection agreeing with the manifest.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::manifest::MAX_MANIFEST_BYTES;
use super::{MANIFEST, Manifest, SIGNATURE, signature};
use crate::error::{Error, Location, Result};
use crate::snapshot::sha256_hex;

/// The outcome of `safeguard verify`.
#[derive(Debug, Default, PartialEq)]
pub struct Verification {
    /// SHA-256 of the manifest.json that was checked: what a roll-up, a diff or a signature
    /// names the package by.
    pub manifest_sha256: String,
    pub checked: usize,
    pub missing: Vec<String>,
    pub altered: Vec<String>,
    pub extra: Vec<String>,
    /// Cross-file inconsistencies (e.g. results.json names another snapshot).
    pub inconsistent: Vec<String>,
    /// A signature.json that does not describe this manifest (another manifest, account or
    /// collection time). Kept apart so that `sign` can replace a stale signature.
    pub signature: Vec<String>,
    /// The schema of results.json when it is an older one this version does not read (its
    /// hashes are still checked).
    pub older: Option<String>,
}

impl Verification {
    /// Every problem found, one phrase each (`missing x`, `altered y (...)`, `extra z`, and the
    /// inconsistencies), in that order.
    pub fn problems(&self) -> Vec<String> {
        self.missing
            .iter()
            .map(|m| format!("missing {m}"))
            .chain(self.altered.iter().map(|a| format!("altered {a}")))
            .chain(self.extra.iter().map(|x| format!("extra {x}")))
            .chain(self.inconsistent.iter().cloned())
            .chain(self.signature.iter().cloned())
            .collect()
    }

    pub(crate) fn is_intact(&self) -> bool {
        self.files_intact() && self.signature.is_empty()
    }

    /// Every listed file matches and agrees with the others; the signature aside.
    pub(crate) fn files_intact(&self) -> bool {
        self.missing.is_empty()
            && self.altered.is_empty()
            && self.extra.is_empty()
            && self.inconsistent.is_empty()
    }
}

/// Re-hashes every file of a package against its manifest.
pub fn verify(dir: &Path) -> Result<Verification> {
    check(dir).map(|(_, v)| v)
}

/// Re-hashes every file of a package against its manifest, and returns the manifest too.
pub(super) fn check(dir: &Path) -> Result<(Manifest, Verification)> {
    let manifest_path = dir.join(MANIFEST);
    // The manifest itself: a regular file inside the folder, of bounded size.
    let bytes = match read_contained(dir, &[MANIFEST], MAX_MANIFEST_BYTES) {
        Ok(b) if b.len() as u64 <= MAX_MANIFEST_BYTES => b,
        Ok(_) => {
            return Err(Error::bad_input(
                &manifest_path,
                Location::default(),
                format!("larger than {MAX_MANIFEST_BYTES} bytes: not a safeguard manifest"),
            ));
        }
        Err(Unreadable::Missing) => {
            return Err(Error::io(
                &manifest_path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no manifest.json"),
            ));
        }
        Err(Unreadable::NotAFile(what)) => {
            return Err(Error::bad_input(
                &manifest_path,
                Location::default(),
                format!("is {what}, not a regular file"),
            ));
        }
        Err(Unreadable::Io(e)) => return Err(Error::io(&manifest_path, e)),
    };
    let manifest = Manifest::parse(&manifest_path, &bytes)?;
    // An account package's files must also agree with what its manifest says of the
    // collection; a roll-up's and a trend report's are checked by their hashes alone.
    let facts = match &manifest {
        Manifest::Account(m) => Some(Facts {
            account: m.account.id.clone(),
            collected_at: m.snapshot.collected_at.clone(),
            snapshot_sha256: m.snapshot.sha256.clone(),
        }),
        Manifest::Rollup(_) | Manifest::History(_) => None,
    };
    let files = manifest.files();
    let mut v = Verification {
        manifest_sha256: sha256_hex(&bytes),
        ..Verification::default()
    };
    let mut listed = BTreeSet::new();
    for (i, f) in files.iter().enumerate() {
        // A listed path is `/`-separated plain names: no `..`, `.`, empty or absolute part
        // (a name that merely contains `..`, like `risk..analysis.md`, is fine).
        let parts: Vec<&str> = f.path.split('/').collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains('\\'))
        {
            return Err(Error::bad_input(
                &manifest_path,
                Location {
                    pointer: Some(format!("/files/{i}/path")),
                    ..Location::default()
                },
                format!("file path {:?} leaves the package", f.path),
            ));
        }
        listed.insert(f.path.clone());
        v.checked += 1;
        let path = dir.join(&f.path);
        match read_contained(dir, &parts, f.size) {
            Err(Unreadable::Missing) => v.missing.push(f.path.clone()),
            Err(Unreadable::NotAFile(what)) => v.altered.push(format!(
                "{} ({what}, not a regular file inside the package)",
                f.path
            )),
            Err(Unreadable::Io(e)) => return Err(Error::io(&path, e)),
            Ok(data) => {
                let digest = sha256_hex(&data);
                if digest != f.sha256 || data.len() as u64 != f.size {
                    v.altered.push(format!(
                        "{} (expected sha256 {}, {} bytes; found {digest}, {} bytes)",
                        f.path,
                        f.sha256,
                        f.size,
                        data.len()
                    ));
                } else if let Some(facts) = &facts {
                    // An intact file: what it says must agree with the manifest.
                    facts.check_file(&f.path, &digest, &data, &mut v);
                }
            }
        }
    }
    for rel in walk(dir)? {
        if rel != MANIFEST && rel != SIGNATURE && !listed.contains(&rel) {
            v.extra.push(rel);
        }
    }
    if let Some(facts) = &facts {
        let manifest_sha256 = v.manifest_sha256.clone();
        facts.check_signature(dir, &manifest_sha256, &mut v);
    }
    Ok((manifest, v))
}

/// What an account package's manifest says of its collection, which every other file that
/// says it too must repeat: one account, one collection time, one snapshot. A package whose
/// results.json names another account than its snapshot is not one assessment, however well
/// its hashes match.
struct Facts {
    account: String,
    collected_at: String,
    snapshot_sha256: String,
}

/// The part of results.json every schema version shares: enough to tell the version, the
/// account and the snapshot it was computed from.
#[derive(serde::Deserialize)]
struct ResultsHead {
    schema: String,
    account: IdHead,
    snapshot: crate::results::SnapshotRef,
}

#[derive(serde::Deserialize)]
struct IdHead {
    id: String,
}

#[derive(serde::Deserialize)]
struct SnapshotHead {
    collected_at: String,
    account: IdHead,
}

impl Facts {
    /// Whether `time` is the manifest's collection time, compared as instants.
    fn same_time(&self, time: &str) -> bool {
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
        at(time).is_some() && at(time) == at(&self.collected_at)
    }

    fn disagreement(&self, file: &str, what: &str, found: &str, named: &str) -> String {
        format!(
            "{file} names {what} {:?} but the manifest names {named:?}",
            crate::text::line(found)
        )
    }

    fn disagree(&self, v: &mut Verification, file: &str, what: &str, found: &str, named: &str) {
        v.inconsistent
            .push(self.disagreement(file, what, found, named));
    }

    /// Checks snapshot.json and results.json (already read and hashed) against the manifest.
    fn check_file(&self, path: &str, digest: &str, data: &[u8], v: &mut Verification) {
        match path {
            "snapshot.json" => {
                if digest != self.snapshot_sha256 {
                    v.inconsistent.push(format!(
                        "snapshot.json hashes to {digest} but the manifest names snapshot {}",
                        self.snapshot_sha256
                    ));
                }
                match serde_json::from_slice::<SnapshotHead>(data) {
                    Ok(h) => {
                        if h.account.id != self.account {
                            self.disagree(v, path, "account", &h.account.id, &self.account);
                        }
                        if !self.same_time(&h.collected_at) {
                            let at = self.collected_at.clone();
                            self.disagree(v, path, "collection time", &h.collected_at, &at);
                        }
                    }
                    Err(e) => v
                        .inconsistent
                        .push(format!("snapshot.json is not a snapshot: {e}")),
                }
            }
            "results.json" => match serde_json::from_slice::<ResultsHead>(data) {
                Ok(r) => {
                    if crate::results::OLDER_SCHEMAS.contains(&r.schema.as_str()) {
                        v.older = Some(r.schema);
                    }
                    if r.snapshot.sha256 != self.snapshot_sha256 {
                        v.inconsistent.push(format!(
                            "results.json was computed from snapshot {} but the package holds {}",
                            crate::text::line(&r.snapshot.sha256),
                            self.snapshot_sha256
                        ));
                    }
                    if r.account.id != self.account {
                        self.disagree(v, path, "account", &r.account.id, &self.account);
                    }
                    if !self.same_time(&r.snapshot.collected_at) {
                        let at = self.collected_at.clone();
                        self.disagree(v, path, "collection time", &r.snapshot.collected_at, &at);
                    }
                }
                Err(e) => v
                    .inconsistent
                    .push(format!("results.json is not safeguard results: {e}")),
            },
            _ => {}
        }
    }

    /// A signature.json, when present, must be over this manifest and name the same account
    /// and collection time (whether it verifies with a key is `verify --key`'s question).
    fn check_signature(&self, dir: &Path, manifest_sha256: &str, v: &mut Verification) {
        let bytes = match read_package_file(dir, SIGNATURE, 1 << 20) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return,
            Err(why) => {
                v.signature.push(format!("{SIGNATURE} {why}"));
                return;
            }
        };
        let Some(statement) = signature::statement_of(&bytes) else {
            v.signature
                .push("signature.json is not a signed safeguard statement".into());
            return;
        };
        let subject_ok = statement.subject.len() == 1
            && statement.subject[0]
                .digest
                .get("sha256")
                .map(String::as_str)
                == Some(manifest_sha256);
        if !subject_ok {
            v.signature
                .push("signature.json signs another manifest.json than this one".into());
        }
        let p = &statement.predicate;
        if p.account.as_deref() != Some(self.account.as_str()) {
            let named = p.account.clone().unwrap_or_default();
            v.signature
                .push(self.disagreement(SIGNATURE, "account", &named, &self.account));
        }
        if !p.collected_at.as_deref().is_some_and(|t| self.same_time(t)) {
            let named = p.collected_at.clone().unwrap_or_default();
            let at = self.collected_at.clone();
            v.signature
                .push(self.disagreement(SIGNATURE, "collection time", &named, &at));
        }
    }
}

/// Reads one file at the top of a package the way `verify` does (no link followed, a regular
/// file, at most `max` bytes): `None` when it is absent, the reason when it is not a file.
pub fn read_package_file(
    dir: &Path,
    name: &str,
    max: u64,
) -> std::result::Result<Option<Vec<u8>>, String> {
    match read_contained(dir, &[name], max) {
        Ok(b) if b.len() as u64 > max => Err(format!("larger than {max} bytes")),
        Ok(b) => Ok(Some(b)),
        Err(Unreadable::Missing) => Ok(None),
        Err(Unreadable::NotAFile(what)) => Err(format!("is {what}, not a regular file")),
        Err(Unreadable::Io(e)) => Err(e.to_string()),
    }
}

enum Unreadable {
    Missing,
    /// A symbolic link, directory, FIFO, socket or device where a file should be.
    NotAFile(&'static str),
    Io(std::io::Error),
}

/// Reads a listed file without leaving the package or blocking: every part of its path must be
/// a real directory or file (no symbolic link), the file must be regular (a FIFO would hang, a
/// device never end), and at most one byte more than the manifest's size is read.
fn read_contained(
    dir: &Path,
    parts: &[&str],
    size: u64,
) -> std::result::Result<Vec<u8>, Unreadable> {
    use std::io::Read;
    let mut path = dir.to_path_buf();
    for (n, part) in parts.iter().enumerate() {
        path.push(part);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unreadable::Missing),
            Err(e) => return Err(Unreadable::Io(e)),
        };
        let kind = meta.file_type();
        let last = n + 1 == parts.len();
        if kind.is_symlink() {
            return Err(Unreadable::NotAFile("a symbolic link"));
        }
        if !last && !kind.is_dir() {
            return Err(Unreadable::Missing);
        }
        if last && !kind.is_file() {
            return Err(Unreadable::NotAFile(if kind.is_dir() {
                "a directory"
            } else {
                "a special file"
            }));
        }
    }
    let file = std::fs::File::open(&path).map_err(Unreadable::Io)?;
    let mut data = Vec::new();
    file.take(size.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(Unreadable::Io)?;
    Ok(data)
}

/// Every file below `dir`, as `/`-separated relative paths, sorted. Symbolic links are listed
/// (as extra files), never followed.
fn walk(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let abs = dir.join(&rel);
        for entry in std::fs::read_dir(&abs).map_err(|e| Error::io(&abs, e))? {
            let entry = entry.map_err(|e| Error::io(&abs, e))?;
            let child = rel.join(entry.file_name());
            let kind = entry.file_type().map_err(|e| Error::io(&abs, e))?;
            if kind.is_dir() {
                stack.push(child);
            } else {
                out.push(child.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}
