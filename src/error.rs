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
    /// A bug in safeguard itself; surfaced rather than hidden.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::BadInput { .. } | Error::Usage(_) => 2,
            // An unreadable input file is bad input too: the user named it.
            Error::Io { .. } => 2,
            Error::Collection(_) => 3,
            Error::Internal(_) => 4,
        }
    }

    pub fn bad_input(
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
    pub fn from_json_syntax(file: impl AsRef<Path>, err: &serde_json::Error) -> Self {
        let location = Location {
            line: Some(err.line()),
            column: Some(err.column()),
            pointer: None,
        };
        Error::bad_input(file, location, json_message(err))
    }

    /// A JSON syntax or type error in `file`, with line/column from serde_json and the
    /// JSON pointer of the failing value from serde_path_to_error.
    pub fn from_json(
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

/// serde_json's message without its " at line X column Y" suffix: we print the location ourselves.
fn json_message(err: &serde_json::Error) -> String {
    let mut message = err.to_string();
    if let Some(idx) = message.rfind(" at line ") {
        message.truncate(idx);
    }
    message
}

/// Converts serde_path_to_error's path into an RFC 6901 JSON pointer.
fn json_pointer_of(path: &serde_path_to_error::Path) -> Option<String> {
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
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
