//! The IAM policy language: documents parsed from JSON into statements, with a precise
//! diagnostic (JSON pointer and what was expected) for anything malformed.

use serde_json::{Map, Value};

use crate::condition::Condition;
pub use crate::error::PolicyError;
use crate::error::{err, escape, kind_of, short};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `2012-10-17`: policy variables are substituted.
    V2012,
    /// `2008-10-17`, or no `Version` at all: `${...}` is literal text.
    V2008,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` / `NotAction`, `Resource` / `NotResource`: a list of patterns, or its negation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patterns {
    Only(Vec<String>),
    Except(Vec<String>),
}

/// One entry of `Principal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalId {
    /// `"Principal": "*"` or `{"AWS": "*"}`: anyone.
    Anyone,
    Aws(String),
    Service(String),
    Federated(String),
    CanonicalUser(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    Only(Vec<PrincipalId>),
    Except(Vec<PrincipalId>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Index in the `Statement` array (0 for a single statement object).
    pub index: usize,
    /// Pointer of the statement inside its document (`/Statement/3` or `/Statement`).
    pub pointer: String,
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Patterns,
    /// Absent in trust policies and other resource-based policies.
    pub resources: Option<Patterns>,
    pub principals: Option<Principals>,
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// How a finding names this statement: its Sid, or its index.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => format!("statement {sid:?}"),
            _ => format!("statement #{}", self.index),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: Version,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

/// What kind of policy is being parsed decides which elements are required or allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached to a user, group or role, or a permissions boundary: no `Principal`,
    /// `Resource` or `NotResource` required.
    Identity,
    /// A role's trust policy (or another resource-based policy): `Principal` required.
    Resource,
}

impl Policy {
    /// Parses a document. Every deviation from the grammar is an error naming its pointer.
    pub fn parse(doc: &Value, kind: PolicyKind) -> Result<Policy, PolicyError> {
        // A document kept as text is one whose keys repeat (see `document`): IAM rejects it,
        // and reading either value could turn a Deny into an Allow.
        if let Value::String(text) = doc {
            let in_text = |mut e: PolicyError| {
                e.in_text = true;
                e
            };
            let node = crate::document::Node::parse(text)
                .map_err(|e| in_text(err("", format!("policy document text is not JSON: {e}"))))?;
            if let Some(d) = node.first_duplicate() {
                return Err(in_text(err(
                    d.pointer,
                    format!(
                        "duplicate key {:?}: IAM rejects a document with a repeated key, and which value counts cannot be known",
                        d.key
                    ),
                )));
            }
            return Policy::parse(&node.into_value(), kind).map_err(in_text);
        }
        let obj = doc.as_object().ok_or_else(|| {
            err(
                "",
                format!("expected a JSON object, found {}", kind_of(doc)),
            )
        })?;
        for key in obj.keys() {
            if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
                return Err(err(
                    format!("/{}", escape(key)),
                    format!("unknown policy element {key:?}; expected Version, Id or Statement"),
                ));
            }
        }
        let version = match obj.get("Version") {
            None => Version::V2008,
            Some(Value::String(s)) if s == "2012-10-17" => Version::V2012,
            Some(Value::String(s)) if s == "2008-10-17" => Version::V2008,
            Some(other) => {
                return Err(err(
                    "/Version",
                    format!(
                        "expected \"2012-10-17\" or \"2008-10-17\", found {}",
                        short(other)
                    ),
                ));
            }
        };
        let id = match obj.get("Id") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(err(
                    "/Id",
                    format!("expected a string, found {}", kind_of(other)),
                ));
            }
        };
        let statements = match obj.get("Statement") {
            None => return Err(err("", "missing the Statement element")),
            Some(Value::Object(s)) => vec![parse_statement(s, 0, "/Statement".into(), kind)?],
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let ptr = format!("/Statement/{i}");
                    let o = s.as_object().ok_or_else(|| {
                        err(
                            &ptr,
                            format!("expected a statement object, found {}", kind_of(s)),
                        )
                    })?;
                    parse_statement(o, i, ptr, kind)
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(err(
                    "/Statement",
                    format!(
                        "expected a statement object or an array of them, found {}",
                        kind_of(other)
                    ),
                ));
            }
        };
        Ok(Policy {
            version,
            id,
            statements,
        })
    }
}

fn parse_statement(
    s: &Map<String, Value>,
    index: usize,
    ptr: String,
    kind: PolicyKind,
) -> Result<Statement, PolicyError> {
    for key in s.keys() {
        if !matches!(
            key.as_str(),
            "Sid"
                | "Effect"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Principal"
                | "NotPrincipal"
                | "Condition"
        ) {
            return Err(err(
                format!("{ptr}/{}", escape(key)),
                format!(
                    "unknown statement element {key:?}; expected Sid, Effect, Action, NotAction, Resource, NotResource, Principal, NotPrincipal or Condition"
                ),
            ));
        }
    }
    let sid = match s.get("Sid") {
        None => None,
        Some(Value::String(v)) => Some(v.clone()),
        Some(other) => {
            return Err(err(
                format!("{ptr}/Sid"),
                format!("expected a string, found {}", kind_of(other)),
            ));
        }
    };
    let effect = match s.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(err(
                format!("{ptr}/Effect"),
                format!("expected \"Allow\" or \"Deny\", found {}", short(other)),
            ));
        }
        None => return Err(err(&ptr, "missing Effect")),
    };
    let actions = match (s.get("Action"), s.get("NotAction")) {
        (Some(a), None) => Patterns::Only(string_list(a, &format!("{ptr}/Action"), check_action)?),
        (None, Some(a)) => {
            Patterns::Except(string_list(a, &format!("{ptr}/NotAction"), check_action)?)
        }
        (Some(_), Some(_)) => {
            return Err(err(
                &ptr,
                "has both Action and NotAction; a statement takes one",
            ));
        }
        (None, None) => return Err(err(&ptr, "missing Action or NotAction")),
    };
    let resources = match (s.get("Resource"), s.get("NotResource")) {
        (Some(r), None) => Some(Patterns::Only(string_list(
            r,
            &format!("{ptr}/Resource"),
            check_resource,
        )?)),
        (None, Some(r)) => Some(Patterns::Except(string_list(
            r,
            &format!("{ptr}/NotResource"),
            check_resource,
        )?)),
        (Some(_), Some(_)) => {
            return Err(err(
                &ptr,
                "has both Resource and NotResource; a statement takes one",
            ));
        }
        (None, None) => None,
    };
    let principals = match (s.get("Principal"), s.get("NotPrincipal")) {
        (Some(p), None) => Some(Principals::Only(parse_principal(
            p,
            &format!("{ptr}/Principal"),
        )?)),
        (None, Some(p)) => Some(Principals::Except(parse_principal(
            p,
            &format!("{ptr}/NotPrincipal"),
        )?)),
        (Some(_), Some(_)) => {
            return Err(err(
                &ptr,
                "has both Principal and NotPrincipal; a statement takes one",
            ));
        }
        (None, None) => None,
    };
    match kind {
        PolicyKind::Identity => {
            if principals.is_some() {
                return Err(err(
                    &ptr,
                    "an identity policy statement cannot name a Principal or NotPrincipal",
                ));
            }
            if resources.is_none() {
                return Err(err(&ptr, "missing Resource or NotResource"));
            }
        }
        PolicyKind::Resource => {
            if principals.is_none() {
                return Err(err(&ptr, "missing Principal or NotPrincipal"));
            }
        }
    }
    let conditions = match s.get("Condition") {
        None => Vec::new(),
        Some(c) => Condition::parse_block(c, &format!("{ptr}/Condition"))?,
    };
    Ok(Statement {
        index,
        pointer: ptr,
        sid,
        effect,
        actions,
        resources,
        principals,
        conditions,
    })
}

fn string_list(
    v: &Value,
    ptr: &str,
    check: fn(&str) -> Result<(), String>,
) -> Result<Vec<String>, PolicyError> {
    let items: Vec<(String, &Value)> = match v {
        Value::Array(a) if a.is_empty() => {
            return Err(err(
                ptr,
                "expected at least one value, found an empty array",
            ));
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, x)| (format!("{ptr}/{i}"), x))
            .collect(),
        other => vec![(ptr.to_string(), other)],
    };
    items
        .into_iter()
        .map(|(p, x)| match x {
            Value::String(s) => check(s).map(|()| s.clone()).map_err(|m| err(p, m)),
            other => Err(err(
                p,
                format!("expected a string, found {}", kind_of(other)),
            )),
        })
        .collect()
}

fn check_action(s: &str) -> Result<(), String> {
    if s == "*" {
        return Ok(());
    }
    match s.split_once(':') {
        Some((svc, name))
            if !svc.is_empty()
                && !name.is_empty()
                && svc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '*' || c == '?')
                && name.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || c == '*'
                        || c == '?'
                        || c == '-'
                        || c == '_'
                        || c == '.'
                }) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "expected \"*\" or an action such as \"service:Action\", found {s:?}"
        )),
    }
}

fn check_resource(s: &str) -> Result<(), String> {
    if s == "*" || s.starts_with("arn:") {
        Ok(())
    } else {
        Err(format!(
            "expected \"*\" or an ARN (\"arn:...\"), found {s:?}"
        ))
    }
}

fn parse_principal(v: &Value, ptr: &str) -> Result<Vec<PrincipalId>, PolicyError> {
    match v {
        Value::String(s) if s == "*" => Ok(vec![PrincipalId::Anyone]),
        Value::Object(m) => {
            if m.is_empty() {
                return Err(err(
                    ptr,
                    "expected at least one of AWS, Service, Federated or CanonicalUser",
                ));
            }
            let mut out = Vec::new();
            for (k, vals) in m {
                let p = format!("{ptr}/{}", escape(k));
                let list = string_list(vals, &p, |_| Ok(()))?;
                for id in list {
                    out.push(match k.as_str() {
                        "AWS" if id == "*" => PrincipalId::Anyone,
                        "AWS" => PrincipalId::Aws(id),
                        "Service" => PrincipalId::Service(id),
                        "Federated" => PrincipalId::Federated(id),
                        "CanonicalUser" => PrincipalId::CanonicalUser(id),
                        _ => {
                            return Err(err(
                                p,
                                format!("unknown principal type {k:?}; expected AWS, Service, Federated or CanonicalUser"),
                            ));
                        }
                    });
                }
            }
            Ok(out)
        }
        other => Err(err(
            ptr,
            format!(
                "expected \"*\" or an object of principal types, found {}",
                short(other)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<Policy, PolicyError> {
        Policy::parse(&v, PolicyKind::Identity)
    }

    #[test]
    fn statement_as_object_or_array_with_every_element() {
        let p = parse(json!({
            "Version": "2012-10-17",
            "Id": "x",
            "Statement": {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        }))
        .unwrap();
        assert_eq!(p.version, Version::V2012);
        assert_eq!(p.statements[0].pointer, "/Statement");
        assert_eq!(p.statements[0].label(), "statement \"A\"");
        let p = parse(json!({
            "Statement": [
                {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "NotResource": "arn:aws:s3:::b"},
                {"Effect": "Allow", "Action": ["ec2:*"], "Resource": ["*"],
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
            ]
        }))
        .unwrap();
        assert_eq!(p.version, Version::V2008);
        assert_eq!(
            p.statements[0].actions,
            Patterns::Except(vec!["iam:*".into(), "sts:*".into()])
        );
        assert_eq!(
            p.statements[0].resources,
            Some(Patterns::Except(vec!["arn:aws:s3:::b".into()]))
        );
        assert_eq!(p.statements[1].conditions.len(), 1);
        assert_eq!(p.statements[1].label(), "statement #1");
    }

    #[test]
    fn principals_of_every_type() {
        let p = Policy::parse(
            &json!({"Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
                {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"],
                  "Service": "ec2.amazonaws.com", "Federated": "cognito-identity.amazonaws.com",
                  "CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}, "Action": "sts:AssumeRole"},
                {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::1:user/a"}, "Action": "*"}
            ]}),
            PolicyKind::Resource,
        )
        .unwrap();
        assert_eq!(
            p.statements[0].principals,
            Some(Principals::Only(vec![PrincipalId::Anyone]))
        );
        let Some(Principals::Only(ids)) = &p.statements[1].principals else {
            panic!()
        };
        assert!(ids.contains(&PrincipalId::Anyone));
        assert!(ids.contains(&PrincipalId::Service("ec2.amazonaws.com".into())));
        assert!(ids.contains(&PrincipalId::CanonicalUser(
            "79a59df900b949e55d96a1e698fbaced".into()
        )));
        assert!(matches!(
            p.statements[2].principals,
            Some(Principals::Except(_))
        ));
    }

    #[test]
    fn malformed_documents_name_the_pointer_and_the_expectation() {
        let cases = [
            (json!([]), "", "expected a JSON object"),
            (
                json!({"Version": "2020-01-01", "Statement": []}),
                "/Version",
                "2012-10-17",
            ),
            (
                json!({"Statement": 5}),
                "/Statement",
                "statement object or an array",
            ),
            (
                json!({"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}),
                "/Statement/0/Effect",
                "\"Allow\" or \"Deny\"",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}),
                "/Statement/0",
                "missing Action",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*", "Resource": "*"}]}),
                "/Statement/0",
                "both Action and NotAction",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": ["s3:Get*", 7], "Resource": "*"}]}),
                "/Statement/0/Action/1",
                "expected a string, found a number",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]}),
                "/Statement/0/Action",
                "service:Action",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}),
                "/Statement/0/Action",
                "at least one value",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "bucket"}]}),
                "/Statement/0/Resource",
                "an ARN",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*"}]}),
                "/Statement/0",
                "missing Resource",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"}]}),
                "/Statement/0",
                "cannot name a Principal",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condtion": {}}]}),
                "/Statement/0/Condtion",
                "unknown statement element",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEqual": {"a": "b"}}}]}),
                "/Statement/0/Condition/StringEqual",
                "unknown condition operator",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"a": {"b": 1}}}}]}),
                "/Statement/0/Condition/StringEquals/a",
                "expected a string",
            ),
            (
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Sid": 3}]}),
                "/Statement/0/Sid",
                "expected a string",
            ),
            (
                json!({"Statement": [], "Extra": 1}),
                "/Extra",
                "unknown policy element",
            ),
        ];
        for (doc, pointer, needle) in cases {
            let e = parse(doc.clone()).expect_err(&doc.to_string());
            assert_eq!(e.pointer, pointer, "{doc}: {e}");
            assert!(e.message.contains(needle), "{doc}: {e}");
        }
        let e = Policy::parse(
            &json!({"Statement": [{"Effect": "Allow", "Principal": {"Alien": "x"}, "Action": "*"}]}),
            PolicyKind::Resource,
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/Statement/0/Principal/Alien");
        let e = Policy::parse(
            &json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}),
            PolicyKind::Resource,
        )
        .unwrap_err();
        assert!(e.message.contains("missing Principal"), "{e}");
    }
}
