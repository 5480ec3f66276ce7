//! Removing the package being written when the run is interrupted.
//!
//! Files are written only inside [`writing`], which the signal handler excludes: it
//! waits for the file being written to be finished, removes every folder still being written,
//! and exits while still holding the lock, so no thread writes another byte after the removal
//! (a writer that recreated the folder, or wrote into it as it was removed, left a `.partial-*`
//! holding a report.md behind). It says the partial package was removed only when one was.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once, RwLock};

/// Held (shared) while a file is written; held (exclusive) by the handler from the
/// interrupt until the process exits.
static WRITING: RwLock<()> = RwLock::new(());
/// Folders being written, to remove on an interrupt.
static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static HANDLER: Once = Once::new();

/// A staging folder registered for removal on SIGINT/SIGTERM while it lives.
pub(crate) struct Staged(PathBuf);

impl Staged {
    pub(crate) fn register(path: &Path) -> Staged {
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
pub(crate) fn create_staged<E>(
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
