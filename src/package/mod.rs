//! The evidence package: one folder per run, every file hashed in `manifest.json`.
//!
//! Everything is rendered in memory first, written into a hidden temporary folder beside the
//! destination, and renamed into place, so a failed run never leaves half a package.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::render::{self, Format};
use crate::results::Results;
use crate::snapshot::sha256_hex;

pub mod signature;
pub mod trust;

pub const MANIFEST: &str = "manifest.json";
pub const MANIFEST_SCHEMA: &str = "safeguard.manifest.v1";
/// An organization roll-up's manifest (`aggregate`): the same file list, no snapshot.
pub const ROLLUP_MANIFEST_SCHEMA: &str = "safeguard.rollup-manifest.v1";
/// An account's trend report's manifest (`history`): the same file list, no snapshot.
pub const HISTORY_MANIFEST_SCHEMA: &str = "safeguard.history-manifest.v1";
/// The signature of a package (`--sign-key`): a DSSE envelope over an in-toto statement whose
/// subject is manifest.json. It signs the manifest, so the manifest cannot list it; it is the
/// one file `verify` accepts beside the listed ones.
pub const SIGNATURE: &str = "signature.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
/// The manifest of an organization roll-up (docs/organizations.md).
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

/// What to put in the package besides the snapshot.
pub struct PackageRequest<'a> {
    pub snapshot_json: &'a [u8],
    pub results: &'a Results,
    pub formats: &'a BTreeSet<Format>,
    pub templates: Option<&'a Path>,
    pub created_at: DateTime<Utc>,
    /// What the reports' covers say beyond results.json (generation time, signer).
    pub cover: render::Cover,
    /// How many findings the reports print (results.json and results.csv keep all).
    pub detail: render::view::Detail,
    /// Where `--profile-phases` records each writer's time.
    pub phases: Option<&'a crate::phases::Phases>,
    /// Further files (package path → bytes): the user's input files, attested evidence, the
    /// effective parameters. Hashed in the manifest like the rest.
    pub extra: Vec<(String, Vec<u8>)>,
}

/// Renders every requested output (in memory), so errors surface before anything touches disk.
pub fn render_files(req: &PackageRequest<'_>) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = vec![("snapshot.json".to_string(), req.snapshot_json.to_vec())];
    for format in req.formats {
        let started = std::time::Instant::now();
        let bytes = match format {
            Format::Json => req.results.to_json(),
            Format::Csv => render::csv::render(req.results),
            Format::Oscal => render::oscal::render(req.results, req.detail),
            Format::Md => {
                render::markdown::render(req.results, req.templates, req.detail, &req.cover)?
                    .into_bytes()
            }
            #[cfg(feature = "pdf")]
            Format::Pdf => render::pdf::render(req.results, req.detail, &req.cover)?,
            #[cfg(not(feature = "pdf"))]
            Format::Pdf => {
                return Err(Error::Usage(
                    "this build of safeguard has no PDF writer (cargo feature `pdf`)".into(),
                ));
            }
        };
        if let Some(phases) = req.phases {
            phases.record(format.file_name(), started.elapsed());
        }
        files.push((format.file_name().to_string(), bytes));
    }
    files.extend(req.extra.iter().cloned());
    Ok(files)
}

/// Writes `reports/<account>/<UTC timestamp>/` under `out_root` and returns its path.
pub fn write(out_root: &Path, req: &PackageRequest<'_>) -> Result<PathBuf> {
    let files = render_files(req)?;
    let account_dir = out_root.join(&req.results.account.id);
    write_files(&account_dir, &files, req.created_at, |files| {
        let manifest = Manifest {
            schema: MANIFEST_SCHEMA.into(),
            tool: req.results.tool.clone(),
            created_at: req
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            account: req.results.account.clone(),
            snapshot: req.results.snapshot.clone(),
            catalog: req.results.catalog.clone(),
            files,
        };
        serde_json::to_vec_pretty(&manifest).expect("manifest serializes")
    })
}

/// Writes `files` and the manifest `manifest` makes of their hashes into a new
/// `<parent>/<UTC timestamp>/` folder, all at once: they are written into a hidden folder
/// beside it and renamed into place, so a reader never sees half a package.
pub fn write_files(
    parent: &Path,
    files: &[(String, Vec<u8>)],
    created_at: DateTime<Utc>,
    manifest: impl FnOnce(Vec<ManifestFile>) -> Vec<u8>,
) -> Result<PathBuf> {
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    remove_stale_partials(parent);

    // Until the rename below, an interrupt (SIGINT, SIGTERM) removes the folder being written.
    // It is created and registered at once: a signal in between would find it unregistered.
    let (staging, staged) = interrupt::create_staged(|| {
        tempfile::Builder::new()
            .prefix(PARTIAL_PREFIX)
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))
    })?;
    let mut manifest_files = Vec::new();
    for (name, bytes) in files {
        let path = staging.path().join(name);
        interrupt::writing(|| {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
        })?;
        manifest_files.push(ManifestFile {
            path: name.clone(),
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
        });
    }
    manifest_files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut manifest_bytes = manifest(manifest_files);
    manifest_bytes.push(b'\n');
    let manifest_path = staging.path().join(MANIFEST);
    interrupt::writing(|| std::fs::write(&manifest_path, &manifest_bytes))
        .map_err(|e| Error::io(&manifest_path, e))?;

    // Two runs in the same second get distinct folders rather than one overwriting the other.
    let stamp = created_at.format("%Y%m%dT%H%M%SZ").to_string();
    let mut dest = parent.join(&stamp);
    let mut n = 2;
    while dest.exists() {
        dest = parent.join(format!("{stamp}-{n}"));
        n += 1;
    }
    let kept = staging.keep();
    staged.finish(&dest).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        Error::io(&dest, e)
    })?;
    Ok(dest)
}

const PARTIAL_PREFIX: &str = ".partial-";

/// A package folder still being written older than this was left by a run that died (killed,
/// power lost): the next run in the same account folder removes it.
const STALE_PARTIAL: std::time::Duration = std::time::Duration::from_secs(3600);

fn remove_stale_partials(account_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(account_dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let is_partial = name.to_string_lossy().starts_with(PARTIAL_PREFIX);
        // Only real folders: a link named .partial-x is never followed into.
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_PARTIAL);
        if is_partial && is_dir && stale {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Removing the package being written when the run is interrupted.
///
/// Files are written only inside [`interrupt::writing`], which the signal handler excludes: it
/// waits for the file being written to be finished, removes every folder still being written,
/// and exits while still holding the lock, so no thread writes another byte after the removal
/// (a writer that recreated the folder, or wrote into it as it was removed, left a `.partial-*`
/// holding a report.md behind). It says the partial package was removed only when one was.
pub mod interrupt {
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, Once, RwLock};

    /// Held (shared) while a file is written; held (exclusive) by the handler from the
    /// interrupt until the process exits.
    static WRITING: RwLock<()> = RwLock::new(());
    /// Folders being written, to remove on an interrupt.
    static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    static HANDLER: Once = Once::new();

    /// A staging folder registered for removal on SIGINT/SIGTERM while it lives.
    pub struct Staged(PathBuf);

    impl Staged {
        pub fn register(path: &Path) -> Staged {
            install();
            STAGED
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(path.to_path_buf());
            Staged(path.to_path_buf())
        }

        /// Renames the folder into place and unregisters it, both before an interrupt can act:
        /// the interrupt then finds either the partial folder or the finished package, never
        /// a folder half-renamed.
        pub fn finish(self, dest: &Path) -> std::io::Result<()> {
            writing(|| {
                let done = std::fs::rename(&self.0, dest);
                if done.is_ok() {
                    unregister(&self.0);
                }
                done
            })
        }
    }

    /// Installs the handler: before a staging folder is created, so that no signal can find
    /// the folder and the default action (die, leaving it) at once.
    pub fn install() {
        HANDLER.call_once(|| {
            // If a handler cannot be installed (another one is), the stale-folder sweep of the
            // next run still cleans up.
            let _ = ctrlc::set_handler(on_interrupt);
        });
    }

    /// Creates a temporary folder with `create` and registers it for removal, both before an
    /// interrupt can act (the handler waits for them).
    pub fn create_staged<E>(
        create: impl FnOnce() -> Result<tempfile::TempDir, E>,
    ) -> Result<(tempfile::TempDir, Staged), E> {
        install();
        writing(|| {
            let dir = create()?;
            let staged = Staged::register(dir.path());
            Ok((dir, staged))
        })
    }

    /// Runs `write` (one file, or a folder for one) unless the run was interrupted, in which
    /// case it waits for the handler to exit the process.
    pub fn writing<T>(write: impl FnOnce() -> T) -> T {
        let _shared = WRITING.read().unwrap_or_else(|e| e.into_inner());
        write()
    }

    fn on_interrupt() {
        // Exclusive: every file being written is finished, and none starts after this.
        let hold = WRITING.write().unwrap_or_else(|e| e.into_inner());
        let removed = remove_staged();
        if removed > 0 {
            eprintln!("interrupted: the partial package was removed");
        } else {
            eprintln!("interrupted");
        }
        // Exit with the lock held: writers wait on it until the process is gone.
        std::mem::forget(hold);
        std::process::exit(130);
    }

    fn unregister(path: &Path) {
        STAGED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|p| p != path);
    }

    /// Removes every registered staging folder that exists: what an interrupt does before
    /// exiting. Returns how many there were.
    pub(crate) fn remove_staged() -> usize {
        let staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
        let mut removed = 0;
        for p in staged
            .iter()
            .filter(|p| std::fs::symlink_metadata(p).is_ok())
        {
            // Best effort: the process is exiting, and what cannot be removed is reported by
            // the next run in the same account folder.
            let _ = std::fs::remove_dir_all(p);
            removed += 1;
        }
        removed
    }

    impl Drop for Staged {
        fn drop(&mut self) {
            unregister(&self.0);
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn an_interrupt_removes_the_folders_being_written_and_only_those() {
            let dir = tempfile::tempdir().unwrap();
            let writing = dir.path().join(".partial-a");
            let done = dir.path().join(".partial-b");
            let package = dir.path().join("20261120T090000Z");
            for d in [&writing, &done, &package] {
                std::fs::create_dir_all(d.join("attestations")).unwrap();
                std::fs::write(d.join("report.md"), "x").unwrap();
            }
            let _live = Staged::register(&writing);
            drop(Staged::register(&done));
            assert_eq!(remove_staged(), 1);
            assert!(!writing.exists(), "the folder being written is removed");
            assert!(done.exists(), "a folder no longer registered is left alone");
            assert!(package.exists(), "finished packages are never touched");
            assert_eq!(remove_staged(), 0, "nothing left to remove");
        }
    }
}

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

    pub fn is_intact(&self) -> bool {
        self.files_intact() && self.signature.is_empty()
    }

    /// Every listed file matches and agrees with the others; the signature aside.
    pub fn files_intact(&self) -> bool {
        self.missing.is_empty()
            && self.altered.is_empty()
            && self.extra.is_empty()
            && self.inconsistent.is_empty()
    }
}

/// Re-hashes every file of a package against its manifest.
pub fn verify(dir: &Path) -> Result<Verification> {
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
    #[derive(Deserialize)]
    struct Head {
        schema: String,
    }
    let schema = serde_json::from_slice::<Head>(&bytes)
        .map(|h| h.schema)
        .unwrap_or_default();
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    // An account package, or an organization roll-up: both list every file with its hash.
    let (files, facts) = if schema == ROLLUP_MANIFEST_SCHEMA {
        let m: RollupManifest = serde_path_to_error::deserialize(de)
            .map_err(|e| Error::from_json(&manifest_path, e))?;
        (m.files, None)
    } else if schema == HISTORY_MANIFEST_SCHEMA {
        let m: HistoryManifest = serde_path_to_error::deserialize(de)
            .map_err(|e| Error::from_json(&manifest_path, e))?;
        (m.files, None)
    } else {
        let m: Manifest = serde_path_to_error::deserialize(de)
            .map_err(|e| Error::from_json(&manifest_path, e))?;
        if m.schema != MANIFEST_SCHEMA {
            return Err(Error::bad_input(
                &manifest_path,
                Location {
                    pointer: Some("/schema".into()),
                    ..Default::default()
                },
                format!(
                    "unknown manifest schema {:?} (expected {MANIFEST_SCHEMA:?}, {ROLLUP_MANIFEST_SCHEMA:?} or {HISTORY_MANIFEST_SCHEMA:?})",
                    m.schema
                ),
            ));
        }
        let facts = Facts {
            account: m.account.id,
            collected_at: m.snapshot.collected_at,
            snapshot_sha256: m.snapshot.sha256,
        };
        (m.files, Some(facts))
    };
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
    Ok(v)
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
        let Ok(Some(bytes)) = read_package_file(dir, SIGNATURE, 1 << 20) else {
            return;
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

/// A manifest lists files and hashes; far below this even for the largest accounts.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

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
