//! Errors that end a run, each mapped to the exit code docs/results-schema.md documents.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a user's file something went wrong: a line/column, a JSON pointer, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub pointer: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(ptr) = &self.pointer {
            let shown = if ptr.is_empty() { "/" } else { ptr };
            write!(f, " (at {shown})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's input is malformed: exit 2, naming file and location.
    #[error("{}{}: {message}", file.display(), location)]
    BadInput {
        file: PathBuf,
        location: Location,
        message: String,
    },
    /// One or more problems in a user's file, each at its line and column: exit 2.
    #[error("{}", render_diagnostics(file, diagnostics))]
    Invalid {
        file: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
    /// Wrong flags or arguments: exit 2.
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed for a reason outside the user's content.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Collection could not run at all (no credentials, no network): exit 3.
    #[error("{0}")]
    Collection(String),
    /// The package was written (and is kept) but could not be uploaded or signed: exit 4.
    #[error("{0}")]
    Delivery(String),
    /// A bug in safeguard itself; surfaced rather than hidden: exit 70 (EX_SOFTWARE).
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub(crate) fn exit_code(&self) -> i32 {
        match self {
            Error::BadInput { .. } | Error::Invalid { .. } | Error::Usage(_) => 2,
            // An unreadable input file is bad input too: the user named it.
            Error::Io { .. } => 2,
            Error::Collection(_) => 3,
            Error::Delivery(_) => 4,
            Error::Internal(_) => 70,
        }
    }

    pub(crate) fn bad_input(
        file: impl AsRef<Path>,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Error::BadInput {
            file: file.as_ref().to_path_buf(),
            location,
            message: message.into(),
        }
    }

    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// A JSON syntax error in `file` (no pointer: the document did not parse).
    pub(crate) fn from_json_syntax(file: impl AsRef<Path>, err: &serde_json::Error) -> Self {
        let location = Location {
            line: Some(err.line()),
            column: Some(err.column()),
            pointer: None,
        };
        Error::bad_input(file, location, json_message(err))
    }

    /// A JSON syntax or type error in `file`, with line/column from serde_json and the
    /// JSON pointer of the failing value from serde_path_to_error.
    pub(crate) fn from_json(
        file: impl AsRef<Path>,
        err: serde_path_to_error::Error<serde_json::Error>,
    ) -> Self {
        let pointer = json_pointer_of(err.path());
        let inner = err.into_inner();
        let location = Location {
            line: (inner.line() > 0).then_some(inner.line()),
            column: (inner.column() > 0).then_some(inner.column()),
            pointer,
        };
        Error::bad_input(file, location, json_message(&inner))
    }
}

/// `file:line:column: message [code]`, one line per problem, then how many when several.
fn render_diagnostics(file: &Path, diagnostics: &[Diagnostic]) -> String {
    let mut lines: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}{}: {} [{}]",
                file.display(),
                d.location,
                d.message,
                d.code.as_str()
            )
        })
        .collect();
    if diagnostics.len() > 1 {
        lines.push(format!(
            "{} problems in {}",
            diagnostics.len(),
            file.display()
        ));
    }
    lines.join("\n")
}

/// serde_json's message without its " at line X column Y" suffix: we print the location ourselves.
pub(crate) fn json_message(err: &serde_json::Error) -> String {
    let mut message = err.to_string();
    if let Some(idx) = message.rfind(" at line ") {
        message.truncate(idx);
    }
    message
}

/// Converts serde_path_to_error's path into an RFC 6901 JSON pointer.
pub(crate) fn json_pointer_of(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&escape_pointer_token(key));
            }
            Segment::Unknown => return (!out.is_empty()).then_some(out),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Escapes one reference token of a JSON pointer (RFC 6901 §3).
pub(crate) fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

// ---------------------------------------------------------------- diagnostics

/// What kind of problem a diagnostic reports: a stable code, printed after the message, that
/// tests and scripts can match on while the wording improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A check id no check has.
    UnknownCheck,
    /// A parameter the check does not declare.
    UnknownParameter,
    /// A parameter value of the wrong type.
    ParameterType,
    /// An integer parameter outside its declared range.
    ParameterRange,
    /// A control id not in the catalog, or not a HIPAA citation.
    UnknownControl,
    /// An identifier NIST SP 800-66r2's catalog does not have, or not a key activity or
    /// description part.
    UnknownNistId,
    /// The same control or check given twice.
    Duplicate,
    /// A statement that does not fit what it is about (a control nothing could decide, an
    /// attestation of a control with no manual part, an anchor answered by a check the
    /// control lacks).
    Inconsistent,
    /// A date or time that does not parse, or an expiry before the date.
    Date,
    /// A required text left empty.
    Empty,
    /// An attested evidence file that cannot be taken into the package.
    EvidenceFile,
    /// A waiver of an event check that names neither the event nor a window, or event fields
    /// on another check.
    EventScope,
    /// A validity longer than the governance limit (`attestation_max_days`,
    /// `waiver_max_days`).
    Validity,
    /// A person named without the role that lets them vouch ("Name, Title").
    Person,
    /// An addressable specification's attestation without its decision, rationale or measure.
    Decision,
    /// A value outside the allowed set (a decision, a risk level).
    Choice,
    /// A waiver whose resource pattern matches every resource, without `all_resources: true`.
    AllResources,
    /// The file's structure: an unknown or missing field, a value of the wrong kind.
    Structure,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnknownCheck => "unknown-check",
            Code::UnknownParameter => "unknown-parameter",
            Code::ParameterType => "parameter-type",
            Code::ParameterRange => "parameter-range",
            Code::UnknownControl => "unknown-control",
            Code::UnknownNistId => "unknown-nist-id",
            Code::Duplicate => "duplicate",
            Code::Inconsistent => "inconsistent",
            Code::Date => "date",
            Code::Empty => "empty",
            Code::Structure => "structure",
            Code::EvidenceFile => "evidence-file",
            Code::EventScope => "event-scope",
            Code::Validity => "validity",
            Code::Person => "person",
            Code::Decision => "decision",
            Code::Choice => "choice",
            Code::AllResources => "all-resources",
        }
    }
}

/// One problem in a user's file, at its line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: Location,
    pub code: Code,
    pub message: String,
}

impl Diagnostic {
    pub fn new(location: Location, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            location,
            code,
            message: message.into(),
        }
    }
}

/// Every problem found in one input file, gathered so that one run reports them all (as a
/// compiler does) rather than one per run. A loader reads what it can, `push`es each
/// problem, skips the entry that has it, and ends with [`Diagnostics::finish`].
#[derive(Debug)]
pub(crate) struct Diagnostics {
    file: PathBuf,
    found: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(file: impl AsRef<Path>) -> Self {
        Diagnostics {
            file: file.as_ref().to_path_buf(),
            found: Vec::new(),
        }
    }

    pub fn push(&mut self, location: Location, code: Code, message: impl Into<String>) {
        self.found.push(Diagnostic::new(location, code, message));
    }

    /// How many problems were found so far.
    pub fn len(&self) -> usize {
        self.found.len()
    }

    /// The value of a step that may have found a problem; the problem is recorded.
    pub fn take<T>(&mut self, r: std::result::Result<T, Diagnostic>) -> Option<T> {
        r.map_err(|d| self.found.push(d)).ok()
    }

    /// `value` when nothing was found, else every problem at once, in file order (exit 2).
    pub fn finish<T>(self, value: T) -> Result<T> {
        if self.found.is_empty() {
            return Ok(value);
        }
        let mut found = self.found;
        found.sort_by_key(|d| (d.location.line, d.location.column));
        Err(Error::Invalid {
            file: self.file,
            diagnostics: found,
        })
    }
}

/// The line and column of a value in a YAML file.
pub(crate) fn yaml_at<T>(s: &serde_saphyr::Spanned<T>) -> Location {
    Location {
        line: Some(s.referenced.line() as usize),
        column: Some(s.referenced.column() as usize),
        pointer: None,
    }
}

/// A YAML file that does not parse, or not into its expected shape, at the parser's location.
pub(crate) fn yaml_error(path: &Path, e: &serde_saphyr::Error) -> Error {
    let location = e
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| Location {
            line: Some(l.line() as usize),
            column: Some(l.column() as usize),
            pointer: None,
        })
        .unwrap_or_default();
    let mut message = e.without_snippet().to_string();
    // The location is printed in front; drop a trailing copy of it.
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    Error::bad_input(path, location, message.trim().to_string())
}

/// "; did you mean X?" for the known id nearest to a mistyped one, or nothing.
pub(crate) fn did_you_mean(wrong: &str, known: &[&str]) -> String {
    closest(wrong, known)
        .map(|k| format!("; did you mean {k:?}?"))
        .unwrap_or_default()
}

/// The known id nearest to a mistyped one (edit distance ≤ 3).
pub(crate) fn closest<'a>(wrong: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(wrong, k), *k))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, k)| k)
}
