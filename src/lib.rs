//! safeguard: AWS identity and audit configuration → HIPAA Security Rule evidence.
//!
//! The pipeline, one module per stage (docs/evidence-format.md and docs/results-schema.md describe the formats):
//! [`import`] (AWS CLI exports) → [`snapshot`] → [`assess`] (with [`catalog`] and [`checks`])
//! → [`results`] → [`render`] (Markdown, PDF, JSON, CSV) → [`package`] (manifest, verify).
//! Over time: [`drift`] (what changed between two packages), [`history`] (the trend of an
//! account), `sign` (DSSE signatures) and, with live collection, `upload` (S3, Object Lock).

// What only the command line reaches (reading input files, signing, uploading) is not called
// in the fuzz builds, which leave the command line out with the AWS SDK.
#![cfg_attr(
    not(feature = "collect"),
    expect(
        dead_code,
        reason = "the command line (feature `collect`) is what calls the input readers and signing"
    )
)]

pub mod access;
pub(crate) mod app;
pub mod assess;
pub mod catalog;
pub mod checks;
#[cfg(feature = "collect")]
pub mod cli;
pub(crate) mod clock;
#[cfg(feature = "collect")]
pub(crate) mod collect;
pub mod drift;
pub mod error;
pub(crate) mod filter_pattern;
pub mod history;
pub mod import;
pub(crate) mod inputs;
pub(crate) mod layout;
pub(crate) mod org;
pub mod package;
pub(crate) mod phases;
pub mod phi_scope;
pub(crate) mod regions;
pub mod render;
pub mod results;
pub mod rollup;
#[cfg(feature = "collect")]
pub(crate) mod securityhub;
pub(crate) mod shape;
pub(crate) mod sign;
pub mod snapshot;
pub(crate) mod text;
#[cfg(feature = "collect")]
pub(crate) mod upload;
pub mod verdict;
