//! The evidence package: one folder per run, every file hashed in `manifest.json`.
//!
//! Everything is rendered in memory first, written into a hidden temporary folder beside the
//! destination, and renamed into place, so a failed run never leaves half a package.

mod account;
pub mod interrupt;
mod manifest;
mod read;
pub mod signature;
pub mod trust;
mod verify;
mod write;

pub use account::{PackageRequest, write};
pub use manifest::{
    AccountManifest, HISTORY_MANIFEST_SCHEMA, HistoryManifest, Kind, MANIFEST_SCHEMA, Manifest,
    ManifestFile, ROLLUP_MANIFEST_SCHEMA, RollupManifest,
};
pub use read::{
    Found, Package, RESULTS, Rejected, discover, is_signed, parse_results, peek, read_all,
};
pub use verify::{Verification, read_package_file, verify};
/// Writes any of the three packages (see [`Artifact`]).
pub use write::write as write_artifact;
pub use write::{Artifact, write_files};

pub(crate) const MANIFEST: &str = "manifest.json";
/// The signature of a package (`--sign-key`): a DSSE envelope over an in-toto statement whose
/// subject is manifest.json. It signs the manifest, so the manifest cannot list it; it is the
/// one file `verify` accepts beside the listed ones.
pub(crate) const SIGNATURE: &str = "signature.json";
