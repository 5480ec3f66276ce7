//! The format of `signature.json`: a DSSE envelope (payload type
//! `application/vnd.in-toto+json`) around an in-toto Statement v1 whose one subject is the
//! package's `manifest.json` (docs/scheduled-snapshots.md). Making and checking signatures is
//! the `sign` module's; this is only what the file holds, so that `verify` can compare the
//! statement's account and collection time with the manifest's without a key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
pub const PREDICATE_TYPE: &str = "https://safeguard.invalid/evidence-package/v1";

/// The DSSE envelope written as `signature.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    pub payload_type: String,
    /// Base64 of the statement's JSON.
    pub payload: String,
    pub signatures: Vec<EnvelopeSignature>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    /// `ed25519:<SHA-256 of the public key, 16 hex>` or the KMS key's ARN.
    pub keyid: String,
    /// Base64 of the signature over the pre-authentication encoding.
    pub sig: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub type_: String,
    pub subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: Predicate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub name: String,
    pub digest: std::collections::BTreeMap<String, String>,
}

/// What the signer vouches for, besides the manifest's hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Predicate {
    pub tool: crate::results::Tool,
    /// The manifest's schema: an account package, a roll-up or a history.
    pub manifest_schema: String,
    pub catalog_sha256: Option<String>,
    pub account: Option<String>,
    pub collected_at: Option<String>,
    pub package_created_at: String,
    pub preparer: crate::results::Preparer,
    /// When it was signed (RFC 3339, UTC).
    pub signed_at: String,
    /// `ed25519` or `kms-ecdsa-p256-sha256`.
    pub algorithm: String,
}

/// The statement a `signature.json` carries, unverified: what the envelope says it signs.
pub(crate) fn statement_of(envelope: &[u8]) -> Option<Statement> {
    let envelope: Envelope = serde_json::from_slice(envelope).ok()?;
    if envelope.payload_type != PAYLOAD_TYPE {
        return None;
    }
    let payload = B64.decode(envelope.payload.as_bytes()).ok()?;
    let statement: Statement = serde_json::from_slice(&payload).ok()?;
    (statement.type_ == STATEMENT_TYPE && statement.predicate_type == PREDICATE_TYPE)
        .then_some(statement)
}
