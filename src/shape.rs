//! The structure of the YAML files people write (attestations, waivers, `--config`, the
//! catalog), checked before their meaning: every unknown field (with the field meant), every
//! missing one and every value of the wrong kind in a file is reported at once, each at its
//! line and column, as the semantic checks report theirs. A parser stops at the first
//! structural problem in its own wording; this walks the whole document first.
//!
//! Each file declares its [`Shape`] beside its serde types; a test per file checks that the
//! shape names exactly the fields serde accepts ([`fields_of`]), so the two cannot drift.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::{Code, Diagnostics, Location, Result};

/// What a value in the file must be.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A mapping of these fields.
    Record(&'static [Field]),
    /// A mapping of keys the file chooses, each value of this shape.
    Map(&'static Shape),
    /// A list, each item of this shape.
    List(&'static Shape),
    /// A single value: text, a number, a boolean (its meaning is checked later).
    Scalar,
    /// A single value or a list of them (a parameter value).
    ScalarOrList,
}

/// One field of a [`Shape::Record`].
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub required: bool,
    pub shape: &'static Shape,
}

/// A required field.
pub const fn required(name: &'static str, shape: &'static Shape) -> Field {
    Field {
        name,
        required: true,
        shape,
    }
}

/// A field that may be left out.
pub const fn optional(name: &'static str, shape: &'static Shape) -> Field {
    Field {
        name,
        required: false,
        shape,
    }
}

/// A YAML document with the place of every key and value.
#[derive(Debug)]
enum Node {
    Mapping(Vec<(Spanned<Key>, Spanned<Node>)>),
    Sequence(Vec<Spanned<Node>>),
    Scalar,
    Null,
}

/// A mapping key as text (YAML allows numbers and booleans as keys too).
#[derive(Debug)]
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_unit<E>(self) -> std::result::Result<Key, E> {
                Ok(Key("null".into()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> std::result::Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> std::result::Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> std::result::Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> std::result::Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_unit<E>(self) -> std::result::Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> std::result::Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> std::result::Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<Node>>()? {
                    items.push(item);
                }
                Ok(Node::Sequence(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<Key>>()? {
                    let value = map.next_value::<Spanned<Node>>()?;
                    entries.push((key, value));
                }
                Ok(Node::Mapping(entries))
            }
        }
        d.deserialize_any(V)
    }
}

fn at<T>(s: &Spanned<T>) -> Location {
    crate::error::yaml_at(s)
}

/// What a node is, for a message.
fn kind(n: &Node) -> &'static str {
    match n {
        Node::Mapping(_) => "a mapping",
        Node::Sequence(_) => "a list",
        Node::Scalar => "a single value",
        Node::Null => "nothing",
    }
}

fn expected(s: &Shape) -> &'static str {
    match s {
        Shape::Record(_) | Shape::Map(_) => "a mapping (key: value lines, indented under it)",
        Shape::List(_) => "a list (lines starting with \"- \")",
        Shape::Scalar => "a single value",
        Shape::ScalarOrList => "a value or a list of values",
    }
}

/// Checks the text of `path` against `shape`: `Ok` when its structure is right (its meaning is
/// the caller's to check), else every structural problem at once. A syntax error (bad
/// indentation, an unclosed quote) is reported at its place with how to fix the usual cause.
pub fn check(path: &Path, text: &str, shape: &Shape, what: &str) -> Result<()> {
    let root: Spanned<Node> = serde_saphyr::from_str(text).map_err(|e| {
        let err = crate::error::yaml_error(path, &e);
        match err {
            crate::error::Error::BadInput {
                file,
                location,
                message,
            } => crate::error::Error::BadInput {
                file,
                location,
                message: format!(
                    "not valid YAML: {message} (indent with spaces, a field's value further than its name; quote text holding \": \" or \" #\")"
                ),
            },
            other => other,
        }
    })?;
    let mut diags = Diagnostics::new(path);
    if matches!(root.value, Node::Null) {
        diags.push(
            Location {
                line: Some(1),
                column: Some(1),
                pointer: None,
            },
            Code::Structure,
            format!("the file is empty: expected {what}"),
        );
        return diags.finish(());
    }
    walk(&root, shape, "", &mut diags);
    diags.finish(())
}

/// `place` is where `node` is, as a path a person reads (`waivers, item 2: tags`); empty at
/// the top of the file.
fn walk(node: &Spanned<Node>, shape: &Shape, place: &str, diags: &mut Diagnostics) {
    let inside = |name: &str| {
        if place.is_empty() {
            name.to_string()
        } else {
            format!("{place}: {name}")
        }
    };
    let here = if place.is_empty() {
        "the top level"
    } else {
        place
    };
    match (&node.value, shape) {
        (Node::Mapping(entries), Shape::Record(fields)) => {
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            for (key, value) in entries {
                let name = key.value.0.as_str();
                match fields.iter().find(|f| f.name == name) {
                    Some(f) => walk(value, f.shape, &inside(name), diags),
                    None => diags.push(
                        at(key),
                        Code::Structure,
                        format!(
                            "unknown field {name:?} in {here}{} (its fields: {})",
                            crate::error::did_you_mean(name, &names),
                            names.join(", ")
                        ),
                    ),
                }
            }
            for f in fields.iter().filter(|f| f.required) {
                if !entries.iter().any(|(k, _)| k.value.0 == f.name) {
                    diags.push(
                        at(node),
                        Code::Structure,
                        format!("{here} lacks the field {:?}", f.name),
                    );
                }
            }
        }
        (Node::Mapping(entries), Shape::Map(inner)) => {
            for (key, value) in entries {
                walk(value, inner, &inside(&key.value.0), diags);
            }
        }
        (Node::Sequence(items), Shape::List(inner)) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, inner, &format!("{place}, item {}", i + 1), diags);
            }
        }
        (Node::Scalar, Shape::Scalar | Shape::ScalarOrList) => {}
        (Node::Sequence(items), Shape::ScalarOrList) => {
            for item in items {
                walk(item, &Shape::Scalar, place, diags);
            }
        }
        // An empty value where a list or mapping may be: serde's defaults decide.
        (Node::Null, _) => {}
        (n, s) => diags.push(
            at(node),
            Code::Structure,
            format!("{here} is {}, expected {}", kind(n), expected(s)),
        ),
    }
}

/// The field names of a [`Shape::Record`] (none for another shape).
#[cfg(test)]
pub fn field_names(shape: &Shape) -> Vec<&'static str> {
    match shape {
        Shape::Record(fields) => fields.iter().map(|f| f.name).collect(),
        _ => Vec::new(),
    }
}

/// The field names serde accepts for `T` (a struct), read from its `Deserialize` impl: the
/// test that keeps a [`Shape`] and its serde type in step.
#[cfg(test)]
pub fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::{Error as _, Visitor};
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(
            self,
            _: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            Err(Self::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(Self::Error::custom("probed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEM: Shape = Shape::Record(&[
        required("check", &Shape::Scalar),
        optional("ticket", &Shape::Scalar),
        optional("tags", &Shape::List(&Shape::Scalar)),
    ]);
    const FILE: Shape = Shape::Record(&[required("waivers", &Shape::List(&ITEM))]);

    fn problems(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.yaml");
        check(&p, text, &FILE, "a waivers file")
            .map(|()| String::new())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn every_structural_problem_is_reported_at_once() {
        let e = problems(
            "waivers:\n  - check: a\n    tiket: X\n  - ticket: Y\n    tags: one\n  - check: b\n    tags: [x]\nextra: 1\n",
        );
        assert!(
            e.contains(
                ":3:5: unknown field \"tiket\" in waivers, item 1; did you mean \"ticket\"?"
            ),
            "{e}"
        );
        assert!(
            e.contains(":8:1: unknown field \"extra\" in the top level"),
            "{e}"
        );
        assert!(
            e.contains(":4:5: waivers, item 2 lacks the field \"check\""),
            "{e}"
        );
        assert!(
            e.contains(":5:11: waivers, item 2: tags is a single value, expected a list"),
            "{e}"
        );
        assert!(e.contains(":8:1: unknown field \"extra\""), "{e}");
        assert_eq!(problems("waivers:\n  - check: a\n    tags: [x, y]\n"), "");
        assert!(problems("").contains("the file is empty"));
        assert!(problems("waivers: [\n").contains("not valid YAML"));
        assert!(problems("- check: a\n").contains("the top level is a list, expected a mapping"));
    }

    #[test]
    fn serde_field_names_are_read() {
        #[derive(Deserialize)]
        #[expect(dead_code, reason = "only its Deserialize impl is read")]
        struct S {
            a: String,
            #[serde(default)]
            b: Option<u32>,
        }
        assert_eq!(fields_of::<S>(), ["a", "b"]);
    }
}
