//! The argument groups commands share: the package outputs (`OutputArgs`), the AWS
//! connection (`AwsArgs`) and an organization run (`OrgArgs`), each with what it becomes.

use std::path::PathBuf;

use clap::ValueEnum;

use super::delivery::{Delivery, DeliveryArgs};
use super::{parse_day, verbose};

/// An OSCAL `uri-reference`: no white space or control characters, and not empty.
fn parse_href(s: &str) -> std::result::Result<String, String> {
    if s.is_empty() || s.len() > 2048 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "{s:?} is not a URI reference (expected e.g. https://grc.example/ssp/42 or ../ssp.json, without spaces)"
        ));
    }
    Ok(s.to_string())
}
use crate::app::{self, PackageOptions};
use crate::error::Result;
use crate::results::Results;
use crate::snapshot::Snapshot;

#[derive(clap::Args, Debug)]
pub(super) struct OutputArgs {
    /// Folder the package goes under, as <account>/<UTC timestamp>/.
    #[arg(short, long, value_name = "DIR", default_value = "reports")]
    pub(super) output: PathBuf,
    /// Outputs to write, comma-separated: md, pdf, json, csv, oscal, ocsf (default: all but ocsf).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(super) format: Vec<crate::render::Format>,
    /// A folder holding report.md.j2 to use instead of the built-in template.
    #[arg(long, value_name = "DIR")]
    pub(super) templates: Option<PathBuf>,
    /// A catalog folder (controls/*.yaml) to use instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    pub(super) catalog: Option<PathBuf>,
    /// Override a check parameter, e.g. --set iam.password_policy.min_length=16 (repeatable; wins over --config).
    #[arg(long = "set", value_name = "CHECK.PARAM=VALUE")]
    pub(super) set: Vec<String>,
    /// Check parameters for this run (YAML: parameters: {CHECK_ID: {PARAM: VALUE}}).
    #[arg(long, value_name = "FILE")]
    pub(super) config: Option<PathBuf>,
    /// Attestations of controls' manual parts (YAML); valid ones complete those controls.
    #[arg(long, value_name = "FILE")]
    pub(super) attestations: Option<PathBuf>,
    /// Accepted risks (YAML): check, resource pattern, justification, approver, expiry.
    #[arg(long, value_name = "FILE")]
    pub(super) waivers: Option<PathBuf>,
    /// Largest attested evidence file copied into the package, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::inputs::attestations::DEFAULT_MAX_EVIDENCE_BYTES, value_parser = clap::value_parser!(u64).range(1..=(4u64 << 30)))]
    pub(super) max_evidence_bytes: u64,
    /// Accept attested evidence files outside the attestations file's folder (the report lists them).
    #[arg(long)]
    pub(super) allow_outside_evidence: bool,
    /// Who prepares the package, as "Name, Title" (cover page, PDF metadata; else the config file's).
    #[arg(long, value_name = "NAME")]
    pub(super) prepared_by: Option<String>,
    /// The organization the package is for (cover page; else the config file's).
    #[arg(long, value_name = "NAME")]
    pub(super) organization: Option<String>,
    /// Findings the reports print: all; failures (failing, waived and undecided ones, the rest
    /// as counts); or auto: all up to --detail-limit findings, else failures. results.json and
    /// results.csv keep every finding.
    #[arg(long, value_enum, default_value_t = DetailArg::Auto)]
    pub(super) detail: DetailArg,
    /// With --detail auto, the number of findings past which the reports print only failures.
    #[arg(long, value_name = "N", default_value_t = crate::render::view::DEFAULT_DETAIL_LIMIT, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=100_000_000))]
    pub(super) detail_limit: usize,
    /// Print, on stderr, the time each phase took (import, engine, checks, each writer) and
    /// the peak memory.
    #[arg(long)]
    pub(super) profile_phases: bool,
    /// The account's previous package (folder or results.json): carries `first_seen` forward,
    /// marks each failing finding new or recurring, and adds "Changes since" to the report.
    #[arg(long, value_name = "PKG", conflicts_with = "history")]
    pub(super) previous: Option<PathBuf>,
    /// A folder of earlier packages (e.g. reports/): the newest one of the same account,
    /// collected before this one, is the previous package.
    #[arg(long, value_name = "DIR")]
    pub(super) history: Option<PathBuf>,
    /// With --history or --previous: count "held in N of M snapshots" from this day
    /// (YYYY-MM-DD, UTC), e.g. the start of the audit period. Default: every earlier package.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub(super) period_start: Option<chrono::NaiveDate>,
    /// The system security plan the OSCAL assessment plan imports (a URL, or a path from the
    /// package); default: a placeholder that says there is none.
    #[arg(long, value_name = "HREF", value_parser = parse_href)]
    pub(super) oscal_ssp: Option<String>,
    #[command(flatten)]
    pub(super) delivery: DeliveryArgs,
    /// Print only the package path.
    #[arg(short, long)]
    pub(super) quiet: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DiffFormat {
    Md,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DetailArg {
    Auto,
    All,
    Failures,
}

impl OutputArgs {
    pub(super) fn options(&self) -> PackageOptions {
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
            oscal_ssp: self.oscal_ssp.clone(),
        }
    }

    /// Assesses and packages, then prints the package path (`-q`) or the summary screen, and
    /// the phases line when asked.
    pub(super) fn package(
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
        delivery.deliver(&dir, &results.account.id, Some(&results), self.quiet)?;
        Ok(results)
    }

    /// What `--previous`/`--history` found, in a line or two.
    pub(super) fn say_changes(&self, results: &Results) {
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
pub(super) struct AwsArgs {
    /// Named profile from the AWS config files (else AWS_PROFILE, environment, SSO, instance or task role).
    #[arg(long, value_name = "NAME")]
    pub(super) profile: Option<String>,
    /// Region for signing global calls (else AWS_REGION or the profile's region; us-east-1 by default).
    #[arg(long, value_name = "REGION")]
    pub(super) region: Option<String>,
    /// Regions to collect CloudTrail and AWS Config from, comma- or space-separated, each name
    /// checked (default: every enabled region).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(super) regions: Vec<String>,
    /// Regions collected at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=64))]
    pub(super) concurrency: usize,
    /// Longest one API call may take, retries included, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(super) call_timeout: u64,
    /// No progress lines on stderr.
    #[arg(long)]
    pub(super) quiet_collect: bool,
    /// Days of CloudTrail event history to read (IAM changes, root activity); LookupEvents keeps 90.
    #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=90))]
    pub(super) lookback_days: u32,
    /// Pages one paginated API call may take; past it (or on a repeated marker) that evidence is a gap.
    #[arg(long, value_name = "N", default_value_t = crate::collect::DEFAULT_MAX_PAGES, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000_000))]
    pub(super) max_pages: usize,
    /// Attempts per API call, the first included: throttled and failed calls are retried with
    /// adaptive back-off until then (1: no retry).
    #[arg(long, value_name = "N", default_value_t = crate::collect::DEFAULT_MAX_ATTEMPTS, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub(super) max_attempts: u32,
}

impl AwsArgs {
    /// The collection options, every region name checked (exit 2 with the name meant).
    pub(super) fn options(&self) -> Result<crate::collect::CollectOptions> {
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
pub(super) struct OrgArgs {
    /// Assess every account of the AWS Organization from its management (or a
    /// delegated-administrator) account: assume --role-name in each, one package per account
    /// under <output>/<account>/, a roll-up under <output>/org-<id>/.
    #[arg(long)]
    pub(super) org: bool,
    /// The role to assume in each member account (deploy/aws/member-role.yaml).
    #[arg(long, value_name = "NAME", requires = "org")]
    pub(super) role_name: Option<String>,
    /// The external id the member role's trust policy requires.
    #[arg(long, value_name = "ID", requires = "org")]
    pub(super) external_id: Option<String>,
    /// Only these account ids, comma-separated.
    #[arg(long, value_name = "LIST", value_delimiter = ',', requires = "org")]
    pub(super) accounts: Vec<String>,
    /// Only the accounts under these OU (or root) ids, recursively, comma-separated.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        requires = "org",
        conflicts_with = "accounts"
    )]
    pub(super) ous: Vec<String>,
    /// Account ids to leave out, comma-separated (the roll-up lists them as skipped).
    #[arg(long, value_name = "LIST", value_delimiter = ',', requires = "org")]
    pub(super) exclude: Vec<String>,
    /// Accounts collected at once, each with --concurrency regions at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub(super) account_concurrency: u32,
    /// Run only shard I of N (0-based) of the account list; `aggregate` combines the shards.
    #[arg(long, value_name = "I/N", requires = "org", conflicts_with = "shards")]
    pub(super) shard: Option<String>,
    /// The number of shards, the index coming from --shard-from-env, else
    /// AWS_BATCH_JOB_ARRAY_INDEX, else JOB_COMPLETION_INDEX (array and indexed jobs).
    #[arg(long, value_name = "N", requires = "org", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=crate::rollup::ledger::MAX_SHARDS as u64))]
    pub(super) shards: Option<usize>,
    /// The environment variable holding this shard's index (with --shards).
    #[arg(long, value_name = "VAR", requires = "shards")]
    pub(super) shard_from_env: Option<String>,
    /// Length of each assumed-role session, in seconds (the role's maximum caps it).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u32).range(900..=43200))]
    pub(super) session_duration: u32,
}

impl OrgArgs {
    pub(super) fn shard(&self) -> Result<Option<crate::org::plan::Shard>> {
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

    pub(super) fn options(&self) -> Result<crate::org::run::OrgOptions> {
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
            security_hub: None,
        })
    }
}
