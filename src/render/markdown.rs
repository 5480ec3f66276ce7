//! Markdown report from `templates/report.md.j2` (built in; `--templates DIR` overrides it).

use std::path::Path;

use minijinja::{Environment, Value};

use crate::error::{Error, Location, Result};
use crate::results::{ControlStatus, Results};

pub(crate) const TEMPLATE_NAME: &str = "report.md.j2";
const BUILTIN: &str = include_str!("../../templates/report.md.j2");

/// The largest report a template may write: far above the built-in report of the largest
/// account, far below what would exhaust memory.
pub(crate) const MAX_REPORT_BYTES: usize = 512 << 20;

/// Instructions a `--templates` template may run: a generous base plus a share per finding, so
/// a template that loops forever stops with an error instead of hanging the run.
fn fuel_for(results: &Results) -> u64 {
    let findings: usize = results.checks.iter().map(|k| k.findings.len()).sum();
    50_000_000 + 2_000 * findings as u64
}

/// Collects the output, refusing to grow past `limit`.
struct Bounded {
    buf: Vec<u8>,
    limit: usize,
    exceeded: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("report size limit reached"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn render(
    results: &Results,
    templates: Option<&Path>,
    detail: super::view::Detail,
    cover: &super::Cover,
) -> Result<String> {
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
    if templates.is_some() {
        env.set_fuel(Some(fuel_for(results)));
    }
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| Error::Internal(format!("template syntax: {e}")))?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("status_label", status_label);
    env.add_filter("cell", cell);
    env.add_filter("code", code);
    env.add_filter("anchor", anchor);
    env.add_filter("param", param);
    env.add_filter("validity", validity);
    env.add_filter("check_anchor", |s: String| super::view::check_anchor(&s));
    env.add_filter("counts", counts);
    env.add_filter("attested", attested);
    env.add_filter("basis_label", |s: String| {
        serde_json::from_value::<crate::verdict::Basis>(serde_json::Value::String(s.clone()))
            .map(|b| b.label().to_string())
            .unwrap_or(s)
    });
    env.add_filter("decision_label", |s: String| {
        serde_json::from_value::<crate::inputs::attestations::Decision>(serde_json::Value::String(
            s.clone(),
        ))
        .map(|d| d.label().to_string())
        .unwrap_or(s)
    });
    let preparer = results.preparer.clone();
    env.add_filter("self_signed", move |who: String| preparer.is(&who));
    env.add_template_owned(TEMPLATE_NAME, source)
        .map_err(|e| template_error(&origin, &e))?;
    let statuses: Vec<&str> = ControlStatus::ALL.iter().map(|s| s.as_str()).collect();
    let tmpl = env
        .get_template(TEMPLATE_NAME)
        .map_err(|e| template_error(&origin, &e))?;
    let mut out = Bounded {
        buf: Vec::new(),
        limit: MAX_REPORT_BYTES,
        exceeded: false,
    };
    let rendered = tmpl.render_captured_to(
        minijinja::context! {
            results => Value::from(minijinja::value::Serde(results)),
            statuses => statuses,
            checks => Value::from(minijinja::value::Serde(super::view::checks(results))),
            categories => Value::from(minijinja::value::Serde(super::view::categories(results))),
            detail => detail.mode(),
            cover => Value::from(minijinja::value::Serde(cover)),
            signature_line => cover.signature_line(),
            example_mark => super::EXAMPLE_MARK,
            actions => Value::from(minijinja::value::Serde(super::view::need_action(results))),
            failing_by_severity => super::view::failing_by_severity(results),
            data_stores => Value::from(minijinja::value::Serde(super::view::data_stores(results))),
            why_counted => detail.why_counted(),
        },
        &mut out,
    );
    match rendered {
        Ok(_) => String::from_utf8(out.buf)
            .map_err(|e| Error::Internal(format!("template output is not UTF-8: {e}"))),
        Err(_) if out.exceeded => Err(Error::bad_input(
            &origin,
            Location::default(),
            format!("template output exceeds {MAX_REPORT_BYTES} bytes"),
        )),
        Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => Err(Error::bad_input(
            &origin,
            Location {
                line: e.line(),
                column: None,
                pointer: None,
            },
            "template ran out of fuel: it runs far longer than the report needs (an endless loop?)",
        )),
        Err(e) => Err(template_error(&origin, &e)),
    }
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
    crate::verdict::label(&s).map_or(s, str::to_string)
}

/// Whether one of a control's attestations holds (its manual part is then attested, not
/// awaiting one).
fn attested(attestations: Value) -> bool {
    attestations.try_iter().is_ok_and(|mut it| {
        it.any(|a| {
            a.get_attr("status")
                .ok()
                .and_then(|s| s.as_str().map(|s| s == "valid"))
                .unwrap_or(false)
        })
    })
}

/// A control's counts for one check in words ("3 fail, 9 pass"), as the check's own.
fn counts(v: Value) -> String {
    let n = |key: &str| {
        v.get_attr(key)
            .ok()
            .and_then(|x| usize::try_from(x).ok())
            .unwrap_or(0)
    };
    crate::results::Counts {
        fail: n("fail"),
        error: n("error"),
        pass: n("pass"),
        not_applicable: n("not_applicable"),
        waived: n("waived"),
    }
    .text()
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
    match v.kind() {
        minijinja::value::ValueKind::Bool => v.is_true().to_string(),
        // A list parameter, as `--set` takes it.
        minijinja::value::ValueKind::Seq => v
            .try_iter()
            .map(|items| items.map(|i| i.to_string()).collect::<Vec<_>>().join(","))
            .unwrap_or_default(),
        _ => v.to_string(),
    }
}

/// A Markdown table: the header, its rule, and one line per row. Cells are written as given:
/// the caller escapes every value that came from evidence.
pub fn table(md: &mut String, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    use std::fmt::Write as _;
    let _ = writeln!(md, "| {} |", header.join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let _ = writeln!(md, "| {} |", row.join(" | "));
    }
}

/// The labels of `statuses`, as table headers.
pub fn status_headers(statuses: &[crate::results::ControlStatus]) -> Vec<&'static str> {
    statuses.iter().map(|s| s.label()).collect()
}

/// Counts by control status as Markdown table cells (`3 | 0 | 1`), in the order of
/// `statuses`: the history's runs and the roll-up's accounts and controls share the columns.
pub(crate) fn status_cells(
    counts: &std::collections::BTreeMap<crate::results::ControlStatus, usize>,
    statuses: &[crate::results::ControlStatus],
) -> String {
    statuses
        .iter()
        .map(|s| counts.get(s).copied().unwrap_or(0).to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Text from the evidence or the inputs, made inert in a Markdown table cell or paragraph:
/// control characters and line breaks become spaces, `<` `>` become entities (no raw HTML such
/// as `<script>` or `<img onerror>`), and the characters that open links or code, or end a
/// cell, are backslash-escaped.
pub(crate) fn escape_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '|' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn cell(s: String) -> String {
    escape_cell(&s)
}

/// A code span holding `s` verbatim, whatever backticks it contains: the fence is one backtick
/// longer than the longest run inside, padded when the text starts or ends with one; line
/// breaks and control characters become spaces and `|` is escaped for tables.
fn code(s: String) -> String {
    code_span(&s)
}

/// [`code`] for Rust callers (diff, history and roll-up reports).
pub(crate) fn code_span(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if clean.starts_with('`') || clean.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{clean}{pad}{fence}")
}

/// The heading anchor of a control (`164.312(b)` → `164312b`).
fn anchor(s: String) -> String {
    super::view::anchor(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_text_cannot_open_html_links_or_code_spans() {
        assert_eq!(
            cell("a|b <script>x</script> [click](javascript:1) `x` \u{1b}[2J\nz".into()),
            "a\\|b &lt;script&gt;x&lt;/script&gt; \\[click\\](javascript:1) \\`x\\`  \\[2J z"
        );
        assert_eq!(code("user/bob".into()), "`user/bob`");
        assert_eq!(code("a`b".into()), "``a`b``");
        assert_eq!(code("`x``".into()), "``` `x`` ```");
        assert_eq!(code("a|b\nc".into()), "`a\\|b c`");
    }
}
