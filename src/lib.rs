//! safeguard: AWS identity and audit configuration → HIPAA Security Rule evidence.
//!
//! The pipeline, one module per stage (docs/evidence-format.md and docs/results-schema.md describe the formats):
//! [`import`] (AWS CLI exports) → [`snapshot`] → [`assess`] (with [`catalog`] and [`checks`])
//! → [`results`] → [`render`] (Markdown, PDF, JSON, CSV) → [`package`] (manifest, verify).
//! Over time: [`drift`] (what changed between two packages), [`history`] (the trend of an
//! account), [`sign`] (DSSE signatures) and, with live collection, `upload` (S3, Object Lock).

pub mod access;
pub mod app;
pub mod assess;
pub mod catalog;
pub mod checks;
#[cfg(feature = "collect")]
pub mod cli;
pub mod clock;
#[cfg(feature = "collect")]
pub mod collect;
pub mod drift;
pub mod error;
pub mod filter_pattern;
pub mod history;
pub mod import;
pub mod inputs;
pub mod org;
pub mod package;
pub mod phases;
pub mod regions;
pub mod render;
pub mod results;
pub mod rollup;
pub mod shape;
pub mod sign;
pub mod snapshot;
pub mod text;
#[cfg(feature = "collect")]
pub mod upload;
pub mod verdict;
