//! Markdown report from `templates/report.md.j2` (built in; `--templates DIR` overrides it).

use std::path::Path;

use minijinja::{Environment, Value};

use crate::error::{Error, Location, Result};
use crate::results::{ControlStatus, Results};

pub const TEMPLATE_NAME: &str = "report.md.j2";
const BUILTIN: &str = include_str!("../../templates/report.md.j2");

pub fn render(results: &Results, templates: Option<&Path>) -> Result<String> {
    let (source, origin) = match templates {
        Some(dir) => {
            let path = dir.join(TEMPLATE_NAME);
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            (text, path)
        }
        None => (
            BUILTIN.to_string(),
            Path::new("templates").join(TEMPLATE_NAME),
        ),
    };
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| Error::Internal(format!("template syntax: {e}")))?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("status_label", status_label);
    env.add_filter("cell", cell);
    env.add_filter("anchor", anchor);
    env.add_filter("param", param);
    env.add_filter("validity", validity);
    env.add_template_owned(TEMPLATE_NAME, source)
        .map_err(|e| template_error(&origin, &e))?;
    let statuses: Vec<&str> = ControlStatus::ALL.iter().map(|s| s.as_str()).collect();
    let tmpl = env
        .get_template(TEMPLATE_NAME)
        .map_err(|e| template_error(&origin, &e))?;
    tmpl.render(minijinja::context! { results => Value::from(minijinja::value::Serde(results)), statuses => statuses })
        .map_err(|e| template_error(&origin, &e))
}

fn template_error(path: &Path, e: &minijinja::Error) -> Error {
    let location = Location {
        line: e.line(),
        column: None,
        pointer: None,
    };
    let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
    Error::bad_input(
        path,
        location,
        format!("template error: {}{detail}", e.kind()),
    )
}

fn status_label(s: String) -> String {
    match s.as_str() {
        "fail" => "Fail",
        "insufficient_evidence" => "Insufficient evidence",
        "manual" => "Manual",
        "pass" => "Pass",
        "not_applicable" => "Not applicable",
        "error" => "Error (evidence missing)",
        other => return other.to_string(),
    }
    .to_string()
}

fn validity(s: String) -> String {
    match s.as_str() {
        "valid" => "valid",
        "expired" => "expired, ignored",
        "not_yet_valid" => "dated after the evidence, ignored",
        other => other,
    }
    .to_string()
}

/// A parameter value as users write it in `--set` (`true`, not Jinja's `True`).
fn param(v: Value) -> String {
    if v.kind() == minijinja::value::ValueKind::Bool {
        v.is_true().to_string()
    } else {
        v.to_string()
    }
}

/// Makes text safe inside a Markdown table cell.
fn cell(s: String) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// GitHub-style heading anchor of a control heading (`164.312(b) — Audit controls`).
fn anchor(s: String) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}
