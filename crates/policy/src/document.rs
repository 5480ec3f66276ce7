//! Policy documents as JSON text, where repeated keys are still visible.
//!
//! A JSON object with a key written twice (`"Effect": "Deny", …, "Effect": "Allow"`) is
//! rejected by IAM as malformed, but ordinary JSON readers keep one of the values silently —
//! which can turn a Deny into an Allow. [`Node`] keeps every member in order, so a document
//! can be checked for repeated keys before it is reduced to a `serde_json::Value`, and written
//! back as text with the repetition intact (that text is what the evidence keeps).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A JSON value whose objects keep every member, in order, repeats included.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Scalar(Value),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

/// A key that appears twice in one object: the pointer of the key and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub pointer: String,
    pub key: String,
}

impl Node {
    /// Parses JSON text.
    pub fn parse(text: &str) -> Result<Node, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The first repeated key, depth first, in document order.
    pub fn first_duplicate(&self) -> Option<Duplicate> {
        self.find_duplicate(&mut String::new())
    }

    fn find_duplicate(&self, at: &mut String) -> Option<Duplicate> {
        let len = at.len();
        let found = match self {
            Node::Scalar(_) => None,
            Node::Array(items) => items.iter().enumerate().find_map(|(i, n)| {
                at.truncate(len);
                at.push_str(&format!("/{i}"));
                n.find_duplicate(at)
            }),
            Node::Object(members) => {
                let mut seen = std::collections::HashSet::new();
                members.iter().find_map(|(k, n)| {
                    at.truncate(len);
                    at.push('/');
                    at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    if !seen.insert(k.as_str()) {
                        return Some(Duplicate {
                            pointer: at.clone(),
                            key: k.clone(),
                        });
                    }
                    n.find_duplicate(at)
                })
            }
        };
        at.truncate(len);
        found
    }

    /// The value an ordinary reader would see (the last of repeated keys wins).
    pub fn into_value(self) -> Value {
        match self {
            Node::Scalar(v) => v,
            Node::Array(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(k, n)| (k, n.into_value()))
                    .collect(),
            ),
        }
    }

    /// Compact JSON text, repeats included.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Node::Scalar(v) => out.push_str(&v.to_string()),
            Node::Array(items) => {
                out.push('[');
                for (i, n) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    n.write(out);
                }
                out.push(']');
            }
            Node::Object(members) => {
                out.push('{');
                for (i, (k, n)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    n.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Scalar(
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            members.push((k, v));
        }
        Ok(Node::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_found_with_their_pointer() {
        let text = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*"},{"Effect":"Deny","Action":"*","Resource":"*","Effect":"Allow"}]}"#;
        let n = Node::parse(text).unwrap();
        assert_eq!(
            n.first_duplicate(),
            Some(Duplicate {
                pointer: "/Statement/1/Effect".into(),
                key: "Effect".into()
            })
        );
        // The text keeps the repetition, so the evidence does too.
        assert_eq!(n.to_text(), text);
        let clean = Node::parse(r#"{"a/b":{"x":1,"y":[1,{"x":2}]},"x":3}"#).unwrap();
        assert_eq!(clean.first_duplicate(), None);
        let nested = Node::parse(r#"{"a/b":{"c~":1,"c~":2}}"#).unwrap();
        assert_eq!(nested.first_duplicate().unwrap().pointer, "/a~1b/c~0");
    }
}
