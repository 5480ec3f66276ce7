//! Command-line interface: parses arguments, runs a pipeline stage, maps outcomes to exit codes.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};

use crate::app::PackageOptions;
use crate::error::Result;
use crate::results::{ControlStatus, Results};

mod aggregate;
mod args;
mod assess;
mod collect;
mod controls;
mod delivery;
mod demo;
mod diff;
mod history;
mod import;
mod org;
mod run;
mod say;
mod sign;
mod verify;

use args::{AwsArgs, DiffFormat, OrgArgs, OutputArgs};
use delivery::DeliveryArgs;
use verify::verify;

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
        /// Print the PHI scope (`scope:` in --config) as a run resolves it: which resources
        /// count as holding PHI, and its SHA-256.
        #[arg(long, conflicts_with_all = ["id", "coverage", "checks"])]
        scope: bool,
        /// The configuration file whose scope --scope prints.
        #[arg(long, value_name = "FILE", requires = "scope")]
        config: Option<PathBuf>,
    },
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

/// One arm per command: each command's code is in the module of its name.
fn run(cli: Cli) -> Result<i32> {
    VERBOSE.store(cli.verbose, std::sync::atomic::Ordering::Relaxed);
    match cli.command {
        Command::Demo { out, example } => demo::demo(out, example),
        Command::Import {
            dir,
            output,
            collected_at,
        } => import::import(dir, output, collected_at),
        Command::Assess {
            input,
            out,
            collected_at,
            fail_on,
        } => assess::assess(input, out, collected_at, fail_on),
        Command::Collect { aws, output } => collect::collect(aws, output),
        Command::Run {
            aws,
            org,
            out,
            fail_on,
        } if org.org => org::run_org(aws, org, out, fail_on),
        Command::Run {
            aws, out, fail_on, ..
        } => run::run(aws, out, fail_on),
        Command::Aggregate {
            dirs,
            output,
            format,
            quiet,
            profile_phases,
            delivery,
        } => aggregate::aggregate(dirs, output, format, quiet, profile_phases, delivery),
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
        } => diff::diff(old, new, format, output),
        Command::History {
            dir,
            output,
            format,
            quiet,
        } => history::history(dir, output, format, quiet),
        Command::Keygen { prefix } => sign::keygen(prefix),
        Command::Sign { dir, key, kms_key } => sign::sign(dir, key, kms_key),
        Command::Controls {
            scope: true,
            config,
            ..
        } => controls::scope(config),
        Command::Controls {
            id,
            catalog,
            coverage,
            checks,
            ..
        } => controls::controls(id, catalog, coverage, checks),
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
