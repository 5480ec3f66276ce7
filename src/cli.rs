//! Command-line interface: parses arguments, runs a pipeline stage, maps outcomes to exit codes.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};

use crate::app::{self, PackageOptions};
use crate::error::Result;
use crate::import::{ImportOptions, import_dir};
use crate::package;
use crate::results::{ControlStatus, Results};
use crate::snapshot::{Snapshot, sha256_hex};

#[derive(Parser, Debug)]
#[command(name = "safeguard", version, about = "AWS identity and audit configuration → HIPAA Security Rule evidence", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// More: the whole summary (every failing check and gap, and the controls that need
    /// action); with collect and run, every API call on stderr too (action, region, attempts,
    /// duration, outcome and AWS error code; never a header or credential).
    #[arg(short, long, global = true)]
    verbose: bool,
}

/// `-v`, set once from the command line before any command runs.
static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn verbose() -> bool {
    VERBOSE.load(std::sync::atomic::Ordering::Relaxed)
}

#[expect(
    clippy::large_enum_variant,
    reason = "one value per process, parsed once: its size does not matter"
)]
#[derive(Subcommand, Debug)]
enum Command {
    /// Assess the bundled example account and write its evidence package (no AWS credentials needed).
    Demo {
        #[command(flatten)]
        out: OutputArgs,
        /// The example export folder (default: examples/clinic-account).
        #[arg(long, value_name = "DIR")]
        example: Option<PathBuf>,
    },
    /// Build a snapshot from an AWS CLI export folder (see scripts/export-aws-evidence.sh).
    Import {
        /// The export folder.
        dir: PathBuf,
        /// Where to write the snapshot.
        #[arg(short, long, value_name = "FILE", default_value = "snapshot.json")]
        output: PathBuf,
        /// When the export was taken (2026-11-20T09:00:00Z, or a date for midnight UTC); overrides export-info.json.
        #[arg(long, value_name = "TIME", value_parser = parse_collected_at)]
        collected_at: Option<DateTime<Utc>>,
    },
    /// Assess a snapshot (or an export folder directly) and write the evidence package.
    Assess {
        /// snapshot.json, or an AWS CLI export folder.
        input: PathBuf,
        #[command(flatten)]
        out: OutputArgs,
        /// When the export was taken (2026-11-20T09:00:00Z, or a date for midnight UTC), if INPUT
        /// is an export folder; overrides its export-info.json.
        #[arg(long, value_name = "TIME", value_parser = parse_collected_at)]
        collected_at: Option<DateTime<Utc>>,
        /// Exit 1 when any control is at this status or worse (by default a control that fails
        /// or lacks evidence: an undecided control is not a clean run).
        #[arg(long, value_enum, default_value_t = FailOn::InsufficientEvidence)]
        fail_on: FailOn,
    },
    /// Collect a snapshot live from an AWS account (standard credential chain).
    Collect {
        #[command(flatten)]
        aws: AwsArgs,
        /// Where to write the snapshot.
        #[arg(short, long, value_name = "FILE", default_value = "snapshot.json")]
        output: PathBuf,
    },
    /// Collect live, then assess and write the evidence package (for scheduled snapshots);
    /// with --org, every account of the AWS Organization and a roll-up.
    Run {
        #[command(flatten)]
        aws: AwsArgs,
        #[command(flatten)]
        org: OrgArgs,
        #[command(flatten)]
        out: OutputArgs,
        /// Exit 1 when any control is at this status or worse (by default a control that fails
        /// or lacks evidence; a partial collection also exits 1 unless this is `never`).
        #[arg(long, value_enum, default_value_t = FailOn::InsufficientEvidence)]
        fail_on: FailOn,
    },
    /// Roll up account packages (and run ledgers) into one organization package: an account ×
    /// control matrix, gaps, common failures, and every package's SHA-256. Each package is
    /// verified first; one that fails is excluded and named.
    Aggregate {
        /// Package folders, or folders holding them (e.g. reports/), searched four levels deep.
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Folder the roll-up goes under, as <UTC timestamp>/.
        #[arg(short, long, value_name = "DIR", default_value = "reports/org-rollup")]
        output: PathBuf,
        /// Outputs to write, comma-separated: md, pdf, json, csv (default: all).
        #[arg(long, value_name = "LIST", value_delimiter = ',')]
        format: Vec<crate::render::Format>,
        /// Print only the roll-up's path.
        #[arg(short, long)]
        quiet: bool,
        /// Print, on stderr, the time each phase took (find, verify and read, write) and the
        /// peak memory.
        #[arg(long)]
        profile_phases: bool,
        #[command(flatten)]
        delivery: DeliveryArgs,
    },
    /// Re-hash every file of an evidence package against its manifest.json; with --key or
    /// --kms-key, check its signature too.
    Verify {
        /// The package folder (reports/<account>/<timestamp>/), or s3://BUCKET/PREFIX/<account>/<timestamp>/
        /// to verify an uploaded package in place.
        dir: PathBuf,
        /// A public key (PEM: Ed25519 from `safeguard keygen`, or a KMS key's P-256 public key):
        /// the package must carry a signature.json that verifies with it.
        #[arg(long, value_name = "PUB", conflicts_with = "kms_key")]
        key: Option<PathBuf>,
        /// An AWS KMS key ARN whose public key (kms:GetPublicKey) must verify the signature.
        #[arg(long, value_name = "ARN")]
        kms_key: Option<String>,
        /// AWS profile for --kms-key and s3:// (default: the standard credential chain).
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// For s3://: the longest one object may take to arrive, request and body together, in
        /// seconds (plus one second per 64 KiB of its listed size).
        #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
        call_timeout: u64,
    },
    /// Compare two packages of one account (or their results.json): controls whose status
    /// changed, findings new, resolved and still failing, new admins and escalation paths,
    /// waivers and attestations that expired, gaps opened and closed. Exits 1 when anything got
    /// worse.
    Diff {
        /// The older package.
        old: PathBuf,
        /// The newer package.
        new: PathBuf,
        /// md or json.
        #[arg(long, value_enum, default_value_t = DiffFormat::Md)]
        format: DiffFormat,
        /// Write the report to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The trend of one account: reads (and verifies) every package under DIR and writes a
    /// report with a chart (SVG and PNG): controls by status, failing findings and gaps per run,
    /// time to fix, controls that flapped.
    History {
        /// The account's packages (reports/<account>/).
        dir: PathBuf,
        /// Folder the report goes under, as <account>/<UTC timestamp>/.
        #[arg(short, long, value_name = "DIR", default_value = "reports/history")]
        output: PathBuf,
        /// Outputs besides the chart, comma-separated: md, pdf, json (default: all).
        #[arg(long, value_name = "LIST", value_delimiter = ',')]
        format: Vec<crate::render::Format>,
        /// Print only the report's path.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Write a new Ed25519 key pair for --sign-key: PREFIX.key (PKCS#8 PEM, mode 0600) and
    /// PREFIX.pub (the public key for `verify --key`).
    Keygen {
        /// Path prefix of the two files.
        #[arg(default_value = "safeguard-signing")]
        prefix: PathBuf,
    },
    /// Sign (or re-sign) a written package: writes its signature.json.
    Sign {
        /// The package folder.
        dir: PathBuf,
        /// An Ed25519 private key (PKCS#8 PEM, from `safeguard keygen`), as `verify --key`
        /// takes the public one; `--sign-key` and SAFEGUARD_SIGN_KEY as in assess and run.
        #[arg(
            long,
            value_name = "FILE",
            visible_alias = "sign-key",
            conflicts_with = "kms_key",
            env = "SAFEGUARD_SIGN_KEY"
        )]
        key: Option<PathBuf>,
        /// An AWS KMS key ARN (ECC_NIST_P256, SIGN_VERIFY), as `verify --kms-key` takes it;
        /// `--sign-kms-key` and SAFEGUARD_SIGN_KMS_KEY as in assess and run.
        #[arg(
            long,
            value_name = "ARN",
            visible_alias = "sign-kms-key",
            env = "SAFEGUARD_SIGN_KMS_KEY"
        )]
        kms_key: Option<String>,
    },
    /// List the control catalog, or show one control (or check) with its checks and parameters.
    Controls {
        /// A citation such as 164.312(b) (§ and case as you like), a section such as 164.312 for
        /// its controls, or a check id such as iam.password_policy.
        id: Option<String>,
        /// A catalog folder to use instead of the built-in one.
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
        /// Print the coverage table (Markdown): every citation, its checks, and how each anchor
        /// tool's mapping to it is answered (docs/coverage.md).
        #[arg(long, conflicts_with = "id")]
        coverage: bool,
        /// List every check: its id, severity and what it checks.
        #[arg(long, conflicts_with_all = ["id", "coverage"])]
        checks: bool,
    },
}

#[derive(clap::Args, Debug)]
struct OutputArgs {
    /// Folder the package goes under, as <account>/<UTC timestamp>/.
    #[arg(short, long, value_name = "DIR", default_value = "reports")]
    output: PathBuf,
    /// Outputs to write, comma-separated: md, pdf, json, csv, oscal (default: all).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    format: Vec<crate::render::Format>,
    /// A folder holding report.md.j2 to use instead of the built-in template.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// A catalog folder (controls/*.yaml) to use instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    catalog: Option<PathBuf>,
    /// Override a check parameter, e.g. --set iam.password_policy.min_length=16 (repeatable; wins over --config).
    #[arg(long = "set", value_name = "CHECK.PARAM=VALUE")]
    set: Vec<String>,
    /// Check parameters for this run (YAML: parameters: {CHECK_ID: {PARAM: VALUE}}).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Attestations of controls' manual parts (YAML); valid ones complete those controls.
    #[arg(long, value_name = "FILE")]
    attestations: Option<PathBuf>,
    /// Accepted risks (YAML): check, resource pattern, justification, approver, expiry.
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    /// Largest attested evidence file copied into the package, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::inputs::attestations::DEFAULT_MAX_EVIDENCE_BYTES, value_parser = clap::value_parser!(u64).range(1..=(4u64 << 30)))]
    max_evidence_bytes: u64,
    /// Accept attested evidence files outside the attestations file's folder (the report lists them).
    #[arg(long)]
    allow_outside_evidence: bool,
    /// Who prepares the package, as "Name, Title" (cover page, PDF metadata; else the config file's).
    #[arg(long, value_name = "NAME")]
    prepared_by: Option<String>,
    /// The organization the package is for (cover page; else the config file's).
    #[arg(long, value_name = "NAME")]
    organization: Option<String>,
    /// Findings the reports print: all; failures (failing, waived and undecided ones, the rest
    /// as counts); or auto: all up to --detail-limit findings, else failures. results.json and
    /// results.csv keep every finding.
    #[arg(long, value_enum, default_value_t = DetailArg::Auto)]
    detail: DetailArg,
    /// With --detail auto, the number of findings past which the reports print only failures.
    #[arg(long, value_name = "N", default_value_t = crate::render::view::DEFAULT_DETAIL_LIMIT, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=100_000_000))]
    detail_limit: usize,
    /// Print, on stderr, the time each phase took (import, engine, checks, each writer) and
    /// the peak memory.
    #[arg(long)]
    profile_phases: bool,
    /// The account's previous package (folder or results.json): carries `first_seen` forward,
    /// marks each failing finding new or recurring, and adds "Changes since" to the report.
    #[arg(long, value_name = "PKG", conflicts_with = "history")]
    previous: Option<PathBuf>,
    /// A folder of earlier packages (e.g. reports/): the newest one of the same account,
    /// collected before this one, is the previous package.
    #[arg(long, value_name = "DIR")]
    history: Option<PathBuf>,
    /// With --history or --previous: count "held in N of M snapshots" from this day
    /// (YYYY-MM-DD, UTC), e.g. the start of the audit period. Default: every earlier package.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    period_start: Option<chrono::NaiveDate>,
    #[command(flatten)]
    delivery: DeliveryArgs,
    /// Print only the package path.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DiffFormat {
    Md,
    Json,
}

#[derive(clap::Args, Debug, Clone)]
struct SigningArgs {
    /// Sign the package with this Ed25519 private key (PKCS#8 PEM, from `safeguard keygen` or
    /// `openssl genpkey -algorithm ed25519`): writes signature.json, a DSSE envelope.
    /// A scheduled run signs without the flag through SAFEGUARD_SIGN_KEY.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "sign_kms_key",
        env = "SAFEGUARD_SIGN_KEY"
    )]
    sign_key: Option<PathBuf>,
    /// Sign with this AWS KMS key (ECC_NIST_P256, SIGN_VERIFY; kms:Sign): the private key
    /// never leaves KMS. Or SAFEGUARD_SIGN_KMS_KEY.
    #[arg(long, value_name = "ARN", env = "SAFEGUARD_SIGN_KMS_KEY")]
    sign_kms_key: Option<String>,
}

#[derive(clap::Args, Debug, Clone)]
struct DeliveryArgs {
    #[command(flatten)]
    signing: SigningArgs,
    /// After writing (and signing) the package, upload it to S3 under
    /// PREFIX/<account>/<timestamp>/, with SHA-256 checksums. A failed upload exits 4 and
    /// keeps the local package.
    #[arg(long, value_name = "s3://BUCKET/PREFIX")]
    upload: Option<String>,
    /// Object Lock retention of the uploaded objects, in days (when the bucket has Object
    /// Lock). Default: six years (45 CFR 164.316(b)(2)(i)).
    #[arg(long, value_name = "DAYS", default_value_t = 2190, value_parser = clap::value_parser!(u32).range(1..=36500), requires = "upload")]
    retain_days: u32,
    /// Object Lock mode: governance (users with s3:BypassGovernanceRetention can still delete)
    /// or compliance (nobody can, not even the root user, until the date).
    #[arg(long, value_enum, ignore_case = true, default_value_t = RetentionArg::Governance, requires = "upload")]
    retention_mode: RetentionArg,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum RetentionArg {
    Governance,
    Compliance,
}

impl SigningArgs {
    /// The signer the flags (or their environment variables) name, else `sign:` in
    /// `--config`; its key read (and checked) now, before any work is done.
    fn signer(
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
struct Delivery {
    signer: Option<Box<dyn crate::sign::Signer>>,
    upload: Option<crate::upload::UploadOptions>,
}

impl DeliveryArgs {
    fn delivery(
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
        Ok(Delivery {
            signer: self.signing.signer(profile, from_config)?,
            upload,
        })
    }
}

impl Delivery {
    /// Signs and uploads the package at `dir`, printing what was done (unless `quiet`). A
    /// failure is exit 4; the package stays where it was written.
    /// `folder` is where it goes under the upload prefix: the account id, or `org-<id>` for a
    /// roll-up, whatever the local folder is called.
    fn deliver(&self, dir: &std::path::Path, folder: &str, quiet: bool) -> Result<()> {
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
        Ok(())
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DetailArg {
    Auto,
    All,
    Failures,
}

impl OutputArgs {
    fn options(&self) -> PackageOptions {
        PackageOptions {
            output: self.output.clone(),
            format: self.format.clone(),
            templates: self.templates.clone(),
            catalog: self.catalog.clone(),
            set: self.set.clone(),
            config: self.config.clone(),
            attestations: self.attestations.clone(),
            waivers: self.waivers.clone(),
            max_evidence_bytes: self.max_evidence_bytes,
            allow_outside_evidence: self.allow_outside_evidence,
            prepared_by: self.prepared_by.clone(),
            organization: self.organization.clone(),
            phases: self
                .profile_phases
                .then(|| std::sync::Arc::new(crate::phases::Phases::default())),
            detail: match self.detail {
                DetailArg::Auto => None,
                DetailArg::All => Some(crate::render::view::Detail::All),
                DetailArg::Failures => Some(crate::render::view::Detail::Failures),
            },
            detail_limit: self.detail_limit,
            previous: self.previous.clone(),
            history: self.history.clone(),
            period_start: self.period_start,
            example: false,
            signed_by: None,
        }
    }

    /// Assesses and packages, then prints the package path (`-q`) or the summary screen, and
    /// the phases line when asked.
    fn package(
        &self,
        snapshot: &Snapshot,
        inputs: &app::Inputs,
        options: &PackageOptions,
        delivery: &Delivery,
    ) -> Result<Results> {
        // The cover names the key that signs the package as it is written.
        let options = &PackageOptions {
            signed_by: delivery.signer.as_ref().map(|s| s.key_id()),
            ..options.clone()
        };
        let (results, dir) = app::package_with(snapshot, inputs, options)?;
        if let Some(phases) = &options.phases {
            crate::say_err!("{}", phases.line());
        }
        if self.quiet {
            crate::say!("{}", dir.display());
        } else {
            print!(
                "{}",
                crate::render::summary::summary_screen(
                    &results,
                    &dir,
                    crate::render::summary::Screen::detect(verbose())
                )
            );
            self.say_changes(&results);
        }
        delivery.deliver(&dir, &results.account.id, self.quiet)?;
        Ok(results)
    }

    /// What `--previous`/`--history` found, in a line or two.
    fn say_changes(&self, results: &Results) {
        match &results.changes {
            Some(c) => {
                let worse = c
                    .controls
                    .iter()
                    .filter(|s| s.direction == crate::results::Direction::Worse)
                    .count();
                crate::say!(
                    "changes since {}: {} control(s) changed ({worse} worse), {} new failing finding(s), {} recurring, {} resolved{}",
                    c.since,
                    c.controls.len(),
                    c.new_failing,
                    c.recurring,
                    c.resolved.len(),
                    match c.undetermined {
                        0 => String::new(),
                        n => format!(
                            ", {n} that cannot be judged now (an evidence gap: not resolved)"
                        ),
                    }
                );
                for p in &c.passed_over {
                    crate::say!("  passed over (fails verification): {p}");
                }
            }
            None if self.history.is_some() => crate::say!(
                "no earlier intact package of account {} under the --history folder: first_seen starts with this run",
                results.account.id
            ),
            None => {}
        }
    }
}

#[derive(clap::Args, Debug)]
struct AwsArgs {
    /// Named profile from the AWS config files (else AWS_PROFILE, environment, SSO, instance or task role).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Region for signing global calls (else AWS_REGION or the profile's region; us-east-1 by default).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// Regions to collect CloudTrail and AWS Config from, comma- or space-separated, each name
    /// checked (default: every enabled region).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    regions: Vec<String>,
    /// Regions collected at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=64))]
    concurrency: usize,
    /// Longest one API call may take, retries included, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    call_timeout: u64,
    /// No progress lines on stderr.
    #[arg(long)]
    quiet_collect: bool,
    /// Days of CloudTrail event history to read (IAM changes, root activity); LookupEvents keeps 90.
    #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=90))]
    lookback_days: u32,
    /// Pages one paginated API call may take; past it (or on a repeated marker) that evidence is a gap.
    #[arg(long, value_name = "N", default_value_t = crate::collect::DEFAULT_MAX_PAGES, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000_000))]
    max_pages: usize,
    /// Attempts per API call, the first included: throttled and failed calls are retried with
    /// adaptive back-off until then (1: no retry).
    #[arg(long, value_name = "N", default_value_t = crate::collect::DEFAULT_MAX_ATTEMPTS, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
}

impl AwsArgs {
    /// The collection options, every region name checked (exit 2 with the name meant).
    fn options(&self) -> Result<crate::collect::CollectOptions> {
        if let Some(r) = &self.region {
            crate::regions::check("--region", r)?;
        }
        let regions = crate::regions::parse_list("--regions", &self.regions)?;
        Ok(crate::collect::CollectOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            regions: (!regions.is_empty()).then_some(regions),
            concurrency: self.concurrency,
            call_timeout: std::time::Duration::from_secs(self.call_timeout),
            quiet: self.quiet_collect,
            verbose: verbose(),
            lookback_days: self.lookback_days,
            max_pages: self.max_pages,
            max_attempts: self.max_attempts,
        })
    }
}

#[derive(clap::Args, Debug)]
struct OrgArgs {
    /// Assess every account of the AWS Organization from its management (or a
    /// delegated-administrator) account: assume --role-name in each, one package per account
    /// under <output>/<account>/, a roll-up under <output>/org-<id>/.
    #[arg(long)]
    org: bool,
    /// The role to assume in each member account (deploy/aws/member-role.yaml).
    #[arg(long, value_name = "NAME", requires = "org")]
    role_name: Option<String>,
    /// The external id the member role's trust policy requires.
    #[arg(long, value_name = "ID", requires = "org")]
    external_id: Option<String>,
    /// Only these account ids, comma-separated.
    #[arg(long, value_name = "LIST", value_delimiter = ',', requires = "org")]
    accounts: Vec<String>,
    /// Only the accounts under these OU (or root) ids, recursively, comma-separated.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        requires = "org",
        conflicts_with = "accounts"
    )]
    ous: Vec<String>,
    /// Account ids to leave out, comma-separated (the roll-up lists them as skipped).
    #[arg(long, value_name = "LIST", value_delimiter = ',', requires = "org")]
    exclude: Vec<String>,
    /// Accounts collected at once, each with --concurrency regions at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    account_concurrency: u32,
    /// Run only shard I of N (0-based) of the account list; `aggregate` combines the shards.
    #[arg(long, value_name = "I/N", requires = "org", conflicts_with = "shards")]
    shard: Option<String>,
    /// The number of shards, the index coming from --shard-from-env, else
    /// AWS_BATCH_JOB_ARRAY_INDEX, else JOB_COMPLETION_INDEX (array and indexed jobs).
    #[arg(long, value_name = "N", requires = "org", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=crate::rollup::ledger::MAX_SHARDS as u64))]
    shards: Option<usize>,
    /// The environment variable holding this shard's index (with --shards).
    #[arg(long, value_name = "VAR", requires = "shards")]
    shard_from_env: Option<String>,
    /// Length of each assumed-role session, in seconds (the role's maximum caps it).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u32).range(900..=43200))]
    session_duration: u32,
}

impl OrgArgs {
    fn shard(&self) -> Result<Option<crate::org::plan::Shard>> {
        use crate::org::plan::Shard;
        if let Some(s) = &self.shard {
            return Shard::parse(s).map(Some);
        }
        let Some(count) = self.shards else {
            return Ok(None);
        };
        let vars: Vec<String> = match &self.shard_from_env {
            Some(v) => vec![v.clone()],
            None => vec![
                "AWS_BATCH_JOB_ARRAY_INDEX".into(),
                "JOB_COMPLETION_INDEX".into(),
            ],
        };
        for var in &vars {
            if let Ok(value) = std::env::var(var) {
                return Shard::from_env_value(var, Some(&value), count).map(Some);
            }
        }
        Err(crate::error::Error::Usage(format!(
            "--shards {count}: no shard index in the environment ({} unset); pass --shard I/N or --shard-from-env VAR",
            vars.join(", ")
        )))
    }

    fn options(&self) -> Result<crate::org::run::OrgOptions> {
        let role_name = self.role_name.clone().ok_or_else(|| {
            crate::error::Error::Usage(
                "--org needs --role-name: the role to assume in each member account".into(),
            )
        })?;
        // The name goes into an ARN: only what IAM allows in a role name.
        if role_name.is_empty()
            || role_name.len() > 64
            || !role_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
        {
            return Err(crate::error::Error::Usage(format!(
                "--role-name {role_name:?}: not an IAM role name (1 to 64 letters, digits and +=,.@_-)"
            )));
        }
        for id in self.accounts.iter().chain(&self.exclude) {
            if !crate::snapshot::valid_account_id(id) {
                return Err(crate::error::Error::Usage(format!(
                    "{id:?} is not an AWS account id (12 digits)"
                )));
            }
        }
        for ou in &self.ous {
            if !crate::snapshot::organization::valid_ou_id(ou)
                && !crate::snapshot::organization::valid_root_id(ou)
            {
                return Err(crate::error::Error::Usage(format!(
                    "--ous {ou:?}: not an OU id (ou-...-...) or root id (r-...)"
                )));
            }
        }
        Ok(crate::org::run::OrgOptions {
            role_name,
            external_id: self.external_id.clone(),
            accounts: self.accounts.clone(),
            ous: self.ous.clone(),
            exclude: self.exclude.clone(),
            account_concurrency: self.account_concurrency as usize,
            shard: self.shard()?,
            session_seconds: self.session_duration,
        })
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FailOn {
    Fail,
    InsufficientEvidence,
    /// Also a control whose only failures are waived (a risk accepted).
    Waived,
    Manual,
    /// Also an inherited control the BAA attestation has not confirmed.
    Inherited,
    Never,
}

/// `--collected-at`: an RFC 3339 time, or a date (midnight UTC).
fn parse_collected_at(s: &str) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    }
    Err("not a time: expected RFC 3339 such as 2026-11-20T09:00:00Z (or +01:00 for an offset), or a date such as 2026-11-20 for midnight UTC".into())
}

/// The snapshot's gaps on stderr, one line each: where the evidence would be and why it is not.
fn say_gaps(snapshot: &Snapshot) {
    for g in &snapshot.gaps {
        crate::say_err!("  gap {}: {}", g.evidence, crate::text::one_line(&g.reason));
    }
}

/// Says on stderr when an export's collection time did not come from its export-info.json:
/// every verdict that depends on age is measured from it.
fn say_collected_at(snapshot: &Snapshot) {
    use crate::import::account_time as from;
    let at = snapshot
        .collected_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match snapshot.source.collected_at_from.as_deref() {
        Some(f) if f == from::FROM_OPTION => {
            if let Some(claimed) = &snapshot.source.export.collected_at {
                crate::say_err!(
                    "safeguard: --collected-at {at} overrides export-info.json, which says {claimed}"
                );
            }
        }
        Some(f) if f == from::FROM_CREDENTIAL_REPORT || f == from::FROM_IMPORT_TIME => {
            crate::say_err!(
                "safeguard: evidence as of {at}, inferred from {f}; pass --collected-at if that is wrong"
            );
        }
        _ => {}
    }
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // An error may list every problem of a file, one per line; each stays inert.
            eprintln!("{}", crate::text::terminal(&format!("safeguard: {e}")));
            e.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<i32> {
    VERBOSE.store(cli.verbose, std::sync::atomic::Ordering::Relaxed);
    match cli.command {
        Command::Demo { out, example } => {
            let dir = example.unwrap_or_else(app::default_example);
            // The example's own attestations, waivers and parameters, unless others are given.
            let options = PackageOptions {
                example: true,
                ..out.options().with_example_inputs(&dir)
            };
            let inputs = app::load_inputs(&options)?;
            let delivery = out.delivery.delivery(None, None, inputs.sign.as_ref())?;
            let snapshot = timed(&options, "import", || {
                import_dir(&dir, &ImportOptions::default())
            })?;
            out.package(&snapshot, &inputs, &options, &delivery)?;
            if !out.quiet {
                println!();
                crate::say!(
                    "This was the bundled example account: its failures are deliberate, and `demo` exits 0 once the package is written."
                );
            }
            Ok(0)
        }
        Command::Import {
            dir,
            output,
            collected_at,
        } => {
            let snapshot = import_dir(&dir, &ImportOptions { collected_at })?;
            say_collected_at(&snapshot);
            let bytes = snapshot.to_canonical_json();
            app::write_atomically(&output, &bytes)?;
            crate::say_err!(
                "wrote {} (account {}, {} region(s), {} gap(s), sha256 {})",
                output.display(),
                snapshot.account.id,
                snapshot.regions.len(),
                snapshot.gaps.len(),
                sha256_hex(&bytes)
            );
            say_gaps(&snapshot);
            Ok(0)
        }
        Command::Assess {
            input,
            out,
            collected_at,
            fail_on,
        } => {
            let options = out.options();
            let inputs = app::load_inputs(&options)?;
            let delivery = out.delivery.delivery(None, None, inputs.sign.as_ref())?;
            let snapshot = timed(&options, "import", || {
                if input.is_dir() {
                    import_dir(&input, &ImportOptions { collected_at })
                } else {
                    Snapshot::read(&input)
                }
            })?;
            say_collected_at(&snapshot);
            let results = out.package(&snapshot, &inputs, &options, &delivery)?;
            Ok(exit_code_for(&results, fail_on))
        }
        Command::Collect { aws, output } => {
            let (collection, snapshot) = app::collect_snapshot(&aws.options()?)?;
            let bytes = snapshot.to_canonical_json();
            app::write_atomically(&output, &bytes)?;
            crate::say_err!(
                "wrote {} (account {}, {} region(s), {} API call(s), {} gap(s), sha256 {})",
                output.display(),
                snapshot.account.id,
                snapshot.regions.len(),
                collection.calls.values().sum::<usize>(),
                snapshot.gaps.len(),
                sha256_hex(&bytes)
            );
            say_gaps(&snapshot);
            // A partial collection is not a clean one: say so in the exit code.
            Ok(if snapshot.gaps.is_empty() { 0 } else { 1 })
        }
        Command::Run {
            aws,
            org,
            out,
            fail_on,
        } if org.org => {
            let mut options = out.options();
            if options.previous.is_some() {
                return Err(crate::error::Error::Usage(
                    "--previous names one account's package; with --org use --history DIR (each account's newest earlier package there)".into(),
                ));
            }
            let org_options = org.options()?;
            // Each account's inputs are read by the run; only `sign:` is needed here.
            let from_config = match &options.config {
                Some(path) => crate::inputs::config::load(path)?.sign,
                None => None,
            };
            let delivery = out.delivery.delivery(
                aws.profile.as_deref(),
                aws.region.as_deref(),
                from_config.as_ref(),
            )?;
            options.signed_by = delivery.signer.as_ref().map(|s| s.key_id());
            let quiet = out.quiet || aws.quiet_collect;
            let run = crate::org::run::run_org(&aws.options()?, &org_options, &options, &|line| {
                // Account and OU names are the organization's text: one line each, inert.
                if !quiet {
                    eprintln!("{}", crate::text::line(line));
                }
            })?;
            let failed = run.outcomes.iter().filter(|o| o.result.is_err()).count();
            let assessed = run.outcomes.len() - failed;
            if out.quiet {
                match &run.rollup {
                    Some((dir, _)) => crate::say!("{}", dir.display()),
                    None => crate::say!("{}", run.ledger.display()),
                }
            } else {
                crate::say!(
                    "organization {}: {assessed} account(s) assessed, {failed} not assessed, {} skipped, in {:.1} s with {} API call(s)",
                    run.organization,
                    run.skipped.len(),
                    run.elapsed.as_secs_f64(),
                    run.calls.values().sum::<usize>()
                );
                for o in run.outcomes.iter().filter(|o| o.result.is_err()) {
                    if let Err(why) = &o.result {
                        crate::say!("  NOT ASSESSED {}: {why}", o.account);
                    }
                }
                crate::say!("run ledger: {}", run.ledger.display());
                match &run.rollup {
                    Some((dir, _)) => crate::say!("organization roll-up: {}", dir.display()),
                    None => crate::say!(
                        "shard done; combine the shards with `safeguard aggregate {} -o {}`",
                        options.output.display(),
                        options
                            .output
                            .join(format!("org-{}", run.organization))
                            .display()
                    ),
                }
            }
            // Sign and upload every package written, then the roll-up; one that fails does not
            // stop the others, and the run exits 4 naming them.
            let mut undelivered = Vec::new();
            let rollup_folder = format!("org-{}", run.organization);
            let written = run
                .outcomes
                .iter()
                .filter_map(|o| {
                    o.result
                        .as_ref()
                        .ok()
                        .map(|a| (a.package.clone(), o.account.clone()))
                })
                .chain(
                    run.rollup
                        .iter()
                        .map(|(dir, _)| (dir.clone(), rollup_folder.clone())),
                );
            for (dir, folder) in written {
                if let Err(e) = delivery.deliver(&dir, &folder, out.quiet) {
                    undelivered.push(e.to_string());
                }
            }
            if !undelivered.is_empty() {
                return Err(crate::error::Error::Delivery(undelivered.join("\n")));
            }
            let worst_allowed = fail_on_status(fail_on);
            let any_fail = run.outcomes.iter().any(|o| match &o.result {
                Ok(a) => {
                    worst_allowed.is_some_and(|w| a.worst <= w)
                        || (a.collection_gaps > 0 && fail_on != FailOn::Never)
                }
                Err(_) => fail_on != FailOn::Never,
            });
            Ok(i32::from(any_fail))
        }
        Command::Aggregate {
            dirs,
            output,
            format,
            quiet,
            profile_phases,
            delivery,
        } => {
            let delivery = delivery.delivery(None, None, None)?;
            let phases = crate::phases::Phases::default();
            let formats = app::parse_formats_of(
                &format,
                &[
                    crate::render::Format::Md,
                    crate::render::Format::Pdf,
                    crate::render::Format::Json,
                    crate::render::Format::Csv,
                ],
                "a roll-up",
            )?;
            let found = phases.time("find", || crate::rollup::find(&dirs))?;
            if found.packages.is_empty() && found.ledgers.is_empty() {
                return Err(crate::error::Error::Usage(format!(
                    "no evidence package (a folder with manifest.json) or run ledger under {}",
                    dirs.iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            let rollup = phases.time("verify and read", || crate::rollup::build(&found))?;
            let dir = phases.time("write", || {
                crate::rollup::render::write(
                    &output,
                    &rollup,
                    &formats,
                    crate::clock::generated_at(),
                )
            })?;
            if profile_phases {
                crate::say_err!("{}", phases.line());
            }
            if quiet {
                crate::say!("{}", dir.display());
            } else {
                for line in crate::rollup::render::overview(&rollup) {
                    crate::say!("{line}");
                }
                for f in &rollup.failed {
                    crate::say!("  NO PACKAGE {}: {}", f.account, f.reason);
                }
                for x in &rollup.excluded {
                    crate::say!("  EXCLUDED {}: {}", x.package, x.reason);
                }
                crate::say!("roll-up: {}", dir.display());
            }
            let folder = match &rollup.organization {
                Some(id) => format!("org-{id}"),
                None => "org-rollup".into(),
            };
            delivery.deliver(&dir, &folder, quiet)?;
            Ok(i32::from(!rollup.is_complete()))
        }
        Command::Run {
            aws, out, fail_on, ..
        } => {
            let options = out.options();
            // Every input is read and checked before collecting, so a mistake in one costs no
            // collection.
            let inputs = app::load_inputs(&options)?;
            let delivery = out.delivery.delivery(
                aws.profile.as_deref(),
                aws.region.as_deref(),
                inputs.sign.as_ref(),
            )?;
            let (_, snapshot) = timed(&options, "collect", || {
                app::collect_snapshot(&aws.options()?)
            })?;
            let results = out.package(&snapshot, &inputs, &options, &delivery)?;
            let partial = !snapshot.gaps.is_empty() && fail_on != FailOn::Never;
            Ok(exit_code_for(&results, fail_on).max(i32::from(partial)))
        }
        Command::Verify {
            dir,
            key,
            kms_key,
            profile,
            call_timeout,
        } => verify(
            &dir,
            key.as_deref(),
            kms_key.as_deref(),
            profile.as_deref(),
            std::time::Duration::from_secs(call_timeout),
        ),
        Command::Diff {
            old,
            new,
            format,
            output,
        } => {
            let drift =
                crate::drift::compare(&crate::drift::load(&old)?, &crate::drift::load(&new)?)?;
            let bytes = match format {
                DiffFormat::Md => crate::drift::render::markdown(&drift).into_bytes(),
                DiffFormat::Json => crate::drift::render::json(&drift),
            };
            match &output {
                Some(path) => {
                    app::write_atomically(path, &bytes)?;
                    crate::say_err!(
                        "wrote {}: {}",
                        path.display(),
                        if drift.is_worse() {
                            drift.worse.join("; ")
                        } else {
                            "nothing got worse".into()
                        }
                    );
                }
                None => {
                    let _ = std::io::stdout().lock().write_all(&bytes);
                }
            }
            Ok(i32::from(drift.is_worse()))
        }
        Command::History {
            dir,
            output,
            format,
            quiet,
        } => {
            let started = std::time::Instant::now();
            let formats = app::parse_formats_of(
                &format,
                &[
                    crate::render::Format::Md,
                    crate::render::Format::Pdf,
                    crate::render::Format::Json,
                ],
                "a history (besides its chart)",
            )?;
            let history = crate::history::build(&dir)?;
            if history.runs.is_empty() {
                for x in &history.excluded {
                    crate::say_err!("  LEFT OUT {}: {}", x.package, x.reason);
                }
                return Err(crate::error::Error::Usage(format!(
                    "no intact package under {} (every one was left out)",
                    dir.display()
                )));
            }
            let out = crate::history::render::write(
                &output,
                &history,
                &formats,
                crate::clock::generated_at(),
            )?;
            if quiet {
                crate::say!("{}", out.display());
            } else {
                for line in crate::history::render::overview(&history) {
                    crate::say!("{line}");
                }
                for x in &history.excluded {
                    crate::say!("  LEFT OUT {}: {}", x.package, x.reason);
                }
                crate::say!(
                    "history: {} ({} package(s) in {:.2} s)",
                    out.display(),
                    history.runs.len() + history.excluded.len(),
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(i32::from(!history.excluded.is_empty()))
        }
        Command::Keygen { prefix } => {
            let (private, public, id) = crate::sign::keygen(&prefix)?;
            crate::say!(
                "wrote {} (private, keep it secret) and {} (public, for `safeguard verify --key`); key id {id}",
                private.display(),
                public.display()
            );
            Ok(0)
        }
        Command::Sign { dir, key, kms_key } => {
            let signing = SigningArgs {
                sign_key: key,
                sign_kms_key: kms_key,
            };
            let Some(signer) = signing.signer(None, None)? else {
                return Err(crate::error::Error::Usage(
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
        Command::Controls {
            id,
            catalog,
            coverage,
            checks,
        } => {
            let catalog = app::load_catalog(catalog.as_deref())?;
            if checks {
                print!(
                    "{}",
                    crate::text::terminal(&crate::catalog::describe::list_checks())
                );
            } else if coverage {
                print!(
                    "{}",
                    crate::text::terminal(&crate::catalog::coverage::markdown(&catalog))
                );
            } else {
                print!(
                    "{}",
                    crate::text::terminal(&crate::catalog::describe::describe(
                        &catalog,
                        id.as_deref()
                    )?)
                );
            }
            Ok(0)
        }
    }
}

/// Refuses, with what to give instead, a path that is not a package folder: a file (its
/// manifest.json, say) or a folder without a manifest (reports/, with packages below it).
fn local_package(target: &std::path::Path) -> Result<()> {
    use crate::error::Error;
    if target.is_file() {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        return Err(Error::Usage(format!(
            "{} is a file: give the package folder (safeguard verify {})",
            target.display(),
            parent.display()
        )));
    }
    if target.is_dir() && !target.join(package::MANIFEST).exists() {
        let below: Vec<String> = crate::history::packages_in(target)
            .unwrap_or_default()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return Err(Error::Usage(format!(
            "{} is not an evidence package (no manifest.json); {}",
            target.display(),
            crate::upload::describe_below(&below)
        )));
    }
    Ok(())
}

/// `safeguard verify`: every hash, and the signature when a key is given; an `s3://` package
/// is downloaded into a temporary folder and verified there.
fn verify(
    target: &std::path::Path,
    key: Option<&std::path::Path>,
    kms_key: Option<&str>,
    profile: Option<&str>,
    call_timeout: std::time::Duration,
) -> Result<i32> {
    // The key first: a bad key file is a usage error before anything is read.
    let public = match (key, kms_key) {
        (Some(path), _) => Some(crate::sign::PublicKey::read(path)?),
        (None, Some(arn)) => Some(crate::sign::kms::KmsKey::new(arn, profile)?.public_key()?),
        (None, None) => None,
    };
    let mut stdout = std::io::stdout().lock();
    let text = target.to_string_lossy();
    let fetched_dir;
    let _staged;
    let mut fetched = None;
    let dir: &std::path::Path = if text.starts_with("s3://") {
        let url = crate::upload::S3Location::parse(&text)?;
        // An interrupt removes the download as it removes a package being written.
        (fetched_dir, _staged) = package::interrupt::create_staged(|| {
            tempfile::tempdir().map_err(|e| crate::error::Error::io(std::env::temp_dir(), e))
        })?;
        let f = crate::upload::fetch(&url, fetched_dir.path(), profile, None, call_timeout)?;
        let line = match &f.retention {
            Some((mode, until)) => {
                format!("RETAINED manifest.json: Object Lock {mode} until {until}")
            }
            None => "NOTE     manifest.json has no Object Lock retention".to_string(),
        };
        let _ = writeln!(stdout, "{}", crate::text::line(&line));
        fetched = Some(f);
        fetched_dir.path()
    } else {
        local_package(target)?;
        target
    };
    let mut v = package::verify(dir)?;
    if let Some(f) = fetched {
        // Not downloaded, so not there to hash: altered, not missing.
        for (name, size) in f.oversize {
            v.missing.retain(|m| *m != name);
            v.altered.push(format!(
                "{name} (larger than the {size} bytes the manifest lists)"
            ));
        }
        v.extra.extend(f.extra);
        v.inconsistent.extend(f.problems);
    }
    // Every name printed here (files, keys, S3 objects, reasons) may come from the package:
    // one line each, made inert, so none can paint over the verdict.
    let mut say = |tag: &str, text: &str| {
        let _ = writeln!(stdout, "{tag} {}", crate::text::line(text));
    };
    for m in &v.missing {
        say("MISSING ", m);
    }
    for a in &v.altered {
        say("ALTERED ", a);
    }
    for x in &v.extra {
        say("EXTRA   ", &format!("{x} (not in the manifest)"));
    }
    for i in v.inconsistent.iter().chain(&v.signature) {
        say("MISMATCH", i);
    }
    if let Some(schema) = &v.older {
        say(
            "OLDER   ",
            &format!(
                "results.json is {schema}, written by an earlier safeguard; this version \
                 checks its hashes but reads only {} (re-run `assess` on its snapshot.json for a current one)",
                crate::results::SCHEMA
            ),
        );
    }
    let mut signature_ok = true;
    match &public {
        Some(key) => match crate::sign::check(dir, key)? {
            crate::sign::SignatureCheck::Valid {
                key,
                keyid_matches,
                signed_at,
                preparer,
            } => {
                say(
                    "SIGNED  ",
                    &format!(
                        "by {key} (the key given) at {signed_at}{}",
                        preparer
                            .prepared_by
                            .as_deref()
                            .map(|p| format!(" (prepared by {p})"))
                            .unwrap_or_default()
                    ),
                );
                if !keyid_matches {
                    say(
                        "NOTE    ",
                        "the envelope's keyid names another key; it is not covered by the signature and is ignored",
                    );
                }
            }
            crate::sign::SignatureCheck::Missing => {
                signature_ok = false;
                say(
                    "UNSIGNED",
                    &format!(
                        "no {} in the package, and a key was given",
                        package::SIGNATURE
                    ),
                );
            }
            crate::sign::SignatureCheck::Invalid(why) => {
                signature_ok = false;
                say("BADSIG  ", &why);
            }
        },
        None if dir.join(package::SIGNATURE).exists() => {
            say(
                "NOTE    ",
                &format!(
                    "{} is present but not checked: give --key or --kms-key",
                    package::SIGNATURE
                ),
            );
        }
        // Hashes show the files are consistent, not who produced them: said on its own line.
        None => say(
            "UNSIGNED",
            "no signature.json: the hashes show the files are consistent, not who produced them",
        ),
    }
    if v.is_intact() && signature_ok {
        say(
            "OK:",
            &format!(
                "{} file(s) match manifest.json in {}{}",
                v.checked,
                target.display(),
                if public.is_some() {
                    ", signature verified"
                } else {
                    ""
                }
            ),
        );
        Ok(0)
    } else {
        say(
            "FAILED:",
            &format!(
                "{} problem(s) in {}",
                v.missing.len()
                    + v.altered.len()
                    + v.extra.len()
                    + v.inconsistent.len()
                    + v.signature.len()
                    + usize::from(!signature_ok),
                target.display()
            ),
        );
        Ok(1)
    }
}

/// `f`, timed as `phase` when `--profile-phases` asks.
fn timed<T>(options: &PackageOptions, phase: &str, f: impl FnOnce() -> T) -> T {
    match &options.phases {
        Some(p) => p.time(phase, f),
        None => f(),
    }
}

/// The best status that still fails the run (`None`: nothing does).
fn fail_on_status(fail_on: FailOn) -> Option<ControlStatus> {
    match fail_on {
        FailOn::Never => None,
        FailOn::Fail => Some(ControlStatus::Fail),
        FailOn::InsufficientEvidence => Some(ControlStatus::InsufficientEvidence),
        FailOn::Waived => Some(ControlStatus::Waived),
        FailOn::Manual => Some(ControlStatus::Manual),
        FailOn::Inherited => Some(ControlStatus::Inherited),
    }
}

fn exit_code_for(results: &Results, fail_on: FailOn) -> i32 {
    let Some(worst_allowed) = fail_on_status(fail_on) else {
        return 0;
    };
    // ControlStatus orders worst first.
    if results.controls.iter().any(|c| c.status <= worst_allowed) {
        1
    } else {
        0
    }
}

/// A `YYYY-MM-DD` day.
fn parse_day(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date (expected YYYY-MM-DD)"))
}
