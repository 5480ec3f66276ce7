//! Writing a package: every file rendered in memory, written into a hidden folder beside the
//! destination and renamed into place, so a failed or interrupted run never leaves half a
//! package.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Kind, MANIFEST, Manifest, ManifestFile, interrupt};
use crate::error::{Error, Result};
use crate::render::Format;
use crate::snapshot::sha256_hex;

/// A package safeguard writes: an account's evidence package, an organization roll-up or an
/// account's trend report. Each says what it writes; [`write()`] does the rest the same way for
/// all three (the format dispatch, the PDF feature, timing, the manifest, the atomic write).
pub trait Artifact {
    const KIND: Kind;

    /// The file `format` gives in this package (`None`: this package has none in it).
    fn file_name(&self, format: Format) -> Option<&'static str>;

    /// The bytes of the file `format` gives. Called only for formats [`Self::file_name`] names
    /// (and for `pdf` only in builds with the PDF writer).
    fn render(&self, format: Format) -> Result<Vec<u8>>;

    /// Files that come with `format`'s file (OSCAL's assessment plan and the catalog it links).
    fn companions(&self, _format: Format) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(Vec::new())
    }

    /// Files written whatever the formats (a snapshot, a chart, the user's inputs).
    fn always(&self) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(Vec::new())
    }

    /// The folder under `out_root` whose new `<UTC timestamp>/` folder holds the package.
    fn parent(&self, out_root: &Path) -> Result<PathBuf>;

    /// The manifest of `files`, written at `created_at` (RFC 3339, UTC).
    fn manifest(&self, files: Vec<ManifestFile>, created_at: &str) -> Manifest;
}

/// Renders every requested file in memory, so errors surface before anything touches disk.
/// `phases` records each writer's time (`--profile-phases`).
pub fn render<A: Artifact>(
    artifact: &A,
    formats: &std::collections::BTreeSet<Format>,
    phases: Option<&crate::phases::Phases>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = artifact.always()?;
    let written: Vec<(Format, &str)> = formats
        .iter()
        .filter_map(|f| artifact.file_name(*f).map(|n| (*f, n)))
        .collect();
    if written.is_empty() {
        let can: Vec<&str> = Format::ALL
            .into_iter()
            .filter(|f| artifact.file_name(*f).is_some())
            .map(Format::name)
            .collect();
        return Err(Error::Usage(format!(
            "--format names nothing {} has ({})",
            A::KIND.describe(),
            can.join(", ")
        )));
    }
    for (format, name) in written {
        if format == Format::Pdf && !cfg!(feature = "pdf") {
            return Err(Error::Usage(
                "this build of safeguard has no PDF writer (cargo feature `pdf`)".into(),
            ));
        }
        let started = std::time::Instant::now();
        let bytes = artifact.render(format)?;
        if let Some(phases) = phases {
            phases.record(name, started.elapsed());
        }
        files.push((name.to_string(), bytes));
        files.extend(artifact.companions(format)?);
    }
    Ok(files)
}

/// Renders `artifact` in `formats` and writes it as a new `<UTC timestamp>/` folder (see
/// [`write_files`]); returns its path.
pub fn write<A: Artifact>(
    artifact: &A,
    out_root: &Path,
    formats: &std::collections::BTreeSet<Format>,
    created_at: DateTime<Utc>,
    phases: Option<&crate::phases::Phases>,
) -> Result<PathBuf> {
    let files = render(artifact, formats, phases)?;
    let stamp = created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    write_files(&artifact.parent(out_root)?, &files, created_at, |files| {
        artifact.manifest(files, &stamp).to_bytes()
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
