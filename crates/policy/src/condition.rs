//! `Condition` blocks: every operator family, the `IfExists` suffix, the `ForAllValues:` and
//! `ForAnyValue:` set qualifiers, evaluated three-valued against what static analysis knows.
//!
//! The engine rarely knows the request: a key it has no value for is *unknown*, and a condition
//! on it evaluates to [`Tri::Unknown`], so the statement is kept with its condition attached
//! instead of being trusted or dropped.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde_json::Value;

use crate::error::{PolicyError, escape, kind_of};
use crate::glob;

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tri {
    False,
    Unknown,
    True,
}

impl Tri {
    pub fn and(self, other: Tri) -> Tri {
        self.min(other)
    }
    pub fn or(self, other: Tri) -> Tri {
        self.max(other)
    }
    pub fn negate(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnLike,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Operator {
    /// As written, e.g. `ForAnyValue:StringNotLikeIfExists`.
    pub name: String,
    pub family: Family,
    /// `StringNotEquals`, `NotIpAddress`, `ArnNotLike`, ...: true when no value matches.
    pub negated: bool,
    pub if_exists: bool,
    pub set: Option<SetQualifier>,
}

impl Operator {
    pub fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        let (if_exists, base) = match rest.strip_suffix("IfExists") {
            Some(b) => (true, b),
            None => (false, rest),
        };
        use Family::*;
        let (family, negated) = match base {
            "StringEquals" => (StringEquals, false),
            "StringNotEquals" => (StringEquals, true),
            "StringEqualsIgnoreCase" => (StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (StringEqualsIgnoreCase, true),
            "StringLike" => (StringLike, false),
            "StringNotLike" => (StringLike, true),
            "NumericEquals" => (NumericEquals, false),
            "NumericNotEquals" => (NumericEquals, true),
            "NumericLessThan" => (NumericLessThan, false),
            "NumericLessThanEquals" => (NumericLessThanEquals, false),
            "NumericGreaterThan" => (NumericGreaterThan, false),
            "NumericGreaterThanEquals" => (NumericGreaterThanEquals, false),
            "DateEquals" => (DateEquals, false),
            "DateNotEquals" => (DateEquals, true),
            "DateLessThan" => (DateLessThan, false),
            "DateLessThanEquals" => (DateLessThanEquals, false),
            "DateGreaterThan" => (DateGreaterThan, false),
            "DateGreaterThanEquals" => (DateGreaterThanEquals, false),
            "Bool" => (Bool, false),
            "BinaryEquals" => (BinaryEquals, false),
            "IpAddress" => (IpAddress, false),
            "NotIpAddress" => (IpAddress, true),
            // ArnEquals and ArnLike behave the same: both take wildcards per ARN segment.
            "ArnEquals" | "ArnLike" => (ArnLike, false),
            "ArnNotEquals" | "ArnNotLike" => (ArnLike, true),
            "Null" if !if_exists => (Null, false),
            _ => return None,
        };
        Some(Operator {
            name: name.to_string(),
            family,
            negated,
            if_exists,
            set,
        })
    }
}

/// One operator applied to one key: `"StringEquals": {"aws:username": ["a", "b"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Condition {
    pub operator: Operator,
    /// As written; keys compare case-insensitively.
    pub key: String,
    /// Values as strings (booleans and numbers are written as AWS reads them).
    pub values: Vec<String>,
    /// Pointer of the key inside its document.
    pub pointer: String,
}

/// What static analysis knows of a request.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// Lower-cased key → values. A key mapped to an empty list is known to be absent.
    known: BTreeMap<String, Vec<String>>,
    /// Lower-cased key → the interval (seconds since the epoch, both ends included) its one
    /// value is known to lie in, when the value itself is not known: `aws:TokenIssueTime` of a
    /// session that exists at the collection time. A known value wins over a window.
    windows: BTreeMap<String, (f64, f64)>,
}

impl RequestContext {
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares the key's values.
    pub fn set(&mut self, key: &str, values: &[&str]) -> &mut Self {
        self.known.insert(
            key.to_ascii_lowercase(),
            values.iter().map(|s| s.to_string()).collect(),
        );
        self
    }

    /// Declares the key absent from the request.
    pub fn absent(&mut self, key: &str) -> &mut Self {
        self.known.insert(key.to_ascii_lowercase(), Vec::new());
        self
    }

    /// Declares that the key is present with one value between `from` and `to` (seconds since
    /// the epoch, inclusive).
    pub fn window(&mut self, key: &str, from: f64, to: f64) -> &mut Self {
        self.windows.insert(key.to_ascii_lowercase(), (from, to));
        self
    }

    /// `Some(values)` when known (empty = absent), `None` when unknown.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.known.get(&key.to_ascii_lowercase()).map(Vec::as_slice)
    }

    /// Substitutes `${...}` policy variables.
    pub fn substitute<'t>(&self, text: &'t str) -> Subst<'t> {
        if !text.contains("${") {
            return Subst::Text(std::borrow::Cow::Borrowed(text));
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                // An unterminated "${" is literal text.
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let var = &after[..end];
            // `${aws:username, 'default'}` carries a default for an absent key.
            let (name, default) = match var.split_once(',') {
                Some((n, d)) => (n.trim(), Some(d.trim().trim_matches('\''))),
                None => (var.trim(), None),
            };
            match name {
                "*" | "?" | "$" => out.push_str(name),
                _ => match (self.get(name), default) {
                    (Some([one]), _) => out.push_str(one),
                    (Some([]), Some(d)) => out.push_str(d),
                    // AWS: a variable whose key is absent makes the value match nothing
                    // (`${aws:username}` in a role's session).
                    (Some([]), None) => return Subst::Absent,
                    _ => return Subst::Unknown,
                },
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Subst::Text(std::borrow::Cow::Owned(out))
    }
}

/// A policy value after variable substitution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subst<'t> {
    Text(std::borrow::Cow<'t, str>),
    /// A variable's key is known to be absent: the value matches nothing.
    Absent,
    /// A variable's value is not known statically.
    Unknown,
}

impl<'t> Subst<'t> {
    pub fn text(self) -> Option<std::borrow::Cow<'t, str>> {
        match self {
            Subst::Text(t) => Some(t),
            _ => None,
        }
    }
}

impl Condition {
    /// Parses a whole `Condition` element into one condition per operator and key.
    pub fn parse_block(v: &Value, ptr: &str) -> Result<Vec<Condition>, PolicyError> {
        let err = |p: String, m: String| PolicyError {
            pointer: p,
            message: m,
            in_text: false,
        };
        let ops = v.as_object().ok_or_else(|| {
            err(
                ptr.to_string(),
                format!(
                    "expected an object of condition operators, found {}",
                    kind_of(v)
                ),
            )
        })?;
        let mut out = Vec::new();
        for (op_name, keys) in ops {
            let op_ptr = format!("{ptr}/{}", escape(op_name));
            let operator = Operator::parse(op_name).ok_or_else(|| {
                err(
                    op_ptr.clone(),
                    format!(
                        "unknown condition operator {op_name:?}; expected a String, Numeric, Date, Bool, Binary, IpAddress, Arn or Null operator, optionally with IfExists and ForAllValues:/ForAnyValue:"
                    ),
                )
            })?;
            let keys = keys.as_object().ok_or_else(|| {
                err(
                    op_ptr.clone(),
                    format!(
                        "expected an object of condition keys, found {}",
                        kind_of(keys)
                    ),
                )
            })?;
            for (key, vals) in keys {
                let key_ptr = format!("{op_ptr}/{}", escape(key));
                let raw: Vec<(String, &Value)> = match vals {
                    Value::Array(a) => a
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (format!("{key_ptr}/{i}"), x))
                        .collect(),
                    other => vec![(key_ptr.clone(), other)],
                };
                let mut values = Vec::new();
                for (p, x) in raw {
                    values.push(match x {
                        Value::String(s) => s.clone(),
                        Value::Bool(b) => b.to_string(),
                        Value::Number(n) => n.to_string(),
                        other => {
                            return Err(err(
                                p,
                                format!(
                                    "expected a string, boolean or number, found {}",
                                    kind_of(other)
                                ),
                            ));
                        }
                    });
                }
                if operator.family == Family::Null {
                    for v in &values {
                        if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") {
                            return Err(err(
                                key_ptr.clone(),
                                format!("Null takes \"true\" or \"false\", found {v:?}"),
                            ));
                        }
                    }
                }
                out.push(Condition {
                    operator: operator.clone(),
                    key: key.clone(),
                    values,
                    pointer: key_ptr,
                });
            }
        }
        Ok(out)
    }

    /// Evaluates against what is known of the request.
    pub fn evaluate(&self, ctx: &RequestContext) -> Tri {
        let Some(request) = ctx.get(&self.key) else {
            return match ctx.windows.get(&self.key.to_ascii_lowercase()) {
                Some(&(from, to)) => self.evaluate_window(ctx, from, to),
                None => Tri::Unknown,
            };
        };
        let op = &self.operator;
        if op.family == Family::Null {
            // "true": the key is absent; "false": it is present. Several values are ORed.
            let absent = request.is_empty();
            return self
                .values
                .iter()
                .map(|v| Tri::from_bool(v.eq_ignore_ascii_case("true") == absent))
                .fold(Tri::False, Tri::or);
        }
        if request.is_empty() {
            return match op.set {
                // With no values, "all of none" holds and "any of none" does not.
                Some(SetQualifier::ForAllValues) => Tri::True,
                Some(SetQualifier::ForAnyValue) => Tri::False,
                None if op.if_exists => Tri::True,
                // A negated operator holds when there is nothing to match.
                None => Tri::from_bool(op.negated),
            };
        }
        let mut policy_values = Vec::with_capacity(self.values.len());
        for v in &self.values {
            match ctx.substitute(v) {
                Subst::Text(s) => policy_values.push(s.into_owned()),
                Subst::Absent => {}
                Subst::Unknown => return Tri::Unknown,
            }
        }
        // Does one request value match any of the policy's values (positive sense)?
        let one = |rv: &str| -> Tri {
            policy_values
                .iter()
                .map(|pv| match_one(op.family, pv, rv))
                .fold(Tri::False, Tri::or)
        };
        let positive = |rv: &str| -> Tri {
            if op.negated {
                one(rv).negate()
            } else {
                one(rv)
            }
        };
        match op.set {
            Some(SetQualifier::ForAllValues) => request
                .iter()
                .map(|rv| positive(rv))
                .fold(Tri::True, Tri::and),
            Some(SetQualifier::ForAnyValue) => request
                .iter()
                .map(|rv| positive(rv))
                .fold(Tri::False, Tri::or),
            None => {
                // A single-valued key: take its value (several values behave like ForAnyValue).
                request
                    .iter()
                    .map(|rv| positive(rv))
                    .fold(Tri::False, Tri::or)
            }
        }
    }

    /// Evaluates against a present key whose one value lies in `[from, to]`: decided when the
    /// comparison comes out the same for every value of the interval (a `DateLessThan` before
    /// the interval's start is false for all of them), unknown otherwise.
    fn evaluate_window(&self, ctx: &RequestContext, from: f64, to: f64) -> Tri {
        use Family::*;
        let op = &self.operator;
        if op.family == Family::Null {
            // Present: "true" (absent) fails, "false" holds.
            return self
                .values
                .iter()
                .map(|v| Tri::from_bool(!v.eq_ignore_ascii_case("true")))
                .fold(Tri::False, Tri::or);
        }
        let is_date = op.family.is_date();
        if !is_date && !op.family.is_number() {
            return Tri::Unknown;
        }
        let mut result = Tri::False;
        for v in &self.values {
            let Some(text) = ctx.substitute(v).text() else {
                return Tri::Unknown;
            };
            let policy = if is_date {
                parse_date(&text)
            } else {
                text.trim().parse::<f64>().ok()
            };
            let Some(p) = policy else {
                // A value that is no date or number matches nothing.
                continue;
            };
            // The comparison at both ends of the interval; it is monotone in between, except
            // for equality, which holds throughout only on a one-point interval.
            let one = match op.family {
                DateEquals | NumericEquals => {
                    if from == to && from == p {
                        Tri::True
                    } else if p < from || p > to {
                        Tri::False
                    } else {
                        Tri::Unknown
                    }
                }
                _ => {
                    let (a, b) = (compare(op.family, from, p), compare(op.family, to, p));
                    if a == b {
                        Tri::from_bool(a)
                    } else {
                        Tri::Unknown
                    }
                }
            };
            result = result.or(one);
        }
        if op.negated { result.negate() } else { result }
    }

    /// `aws:MultiFactorAuthPresent is "true"`-style text for findings.
    pub fn describe(&self) -> String {
        let vals = if self.values.len() == 1 {
            format!("{:?}", self.values[0])
        } else {
            format!(
                "one of [{}]",
                self.values
                    .iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!("{} {} {}", self.operator.name, self.key, vals)
    }
}

impl Family {
    fn is_date(self) -> bool {
        use Family::*;
        matches!(
            self,
            DateEquals
                | DateLessThan
                | DateLessThanEquals
                | DateGreaterThan
                | DateGreaterThanEquals
        )
    }

    fn is_number(self) -> bool {
        use Family::*;
        matches!(
            self,
            NumericEquals
                | NumericLessThan
                | NumericLessThanEquals
                | NumericGreaterThan
                | NumericGreaterThanEquals
        )
    }
}

fn match_one(family: Family, policy: &str, request: &str) -> Tri {
    use Family::*;
    match family {
        StringEquals | BinaryEquals => Tri::from_bool(policy == request),
        StringEqualsIgnoreCase => Tri::from_bool(policy.eq_ignore_ascii_case(request)),
        StringLike => Tri::from_bool(glob::matches(policy, request, false)),
        Bool => Tri::from_bool(policy.eq_ignore_ascii_case(request)),
        NumericEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => {
            match (policy.trim().parse::<f64>(), request.trim().parse::<f64>()) {
                (Ok(p), Ok(r)) => Tri::from_bool(compare(family, r, p)),
                _ => Tri::False,
            }
        }
        DateEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => match (parse_date(policy), parse_date(request)) {
            (Some(p), Some(r)) => Tri::from_bool(compare(family, r, p)),
            _ => Tri::False,
        },
        IpAddress => Tri::from_bool(cidr_contains(policy, request).unwrap_or(false)),
        ArnLike => Tri::from_bool(arn_like(policy, request)),
        Null => Tri::Unknown,
    }
}

fn compare(family: Family, request: f64, policy: f64) -> bool {
    use Family::*;
    match family {
        NumericEquals | DateEquals => request == policy,
        NumericLessThan | DateLessThan => request < policy,
        NumericLessThanEquals | DateLessThanEquals => request <= policy,
        NumericGreaterThan | DateGreaterThan => request > policy,
        NumericGreaterThanEquals | DateGreaterThanEquals => request >= policy,
        _ => false,
    }
}

/// Seconds since the epoch of an ISO 8601 date or date-time (UTC, or with a `Z`/offset), or of
/// an epoch number.
pub fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, t),
        None => (s, "00:00:00Z"),
    };
    let mut d = date.split('-');
    let y: i64 = d.next()?.parse().ok()?;
    let m: i64 = d.next()?.parse().ok()?;
    let day: i64 = d.next()?.parse().ok()?;
    if d.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, offset) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0i64)
    } else if let Some(pos) = time.rfind(['+', '-']) {
        let (c, off) = time.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let mut hm = off[1..].split(':');
        let h: i64 = hm.next()?.parse().ok()?;
        let mi: i64 = hm.next().unwrap_or("0").parse().ok()?;
        (c, sign * (h * 3600 + mi * 60))
    } else {
        (time, 0)
    };
    let mut c = clock.split(':');
    let h: f64 = c.next()?.parse().ok()?;
    let mi: f64 = c.next().unwrap_or("0").parse().ok()?;
    let sec: f64 = c.next().unwrap_or("0").parse().ok()?;
    // Days from civil (proleptic Gregorian), Howard Hinnant's algorithm.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days as f64 * 86_400.0 + h * 3600.0 + mi * 60.0 + sec - offset as f64)
}

fn cidr_contains(cidr: &str, ip: &str) -> Option<bool> {
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, Some(b.parse::<u32>().ok()?)),
        None => (cidr, None),
    };
    let net: IpAddr = net.trim().parse().ok()?;
    let ip: IpAddr = ip.trim().parse().ok()?;
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            Some(u32::from(n) & mask == u32::from(i) & mask)
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            Some(u128::from(n) & mask == u128::from(i) & mask)
        }
        _ => Some(false),
    }
}

/// ARN matching: the six colon-separated parts compare one by one, wildcards within a part
/// (the last part, the resource, may itself contain colons).
pub fn arn_like(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    if p.len() != a.len() {
        return pattern == "*" || glob::matches(pattern, arn, false);
    }
    p.iter()
        .zip(&a)
        .all(|(pp, aa)| glob::matches(pp, aa, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cond(op: &str, key: &str, values: Value) -> Condition {
        let block = json!({ op: { key: values } });
        Condition::parse_block(&block, "/Condition")
            .unwrap()
            .remove(0)
    }

    fn ctx(pairs: &[(&str, &[&str])]) -> RequestContext {
        let mut c = RequestContext::new();
        for (k, v) in pairs {
            c.set(k, v);
        }
        c
    }

    #[test]
    fn every_operator_name_parses_and_unknown_ones_do_not() {
        for name in [
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
            "Bool",
            "BinaryEquals",
            "IpAddress",
            "NotIpAddress",
            "ArnEquals",
            "ArnLike",
            "ArnNotEquals",
            "ArnNotLike",
            "Null",
            "StringEqualsIfExists",
            "ForAllValues:StringLike",
            "ForAnyValue:StringNotEqualsIfExists",
            "BoolIfExists",
        ] {
            assert!(Operator::parse(name).is_some(), "{name}");
        }
        for name in [
            "StringEqual",
            "NullIfExists",
            "ForSomeValues:StringLike",
            "stringequals",
            "",
        ] {
            assert!(Operator::parse(name).is_none(), "{name}");
        }
    }

    #[test]
    fn unknown_keys_stay_unknown() {
        let c = cond("Bool", "aws:MultiFactorAuthPresent", json!("true"));
        assert_eq!(c.evaluate(&RequestContext::new()), Tri::Unknown);
        assert_eq!(c.describe(), "Bool aws:MultiFactorAuthPresent \"true\"");
    }

    #[test]
    fn string_family() {
        let c = cond("StringEquals", "aws:PrincipalTag/team", json!(["a", "b"]));
        assert_eq!(
            c.evaluate(&ctx(&[("aws:principaltag/team", &["b"])])),
            Tri::True
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:PrincipalTag/team", &["B"])])),
            Tri::False
        );
        let c = cond("StringNotEquals", "k", json!(["a", "b"]));
        assert_eq!(c.evaluate(&ctx(&[("k", &["c"])])), Tri::True);
        assert_eq!(c.evaluate(&ctx(&[("k", &["a"])])), Tri::False);
        assert_eq!(
            c.evaluate(&ctx(&[("k", &[])])),
            Tri::True,
            "negated holds on absent key"
        );
        let c = cond("StringEqualsIgnoreCase", "k", json!("ABC"));
        assert_eq!(c.evaluate(&ctx(&[("k", &["abc"])])), Tri::True);
        let c = cond("StringNotEqualsIgnoreCase", "k", json!("ABC"));
        assert_eq!(c.evaluate(&ctx(&[("k", &["abc"])])), Tri::False);
        let c = cond("StringLike", "k", json!("repo:acme/*"));
        assert_eq!(
            c.evaluate(&ctx(&[("k", &["repo:acme/api:ref:main"])])),
            Tri::True
        );
        assert_eq!(c.evaluate(&ctx(&[("k", &["repo:evil/api"])])), Tri::False);
        let c = cond("StringNotLike", "k", json!("a?c"));
        assert_eq!(c.evaluate(&ctx(&[("k", &["abc"])])), Tri::False);
        assert_eq!(c.evaluate(&ctx(&[("k", &[])])), Tri::True);
    }

    #[test]
    fn numeric_and_date_families() {
        let c = cond("NumericLessThan", "aws:MultiFactorAuthAge", json!("3600"));
        assert_eq!(
            c.evaluate(&ctx(&[("aws:MultiFactorAuthAge", &["100"])])),
            Tri::True
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:MultiFactorAuthAge", &["3600"])])),
            Tri::False
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:MultiFactorAuthAge", &["x"])])),
            Tri::False
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:MultiFactorAuthAge", &[])])),
            Tri::False
        );
        for (op, r, want) in [
            ("NumericEquals", "5", Tri::True),
            ("NumericNotEquals", "5", Tri::False),
            ("NumericLessThanEquals", "5", Tri::True),
            ("NumericGreaterThan", "6", Tri::True),
            ("NumericGreaterThanEquals", "4", Tri::False),
        ] {
            assert_eq!(
                cond(op, "n", json!(5)).evaluate(&ctx(&[("n", &[r])])),
                want,
                "{op}"
            );
        }
        let c = cond(
            "DateLessThan",
            "aws:CurrentTime",
            json!("2026-12-31T00:00:00Z"),
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:CurrentTime", &["2026-11-23T10:00:00Z"])])),
            Tri::True
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:CurrentTime", &["2027-01-01"])])),
            Tri::False
        );
        for (op, r, want) in [
            ("DateEquals", "2026-01-01T00:00:00Z", Tri::True),
            ("DateNotEquals", "2026-01-01T00:00:00+00:00", Tri::False),
            ("DateLessThanEquals", "1767225600", Tri::True),
            ("DateGreaterThan", "2026-01-01T01:00:00+02:00", Tri::False),
            ("DateGreaterThanEquals", "2026-01-02", Tri::True),
        ] {
            assert_eq!(
                cond(op, "d", json!("2026-01-01")).evaluate(&ctx(&[("d", &[r])])),
                want,
                "{op} {r}"
            );
        }
    }

    #[test]
    fn bool_binary_ip_arn_null() {
        let c = cond("Bool", "aws:SecureTransport", json!(true));
        assert_eq!(
            c.evaluate(&ctx(&[("aws:SecureTransport", &["true"])])),
            Tri::True
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:SecureTransport", &["false"])])),
            Tri::False
        );
        let c = cond("BoolIfExists", "aws:MultiFactorAuthPresent", json!("false"));
        assert_eq!(
            c.evaluate(&ctx(&[("aws:MultiFactorAuthPresent", &[])])),
            Tri::True
        );
        let c = cond("BinaryEquals", "k", json!("QmluYXJ5"));
        assert_eq!(c.evaluate(&ctx(&[("k", &["QmluYXJ5"])])), Tri::True);
        let c = cond(
            "IpAddress",
            "aws:SourceIp",
            json!(["10.0.0.0/8", "2001:db8::/32"]),
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:SourceIp", &["10.1.2.3"])])),
            Tri::True
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:SourceIp", &["2001:db8::1"])])),
            Tri::True
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:SourceIp", &["11.0.0.1"])])),
            Tri::False
        );
        let c = cond("NotIpAddress", "aws:SourceIp", json!("203.0.113.7"));
        assert_eq!(
            c.evaluate(&ctx(&[("aws:SourceIp", &["203.0.113.7"])])),
            Tri::False
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:SourceIp", &["203.0.113.8"])])),
            Tri::True
        );
        let c = cond(
            "ArnLike",
            "aws:PrincipalArn",
            json!("arn:aws:iam::*:role/ci-*"),
        );
        assert_eq!(
            c.evaluate(&ctx(&[(
                "aws:PrincipalArn",
                &["arn:aws:iam::123:role/ci-deploy"]
            )])),
            Tri::True
        );
        assert_eq!(
            c.evaluate(&ctx(&[(
                "aws:PrincipalArn",
                &["arn:aws:iam::123:user/ci-deploy"]
            )])),
            Tri::False
        );
        let c = cond(
            "ArnNotEquals",
            "aws:SourceArn",
            json!("arn:aws:sns:us-east-1:1:t"),
        );
        assert_eq!(
            c.evaluate(&ctx(&[("aws:SourceArn", &["arn:aws:sns:us-east-1:1:t"])])),
            Tri::False
        );
        let c = cond("Null", "aws:TokenIssueTime", json!("true"));
        assert_eq!(c.evaluate(&ctx(&[("aws:TokenIssueTime", &[])])), Tri::True);
        assert_eq!(
            c.evaluate(&ctx(&[("aws:TokenIssueTime", &["x"])])),
            Tri::False
        );
        assert!(Condition::parse_block(&json!({"Null": {"k": "maybe"}}), "").is_err());
    }

    #[test]
    fn set_qualifiers() {
        let all = cond(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            json!(["env", "team"]),
        );
        assert_eq!(all.evaluate(&ctx(&[("aws:TagKeys", &["env"])])), Tri::True);
        assert_eq!(
            all.evaluate(&ctx(&[("aws:TagKeys", &["env", "cost"])])),
            Tri::False
        );
        assert_eq!(all.evaluate(&ctx(&[("aws:TagKeys", &[])])), Tri::True);
        let any = cond("ForAnyValue:StringEquals", "aws:TagKeys", json!(["env"]));
        assert_eq!(
            any.evaluate(&ctx(&[("aws:TagKeys", &["cost", "env"])])),
            Tri::True
        );
        assert_eq!(any.evaluate(&ctx(&[("aws:TagKeys", &[])])), Tri::False);
        let not_any = cond("ForAnyValue:StringNotLike", "aws:TagKeys", json!("env*"));
        assert_eq!(
            not_any.evaluate(&ctx(&[("aws:TagKeys", &["envx", "cost"])])),
            Tri::True
        );
    }

    #[test]
    fn policy_variables_substitute_or_stay_unknown() {
        let c = cond("StringEquals", "s3:prefix", json!("home/${aws:username}/"));
        let mut known = ctx(&[("s3:prefix", &["home/alice/"])]);
        assert_eq!(c.evaluate(&known), Tri::Unknown, "aws:username unknown");
        known.set("aws:username", &["alice"]);
        assert_eq!(c.evaluate(&known), Tri::True);
        assert_eq!(
            known.substitute("a${*}b${$}").text().as_deref(),
            Some("a*b$")
        );
        let mut anon = RequestContext::new();
        anon.absent("aws:username");
        assert_eq!(
            anon.substitute("x/${aws:username, 'guest'}").text(),
            Some("x/guest".into())
        );
        // No default: the value matches nothing, as in a role's session.
        assert_eq!(anon.substitute("x/${aws:username}"), Subst::Absent);
        let mut role = ctx(&[("s3:prefix", &["home/alice/"])]);
        role.absent("aws:username");
        assert_eq!(c.evaluate(&role), Tri::False);
        assert_eq!(
            known
                .substitute("unterminated ${aws:username")
                .text()
                .as_deref(),
            Some("unterminated ${aws:username")
        );
    }

    #[test]
    fn dates_parse() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse_date("1970-01-02"), Some(86_400.0));
        assert_eq!(parse_date("2000-03-01T00:00:00Z"), Some(951_868_800.0));
        assert_eq!(parse_date("nonsense"), None);
    }
}
