//! The account package: a snapshot, its results in every requested format, and the inputs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::write::Artifact;
use super::{AccountManifest, Kind, MANIFEST_SCHEMA, Manifest, ManifestFile};
use crate::error::Result;
use crate::render::{self, Format};
use crate::results::Results;

/// What to put in the package besides the snapshot.
pub struct PackageRequest<'a> {
    pub snapshot_json: &'a [u8],
    pub results: &'a Results,
    pub formats: &'a BTreeSet<Format>,
    pub templates: Option<&'a Path>,
    pub created_at: DateTime<Utc>,
    /// What the reports' covers say beyond results.json (generation time, signer).
    pub cover: render::Cover,
    /// How many findings the reports print (results.json and results.csv keep all).
    pub detail: render::view::Detail,
    /// Where `--profile-phases` records each writer's time.
    pub phases: Option<&'a crate::phases::Phases>,
    /// The system security plan the OSCAL assessment plan imports (`--oscal-ssp`).
    pub oscal_ssp: Option<&'a str>,
    /// Further files (package path → bytes): the user's input files, attested evidence, the
    /// effective parameters. Hashed in the manifest like the rest.
    pub extra: Vec<(String, Vec<u8>)>,
}

impl Artifact for PackageRequest<'_> {
    const KIND: Kind = Kind::Account;

    fn file_name(&self, format: Format) -> Option<&'static str> {
        Some(format.file_name())
    }

    fn render(&self, format: Format) -> Result<Vec<u8>> {
        Ok(match format {
            Format::Json => self.results.to_json(),
            Format::Csv => render::csv::render(self.results),
            Format::Oscal => {
                render::oscal::render(self.results, self.detail, &self.cover.generated_at)
            }
            Format::Ocsf => render::ocsf::render(self.results),
            Format::Md => {
                render::markdown::render(self.results, self.templates, self.detail, &self.cover)?
                    .into_bytes()
            }
            #[cfg(feature = "pdf")]
            Format::Pdf => render::pdf::render(self.results, self.detail, &self.cover)?,
            #[cfg(not(feature = "pdf"))]
            Format::Pdf => unreachable!("package::write refuses pdf without the PDF writer"),
        })
    }

    fn companions(&self, format: Format) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(match format {
            // The plan the assessment results import, and the catalog the plan links, so
            // both resolve inside the package.
            Format::Oscal => vec![
                (
                    render::oscal::PLAN_FILE_NAME.to_string(),
                    render::oscal::plan::render(
                        self.results,
                        &self.cover.generated_at,
                        self.oscal_ssp,
                    ),
                ),
                (
                    crate::catalog::nist::FILE_NAME.to_string(),
                    crate::catalog::nist::TEXT.as_bytes().to_vec(),
                ),
            ],
            _ => Vec::new(),
        })
    }

    fn always(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let mut files = vec![("snapshot.json".to_string(), self.snapshot_json.to_vec())];
        files.extend(self.extra.iter().cloned());
        Ok(files)
    }

    fn parent(&self, out_root: &Path) -> Result<PathBuf> {
        Ok(out_root.join(&self.results.account.id))
    }

    fn manifest(&self, files: Vec<ManifestFile>, created_at: &str) -> Manifest {
        Manifest::Account(Box::new(AccountManifest {
            schema: MANIFEST_SCHEMA.into(),
            tool: self.results.tool.clone(),
            created_at: created_at.into(),
            account: self.results.account.clone(),
            snapshot: self.results.snapshot.clone(),
            catalog: self.results.catalog.clone(),
            files,
        }))
    }
}

/// Writes `reports/<account>/<UTC timestamp>/` under `out_root` and returns its path.
pub fn write(out_root: &Path, req: &PackageRequest<'_>) -> Result<PathBuf> {
    super::write::write(req, out_root, req.formats, req.created_at, req.phases)
}
