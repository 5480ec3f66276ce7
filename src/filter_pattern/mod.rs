//! CloudWatch Logs metric-filter patterns, parsed and evaluated against log events.
//!
//! A metric filter is judged by what it would do: safeguard matches the pattern against
//! reference CloudTrail records instead of looking for the CIS text inside it. The grammar
//! follows AWS's "Filter pattern syntax for metric filters" (CloudWatch Logs User Guide):
//!
//! - **JSON patterns** `{ <expr> }`: selectors `$.a.b[0].c`; `=` and `!=` on strings (quoted or
//!   not, with `*` wildcards) and numbers; `<`, `>`, `<=`, `>=` on numbers; `IS NULL`,
//!   `NOT EXISTS`, `IS TRUE`, `IS FALSE`; `&&`, `||` and parentheses. These are decided.
//! - The **empty pattern** matches every event.
//! - **Term** and **space-delimited** patterns, and regular-expression values (`%…%`), are
//!   parsed no further than their form: evaluating them is reported as *undecided* rather than
//!   guessed, and a check turns that into a gap.
//!
//! Where AWS does not document a behaviour the evaluator answers [`Match::Undecided`] instead of
//! picking one: `!=` on a field the event lacks, a number compared with a string field, and
//! `&&` mixed with `||` without parentheses when the readings disagree on the event.

mod eval;
mod parse;
#[cfg(test)]
mod tests;

pub use parse::ParseError;

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// The empty pattern: every event matches.
    Everything,
    /// `{ … }`.
    Json(Expr),
    /// Term or space-delimited forms: recognised, not evaluated (the reason says which).
    Unevaluated(String),
}

/// A JSON-pattern expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Compare(Comparison),
    /// Operands joined by operators at one parenthesis level, kept flat so the evaluator can
    /// tell whether the grouping of `&&` and `||` matters. `ops.len() == operands.len() - 1`.
    Chain {
        operands: Vec<Expr>,
        ops: Vec<Logic>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logic {
    And,
    Or,
}

/// `selector op value`, or a unary test on a selector.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub selector: Vec<Step>,
    pub test: Test,
}

/// One step of a `$.…` selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Field(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `=`, `!=`, `<`, `>`, `<=`, `>=` against a value.
    Op(Op, Value),
    IsNull,
    NotExists,
    IsTrue,
    IsFalse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string; `*` is a wildcard.
    Str(String),
    /// A numeric literal, with its text (for messages and string comparison).
    Num(f64, String),
    /// `%regex%`: not evaluated.
    Regex(String),
}

/// The outcome of matching a pattern (or a part of one) against one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Yes,
    No,
    /// The evaluator cannot say; the text says why.
    Undecided(String),
}

impl Pattern {
    /// Parses a pattern as CloudWatch Logs would accept it.
    pub fn parse(text: &str) -> Result<Pattern, ParseError> {
        parse::pattern(text)
    }

    /// Whether the pattern matches `event` (one log event, parsed as JSON).
    pub fn matches(&self, event: &serde_json::Value) -> Match {
        match self {
            Pattern::Everything => Match::Yes,
            Pattern::Json(e) => eval::expr(e, event),
            Pattern::Unevaluated(why) => Match::Undecided(why.clone()),
        }
    }
}

/// Resolves a `$.a.b[0]` selector text (as in a metric transformation's `metricValue` or a
/// dimension) against an event: `Ok(None)` when the event lacks it, `Err` when the text is not
/// a selector.
pub fn select<'e>(
    selector: &str,
    event: &'e serde_json::Value,
) -> Result<Option<&'e serde_json::Value>, ParseError> {
    let steps = parse::selector_text(selector)?;
    Ok(eval::resolve(&steps, event))
}
