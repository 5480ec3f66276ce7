//! `safeguard keygen` and `safeguard sign`: a signing key, and a written package signed.

use std::path::PathBuf;

use super::delivery::SigningArgs;
use crate::error::{Error, Result};
use crate::package;

pub(super) fn keygen(prefix: PathBuf) -> Result<i32> {
    let (private, public, id) = crate::sign::keygen(&prefix)?;
    crate::say!(
        "wrote {} (private, keep it secret) and {} (public, for `safeguard verify --key`); key id {id}",
        private.display(),
        public.display()
    );
    Ok(0)
}

pub(super) fn sign(dir: PathBuf, key: Option<PathBuf>, kms_key: Option<String>) -> Result<i32> {
    let signing = SigningArgs {
        sign_key: key,
        sign_kms_key: kms_key,
    };
    let Some(signer) = signing.signer(None, None)? else {
        return Err(Error::Usage(
            "sign needs --key FILE (an Ed25519 private key from `safeguard keygen`) or --kms-key ARN".into(),
        ));
    };
    let key = crate::sign::sign_package(&dir, signer.as_ref())?;
    crate::say!(
        "signed: {} (key {key})",
        dir.join(package::SIGNATURE).display()
    );
    Ok(0)
}
