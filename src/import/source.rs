//! Where evidence comes from: an export folder on disk or a live collection in memory, both in
//! the export-folder layout, and what of a failed call's error text reaches the outputs.

use super::*;

/// One expected evidence file as a source holds it.
#[derive(Debug, Clone)]
pub enum Entry {
    /// The call's JSON output, exactly as the AWS CLI prints it.
    Json(Vec<u8>),
    /// The call failed; the error text (AWS CLI wording, or the SDK's code and message).
    Failed(String),
}

/// Where evidence comes from: an export folder on disk, or a live collection held in memory.
/// Both speak the import-folder layout, so `collect` and `import` share one parser.
pub trait EvidenceSource {
    /// The entry at `rel` (e.g. `iam/password-policy.json`), `None` when absent.
    fn entry(&self, rel: &str) -> Result<Option<Entry>>;
    /// The region folders under `cloudtrail/` and `config/`.
    fn regions(&self) -> BTreeSet<String>;
    /// How to name `rel` in an error message.
    fn display(&self, rel: &str) -> PathBuf;
    /// `import` or `collect`, recorded in the snapshot.
    fn method(&self) -> &'static str;
    /// Gaps the source found itself (e.g. regions it could not list).
    fn gaps(&self) -> Vec<Gap> {
        Vec::new()
    }
}

/// An AWS CLI export folder (docs/evidence-format.md).
pub struct DirSource {
    pub root: PathBuf,
}

impl EvidenceSource for DirSource {
    fn entry(&self, rel: &str) -> Result<Option<Entry>> {
        let path = self.root.join(rel);
        if path.is_file() {
            return std::fs::read(&path)
                .map(|b| Some(Entry::Json(b)))
                .map_err(|e| Error::io(&path, e));
        }
        let err_path = self.root.join(format!("{rel}.error"));
        if err_path.is_file() {
            let bytes = std::fs::read(&err_path).map_err(|e| Error::io(&err_path, e))?;
            return Ok(Some(Entry::Failed(
                String::from_utf8_lossy(&bytes).into_owned(),
            )));
        }
        Ok(None)
    }

    fn regions(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for service in ["cloudtrail", "config"] {
            if let Ok(entries) = std::fs::read_dir(self.root.join(service)) {
                for e in entries.flatten() {
                    if e.path().is_dir() {
                        out.insert(e.file_name().to_string_lossy().into_owned());
                    }
                }
            }
        }
        out
    }

    fn display(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn method(&self) -> &'static str {
        "import"
    }
}

/// Evidence gathered in memory, laid out like an export folder.
#[derive(Debug, Default, Clone)]
pub struct MemorySource {
    pub entries: BTreeMap<String, Entry>,
    pub regions: BTreeSet<String>,
    pub method: &'static str,
    pub gaps: Vec<Gap>,
}

impl EvidenceSource for MemorySource {
    fn entry(&self, rel: &str) -> Result<Option<Entry>> {
        Ok(self.entries.get(rel).cloned())
    }
    fn regions(&self) -> BTreeSet<String> {
        self.regions.clone()
    }
    fn display(&self, rel: &str) -> PathBuf {
        PathBuf::from(format!("{}:{rel}", self.method))
    }
    fn method(&self) -> &'static str {
        self.method
    }
    fn gaps(&self) -> Vec<Gap> {
        self.gaps.clone()
    }
}

/// What of a `<file>.error` reaches the outputs. An AWS error keeps its code and operation
/// only ("An error occurred (AccessDenied) when calling the GetAccountPasswordPolicy
/// operation"): the message after it can carry ARNs, request ids or anything an attacker typed.
/// Any other first line is cut to 120 characters, control characters dropped and access-key
/// ids masked.
pub(super) fn summarize_cli_error(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("(empty error file)");
    if let Some(rest) = line.split("An error occurred (").nth(1)
        && let Some((code, rest)) = rest.split_once(')')
        && let Some(op) = rest
            .strip_prefix(" when calling the ")
            .and_then(|r| r.split_once(" operation"))
            .map(|(op, _)| op)
    {
        let clean = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'))
                .take(100)
                .collect()
        };
        return format!(
            "An error occurred ({}) when calling the {} operation",
            clean(code),
            clean(op)
        );
    }
    let shown: String = line.chars().filter(|c| !c.is_control()).take(120).collect();
    let mut s = crate::snapshot::mask_access_keys(&shown);
    if line.chars().count() > 120 {
        s.push('…');
    }
    s
}
