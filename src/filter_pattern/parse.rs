//! Tokenizer and recursive-descent parser for JSON filter patterns.

use super::{Comparison, Expr, Logic, Op, Pattern, Step, Test, Value};

/// Why a pattern could not be parsed, at a character column (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub column: usize,
    pub expected: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: expected {}", self.column, self.expected)
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    LBrace,
    RBrace,
    And,
    Or,
    Op(Op),
    Selector(Vec<Step>),
    Quoted(String),
    Word(String),
    Regex(String),
}

/// Characters that end an unquoted word.
fn ends_word(c: char) -> bool {
    c.is_whitespace() || "(){}=!<>&|\"".contains(c)
}

pub(super) fn pattern(text: &str) -> Result<Pattern, ParseError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(Pattern::Everything);
    }
    if trimmed.starts_with('[') {
        return Ok(Pattern::Unevaluated(
            "space-delimited patterns are not evaluated".into(),
        ));
    }
    if !trimmed.starts_with('{') {
        return Ok(Pattern::Unevaluated(
            "term patterns are matched against the raw text; safeguard does not evaluate them"
                .into(),
        ));
    }
    let offset = text.len() - text.trim_start().len();
    let toks = tokenize(trimmed, offset)?;
    let mut p = Parser {
        toks,
        pos: 0,
        end: text.chars().count() + 1,
    };
    p.expect(&Tok::LBrace, "`{`")?;
    let e = p.expr()?;
    p.expect(&Tok::RBrace, "`&&`, `||` or `}`")?;
    if p.pos < p.toks.len() {
        return Err(p.error("the end of the pattern after `}`"));
    }
    Ok(Pattern::Json(e))
}

/// A bare selector (`$.a.b[2]`), as metric transformations use for values and dimensions.
pub(super) fn selector_text(text: &str) -> Result<Vec<Step>, ParseError> {
    let t = text.trim();
    let chars: Vec<char> = t.chars().collect();
    let (steps, used) = selector(&chars, 0, 0)?;
    if used != chars.len() {
        return Err(ParseError {
            column: used + 1,
            expected: "the end of the selector".into(),
        });
    }
    Ok(steps)
}

/// Parses `$…` starting at `chars[i]`; returns the steps and the index after it.
fn selector(chars: &[char], mut i: usize, base: usize) -> Result<(Vec<Step>, usize), ParseError> {
    let err = |at: usize, what: &str| ParseError {
        column: base + at + 1,
        expected: what.into(),
    };
    if chars.get(i) != Some(&'$') {
        return Err(err(i, "a selector starting with `$`"));
    }
    i += 1;
    let mut steps = Vec::new();
    loop {
        match chars.get(i) {
            Some('.') => {
                i += 1;
                let start = i;
                while i < chars.len() && !ends_word(chars[i]) && !matches!(chars[i], '.' | '[') {
                    i += 1;
                }
                if i == start {
                    return Err(err(i, "a field name after `.`"));
                }
                let name: String = chars[start..i].iter().collect();
                if name == "*" {
                    return Err(err(start, "a field name (`*` selectors are not supported)"));
                }
                steps.push(Step::Field(name));
            }
            Some('[') => {
                let start = i + 1;
                let close = chars[start..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|p| start + p)
                    .ok_or_else(|| err(i, "`]`"))?;
                let index: String = chars[start..close].iter().collect();
                let n = index
                    .parse::<usize>()
                    .map_err(|_| err(start, "an array index (a whole number)"))?;
                steps.push(Step::Index(n));
                i = close + 1;
            }
            _ => break,
        }
    }
    if steps.is_empty() {
        return Err(err(i, "`.field` or `[index]` after `$`"));
    }
    Ok((steps, i))
}

fn tokenize(text: &str, base: usize) -> Result<Vec<(Tok, usize)>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |at: usize, what: &str| ParseError {
        column: base + at + 1,
        expected: what.into(),
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let start = i;
        let tok = match c {
            _ if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => Tok::Open,
            ')' => Tok::Close,
            '{' => Tok::LBrace,
            '}' => Tok::RBrace,
            '&' if next == Some('&') => {
                i += 1;
                Tok::And
            }
            '|' if next == Some('|') => {
                i += 1;
                Tok::Or
            }
            '=' => Tok::Op(Op::Eq),
            '!' if next == Some('=') => {
                i += 1;
                Tok::Op(Op::Ne)
            }
            '<' | '>' => {
                let eq = next == Some('=');
                if eq {
                    i += 1;
                }
                Tok::Op(match (c, eq) {
                    ('<', false) => Op::Lt,
                    ('<', true) => Op::Le,
                    ('>', false) => Op::Gt,
                    _ => Op::Ge,
                })
            }
            '$' => {
                let (steps, end) = selector(&chars, i, base)?;
                out.push((Tok::Selector(steps), start));
                i = end;
                continue;
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(err(start, "a closing `\"`")),
                        Some('"') => break,
                        Some('\\') if chars.get(i + 1).is_some() => {
                            s.push(chars[i + 1]);
                            i += 2;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                Tok::Quoted(s)
            }
            '%' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|&ch| ch == '%')
                    .ok_or_else(|| err(i, "a closing `%`"))?;
                let re: String = chars[i + 1..i + 1 + close].iter().collect();
                i += close + 1;
                Tok::Regex(re)
            }
            _ if ends_word(c) => return Err(err(i, "a selector, value, operator or parenthesis")),
            _ => {
                while i < chars.len() && !ends_word(chars[i]) {
                    i += 1;
                }
                out.push((Tok::Word(chars[start..i].iter().collect()), start));
                continue;
            }
        };
        out.push((tok, start));
        i += 1;
    }
    Ok(out.into_iter().map(|(t, at)| (t, base + at)).collect())
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    /// The column reported for "end of pattern".
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn error(&self, expected: &str) -> ParseError {
        ParseError {
            column: self.toks.get(self.pos).map_or(self.end, |(_, at)| at + 1),
            expected: expected.into(),
        }
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<(), ParseError> {
        if self.peek() == Some(tok) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        let mut operands = vec![self.operand()?];
        let mut ops = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Tok::And) => Logic::And,
                Some(Tok::Or) => Logic::Or,
                _ => break,
            };
            self.pos += 1;
            ops.push(op);
            operands.push(self.operand()?);
        }
        Ok(if operands.len() == 1 {
            operands.pop().expect("one operand")
        } else {
            Expr::Chain { operands, ops }
        })
    }

    fn operand(&mut self) -> Result<Expr, ParseError> {
        match self.peek() {
            Some(Tok::Open) => {
                self.pos += 1;
                let e = self.expr()?;
                self.expect(&Tok::Close, "`&&`, `||` or `)`")?;
                Ok(e)
            }
            Some(Tok::Selector(steps)) => {
                let selector = steps.clone();
                self.pos += 1;
                let test = self.test()?;
                Ok(Expr::Compare(Comparison { selector, test }))
            }
            _ => Err(self.error("`(` or a `$.` selector")),
        }
    }

    fn word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn test(&mut self) -> Result<Test, ParseError> {
        if self.word("IS") {
            if self.word("NULL") {
                return Ok(Test::IsNull);
            }
            if self.word("TRUE") {
                return Ok(Test::IsTrue);
            }
            if self.word("FALSE") {
                return Ok(Test::IsFalse);
            }
            return Err(self.error("NULL, TRUE or FALSE after IS"));
        }
        if self.word("NOT") {
            if self.word("EXISTS") {
                return Ok(Test::NotExists);
            }
            return Err(self.error("EXISTS after NOT"));
        }
        let Some(Tok::Op(op)) = self.peek().cloned() else {
            return Err(self.error("an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS)"));
        };
        self.pos += 1;
        let value = match self.peek().cloned() {
            Some(Tok::Quoted(s)) => Value::Str(s),
            Some(Tok::Regex(r)) => Value::Regex(r),
            Some(Tok::Word(w)) => match number(&w) {
                Some(n) => Value::Num(n, w),
                None => Value::Str(w),
            },
            _ => return Err(self.error("a value after the operator")),
        };
        self.pos += 1;
        if matches!(op, Op::Lt | Op::Gt | Op::Le | Op::Ge) && !matches!(value, Value::Num(..)) {
            self.pos -= 1;
            return Err(self.error("a number after a numeric comparison"));
        }
        Ok(Test::Op(op, value))
    }
}

/// A numeric literal: an optional sign, digits, an optional fraction and exponent.
fn number(w: &str) -> Option<f64> {
    let body = w.strip_prefix('-').unwrap_or(w);
    let first = body.chars().next()?;
    if !first.is_ascii_digit() {
        return None;
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return None;
    }
    w.parse::<f64>().ok().filter(|n| n.is_finite())
}
