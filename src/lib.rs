//! safeguard: AWS identity and audit configuration → HIPAA Security Rule evidence.
//!
//! The pipeline, one module per stage (docs/evidence-format.md and docs/results-schema.md describe the formats):
//! [`import`] (AWS CLI exports) → [`snapshot`] → [`assess`] (with [`catalog`] and [`checks`])
//! → [`results`] → [`render`] (Markdown, PDF, JSON, CSV) → [`package`] (manifest, verify).

pub mod access;
pub mod app;
pub mod assess;
pub mod catalog;
pub mod checks;
#[cfg(feature = "collect")]
pub mod cli;
#[cfg(feature = "collect")]
pub mod collect;
pub mod error;
pub mod filter_pattern;
pub mod import;
pub mod inputs;
pub mod org;
pub mod package;
pub mod phases;
pub mod render;
pub mod results;
pub mod rollup;
pub mod snapshot;
pub mod verdict;
