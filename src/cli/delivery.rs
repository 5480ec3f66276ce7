//! What happens to a package once it is written: signing (`--sign-key`, `--sign-kms-key`),
//! upload to S3 (`--upload`) and import of its findings into Security Hub (`--security-hub`),
//! each failure exit 4 with the package kept.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::error::Result;
use crate::package;

#[derive(clap::Args, Debug, Clone)]
pub(super) struct SigningArgs {
    /// Sign the package with this Ed25519 private key (PKCS#8 PEM, from `safeguard keygen` or
    /// `openssl genpkey -algorithm ed25519`): writes signature.json, a DSSE envelope.
    /// A scheduled run signs without the flag through SAFEGUARD_SIGN_KEY.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "sign_kms_key",
        env = "SAFEGUARD_SIGN_KEY"
    )]
    pub(super) sign_key: Option<PathBuf>,
    /// Sign with this AWS KMS key (ECC_NIST_P256, SIGN_VERIFY; kms:Sign): the private key
    /// never leaves KMS. Or SAFEGUARD_SIGN_KMS_KEY.
    #[arg(long, value_name = "ARN", env = "SAFEGUARD_SIGN_KMS_KEY")]
    pub(super) sign_kms_key: Option<String>,
}

#[derive(clap::Args, Debug, Clone)]
pub(super) struct DeliveryArgs {
    #[command(flatten)]
    pub(super) signing: SigningArgs,
    /// After writing (and signing) the package, upload it to S3 under
    /// PREFIX/<account>/<timestamp>/, with SHA-256 checksums. A failed upload exits 4 and
    /// keeps the local package.
    #[arg(long, value_name = "s3://BUCKET/PREFIX")]
    pub(super) upload: Option<String>,
    /// Object Lock retention of the uploaded objects, in days (when the bucket has Object
    /// Lock). Default: six years (45 CFR 164.316(b)(2)(i)).
    #[arg(long, value_name = "DAYS", default_value_t = crate::upload::DEFAULT_RETAIN_DAYS, value_parser = clap::value_parser!(u32).range(1..=36500), requires = "upload")]
    pub(super) retain_days: u32,
    /// Object Lock mode: governance (users with s3:BypassGovernanceRetention can still delete)
    /// or compliance (nobody can, not even the root user, until the date).
    #[arg(long, value_enum, ignore_case = true, default_value_t = RetentionArg::Governance, requires = "upload")]
    pub(super) retention_mode: RetentionArg,
    /// After writing the package, import its findings into AWS Security Hub (BatchImportFindings,
    /// the assessed account's default product, in --region's or AWS_REGION's hub), with that
    /// account's credentials. Findings Security Hub refuses exit 4; the package is kept.
    #[arg(long)]
    pub(super) security_hub: bool,
    /// What --security-hub sends: failing (failures, waived failures and evidence gaps) or all
    /// (passes and not-applicable findings too).
    #[arg(long, value_enum, ignore_case = true, default_value_t = SecurityHubFindingsArg::Failing, requires = "security_hub")]
    pub(super) security_hub_findings: SecurityHubFindingsArg,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SecurityHubFindingsArg {
    Failing,
    All,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RetentionArg {
    Governance,
    Compliance,
}

impl SigningArgs {
    /// The signer the flags (or their environment variables) name, else `sign:` in
    /// `--config`; its key read (and checked) now, before any work is done.
    pub(super) fn signer(
        &self,
        profile: Option<&str>,
        from_config: Option<&crate::inputs::config::SignWith>,
    ) -> Result<Option<Box<dyn crate::sign::Signer>>> {
        use crate::inputs::config::SignWith;
        if let Some(path) = &self.sign_key {
            return Ok(Some(Box::new(crate::sign::Ed25519Key::read(path)?)));
        }
        if let Some(arn) = &self.sign_kms_key {
            return Ok(Some(Box::new(crate::sign::kms::KmsKey::new(arn, profile)?)));
        }
        match from_config {
            Some(SignWith::Key(path)) => Ok(Some(Box::new(crate::sign::Ed25519Key::read(path)?))),
            Some(SignWith::Kms(arn)) => {
                Ok(Some(Box::new(crate::sign::kms::KmsKey::new(arn, profile)?)))
            }
            None => Ok(None),
        }
    }
}

/// What to do with a package once it is written: sign it, upload it.
pub(super) struct Delivery {
    pub(super) signer: Option<Box<dyn crate::sign::Signer>>,
    pub(super) upload: Option<crate::upload::UploadOptions>,
    pub(super) security_hub: Option<crate::securityhub::SecurityHubOptions>,
}

impl DeliveryArgs {
    pub(super) fn delivery(
        &self,
        profile: Option<&str>,
        region: Option<&str>,
        from_config: Option<&crate::inputs::config::SignWith>,
    ) -> Result<Delivery> {
        let upload = match &self.upload {
            Some(url) => Some(crate::upload::UploadOptions {
                destination: crate::upload::S3Location::parse(url)?,
                retain_days: self.retain_days,
                mode: match self.retention_mode {
                    RetentionArg::Governance => crate::upload::RetentionMode::Governance,
                    RetentionArg::Compliance => crate::upload::RetentionMode::Compliance,
                },
                profile: profile.map(str::to_string),
                region: region.map(str::to_string),
            }),
            None => None,
        };
        let security_hub = self
            .security_hub
            .then(|| crate::securityhub::SecurityHubOptions {
                selection: match self.security_hub_findings {
                    SecurityHubFindingsArg::Failing => crate::securityhub::Selection::Failing,
                    SecurityHubFindingsArg::All => crate::securityhub::Selection::All,
                },
                profile: profile.map(str::to_string),
                region: region.map(str::to_string),
            });
        Ok(Delivery {
            signer: self.signing.signer(profile, from_config)?,
            upload,
            security_hub,
        })
    }
}

impl Delivery {
    /// Signs and uploads the package at `dir`, and imports `results`' findings into Security
    /// Hub when asked, printing what was done (unless `quiet`). A failure is exit 4; the
    /// package stays where it was written.
    /// `folder` is where it goes under the upload prefix: the account id, or `org-<id>` for a
    /// roll-up, whatever the local folder is called. A roll-up has no `results`.
    pub(super) fn deliver(
        &self,
        dir: &std::path::Path,
        folder: &str,
        results: Option<&crate::results::Results>,
        quiet: bool,
    ) -> Result<()> {
        let kept = |e: crate::error::Error| {
            crate::error::Error::Delivery(format!("{e} (the package is kept at {})", dir.display()))
        };
        if let Some(signer) = &self.signer {
            let key = crate::sign::sign_package(dir, signer.as_ref()).map_err(kept)?;
            if !quiet {
                crate::say!(
                    "signed: {} (key {key})",
                    dir.join(package::SIGNATURE).display()
                );
            }
        }
        if let Some(upload) = &self.upload {
            // <folder>/<timestamp>: the timestamp is the package folder's own name.
            let stamp = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rel = format!("{folder}/{stamp}");
            let done = crate::upload::upload(dir, &rel, upload).map_err(kept)?;
            if !quiet {
                crate::say!(
                    "uploaded: {} ({} object(s), {} bytes, {})",
                    done.url,
                    done.objects,
                    done.bytes,
                    match done.retention {
                        Some((mode, until)) => format!(
                            "Object Lock {} until {}",
                            if mode == crate::upload::RetentionMode::Compliance {
                                "COMPLIANCE"
                            } else {
                                "GOVERNANCE"
                            },
                            until.format("%Y-%m-%d")
                        ),
                        None => "the bucket has no Object Lock: no retention was set".into(),
                    }
                );
            }
            // Evidence meant to be kept unaltered, in a bucket that does not keep it so: said
            // on stderr whatever -q says, since it is a warning.
            if done.retention.is_none() {
                crate::say_err!(
                    "safeguard: warning: {} has no Object Lock, so the uploaded package can be altered or deleted; use a bucket created with Object Lock enabled (aws s3api create-bucket --object-lock-enabled-for-bucket)",
                    upload.destination.bucket
                );
            }
        }
        if let (Some(hub), Some(results)) = (&self.security_hub, results) {
            let report = crate::securityhub::import(results, hub).map_err(kept)?;
            say_imported(&report, quiet);
            if let Some(e) = report.failure() {
                return Err(kept(e));
            }
        }
        Ok(())
    }
}

/// What a Security Hub import did, in a line.
pub(super) fn say_imported(report: &crate::securityhub::ImportReport, quiet: bool) {
    if !quiet {
        crate::say!(
            "security hub: {} finding(s) imported into {}{}",
            report.imported,
            report.product_arn,
            match report.archived {
                0 => String::new(),
                n => format!(" ({n} resolved one(s) archived)"),
            }
        );
    }
}
