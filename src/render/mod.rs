//! Renderers: the same results as Markdown (minijinja), PDF (printpdf), JSON, CSV, OSCAL and OCSF.

pub mod csv;
pub(crate) mod fonts;
pub mod markdown;
pub mod ocsf;
pub mod oscal;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod summary;
pub mod view;

/// The output formats `--format` chooses among.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Format {
    #[value(name = "md", alias = "markdown")]
    Md,
    Pdf,
    Json,
    Csv,
    /// OSCAL assessment results (`results.oscal.json`).
    Oscal,
    /// OCSF Compliance Findings, one per finding (`results.ocsf.json`).
    Ocsf,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Md,
        Format::Pdf,
        Format::Json,
        Format::Csv,
        Format::Oscal,
        Format::Ocsf,
    ];

    /// What a package holds when `--format` is not given: every format but the OCSF feed, which
    /// repeats each finding's context in every event (23 MB for an account of 1,000 principals,
    /// where results.json is 5.3 MB) and is asked for by the pipelines that load it.
    pub const DEFAULT: [Format; 5] = [
        Format::Md,
        Format::Pdf,
        Format::Json,
        Format::Csv,
        Format::Oscal,
    ];

    /// What `--format` calls it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Pdf => "pdf",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Oscal => "oscal",
            Format::Ocsf => "ocsf",
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Md => "report.md",
            Format::Pdf => "report.pdf",
            Format::Json => "results.json",
            Format::Csv => "results.csv",
            Format::Oscal => "results.oscal.json",
            Format::Ocsf => "results.ocsf.json",
        }
    }
}

/// What a report's cover says that results.json does not (so results.json stays reproducible
/// from the snapshot and inputs alone): when the report was generated, and who signs it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Cover {
    /// RFC 3339, UTC: `SOURCE_DATE_EPOCH` when set, else the time of writing.
    pub generated_at: String,
    /// The signing key's fingerprint (`ed25519:…`) or KMS key ARN, when the package is signed
    /// as it is written; `None`: unsigned (a later `safeguard sign` adds signature.json).
    pub signed_by: Option<String>,
}

impl Cover {
    /// The cover's signature line.
    pub(crate) fn signature_line(&self) -> String {
        match &self.signed_by {
            Some(key) => {
                format!("Signed by {key} (signature.json; `safeguard verify --key` checks it)")
            }
            None => {
                "Unsigned: the hashes show the files are consistent, not who produced them".into()
            }
        }
    }
}

/// The marking of every output of `safeguard demo`.
pub(crate) const EXAMPLE_MARK: &str = "EXAMPLE DATA — not an assessment of a real organization";
