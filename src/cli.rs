//! Command-line interface: parses arguments, runs a pipeline stage, maps outcomes to exit codes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};

use crate::assess::{AssessOptions, assess};
use crate::catalog::Catalog;
use crate::checks::{self, parse_param_override};
use crate::error::{Error, Result};
use crate::import::{ImportOptions, import_dir};
use crate::package::{self, PackageRequest};
use crate::render::Format;
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
    /// Collect live, then assess and write the evidence package (for scheduled snapshots).
    Run {
        #[command(flatten)]
        aws: AwsArgs,
        #[command(flatten)]
        out: OutputArgs,
        /// Exit 1 when any control is at this status or worse (a partial collection also exits 1
        /// unless this is `never`).
        #[arg(long, value_enum, default_value_t = FailOn::Fail)]
        fail_on: FailOn,
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
    /// Print only the package path.
    #[arg(short, long)]
    quiet: bool,
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

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FailOn {
    Fail,
    InsufficientEvidence,
    Manual,
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
        Command::Demo { mut out, example } => {
            let dir = example.unwrap_or_else(default_example);
            let snapshot = import_dir(&dir, &ImportOptions::default())?;
            // The example's own attestations, waivers and parameters, unless others are given.
            let beside = |name: &str| {
                let p = dir.parent().unwrap_or(Path::new(".")).join(name);
                p.is_file().then_some(p)
            };
            out.attestations = out
                .attestations
                .take()
                .or_else(|| beside("attestations.yaml"));
            out.waivers = out.waivers.take().or_else(|| beside("waivers.yaml"));
            out.config = out.config.take().or_else(|| beside("config.yaml"));
            assess_and_package(&snapshot, &out)?;
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
            write_atomically(&output, &bytes)?;
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
            let snapshot = if input.is_dir() {
                import_dir(&input, &ImportOptions { collected_at })?
            } else {
                Snapshot::read(&input)?
            };
            let results = assess_and_package(&snapshot, &out)?;
            Ok(exit_code_for(&results, fail_on))
        }
        Command::Collect { aws, output } => {
            let (collection, snapshot) = collect_snapshot(&aws)?;
            let bytes = snapshot.to_canonical_json();
            write_atomically(&output, &bytes)?;
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
        Command::Run { aws, out, fail_on } => {
            let (_, snapshot) = collect_snapshot(&aws)?;
            let results = assess_and_package(&snapshot, &out)?;
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
            let catalog = load_catalog(catalog.as_deref())?;
            if coverage {
                print!("{}", crate::catalog::coverage::markdown(&catalog));
            } else {
                print!("{}", describe_catalog(&catalog, id.as_deref())?);
            }
            Ok(0)
        }
    }
}

/// A live collection and the snapshot the importer builds from it.
fn collect_snapshot(aws: &AwsArgs) -> Result<(crate::collect::Collection, Snapshot)> {
    let collection = crate::collect::collect(&aws.options())?;
    let snapshot = crate::import::import_from(&collection.source, &ImportOptions::default())?;
    Ok((collection, snapshot))
}

fn default_example() -> PathBuf {
    let local = PathBuf::from("examples/clinic-account");
    if local.is_dir() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/clinic-account")
    }
}

fn load_catalog(dir: Option<&Path>) -> Result<Catalog> {
    match dir {
        Some(d) => Catalog::load_dir(d),
        None => Catalog::builtin(),
    }
}

fn parse_formats(list: &[String]) -> Result<BTreeSet<Format>> {
    if list.is_empty() {
        return Ok(Format::ALL.into_iter().collect());
    }
    list.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.parse())
        .collect()
}

fn assess_and_package(snapshot: &Snapshot, out: &OutputArgs) -> Result<Results> {
    let formats = parse_formats(&out.format)?;
    let catalog = load_catalog(out.catalog.as_deref())?;
    // Every input file is read and validated before anything is assessed or written.
    let mut extra: Vec<(String, Vec<u8>)> = Vec::new();
    let mut params: BTreeMap<String, BTreeMap<String, checks::ParamValue>> = BTreeMap::new();
    if let Some(path) = &out.config {
        let config = crate::inputs::config::load(path)?;
        params = config.params;
        extra.push(("inputs/config.yaml".into(), config.source));
    }
    let from_config = params.clone();
    for s in &out.set {
        let (check, name, value) = parse_param_override(s)?;
        params.entry(check).or_default().insert(name, value);
    }
    let mut attestations = Vec::new();
    if let Some(path) = &out.attestations {
        let limits = crate::inputs::attestations::EvidenceLimits {
            max_bytes: out.max_evidence_bytes,
            allow_outside: out.allow_outside_evidence,
        };
        let loaded = crate::inputs::attestations::load(path, &catalog, limits)?;
        attestations = loaded.attestations;
        extra.push(("inputs/attestations.yaml".into(), loaded.source));
        extra.extend(loaded.files);
    }
    let mut waivers = Vec::new();
    if let Some(path) = &out.waivers {
        let (loaded, source) = crate::inputs::waivers::load(path)?;
        waivers = loaded;
        extra.push(("inputs/waivers.yaml".into(), source));
    }
    let snapshot_json = snapshot.to_canonical_json();
    let sha = sha256_hex(&snapshot_json);
    let results = assess(
        snapshot,
        &sha,
        &catalog,
        &AssessOptions {
            params: params.clone(),
            attestations,
            waivers,
        },
    )?;
    extra.push((
        "parameters.json".into(),
        parameters_json(&params, &from_config)?,
    ));
    let dir = package::write(
        &out.output,
        &PackageRequest {
            snapshot_json: &snapshot_json,
            results: &results,
            formats: &formats,
            templates: out.templates.as_deref(),
            created_at: Utc::now(),
            extra,
        },
    )?;
    if out.quiet {
        println!("{}", dir.display());
    } else {
        print!("{}", summary_screen(&results, &dir));
    }
    Ok(results)
}

/// `parameters.json`: every check's effective parameters, and where each non-default came
/// from, so the verdicts can be reproduced.
fn parameters_json(
    params: &BTreeMap<String, BTreeMap<String, checks::ParamValue>>,
    from_config: &BTreeMap<String, BTreeMap<String, checks::ParamValue>>,
) -> Result<Vec<u8>> {
    let effective = checks::effective_params(params)?;
    let mut overridden = serde_json::Map::new();
    for (check, values) in params {
        for (name, value) in values {
            let source = if from_config.get(check).and_then(|m| m.get(name)) == Some(value) {
                "--config"
            } else {
                "--set"
            };
            overridden.insert(
                format!("{check}.{name}"),
                serde_json::json!({"value": value, "source": source}),
            );
        }
    }
    let doc = serde_json::json!({
        "schema": "safeguard.parameters.v1",
        "checks": effective,
        "overridden": overridden,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("parameters serialize");
    bytes.push(b'\n');
    Ok(bytes)
}

fn exit_code_for(results: &Results, fail_on: FailOn) -> i32 {
    let worst_allowed = match fail_on {
        FailOn::Never => return 0,
        FailOn::Fail => ControlStatus::Fail,
        FailOn::InsufficientEvidence => ControlStatus::InsufficientEvidence,
        FailOn::Manual => ControlStatus::Manual,
    };
    // ControlStatus orders worst first.
    if results.controls.iter().any(|c| c.status <= worst_allowed) {
        1
    } else {
        0
    }
}

/// The one-screen summary printed after an assessment.
pub fn summary_screen(results: &Results, dir: &Path) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "safeguard {} — account {} — evidence as of {}\n",
        results.tool.version, results.account.id, results.snapshot.collected_at
    ));
    s.push_str(&format!("snapshot sha256 {}\n\n", results.snapshot.sha256));
    for status in ControlStatus::ALL {
        s.push_str(&format!(
            "  {:<22} {:>3}\n",
            status.label(),
            results.count(status)
        ));
    }
    let attention: Vec<_> = results
        .controls
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                ControlStatus::Fail | ControlStatus::InsufficientEvidence
            )
        })
        .collect();
    if !attention.is_empty() {
        s.push('\n');
        for c in attention {
            s.push_str(&format!(
                "  {:<22} {:<22} {} — {}\n",
                c.status.label(),
                c.id,
                c.title,
                c.status_reason
            ));
        }
    }
    if !results.gaps.is_empty() {
        s.push_str(&format!(
            "\n  {} evidence gap(s) — see report.md, \"Evidence gaps\"\n",
            results.gaps.len()
        ));
    }
    s.push_str(&format!("\npackage: {}\n", dir.display()));
    // Text from the evidence or a catalog reaches the terminal: no escape sequence
    // (`\x1b[2J` clears the screen) gets through.
    s.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

/// `safeguard controls [ID]`.
pub fn describe_catalog(catalog: &Catalog, id: Option<&str>) -> Result<String> {
    let mut s = String::new();
    match id {
        None => {
            s.push_str(&format!(
                "{:<22} {:<12} {:<45} checks\n",
                "citation", "requirement", "title"
            ));
            for c in &catalog.controls {
                let extra = if c.not_applicable.is_some() {
                    "(inherited)".to_string()
                } else if c.checks.is_empty() {
                    "(manual)".to_string()
                } else {
                    c.checks.join(", ")
                };
                let manual = if c.manual.is_some() && !c.checks.is_empty() {
                    " + manual"
                } else {
                    ""
                };
                s.push_str(&format!(
                    "{:<22} {:<12} {:<45} {extra}{manual}\n",
                    c.id,
                    c.requirement.as_str(),
                    truncate(&c.title, 45)
                ));
            }
        }
        Some(id) if checks::find(id).is_some() => {
            let info = checks::find(id).expect("checked").info();
            s.push_str(&format!(
                "{} — {}\ndocs: {}\n",
                info.id,
                info.description,
                info.docs()
            ));
            if info.params.is_empty() {
                s.push_str("parameters: none\n");
            } else {
                s.push_str("parameters (override with --set CHECK.PARAM=VALUE):\n");
                for p in info.params {
                    s.push_str(&format!(
                        "  {:<32} default {:<6} {}{}\n",
                        p.name,
                        checks::ParamValue::from(p.default).to_string(),
                        p.description,
                        p.default.range_text()
                    ));
                }
            }
            let used: Vec<String> = catalog
                .controls_using(id)
                .iter()
                .map(|c| format!("{} {}", c.id, c.title))
                .collect();
            s.push_str(&format!(
                "serves: {}\n",
                if used.is_empty() {
                    "no control".into()
                } else {
                    used.join("; ")
                }
            ));
        }
        Some(id) => {
            let c = catalog.get(id).ok_or_else(|| {
                Error::Usage(format!(
                    "no control or check {id:?} (run `safeguard controls` for the list)"
                ))
            })?;
            s.push_str(&format!(
                "{} — {}\n{} safeguard, {}\n\n{}\n",
                c.id,
                c.title,
                c.safeguard.as_str(),
                c.requirement.as_str(),
                c.summary
            ));
            if let Some(na) = &c.not_applicable {
                s.push_str(&format!("\nnot applicable: {na}\n"));
            }
            if !c.checks.is_empty() {
                s.push_str("\nchecks:\n");
                for check_id in &c.checks {
                    let info = checks::find(check_id).expect("catalog validated").info();
                    s.push_str(&format!("  {:<36} {}\n", info.id, info.description));
                    for p in info.params {
                        s.push_str(&format!(
                            "  {:<36}   {}={} ({})\n",
                            "",
                            p.name,
                            checks::ParamValue::from(p.default),
                            p.description
                        ));
                    }
                }
            }
            if let Some(m) = &c.manual {
                s.push_str(&format!("\nmanual part (attestation): {m}\n"));
            }
            if !c.anchors.is_empty() {
                s.push_str("\nwhat the established tools map here, and how safeguard answers:\n");
                for a in &c.anchors {
                    let tools: Vec<&str> = a.tools.iter().map(|t| t.title()).collect();
                    let answer = match &a.answer {
                        crate::catalog::AnchorAnswer::Check(id) => id.clone(),
                        crate::catalog::AnchorAnswer::Manual => "the manual part".into(),
                        crate::catalog::AnchorAnswer::Declined(why) => format!("declined: {why}"),
                    };
                    s.push_str(&format!(
                        "  {} ({}) → {answer}\n",
                        a.mapping,
                        tools.join(", ")
                    ));
                }
            }
        }
    }
    Ok(s)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// Writes a file via a temporary sibling and a rename, so readers never see half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(parent).map_err(|e| Error::io(parent, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
