//! Reading one expected file: present (parsed strictly, concatenated pages merged), failed
//! (`<file>.error`, a gap) or absent (a gap), with the file's own line and column on a parse
//! error.

use super::*;

/// What reading one expected file gave.
pub(super) enum Read<T> {
    Ok(T),
    /// `<file>.error` exists: the CLI call failed with this text.
    Failed(String),
    Missing,
}

/// Splits a file of concatenated JSON documents (pages written one after another) into
/// byte ranges; a syntax error anywhere is reported with the file's own line and column.
pub(super) fn json_document_ranges(path: &Path, bytes: &[u8]) -> Result<Vec<(usize, usize)>> {
    let mut ranges = Vec::new();
    let mut stream =
        serde_json::Deserializer::from_slice(bytes).into_iter::<serde::de::IgnoredAny>();
    let mut start = 0;
    while let Some(item) = stream.next() {
        item.map_err(|e| Error::from_json_syntax(path, &e))?;
        let end = stream.byte_offset();
        ranges.push((start, end));
        start = end;
    }
    // An empty (or blank) file is not "no pages": it is a broken export, never "nothing found".
    if ranges.is_empty() {
        return Err(empty_file(path));
    }
    Ok(ranges)
}

/// An empty (or blank) export file: the command behind it wrote nothing, so it is re-run,
/// never read as "nothing found".
pub(super) fn empty_file(path: &Path) -> Error {
    Error::bad_input(
        path,
        Location {
            line: Some(1),
            column: Some(1),
            pointer: None,
        },
        "empty file: expected the JSON output of the AWS CLI; re-run the export for it (scripts/export-aws-evidence.sh writes every file, or run the command docs/evidence-format.md names for it)",
    )
}

/// Deserializes `bytes[start..end]`, reporting errors at their line in the whole file.
pub(super) fn parse_at_offset<T: DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
    start: usize,
    end: usize,
) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(&bytes[start..end]);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let line_offset = bytes[..start].iter().filter(|b| **b == b'\n').count();
        match Error::from_json(path, e) {
            Error::BadInput {
                file,
                mut location,
                message,
            } => {
                if line_offset > 0 {
                    // Column numbers stay right except on the page's first line; good enough
                    // to find the spot, and exact for the usual one-page file.
                    location.line = location.line.map(|l| l + line_offset);
                }
                Error::BadInput {
                    file,
                    location,
                    message,
                }
            }
            other => other,
        }
    })
}

impl Importer<'_> {
    pub(super) fn path(&self, rel: &str) -> PathBuf {
        self.src.display(rel)
    }

    pub(super) fn gap(&mut self, evidence: &str, source: &str, reason: impl Into<String>) {
        self.gaps.push(Gap {
            evidence: evidence.to_string(),
            source: source.to_string(),
            reason: reason.into(),
        });
    }

    /// Whether the evidence was collected live: then a response that cannot be decoded is a gap
    /// for that piece of evidence and the run goes on, where a file a person handed in is bad
    /// input (exit 2).
    pub(super) fn collected(&self) -> bool {
        self.src.method() == "collect"
    }

    /// `Ok(Some)`, or for live evidence a gap at `pointer` instead of a decoding error.
    pub(super) fn soften<T>(
        &mut self,
        r: Result<T>,
        pointer: &str,
        source: &str,
    ) -> Result<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Error::BadInput {
                message, location, ..
            }) if self.collected() => {
                self.gap(
                    pointer,
                    source,
                    format!("the response could not be decoded{location}: {message}"),
                );
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    pub(super) fn read<T: DeserializeOwned>(&self, rel: &str) -> Result<Read<T>> {
        match self.src.entry(rel)? {
            Some(Entry::Json(bytes)) if !self.collected() && bytes.trim_ascii().is_empty() => {
                Err(empty_file(&self.path(rel)))
            }
            Some(Entry::Json(bytes)) => {
                let de = &mut serde_json::Deserializer::from_slice(&bytes);
                match serde_path_to_error::deserialize(de) {
                    Ok(value) => Ok(Read::Ok(value)),
                    Err(e) => {
                        let err = Error::from_json(self.path(rel), e);
                        match err {
                            Error::BadInput {
                                message, location, ..
                            } if self.collected() => Ok(Read::Failed(format!(
                                "the response could not be decoded{location}: {message}"
                            ))),
                            other => Err(other),
                        }
                    }
                }
            }
            Some(Entry::Failed(text)) => Ok(Read::Failed(summarize_cli_error(&text))),
            None => Ok(Read::Missing),
        }
    }

    /// Refuses one entry of `rel` that AWS would not have written (`what`, at its JSON pointer
    /// `at`): bad input for an export; for a live collection, a gap at `gap`, the entry skipped.
    pub(super) fn refuse_entry(
        &mut self,
        rel: &str,
        at: String,
        what: String,
        gap: &str,
    ) -> Result<()> {
        let e = Error::bad_input(
            self.path(rel),
            Location {
                pointer: Some(at),
                ..Default::default()
            },
            what,
        );
        self.soften::<()>(Err(e), gap, rel).map(|_| ())
    }

    /// A service's list, one file per region read: `file(region)` parsed as `L` and made into
    /// the region's evidence by `each(importer, region, file, list)`, or `None` with a gap at
    /// `/<service>/regions/<region>/<field>` when the file is missing or its call failed.
    pub(super) fn region_lists<L: DeserializeOwned, T>(
        &mut self,
        regions: &BTreeSet<String>,
        (service, field): (&str, &str),
        file: impl Fn(&str) -> String,
        command: impl Fn(&str) -> String,
        mut each: impl FnMut(&mut Self, &str, &str, L) -> Result<T>,
    ) -> Result<BTreeMap<String, Option<T>>> {
        let mut out = BTreeMap::new();
        for region in regions {
            let rel = file(region);
            let pointer = format!(
                "{}/{field}",
                crate::snapshot::pointer::region(service, region)
            );
            let read = match self.read_or_gap::<L>(&rel, &pointer, &command(region))? {
                Some(list) => Some(each(self, region, &rel, list)?),
                None => None,
            };
            out.insert(region.clone(), read);
        }
        Ok(out)
    }

    /// Reads `rel`, recording a gap at `pointer` when it failed or is missing.
    pub(super) fn read_or_gap<T: DeserializeOwned>(
        &mut self,
        rel: &str,
        pointer: &str,
        command: &str,
    ) -> Result<Option<T>> {
        match self.read::<T>(rel)? {
            Read::Ok(v) => Ok(Some(v)),
            Read::Failed(reason) => {
                self.gap(
                    pointer,
                    &format!("{command} ({rel})"),
                    format!("the call failed: {reason}"),
                );
                Ok(None)
            }
            Read::Missing => {
                self.gap(
                    pointer,
                    &format!("{command} ({rel})"),
                    "file missing from the export",
                );
                Ok(None)
            }
        }
    }

    /// Like `read_or_gap`, for a file that may hold several CLI outputs one after another
    /// (one per log group, or one per page).
    pub(super) fn read_pages_or_gap<T: DeserializeOwned>(
        &mut self,
        rel: &str,
        pointer: &str,
        command: &str,
    ) -> Result<Option<Vec<T>>> {
        match self.src.entry(rel)? {
            Some(Entry::Json(bytes)) => {
                let path = self.path(rel);
                let pages = json_document_ranges(&path, &bytes).and_then(|ranges| {
                    ranges
                        .into_iter()
                        .map(|(start, end)| parse_at_offset(&path, &bytes, start, end))
                        .collect::<Result<Vec<T>>>()
                });
                self.soften(pages, pointer, &format!("{command} ({rel})"))
            }
            _ => self.read_or_gap::<T>(rel, pointer, command).map(|_| None),
        }
    }
}

/// A tag as AWS CLI answers print it (`{"Key": …, "Value": …}`), for every importer that reads
/// tags into `(key, value)` pairs.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Tag {
    pub(super) key: String,
    #[serde(default)]
    pub(super) value: String,
}
