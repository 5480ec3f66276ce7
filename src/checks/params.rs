//! Check parameters (thresholds and switches) with documented defaults, overridable per run.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::CheckInfo;
use crate::error::{Code, Error, Result};

#[derive(Debug, Clone, Copy)]
pub enum ParamDefault {
    /// An integer with its default and the inclusive range a run may set it to.
    Int {
        default: i64,
        min: i64,
        max: i64,
    },
    Bool(bool),
    Str(&'static str),
    /// A list, its default written comma-separated (`"*BreakGlass*,*break-glass*"`).
    List(&'static str),
}

#[derive(Debug)]
pub struct ParamSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub default: ParamDefault,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Str(String),
    /// Items as given: a YAML list in `--config`, or comma-separated in `--set`.
    List(Vec<String>),
}

/// The items of a comma-separated list, trimmed, without empty ones.
fn items(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Int(i) => write!(f, "{i}"),
            ParamValue::Str(s) => write!(f, "{s}"),
            ParamValue::List(v) => write!(f, "{}", v.join(",")),
        }
    }
}

impl ParamDefault {
    /// ` (1 to 3650)` for integers, empty otherwise: what a run may set it to.
    pub(crate) fn range_text(self) -> String {
        match self {
            ParamDefault::Int { min, max, .. } => format!(" ({min} to {max})"),
            _ => String::new(),
        }
    }
}

impl From<ParamDefault> for ParamValue {
    fn from(d: ParamDefault) -> Self {
        match d {
            ParamDefault::Int { default, .. } => ParamValue::Int(default),
            ParamDefault::Bool(b) => ParamValue::Bool(b),
            ParamDefault::Str(s) => ParamValue::Str(s.to_string()),
            ParamDefault::List(s) => ParamValue::List(items(s)),
        }
    }
}

/// The effective parameters of one check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Params(pub BTreeMap<String, ParamValue>);

impl Params {
    /// Defaults from the check's declaration, then the overrides; each override must name a
    /// declared parameter and have its type.
    pub fn resolve(
        info: &CheckInfo,
        overrides: Option<&BTreeMap<String, ParamValue>>,
    ) -> Result<Self> {
        let mut values: BTreeMap<String, ParamValue> = info
            .params
            .iter()
            .map(|p| (p.name.to_string(), ParamValue::from(p.default)))
            .collect();
        for (name, value) in overrides.into_iter().flatten() {
            let value =
                Self::validate(info, name, value).map_err(|(_, message)| Error::Usage(message))?;
            values.insert(name.clone(), value);
        }
        Ok(Params(values))
    }

    /// One override checked against the check's declaration: the value as the check will
    /// read it, or what is wrong with it (an unknown name, the wrong type, out of range).
    pub(crate) fn validate(
        info: &CheckInfo,
        name: &str,
        value: &ParamValue,
    ) -> std::result::Result<ParamValue, (Code, String)> {
        let Some(spec) = info.params.iter().find(|p| p.name == name) else {
            let known: Vec<&str> = info.params.iter().map(|p| p.name).collect();
            return Err((
                Code::UnknownParameter,
                format!(
                    "{} has no parameter {name:?} (it has: {}){}",
                    info.id,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    },
                    crate::error::did_you_mean(name, &known)
                ),
            ));
        };
        // One reading for `--set` and `--config`: a value is taken as the parameter's declared
        // type when its text says one (`--set x.accounts=111122223333` is text for a string
        // parameter; `yes`, `"14"` are a boolean and a number for those parameters).
        let value = match (spec.default, value) {
            (ParamDefault::Str(_), ParamValue::Int(_) | ParamValue::Bool(_)) => {
                ParamValue::Str(value.to_string())
            }
            // `--set x.names=a,b` is one text; a list parameter takes its items. A YAML list
            // stays the items it was, commas and all.
            (ParamDefault::List(_), ParamValue::Str(s)) => ParamValue::List(items(s)),
            (ParamDefault::List(_), ParamValue::Int(_) | ParamValue::Bool(_)) => {
                ParamValue::List(vec![value.to_string()])
            }
            (ParamDefault::Bool(_), ParamValue::Str(s)) => {
                match s.trim().to_ascii_lowercase().as_str() {
                    "true" | "yes" | "on" => ParamValue::Bool(true),
                    "false" | "no" | "off" => ParamValue::Bool(false),
                    _ => value.clone(),
                }
            }
            (ParamDefault::Int { .. }, ParamValue::Str(s)) => match s.trim().parse::<i64>() {
                Ok(i) => ParamValue::Int(i),
                Err(_) => value.clone(),
            },
            _ => value.clone(),
        };
        let ok = matches!(
            (spec.default, &value),
            (ParamDefault::Int { .. }, ParamValue::Int(_))
                | (ParamDefault::Bool(_), ParamValue::Bool(_))
                | (ParamDefault::Str(_), ParamValue::Str(_))
                | (ParamDefault::List(_), ParamValue::List(_))
        );
        if !ok {
            return Err((
                Code::ParameterType,
                format!(
                    "{}.{name} expects {}, got {}",
                    info.id,
                    kind(spec.default),
                    match &value {
                        ParamValue::Str(s) => format!("{s:?}"),
                        other => other.to_string(),
                    }
                ),
            ));
        }
        if let (ParamDefault::Int { min, max, .. }, ParamValue::Int(v)) = (spec.default, &value)
            && !(min..=max).contains(v)
        {
            return Err((
                Code::ParameterRange,
                format!(
                    "{}.{name} is {v}, outside its range {min} to {max}",
                    info.id
                ),
            ));
        }
        Ok(value)
    }

    pub(crate) fn int(&self, name: &str) -> i64 {
        match self.0.get(name) {
            Some(ParamValue::Int(i)) => *i,
            other => {
                unreachable!("parameter {name} is declared as an integer, resolved to {other:?}")
            }
        }
    }

    pub fn str(&self, name: &str) -> &str {
        match self.0.get(name) {
            Some(ParamValue::Str(s)) => s,
            other => {
                unreachable!("parameter {name} is declared as a string, resolved to {other:?}")
            }
        }
    }

    /// A list parameter's items.
    pub fn list(&self, name: &str) -> Vec<&str> {
        match self.0.get(name) {
            Some(ParamValue::List(v)) => v.iter().map(String::as_str).collect(),
            other => {
                unreachable!("parameter {name} is declared as a list, resolved to {other:?}")
            }
        }
    }

    pub fn bool(&self, name: &str) -> bool {
        match self.0.get(name) {
            Some(ParamValue::Bool(b)) => *b,
            other => {
                unreachable!("parameter {name} is declared as a boolean, resolved to {other:?}")
            }
        }
    }
}

fn kind(d: ParamDefault) -> &'static str {
    match d {
        ParamDefault::Int { .. } => "an integer",
        ParamDefault::Bool(_) => "true or false (yes/no and on/off are read alike)",
        ParamDefault::Str(_) => "a string",
        ParamDefault::List(_) => "a list (comma-separated with --set, a YAML list in --config)",
    }
}

/// Parses `--set check.id.param=value` into (check id, param, value).
pub fn parse_param_override(s: &str) -> Result<(String, String, ParamValue)> {
    let usage = || {
        Error::Usage(format!(
            "--set expects CHECK_ID.PARAM=VALUE (e.g. iam.password_policy.min_length=16), got {s:?}"
        ))
    };
    let (key, raw) = s.split_once('=').ok_or_else(usage)?;
    let (check, param) = key.rsplit_once('.').ok_or_else(usage)?;
    if !check.contains('.') || param.is_empty() {
        return Err(usage());
    }
    let value = match raw {
        "true" => ParamValue::Bool(true),
        "false" => ParamValue::Bool(false),
        _ => match raw.parse::<i64>() {
            Ok(i) => ParamValue::Int(i),
            Err(_) => ParamValue::Str(raw.to_string()),
        },
    };
    Ok((check.to_string(), param.to_string(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_are_typed_and_named() {
        let (c, p, v) = parse_param_override("iam.password_policy.min_length=16").unwrap();
        assert_eq!(
            (c.as_str(), p.as_str(), v),
            ("iam.password_policy", "min_length", ParamValue::Int(16))
        );
        assert!(parse_param_override("min_length=16").is_err());
        assert!(parse_param_override("iam.password_policy.min_length").is_err());

        let info = crate::checks::find("iam.password_policy").unwrap().info();
        let ok = BTreeMap::from([("min_length".to_string(), ParamValue::Int(16))]);
        assert_eq!(
            Params::resolve(info, Some(&ok)).unwrap().int("min_length"),
            16
        );
        let wrong_type = BTreeMap::from([("min_length".to_string(), ParamValue::Bool(true))]);
        assert!(
            Params::resolve(info, Some(&wrong_type))
                .unwrap_err()
                .to_string()
                .contains("expects an integer")
        );
        let unknown = BTreeMap::from([("nope".to_string(), ParamValue::Int(1))]);
        assert!(
            Params::resolve(info, Some(&unknown))
                .unwrap_err()
                .to_string()
                .contains("has no parameter")
        );
    }
}
