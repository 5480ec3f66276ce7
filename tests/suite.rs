//! The integration tests, one module per surface, built as one test binary.
//!
//! One binary, not one per file: each binary links the whole AWS SDK (a cold build spent about
//! a minute of CPU compiling and linking seventeen of them), and `cargo test` runs binaries one
//! after another, so the README test's three minutes ran alone while a core sat idle. Here
//! every test is scheduled together. Run one surface with its module path:
//! `cargo test --test suite cli::` (the golden files: `UPDATE_GOLDEN=1 cargo test --test suite
//! cli::golden`).

mod support;

mod accuracy;
mod aggregate;
mod anchors;
mod architecture;
mod cli;
mod collect;
mod deploy;
mod docs;
mod export_script;
mod first_week;
mod hostile;
mod ocsf;
mod org;
mod oscal;
mod readme;
mod scheduled;
mod securityhub;
