//! Signed packages: `signature.json` is a DSSE envelope (payload type
//! `application/vnd.in-toto+json`) around an in-toto Statement v1 whose one subject is the
//! package's `manifest.json` with its SHA-256, and whose predicate records the tool, the
//! catalog's hash, the account, the collection time and the preparer (docs/scheduled-snapshots.md, "Signed packages").
//!
//! The manifest already hashes every other file, so signing the manifest signs the package.
//! Keys: Ed25519 in PKCS#8 PEM (what `safeguard keygen` and `openssl genpkey -algorithm
//! ed25519` write), or an AWS KMS key of spec `ECC_NIST_P256` (ECDSA over the SHA-256 of the
//! DSSE pre-authentication encoding, message type DIGEST), whose private half never leaves
//! KMS. The cryptography is ed25519-dalek's and p256's, never ours.

#[cfg(feature = "collect")]
pub mod kms;

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use serde::Deserialize;

use crate::error::{Error, Location, Result};
use crate::package;
use crate::snapshot::sha256_hex;

pub use crate::package::signature::{
    Envelope, EnvelopeSignature, PAYLOAD_TYPE, PREDICATE_TYPE, Predicate, STATEMENT_TYPE,
    Statement, Subject,
};

/// Key files are small; anything larger is not one.
const MAX_KEY_BYTES: u64 = 16 << 10;
/// A signature envelope is a few kilobytes.
const MAX_SIGNATURE_BYTES: u64 = 1 << 20;

/// Something that signs bytes: a local Ed25519 key or an AWS KMS key.
pub trait Signer: Send + Sync {
    fn key_id(&self) -> String;
    fn algorithm(&self) -> &'static str;
    /// The signature over `message` (the DSSE pre-authentication encoding).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
}

/// DSSE's pre-authentication encoding: `DSSEv1 SP len(type) SP type SP len(body) SP body`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// A local Ed25519 key.
pub struct Ed25519Key {
    key: ed25519_dalek::SigningKey,
}

impl Ed25519Key {
    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    pub fn read(path: &Path) -> Result<Self> {
        let text = read_small(path)?;
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(text.trim()).map_err(|e| {
            Error::bad_input(
                path,
                Location::default(),
                format!(
                    "not an Ed25519 private key in PKCS#8 PEM ({e}); make one with `safeguard keygen` or `openssl genpkey -algorithm ed25519`"
                ),
            )
        })?;
        Ok(Ed25519Key { key })
    }
}

impl Signer for Ed25519Key {
    fn key_id(&self) -> String {
        ed25519_key_id(&self.key.verifying_key())
    }
    fn algorithm(&self) -> &'static str {
        "ed25519"
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        use ed25519_dalek::Signer as _;
        Ok(self.key.sign(message).to_bytes().to_vec())
    }
}

fn ed25519_key_id(key: &ed25519_dalek::VerifyingKey) -> String {
    format!("ed25519:{}", &sha256_hex(key.as_bytes())[..16])
}

/// A key file: a regular file of bounded size, read as UTF-8.
fn read_small(path: &Path) -> Result<String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::bad_input(
            path,
            Location::default(),
            "not a regular file (a key is a PEM file)",
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(|e| Error::io(path, e))?
        .take(MAX_KEY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_KEY_BYTES {
        return Err(Error::bad_input(
            path,
            Location::default(),
            format!("larger than {MAX_KEY_BYTES} bytes: not a key file"),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| Error::bad_input(path, Location::default(), "not text: a key is a PEM file"))
}

/// `safeguard keygen`: a new Ed25519 key pair as PKCS#8 PEM (`<prefix>.key`, mode 0600) and
/// SubjectPublicKeyInfo PEM (`<prefix>.pub`). Refuses to overwrite either.
pub fn keygen(prefix: &Path) -> Result<(PathBuf, PathBuf, String)> {
    let private = PathBuf::from(format!("{}.key", prefix.display()));
    let public = PathBuf::from(format!("{}.pub", prefix.display()));
    for p in [&private, &public] {
        if std::fs::symlink_metadata(p).is_ok() {
            return Err(Error::Usage(format!(
                "{} exists; keygen never overwrites a key",
                p.display()
            )));
        }
    }
    if let Some(dir) = private.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| Error::Internal(format!("no randomness from the OS: {e}")))?;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    // PKCS#8 v1 (RFC 8410 §7: the private key alone). ed25519-dalek's own encoding is v2, with
    // the public key beside it, which OpenSSL 3.0 and Python's cryptography refuse.
    let v1 = ed25519_dalek::pkcs8::KeypairBytes {
        secret_key: seed,
        public_key: None,
    };
    seed.fill(0);
    let pem = v1
        .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
        .map_err(|e| Error::Internal(format!("encoding the key: {e}")))?;
    drop(v1);
    let public_pem = key
        .verifying_key()
        .to_public_key_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
        .map_err(|e| Error::Internal(format!("encoding the public key: {e}")))?;
    write_new(&private, pem.as_bytes(), true)?;
    write_new(&public, public_pem.as_bytes(), false)?;
    Ok((private, public, ed25519_key_id(&key.verifying_key())))
}

fn write_new(path: &Path, bytes: &[u8], secret: bool) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = opts.open(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))
}

/// The predicate's facts, read from the package's manifest (and results.json for the
/// preparer).
fn predicate_of(p: &package::Package, signer: &dyn Signer) -> Predicate {
    let m = p.manifest();
    let preparer = p
        .read(package::RESULTS)
        .ok()
        .flatten()
        .and_then(|b| {
            #[derive(Deserialize)]
            struct Head {
                #[serde(default)]
                preparer: crate::results::Preparer,
            }
            serde_json::from_slice::<Head>(&b).ok()
        })
        .map(|h| h.preparer)
        .unwrap_or_default();
    let (catalog_sha256, collected_at) = match m {
        package::Manifest::Account(a) => (
            Some(a.catalog.sha256.clone()),
            Some(a.snapshot.collected_at.clone()),
        ),
        package::Manifest::Rollup(_) | package::Manifest::History(_) => (None, None),
    };
    Predicate {
        tool: crate::results::Tool {
            name: "safeguard".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        manifest_schema: m.kind().schema().into(),
        catalog_sha256,
        account: m.subject().map(str::to_string),
        collected_at,
        package_created_at: m.created_at().into(),
        preparer,
        signed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        algorithm: signer.algorithm().into(),
    }
}

/// Signs a written (and intact) package: writes `signature.json` beside its manifest,
/// atomically. Returns the key id.
pub fn sign_package(dir: &Path, signer: &dyn Signer) -> Result<String> {
    // A stale signature.json is what signing replaces; every other problem refuses.
    let opened = package::Package::open_to_sign(dir).map_err(|r| match r {
        package::Rejected::Unverifiable(e) => e,
        other => Error::Usage(format!(
            "{} {other}: a package is signed only when every file matches its manifest",
            dir.display()
        )),
    })?;
    let manifest_path = dir.join(package::MANIFEST);
    let manifest = package::read_package_file(dir, package::MANIFEST, u64::MAX)
        .ok()
        .flatten()
        .ok_or_else(|| Error::Usage(format!("{} cannot be read", manifest_path.display())))?;
    if sha256_hex(&manifest) != opened.manifest_sha256() {
        return Err(Error::Usage(format!(
            "{} changed while it was being signed",
            manifest_path.display()
        )));
    }
    let statement = Statement {
        type_: STATEMENT_TYPE.into(),
        subject: vec![Subject {
            name: package::MANIFEST.into(),
            digest: [("sha256".to_string(), sha256_hex(&manifest))].into(),
        }],
        predicate_type: PREDICATE_TYPE.into(),
        predicate: predicate_of(&opened, signer),
    };
    let payload = serde_json::to_vec(&statement).expect("statement serializes");
    let sig = signer.sign(&pae(PAYLOAD_TYPE, &payload))?;
    let envelope = Envelope {
        payload_type: PAYLOAD_TYPE.into(),
        payload: B64.encode(&payload),
        signatures: vec![EnvelopeSignature {
            keyid: signer.key_id(),
            sig: B64.encode(sig),
        }],
    };
    let mut bytes = serde_json::to_vec_pretty(&envelope).expect("envelope serializes");
    bytes.push(b'\n');
    crate::app::write_atomically(&dir.join(package::SIGNATURE), &bytes)?;
    Ok(signer.key_id())
}

/// A public key that checks signatures: Ed25519 or ECDSA P-256 (a KMS key's public half).
pub enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256 {
        key: p256::ecdsa::VerifyingKey,
        /// The KMS key's ARN, when the key came from KMS.
        kms: Option<String>,
    },
}

impl PublicKey {
    /// Reads a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`): Ed25519, or P-256
    /// (as `aws kms get-public-key` gives, once PEM-wrapped).
    pub fn read(path: &Path) -> Result<Self> {
        let text = read_small(path)?;
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_pem(text.trim()) {
            return Ok(PublicKey::Ed25519(k));
        }
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_pem(text.trim()) {
            return Ok(PublicKey::P256 { key: k, kms: None });
        }
        Err(Error::bad_input(
            path,
            Location::default(),
            "not an Ed25519 or P-256 public key in PEM (-----BEGIN PUBLIC KEY-----)",
        ))
    }

    /// A P-256 public key as DER SubjectPublicKeyInfo (what KMS GetPublicKey returns).
    pub fn p256_from_der(der: &[u8], arn: &str) -> Result<Self> {
        p256::ecdsa::VerifyingKey::from_public_key_der(der)
            .map(|key| PublicKey::P256 {
                key,
                kms: Some(arn.to_string()),
            })
            .map_err(|e| Error::Usage(format!("{arn}: its public key is not P-256 ({e})")))
    }

    /// What names this key to a person: `ed25519:<16 hex>` (as `keygen` prints it),
    /// `p256:<16 hex>` of a P-256 key from a file, or the KMS key's ARN.
    pub fn fingerprint(&self) -> String {
        match self {
            PublicKey::Ed25519(k) => ed25519_key_id(k),
            PublicKey::P256 { kms: Some(arn), .. } => arn.clone(),
            PublicKey::P256 { key, kms: None } => format!(
                "p256:{}",
                &sha256_hex(key.to_sec1_point(true).as_bytes())[..16]
            ),
        }
    }

    fn key_ids(&self) -> Vec<String> {
        match self {
            PublicKey::Ed25519(k) => vec![ed25519_key_id(k)],
            PublicKey::P256 { kms, .. } => kms.iter().cloned().collect(),
        }
    }

    fn verifies(&self, message: &[u8], sig: &[u8]) -> bool {
        match self {
            PublicKey::Ed25519(k) => ed25519_dalek::Signature::from_slice(sig)
                .is_ok_and(|s| k.verify_strict(message, &s).is_ok()),
            PublicKey::P256 { key, .. } => {
                use p256::ecdsa::signature::hazmat::PrehashVerifier;
                let digest = sha2_256(message);
                p256::ecdsa::Signature::from_der(sig)
                    .is_ok_and(|s| key.verify_prehash(&digest, &s).is_ok())
            }
        }
    }
}

fn sha2_256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// What checking a package's signature found.
#[derive(Debug, Clone, PartialEq)]
pub enum SignatureCheck {
    /// A signature by the key over this very manifest.
    Valid {
        /// The key that verified it: its fingerprint, or the KMS key's ARN as given. Never
        /// the envelope's `keyid`, which the signature does not cover.
        key: String,
        /// The envelope's `keyid` when it names that same key (an unverified label otherwise
        /// shown nowhere).
        keyid_matches: bool,
        signed_at: String,
        preparer: crate::results::Preparer,
    },
    Missing,
    /// Present but not good: why.
    Invalid(String),
}

/// Checks `signature.json` of `dir` against `key`: the envelope's signature over the
/// statement, the statement's subject against manifest.json's SHA-256, and its account
/// against the manifest's.
pub fn check(dir: &Path, key: &PublicKey) -> Result<SignatureCheck> {
    let path = dir.join(package::SIGNATURE);
    let bytes = match package::read_package_file(dir, package::SIGNATURE, MAX_SIGNATURE_BYTES) {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(SignatureCheck::Missing),
        Err(why) => {
            return Ok(SignatureCheck::Invalid(format!(
                "{}: {why}",
                path.display()
            )));
        }
    };
    let envelope: Envelope = match serde_json::from_slice(&bytes) {
        Ok(e) => e,
        Err(e) => return Ok(SignatureCheck::Invalid(format!("not a DSSE envelope: {e}"))),
    };
    if envelope.payload_type != PAYLOAD_TYPE {
        return Ok(SignatureCheck::Invalid(format!(
            "payload type {:?}, not {PAYLOAD_TYPE:?}",
            envelope.payload_type
        )));
    }
    let Ok(payload) = B64.decode(envelope.payload.as_bytes()) else {
        return Ok(SignatureCheck::Invalid("the payload is not base64".into()));
    };
    let message = pae(&envelope.payload_type, &payload);
    let ids = key.key_ids();
    let good = envelope.signatures.iter().find(|s| {
        B64.decode(s.sig.as_bytes())
            .is_ok_and(|sig| key.verifies(&message, &sig))
    });
    let Some(good) = good else {
        let by: Vec<&str> = envelope
            .signatures
            .iter()
            .map(|s| s.keyid.as_str())
            .collect();
        return Ok(SignatureCheck::Invalid(format!(
            "no signature verifies with the key given ({}); signed by: {}",
            if ids.is_empty() {
                "P-256".to_string()
            } else {
                ids.join(", ")
            },
            if by.is_empty() {
                "nobody".to_string()
            } else {
                by.join(", ")
            }
        )));
    };
    let statement: Statement = match serde_json::from_slice(&payload) {
        Ok(s) => s,
        Err(e) => {
            return Ok(SignatureCheck::Invalid(format!(
                "the signed statement does not parse: {e}"
            )));
        }
    };
    if statement.type_ != STATEMENT_TYPE || statement.predicate_type != PREDICATE_TYPE {
        return Ok(SignatureCheck::Invalid(format!(
            "the signed statement is {} / {}, not a safeguard package statement",
            statement.type_, statement.predicate_type
        )));
    }
    let manifest_path = dir.join(package::MANIFEST);
    let manifest = std::fs::read(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    let digest = sha256_hex(&manifest);
    let subject_ok = statement.subject.len() == 1
        && statement.subject[0].name == package::MANIFEST
        && statement.subject[0].digest.get("sha256") == Some(&digest);
    if !subject_ok {
        return Ok(SignatureCheck::Invalid(format!(
            "the signature is over another manifest.json (signed {:?}; this one hashes to {digest})",
            statement
                .subject
                .iter()
                .map(|s| s.digest.get("sha256").cloned().unwrap_or_default())
                .collect::<Vec<_>>()
        )));
    }
    // The statement's account and collection time are the manifest's own.
    if let Some(why) = predicate_disagrees(&manifest, &statement.predicate) {
        return Ok(SignatureCheck::Invalid(why));
    }
    let fingerprint = key.fingerprint();
    Ok(SignatureCheck::Valid {
        keyid_matches: good.keyid == fingerprint,
        key: fingerprint,
        signed_at: statement.predicate.signed_at,
        preparer: statement.predicate.preparer,
    })
}

/// Why a signed statement does not describe this manifest (`None`: it does): the account (or
/// organization) and the collection time it names must be the manifest's.
fn predicate_disagrees(manifest: &[u8], p: &Predicate) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(manifest).ok()?;
    let s = |ptr: &str| v.pointer(ptr).and_then(|x| x.as_str()).map(str::to_string);
    let account = s("/account/id")
        .or_else(|| s("/account"))
        .or_else(|| s("/organization"));
    if p.account != account {
        return Some(format!(
            "the signed statement names account {:?} but the manifest names {:?}",
            p.account.as_deref().map(crate::text::line),
            account
        ));
    }
    let at = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    };
    let collected = s("/snapshot/collected_at");
    if at(&p.collected_at) != at(&collected) || p.collected_at.is_some() != collected.is_some() {
        return Some(format!(
            "the signed statement names collection time {:?} but the manifest names {:?}",
            p.collected_at.as_deref().map(crate::text::line),
            collected
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_is_the_dsse_encoding() {
        // DSSE protocol.md's worked example.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn a_signature_verifies_only_with_its_key_and_message() {
        let a = Ed25519Key {
            key: ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]),
        };
        let b = ed25519_dalek::SigningKey::from_bytes(&[8u8; 32]);
        let sig = a.sign(b"message").unwrap();
        let pa = PublicKey::Ed25519(a.key.verifying_key());
        let pb = PublicKey::Ed25519(b.verifying_key());
        assert!(pa.verifies(b"message", &sig));
        assert!(!pa.verifies(b"messagf", &sig));
        assert!(!pb.verifies(b"message", &sig));
        assert!(!pa.verifies(b"message", &sig[..63]));
    }
}
