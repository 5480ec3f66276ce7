//! IAM policy documents as they arrive from every source.
//!
//! The AWS CLI prints documents as JSON objects, the raw IAM API returns them URL-encoded,
//! and some tools pass them on as JSON strings. All three decode to the same JSON value,
//! which is what the snapshot stores (so pointers into it reach individual statements).

use safeguard_policy::document::Node;
use safeguard_policy::error::kind_of;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument(pub Value);

impl PolicyDocument {
    /// Decodes a document given as a JSON or URL-encoded string.
    pub(crate) fn from_encoded(s: &str) -> Result<Self, String> {
        let trimmed = s.trim_start();
        if trimmed.starts_with('{') {
            return Node::parse(s)
                .map(|n| Self::from_node(n, s))
                .map_err(|e| format!("policy document string is not valid JSON: {e}"));
        }
        let decoded = percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map_err(|e| format!("URL-encoded policy document is not UTF-8: {e}"))?;
        // The IAM API encodes spaces as '+' in some responses.
        let decoded = if decoded.trim_start().starts_with('{') {
            decoded.into_owned()
        } else {
            decoded.replace('+', " ")
        };
        Node::parse(&decoded)
            .map(|n| Self::from_node(n, &decoded))
            .map_err(|e| format!("policy document is neither a JSON object, a JSON string nor URL-encoded JSON ({e})"))
    }

    /// The document as evidence: its JSON value, or — when a key repeats, which IAM rejects
    /// and a JSON value cannot hold — its text, which the policy engine reports at the
    /// repeated key.
    fn from_node(node: Node, text: &str) -> Self {
        if node.first_duplicate().is_some() {
            PolicyDocument(Value::String(text.to_string()))
        } else {
            PolicyDocument(node.into_value())
        }
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let node = Node::deserialize(deserializer)?;
        match node {
            Node::Object(_) => {
                let text = node.to_text();
                Ok(PolicyDocument::from_node(node, &text))
            }
            Node::Scalar(Value::String(s)) => PolicyDocument::from_encoded(&s)
                .and_then(|doc| {
                    if doc.0.is_object() || doc.0.is_string() {
                        Ok(doc)
                    } else {
                        Err("policy document must decode to a JSON object".to_string())
                    }
                })
                .map_err(serde::de::Error::custom),
            other => Err(serde::de::Error::custom(format!(
                "expected a policy document (JSON object, JSON string or URL-encoded string), found {}",
                kind_of(&other.into_value())
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

    #[test]
    fn accepts_object_json_string_and_url_encoded_forms() {
        let as_object: PolicyDocument = serde_json::from_str(DOC).unwrap();
        let as_string: PolicyDocument = serde_json::from_value(Value::String(DOC.into())).unwrap();
        let encoded: String =
            percent_encoding::utf8_percent_encode(DOC, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let as_url: PolicyDocument = serde_json::from_value(Value::String(encoded)).unwrap();
        assert_eq!(as_object, as_string);
        assert_eq!(as_object, as_url);
    }

    #[test]
    fn rejects_garbage_with_a_reason() {
        let err = serde_json::from_value::<PolicyDocument>(Value::String("not a policy".into()))
            .unwrap_err();
        assert!(err.to_string().contains("neither a JSON object"), "{err}");
        let err = serde_json::from_value::<PolicyDocument>(Value::from(5)).unwrap_err();
        assert!(err.to_string().contains("found a number"), "{err}");
    }

    #[test]
    fn a_repeated_key_is_kept_as_text_in_every_form_and_round_trips() {
        let dup =
            r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Effect":"Allow"}]}"#;
        let as_object: PolicyDocument = serde_json::from_str(dup).unwrap();
        assert_eq!(as_object.0, Value::String(dup.into()));
        let as_string: PolicyDocument = serde_json::from_value(Value::String(dup.into())).unwrap();
        assert_eq!(as_string, as_object);
        let encoded: String =
            percent_encoding::utf8_percent_encode(dup, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let as_url: PolicyDocument = serde_json::from_value(Value::String(encoded)).unwrap();
        assert_eq!(as_url, as_object);
        // Through the snapshot and back.
        let text = serde_json::to_string(&as_object).unwrap();
        let again: PolicyDocument = serde_json::from_str(&text).unwrap();
        assert_eq!(again, as_object);
        let e = safeguard_policy::Policy::parse(&again.0, safeguard_policy::PolicyKind::Identity)
            .unwrap_err();
        assert_eq!(e.pointer, "/Statement/0/Effect");
        assert!(e.message.contains("duplicate key"), "{e}");
    }
}
