//! Signing with an AWS KMS asymmetric key (`--sign-kms-key ARN`), and fetching its public key
//! to verify (`verify --kms-key ARN`). The key spec is `ECC_NIST_P256`, usage `SIGN_VERIFY`:
//! safeguard hashes the DSSE pre-authentication encoding with SHA-256 and asks `kms:Sign` for
//! `ECDSA_SHA_256` over that digest (message type DIGEST), so the private key never leaves KMS
//! and the message size never matters. The policy it needs is policies/safeguard-sign-kms.json (docs/scheduled-snapshots.md).

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{MessageType, SigningAlgorithmSpec};

use super::{PublicKey, Signer};
use crate::collect::{block_on_own, delivery_config};
use crate::error::{Error, Result};

pub struct KmsKey {
    arn: String,
    profile: Option<String>,
    region: Option<String>,
    /// A client made elsewhere (the fault-injection tests); else one is made per call.
    client: Option<aws_sdk_kms::Client>,
}

impl KmsKey {
    /// A KMS key by ARN (or alias ARN); its region is the ARN's.
    pub fn new(arn: &str, profile: Option<&str>) -> Result<Self> {
        let region = arn_region(arn)?;
        Ok(KmsKey {
            arn: arn.to_string(),
            profile: profile.map(str::to_string),
            region: Some(region),
            client: None,
        })
    }

    async fn client(&self) -> aws_sdk_kms::Client {
        if let Some(c) = &self.client {
            return c.clone();
        }
        aws_sdk_kms::Client::new(
            &delivery_config(self.profile.as_deref(), self.region.as_deref()).await,
        )
    }

    /// The key's public half, from kms:GetPublicKey (checked to be a P-256 signing key).
    pub fn public_key(&self) -> Result<PublicKey> {
        let out = block_on_own(async {
            self.client()
                .await
                .get_public_key()
                .key_id(&self.arn)
                .send()
                .await
        })?
        .map_err(|e| {
            Error::Delivery(format!(
                "kms:GetPublicKey {}: {}",
                self.arn,
                crate::collect::sdk_error_text(&e)
            ))
        })?;
        // KMS names the spec; the key itself is checked to be P-256 below either way.
        if let Some(spec) = out.key_spec().map(|s| s.as_str())
            && spec != "ECC_NIST_P256"
        {
            return Err(Error::Usage(format!(
                "{} is a {spec} key; safeguard signs with ECC_NIST_P256 keys",
                self.arn
            )));
        }
        let der = out.public_key().ok_or_else(|| {
            Error::Delivery(format!("kms:GetPublicKey {}: no key returned", self.arn))
        })?;
        PublicKey::p256_from_der(der.as_ref(), &self.arn)
    }
}

impl Signer for KmsKey {
    fn key_id(&self) -> String {
        self.arn.clone()
    }
    fn algorithm(&self) -> &'static str {
        "kms-ecdsa-p256-sha256"
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(message).to_vec();
        let out = block_on_own(async {
            self.client()
                .await
                .sign()
                .key_id(&self.arn)
                .message(Blob::new(digest))
                .message_type(MessageType::Digest)
                .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
                .send()
                .await
        })?
        .map_err(|e| {
            Error::Delivery(format!(
                "kms:Sign with {}: {}",
                self.arn,
                crate::collect::sdk_error_text(&e)
            ))
        })?;
        out.signature().map(|b| b.as_ref().to_vec()).ok_or_else(|| {
            Error::Delivery(format!("kms:Sign with {}: no signature returned", self.arn))
        })
    }
}

/// The region of a KMS key or alias ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`).
fn arn_region(arn: &str) -> Result<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "kms"
        && !parts[3].is_empty()
        && parts[3]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && crate::snapshot::valid_account_id(parts[4])
        && (parts[5].starts_with("key/") || parts[5].starts_with("alias/"));
    if !ok {
        return Err(Error::Usage(format!(
            "{arn:?} is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID or alias/NAME)"
        )));
    }
    Ok(parts[3].to_string())
}

#[cfg(test)]
mod tests {
    use aws_sdk_kms::operation::get_public_key::GetPublicKeyOutput;
    use aws_sdk_kms::operation::sign::{SignError, SignOutput};
    use aws_sdk_kms::primitives::Blob;
    use aws_sdk_kms::types::KeySpec;
    use aws_smithy_mocks::{
        MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock,
    };
    use aws_smithy_types::error::ErrorMetadata;
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use p256::pkcs8::EncodePublicKey;

    use super::KmsKey;
    use crate::sign::{SignatureCheck, Signer};

    const ARN: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    /// A KMS client answered by `rules` (moto 5.2.5 hashes a DIGEST message again before
    /// signing it, unlike KMS, so KMS's semantics are reproduced here with a real P-256 key).
    fn kms(rules: &[Rule]) -> KmsKey {
        let interceptor = rules.iter().fold(
            MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny),
            |i, rule| i.with_rule(rule),
        );
        let config = aws_sdk_kms::Config::builder()
            .behavior_version(aws_sdk_kms::config::BehaviorVersion::latest())
            .region(aws_sdk_kms::config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_kms::config::Credentials::new(
                "AKIDTEST", "test", None, None, "mock",
            ))
            .http_client(create_mock_http_client())
            .interceptor(interceptor);
        let mut key = KmsKey::new(ARN, None).unwrap();
        key.client = Some(aws_sdk_kms::Client::from_conf(config.build()));
        key
    }

    fn key_pair() -> p256::ecdsa::SigningKey {
        p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).unwrap()
    }

    fn kms_like(spec: KeySpec) -> Vec<Rule> {
        vec![
            mock!(aws_sdk_kms::Client::sign).then_compute_output(|req| {
                // As KMS does for MessageType DIGEST: the message is the digest, signed as is.
                assert_eq!(
                    req.message_type(),
                    Some(&aws_sdk_kms::types::MessageType::Digest)
                );
                let digest = req.message().unwrap().as_ref();
                assert_eq!(digest.len(), 32);
                let sig: p256::ecdsa::Signature = key_pair().sign_prehash(digest).unwrap();
                SignOutput::builder()
                    .signature(Blob::new(sig.to_der().as_bytes().to_vec()))
                    .key_id(ARN)
                    .build()
            }),
            mock!(aws_sdk_kms::Client::get_public_key).then_compute_output(move |_| {
                let der = key_pair().verifying_key().to_public_key_der().unwrap();
                GetPublicKeyOutput::builder()
                    .public_key(Blob::new(der.as_bytes().to_vec()))
                    .key_spec(spec.clone())
                    .key_id(ARN)
                    .build()
            }),
        ]
    }

    fn package() -> (tempfile::TempDir, std::path::PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = crate::package::write_files(
            tmp.path(),
            &[("results.json".into(), b"{}".to_vec())],
            chrono::Utc::now(),
            |files| {
                serde_json::to_vec(&serde_json::json!({
                    "schema": crate::package::ROLLUP_MANIFEST_SCHEMA,
                    "tool": {"name": "safeguard", "version": "test"},
                    "created_at": "2026-12-01T00:00:00Z",
                    "organization": null,
                    "accounts": 0,
                    "files": files,
                }))
                .unwrap()
            },
        )
        .unwrap();
        (tmp, dir)
    }

    #[test]
    fn a_package_signed_in_kms_verifies_with_the_public_key_kms_gives() {
        let (_tmp, dir) = package();
        let key = kms(&kms_like(KeySpec::EccNistP256));
        assert_eq!(crate::sign::sign_package(&dir, &key).unwrap(), ARN);
        let public = key.public_key().unwrap();
        match crate::sign::check(&dir, &public).unwrap() {
            SignatureCheck::Valid { key, .. } => assert_eq!(key, ARN),
            other => panic!("{other:?}"),
        }
        // Another P-256 key does not verify it.
        let other = crate::sign::PublicKey::p256_from_der(
            p256::ecdsa::SigningKey::from_slice(&[3u8; 32])
                .unwrap()
                .verifying_key()
                .to_public_key_der()
                .unwrap()
                .as_bytes(),
            "other",
        )
        .unwrap();
        assert!(matches!(
            crate::sign::check(&dir, &other).unwrap(),
            SignatureCheck::Invalid(_)
        ));
    }

    #[test]
    fn a_refused_sign_call_or_a_key_of_another_spec_is_an_error_naming_it() {
        let denied = kms(&[mock!(aws_sdk_kms::Client::sign).then_error(|| {
            SignError::generic(
                ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("User is not authorized to perform: kms:Sign")
                    .build(),
            )
        })]);
        let e = denied.sign(b"x").unwrap_err();
        assert_eq!(e.exit_code(), 4);
        assert!(e.to_string().contains("AccessDeniedException"), "{e}");
        let rsa = kms(&kms_like(KeySpec::Rsa2048));
        let e = rsa.public_key().err().unwrap();
        assert!(e.to_string().contains("RSA_2048"), "{e}");
    }

    #[test]
    fn only_kms_key_arns_are_taken() {
        assert_eq!(
            super::arn_region("arn:aws:kms:eu-west-1:123456789012:key/abc").unwrap(),
            "eu-west-1"
        );
        for bad in [
            "abc",
            "arn:aws:s3:eu-west-1:123456789012:key/abc",
            "arn:aws:kms::123456789012:key/abc",
            "arn:aws:kms:eu-west-1:1234:key/abc",
            "arn:aws:kms:eu-west-1:123456789012:role/abc",
        ] {
            assert!(super::arn_region(bad).is_err(), "{bad}");
        }
    }
}
