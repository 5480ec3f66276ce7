//! Three-valued evaluation of JSON patterns against one event.

use serde_json::Value as Json;

use super::{Comparison, Expr, Logic, Match, Op, Step, Test, Value};

pub(super) fn resolve<'e>(steps: &[Step], event: &'e Json) -> Option<&'e Json> {
    steps.iter().try_fold(event, |node, step| match step {
        Step::Field(name) => node.as_object()?.get(name),
        Step::Index(i) => node.as_array()?.get(*i),
    })
}

pub(super) fn expr(e: &Expr, event: &Json) -> Match {
    match e {
        Expr::Compare(c) => compare(c, event),
        Expr::Chain { operands, ops } => chain(operands, ops, event),
    }
}

/// An operand list at one parenthesis level. With one kind of operator the grouping does not
/// matter. Mixed without parentheses, AWS does not document the precedence: the chain is read
/// with `&&` binding tighter, with `||` binding tighter, and left to right, and decided only if
/// all three readings agree on this event.
fn chain(operands: &[Expr], ops: &[Logic], event: &Json) -> Match {
    let values: Vec<Match> = operands.iter().map(|o| expr(o, event)).collect();
    let mixed = ops.windows(2).any(|w| w[0] != w[1]);
    if !mixed {
        return match ops.first() {
            Some(Logic::Or) => values.into_iter().fold(Match::No, or),
            _ => values.into_iter().fold(Match::Yes, and),
        };
    }
    let tight = |inner: Logic| -> Match {
        // Group runs joined by `inner`, then join the groups with the other operator.
        let join: fn(Match, Match) -> Match = match inner {
            Logic::And => and,
            Logic::Or => or,
        };
        let (outer, outer_unit): (fn(Match, Match) -> Match, Match) = match inner {
            Logic::And => (or, Match::No),
            Logic::Or => (and, Match::Yes),
        };
        let mut groups = Vec::new();
        let mut current = values[0].clone();
        for (op, v) in ops.iter().zip(&values[1..]) {
            if *op == inner {
                current = join(current, v.clone());
            } else {
                groups.push(std::mem::replace(&mut current, v.clone()));
            }
        }
        groups.push(current);
        groups.into_iter().fold(outer_unit, outer)
    };
    let left_to_right =
        ops.iter()
            .zip(&values[1..])
            .fold(values[0].clone(), |acc, (op, v)| match op {
                Logic::And => and(acc, v.clone()),
                Logic::Or => or(acc, v.clone()),
            });
    let readings = [tight(Logic::And), tight(Logic::Or), left_to_right];
    if readings.iter().all(|r| *r == readings[0]) {
        readings[0].clone()
    } else {
        Match::Undecided(
            "the pattern mixes && and || without parentheses, and the grouping changes the result"
                .into(),
        )
    }
}

fn and(a: Match, b: Match) -> Match {
    match (a, b) {
        (Match::No, _) | (_, Match::No) => Match::No,
        (Match::Undecided(w), _) | (_, Match::Undecided(w)) => Match::Undecided(w),
        _ => Match::Yes,
    }
}

fn or(a: Match, b: Match) -> Match {
    match (a, b) {
        (Match::Yes, _) | (_, Match::Yes) => Match::Yes,
        (Match::Undecided(w), _) | (_, Match::Undecided(w)) => Match::Undecided(w),
        _ => Match::No,
    }
}

fn yes(b: bool) -> Match {
    if b { Match::Yes } else { Match::No }
}

fn compare(c: &Comparison, event: &Json) -> Match {
    let field = resolve(&c.selector, event);
    match &c.test {
        Test::NotExists => yes(field.is_none()),
        Test::IsNull => yes(matches!(field, Some(Json::Null))),
        Test::IsTrue => yes(matches!(field, Some(Json::Bool(true)))),
        Test::IsFalse => yes(matches!(field, Some(Json::Bool(false)))),
        Test::Op(op, value) => compare_value(*op, value, field, &c.selector),
    }
}

fn compare_value(op: Op, value: &Value, field: Option<&Json>, selector: &[Step]) -> Match {
    let path = || {
        selector.iter().fold("$".to_string(), |mut s, step| {
            match step {
                Step::Field(f) => {
                    s.push('.');
                    s.push_str(f);
                }
                Step::Index(i) => s.push_str(&format!("[{i}]")),
            }
            s
        })
    };
    if let Value::Regex(_) = value {
        return Match::Undecided("regular-expression values are not evaluated".into());
    }
    let Some(field) = field else {
        // `=` and the numeric comparisons need the field; what `!=` does on an absent field is
        // not documented.
        return if op == Op::Ne {
            Match::Undecided(format!(
                "whether != matches an event without {} is not documented",
                path()
            ))
        } else {
            Match::No
        };
    };
    match (value, field) {
        (Value::Str(want), Json::String(have)) => match op {
            Op::Eq => yes(wildcard(want, have)),
            Op::Ne => yes(!wildcard(want, have)),
            _ => Match::No,
        },
        (Value::Num(want, _), Json::Number(have)) => {
            let have = have.as_f64().unwrap_or(f64::NAN);
            yes(match op {
                Op::Eq => have == *want,
                Op::Ne => have != *want,
                Op::Lt => have < *want,
                Op::Gt => have > *want,
                Op::Le => have <= *want,
                Op::Ge => have >= *want,
            })
        }
        (Value::Num(_, text), Json::String(_)) => Match::Undecided(format!(
            "{} is a string and the pattern compares it with the number {text}",
            path()
        )),
        (Value::Str(want), Json::Number(n)) if op == Op::Eq || op == Op::Ne => {
            // A string value against a number field: not documented either.
            Match::Undecided(format!(
                "{} is the number {n} and the pattern compares it with the string {want:?}",
                path()
            ))
        }
        (Value::Str(want), Json::Bool(b)) if want == "true" || want == "false" => {
            let same = (want == "true") == *b;
            match op {
                Op::Eq => yes(same),
                Op::Ne => yes(!same),
                _ => Match::No,
            }
        }
        // Objects, arrays, null and mismatched scalars: `=` cannot hold; `!=` is undocumented.
        _ if op == Op::Ne => Match::Undecided(format!(
            "whether != matches {} of type {} is not documented",
            path(),
            kind(field)
        )),
        _ => Match::No,
    }
}

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// `*` matches any run of characters (including none); everything else matches itself,
/// case-sensitively. Iterative with one backtrack point, so it is linear in practice.
pub(super) fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}
