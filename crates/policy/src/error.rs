//! The policy language's diagnostic: where in a document (a JSON pointer) and what was
//! expected. Its own module so the parser (`policy`) and the condition reader (`condition`)
//! both depend on it rather than on each other.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// JSON pointer inside the document, e.g. `/Statement/2/Action/1`.
    pub pointer: String,
    pub message: String,
    /// The pointer is into the document's text, not into a JSON value: the document was kept
    /// verbatim (a key repeats), so the evidence holds it as one string.
    pub in_text: bool,
}

impl PolicyError {
    /// Where in the evidence the error is, for a document found at `document`: the element
    /// the pointer names, or the document itself when it is kept as text.
    pub fn evidence_pointer(&self, document: &str) -> String {
        if self.in_text {
            document.to_string()
        } else {
            format!("{document}{}", self.pointer)
        }
    }
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "(document)"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.message)
    }
}

impl std::error::Error for PolicyError {}

pub(crate) fn err(pointer: impl Into<String>, message: impl Into<String>) -> PolicyError {
    PolicyError {
        pointer: pointer.into(),
        message: message.into(),
        in_text: false,
    }
}

/// How a diagnostic names a JSON value's kind ("a string", "an object", …).
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn short(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => kind_of(other).to_string(),
    }
}

pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
