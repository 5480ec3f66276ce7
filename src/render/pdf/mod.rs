//! `report.pdf` for the auditor's binder, laid out directly with printpdf (no HTML engine).
//!
//! A4; a cover page with the run's identifying facts and the summary; a table of every control;
//! one section per control with its findings; the evidence gaps. Tables wrap long ARNs and repeat
//! their header row after a page break; every footer carries "page N of M" and the snapshot hash.
//! DejaVu Sans is embedded (subset) so §, ≥ and ✓ render and the text is extractable.
//!
//! Determinism: printpdf names fonts and document ids randomly, so we name the fonts ourselves,
//! derive the document id from the snapshot and catalog hashes, and date the file with the
//! report's generation time (`SOURCE_DATE_EPOCH` when set). The same results and time give the
//! same bytes.
//!
//! The engine (`writer`) and the colours and labels (`style`) are shared with the trend
//! report (`history`) and the organization roll-up (`aggregate`); `report` lays out the
//! account's report, one function per section.

mod report;
mod style;
mod writer;

pub use report::render;
pub(crate) use style::{rgb, status_colour, status_label};
pub(crate) use writer::{Cell, DocMeta, Weight, Writer, finish};
