//! Renderers: the same results as Markdown (minijinja), PDF (printpdf), JSON and CSV.

pub mod csv;
pub(crate) mod fonts;
pub mod markdown;
pub mod oscal;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod summary;
pub mod view;

use std::str::FromStr;

use crate::error::Error;

/// The output formats `--format` chooses among.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Md,
    Pdf,
    Json,
    Csv,
    /// OSCAL assessment results (`results.oscal.json`).
    Oscal,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Md,
        Format::Pdf,
        Format::Json,
        Format::Csv,
        Format::Oscal,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Md => "report.md",
            Format::Pdf => "report.pdf",
            Format::Json => "results.json",
            Format::Csv => "results.csv",
            Format::Oscal => "results.oscal.json",
        }
    }
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Md),
            "pdf" => Ok(Format::Pdf),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "oscal" => Ok(Format::Oscal),
            other => Err(Error::Usage(format!(
                "unknown format {other:?} (choose among md, pdf, json, csv, oscal)"
            ))),
        }
    }
}
