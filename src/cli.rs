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
}

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
        /// When the export was taken (RFC 3339), if the folder does not say.
        #[arg(long, value_name = "TIME")]
        collected_at: Option<DateTime<Utc>>,
    },
    /// Assess a snapshot (or an export folder directly) and write the evidence package.
    Assess {
        /// snapshot.json, or an AWS CLI export folder.
        input: PathBuf,
        #[command(flatten)]
        out: OutputArgs,
        /// When the export was taken (RFC 3339), if INPUT is an export folder that does not say.
        #[arg(long, value_name = "TIME")]
        collected_at: Option<DateTime<Utc>>,
        /// Exit 1 when any control is at this status or worse.
        #[arg(long, value_enum, default_value_t = FailOn::Fail)]
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
        /// Exit 1 when any control is at this status or worse (a partial collection also exits 1
        /// unless this is `never`).
        #[arg(long, value_enum, default_value_t = FailOn::Fail)]
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
        format: Vec<String>,
        /// Print only the roll-up's path.
        #[arg(short, long)]
        quiet: bool,
        /// Print, on stderr, the time each phase took (find, verify and read, write) and the
        /// peak memory.
        #[arg(long)]
        profile_phases: bool,
    },
    /// Re-hash every file of an evidence package against its manifest.json.
    Verify {
        /// The package folder (reports/<account>/<timestamp>/).
        dir: PathBuf,
    },
    /// List the control catalog, or show one control (or check) with its checks and parameters.
    Controls {
        /// A citation such as 164.312(b), or a check id such as iam.password_policy.
        id: Option<String>,
        /// A catalog folder to use instead of the built-in one.
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
        /// Print the coverage table (Markdown): every citation, its checks, and how each anchor
        /// tool's mapping to it is answered (docs/coverage.md).
        #[arg(long, conflicts_with = "id")]
        coverage: bool,
    },
}

#[derive(clap::Args, Debug)]
struct OutputArgs {
    /// Folder the package goes under, as <account>/<UTC timestamp>/.
    #[arg(short, long, value_name = "DIR", default_value = "reports")]
    output: PathBuf,
    /// Outputs to write, comma-separated: md, pdf, json, csv (default: all).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    format: Vec<String>,
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
    #[arg(long, value_name = "BYTES", default_value_t = crate::inputs::attestations::DEFAULT_MAX_EVIDENCE_BYTES)]
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
    #[arg(long, value_name = "N", default_value_t = crate::render::view::DEFAULT_DETAIL_LIMIT)]
    detail_limit: usize,
    /// Print, on stderr, the time each phase took (import, engine, checks, each writer) and
    /// the peak memory.
    #[arg(long)]
    profile_phases: bool,
    /// Print only the package path.
    #[arg(short, long)]
    quiet: bool,
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
        }
    }

    /// Assesses and packages, then prints the package path (`-q`) or the summary screen, and
    /// the phases line when asked.
    fn package(&self, snapshot: &Snapshot, options: &PackageOptions) -> Result<Results> {
        let (results, dir) = app::assess_and_package(snapshot, options)?;
        if let Some(phases) = &options.phases {
            eprintln!("{}", phases.line());
        }
        if self.quiet {
            println!("{}", dir.display());
        } else {
            print!("{}", crate::render::summary::summary_screen(&results, &dir));
        }
        Ok(results)
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
    /// Regions to collect CloudTrail and AWS Config from, comma-separated (default: every enabled region).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    regions: Vec<String>,
    /// Regions collected at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    concurrency: usize,
    /// Longest one API call may take, retries included, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    call_timeout: u64,
    /// No progress lines on stderr.
    #[arg(long)]
    quiet_collect: bool,
    /// Log every API call on stderr: action, region, attempts, duration, outcome (never a header or credential).
    #[arg(short, long)]
    verbose: bool,
    /// Days of CloudTrail event history to read (IAM changes, root activity); LookupEvents keeps 90.
    #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=90))]
    lookback_days: u32,
    /// Pages one paginated API call may take; past it (or on a repeated marker) that evidence is a gap.
    #[arg(long, value_name = "N", default_value_t = crate::collect::DEFAULT_MAX_PAGES, value_parser = clap::value_parser!(usize))]
    max_pages: usize,
    /// Attempts per API call, the first included: throttled and failed calls are retried with
    /// adaptive back-off until then (1: no retry).
    #[arg(long, value_name = "N", default_value_t = crate::collect::DEFAULT_MAX_ATTEMPTS, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
}

impl AwsArgs {
    fn options(&self) -> crate::collect::CollectOptions {
        crate::collect::CollectOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            regions: (!self.regions.is_empty()).then(|| self.regions.clone()),
            concurrency: self.concurrency,
            call_timeout: std::time::Duration::from_secs(self.call_timeout.max(1)),
            quiet: self.quiet_collect,
            verbose: self.verbose,
            lookback_days: self.lookback_days,
            max_pages: self.max_pages,
            max_attempts: self.max_attempts,
        }
    }
}

#[derive(clap::Args, Debug)]
struct OrgArgs {
    /// Assess every account of the AWS Organization from its management (or a
    /// delegated-administrator) account: assume --role-name in each, one package per account
    /// under <output>/<account>/, a roll-up under <output>/org-<id>/.
    #[arg(long)]
    org: bool,
    /// The role to assume in each member account (deploy/iam/member-role.json).
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
    #[arg(long, value_name = "N", requires = "org")]
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
    Manual,
    /// Also an inherited control the BAA attestation has not confirmed.
    Inherited,
    Never,
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
            eprintln!("safeguard: {e}");
            e.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Demo { out, example } => {
            let dir = example.unwrap_or_else(app::default_example);
            // The example's own attestations, waivers and parameters, unless others are given.
            let options = out.options().with_example_inputs(&dir);
            let snapshot = timed(&options, "import", || {
                import_dir(&dir, &ImportOptions::default())
            })?;
            out.package(&snapshot, &options)?;
            if !out.quiet {
                println!(
                    "\nThis was the bundled example account; its failures are deliberate. `safeguard demo` exits 0 when the package was written."
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
            let bytes = snapshot.to_canonical_json();
            app::write_atomically(&output, &bytes)?;
            eprintln!(
                "wrote {} (account {}, {} region(s), {} gap(s), sha256 {})",
                output.display(),
                snapshot.account.id,
                snapshot.regions.len(),
                snapshot.gaps.len(),
                sha256_hex(&bytes)
            );
            Ok(0)
        }
        Command::Assess {
            input,
            out,
            collected_at,
            fail_on,
        } => {
            let options = out.options();
            let snapshot = timed(&options, "import", || {
                if input.is_dir() {
                    import_dir(&input, &ImportOptions { collected_at })
                } else {
                    Snapshot::read(&input)
                }
            })?;
            let results = out.package(&snapshot, &options)?;
            Ok(exit_code_for(&results, fail_on))
        }
        Command::Collect { aws, output } => {
            let (collection, snapshot) = app::collect_snapshot(&aws.options())?;
            let bytes = snapshot.to_canonical_json();
            app::write_atomically(&output, &bytes)?;
            eprintln!(
                "wrote {} (account {}, {} region(s), {} API call(s), {} gap(s), sha256 {})",
                output.display(),
                snapshot.account.id,
                snapshot.regions.len(),
                collection.calls.values().sum::<usize>(),
                snapshot.gaps.len(),
                sha256_hex(&bytes)
            );
            // A partial collection is not a clean one: say so in the exit code.
            Ok(if snapshot.gaps.is_empty() { 0 } else { 1 })
        }
        Command::Run {
            aws,
            org,
            out,
            fail_on,
        } if org.org => {
            let options = out.options();
            let org_options = org.options()?;
            let quiet = out.quiet || aws.quiet_collect;
            let run = crate::org::run::run_org(&aws.options(), &org_options, &options, &|line| {
                if !quiet {
                    eprintln!("{line}");
                }
            })?;
            let failed = run.outcomes.iter().filter(|o| o.result.is_err()).count();
            let assessed = run.outcomes.len() - failed;
            if out.quiet {
                match &run.rollup {
                    Some((dir, _)) => println!("{}", dir.display()),
                    None => println!("{}", run.ledger.display()),
                }
            } else {
                println!(
                    "organization {}: {assessed} account(s) assessed, {failed} not assessed, {} skipped, in {:.1} s with {} API call(s)",
                    run.organization,
                    run.skipped.len(),
                    run.elapsed.as_secs_f64(),
                    run.calls.values().sum::<usize>()
                );
                for o in run.outcomes.iter().filter(|o| o.result.is_err()) {
                    if let Err(why) = &o.result {
                        println!("  NOT ASSESSED {}: {why}", o.account);
                    }
                }
                println!("run ledger: {}", run.ledger.display());
                match &run.rollup {
                    Some((dir, _)) => println!("organization roll-up: {}", dir.display()),
                    None => println!(
                        "shard done; combine the shards with `safeguard aggregate {} -o {}`",
                        options.output.display(),
                        options
                            .output
                            .join(format!("org-{}", run.organization))
                            .display()
                    ),
                }
            }
            let worst_allowed = fail_on_status(fail_on);
            let any_fail = run.outcomes.iter().any(|o| match &o.result {
                Ok((_, worst, gaps)) => {
                    worst_allowed.is_some_and(|w| *worst <= w)
                        || (*gaps > 0 && fail_on != FailOn::Never)
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
        } => {
            let phases = crate::phases::Phases::default();
            let formats = app::parse_formats(&format)?;
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
                crate::rollup::render::write(&output, &rollup, &formats, chrono::Utc::now())
            })?;
            if profile_phases {
                eprintln!("{}", phases.line());
            }
            if quiet {
                println!("{}", dir.display());
            } else {
                for line in crate::rollup::render::overview(&rollup) {
                    println!("{line}");
                }
                for f in &rollup.failed {
                    println!("  NO PACKAGE {}: {}", f.account, f.reason);
                }
                for x in &rollup.excluded {
                    println!("  EXCLUDED {}: {}", x.package, x.reason);
                }
                println!("roll-up: {}", dir.display());
            }
            Ok(i32::from(!rollup.is_complete()))
        }
        Command::Run {
            aws, out, fail_on, ..
        } => {
            let options = out.options();
            let (_, snapshot) = timed(&options, "collect", || {
                app::collect_snapshot(&aws.options())
            })?;
            let results = out.package(&snapshot, &options)?;
            let partial = !snapshot.gaps.is_empty() && fail_on != FailOn::Never;
            Ok(exit_code_for(&results, fail_on).max(i32::from(partial)))
        }
        Command::Verify { dir } => {
            let v = package::verify(&dir)?;
            let mut stdout = std::io::stdout().lock();
            for m in &v.missing {
                let _ = writeln!(stdout, "MISSING  {m}");
            }
            for a in &v.altered {
                let _ = writeln!(stdout, "ALTERED  {a}");
            }
            for x in &v.extra {
                let _ = writeln!(stdout, "EXTRA    {x} (not in the manifest)");
            }
            for i in &v.inconsistent {
                let _ = writeln!(stdout, "MISMATCH {i}");
            }
            if let Some(schema) = &v.older {
                let _ = writeln!(
                    stdout,
                    "OLDER    results.json is {schema}, written by an earlier safeguard; this version \
                     checks its hashes but reads only {} (re-run `assess` on its snapshot.json for a current one)",
                    crate::results::SCHEMA
                );
            }
            if v.is_intact() {
                let _ = writeln!(
                    stdout,
                    "OK: {} file(s) match manifest.json in {}",
                    v.checked,
                    dir.display()
                );
                Ok(0)
            } else {
                let _ = writeln!(
                    stdout,
                    "FAILED: {} problem(s) in {}",
                    v.missing.len() + v.altered.len() + v.extra.len() + v.inconsistent.len(),
                    dir.display()
                );
                Ok(1)
            }
        }
        Command::Controls {
            id,
            catalog,
            coverage,
        } => {
            let catalog = app::load_catalog(catalog.as_deref())?;
            if coverage {
                print!("{}", crate::catalog::coverage::markdown(&catalog));
            } else {
                print!(
                    "{}",
                    crate::catalog::describe::describe(&catalog, id.as_deref())?
                );
            }
            Ok(0)
        }
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
