//! `safeguard run --org`: every member account in one run. From the hub (the management or a
//! delegated-administrator account) it lists the accounts, assumes the collector role in each,
//! collects and assesses each as `run` does, adds the organization evidence only the hub can
//! see, writes one package per account, a run ledger, and — unless this is one shard of a
//! larger job — the organization roll-up. One account's failure is recorded and the run goes on.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::SharedCredentialsProvider;
use tokio::sync::Semaphore;

use super::plan::{Listed, Shard, plan};
use crate::app::PackageOptions;
use crate::collect::organizations::Hub;
use crate::collect::{CallCounter, CollectOptions, collect_with, load_config};
use crate::error::{Error, Result};
use crate::results::ControlStatus;
use crate::rollup::ledger::{self, Ledger, LedgerFailure, LedgerPackage, LedgerSkip};

/// What the user sets for an organization run.
#[derive(Debug, Clone)]
pub struct OrgOptions {
    /// The role to assume in every member account (`arn:<partition>:iam::<id>:role/<name>`).
    pub role_name: String,
    pub external_id: Option<String>,
    /// Only these accounts (empty: all).
    pub accounts: Vec<String>,
    /// Only the accounts under these OUs or roots, recursively (empty: the whole organization).
    pub ous: Vec<String>,
    pub exclude: Vec<String>,
    /// Accounts collected at once (each with its own region concurrency).
    pub account_concurrency: usize,
    pub shard: Option<Shard>,
    /// The assumed-role session's length (900 to 43,200 seconds; the role's maximum caps it).
    pub session_seconds: u32,
    /// `--security-hub`: import each member's findings into its own Security Hub, with the
    /// role assumed there (Security Hub takes an account's findings only from that account).
    pub security_hub: Option<crate::securityhub::Selection>,
}

/// One account's outcome.
#[derive(Debug, Clone)]
pub struct AccountOutcome {
    pub account: String,
    pub name: Option<String>,
    /// What was assessed, or why nothing was.
    pub result: std::result::Result<Assessed, String>,
}

/// One member account's package, as the run reports it.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub package: PathBuf,
    /// The account's worst control status.
    pub worst: ControlStatus,
    /// Its evidence gaps, as its report counts them.
    pub evidence_gaps: usize,
    /// The Security Hub import, when asked: what it did, or why it failed.
    pub security_hub: Option<std::result::Result<crate::securityhub::ImportReport, String>>,
    /// Calls that failed during collection: the snapshot is partial (exit 1 unless
    /// `--fail-on never`).
    pub collection_gaps: usize,
}

/// A finished organization run.
#[derive(Debug)]
pub struct OrgRun {
    pub organization: String,
    pub outcomes: Vec<AccountOutcome>,
    pub skipped: Vec<LedgerSkip>,
    pub ledger: PathBuf,
    /// The roll-up package and whether every planned account is in it (`None` for a shard).
    pub rollup: Option<(PathBuf, crate::rollup::Rollup)>,
    /// `service:Action` → calls, over the hub and every account.
    pub calls: BTreeMap<String, usize>,
    pub elapsed: Duration,
}

/// Runs an organization on its own Tokio runtime. `progress` gets one line per account.
pub fn run_org(
    collect: &CollectOptions,
    org: &OrgOptions,
    out: &PackageOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<OrgRun> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(run_async(collect, org, out, progress))
}

async fn run_async(
    collect: &CollectOptions,
    org: &OrgOptions,
    out: &PackageOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<OrgRun> {
    let started = Instant::now();
    // The roll-up reads each package's results.json: it is written whatever --format says.
    let mut out = out.clone();
    if !out.format.is_empty() && !out.format.contains(&crate::render::Format::Json) {
        out.format.push(crate::render::Format::Json);
    }
    let out = &out;
    // Inputs are read once, before any call: a bad catalog or waiver file stops the run up
    // front, and 500 accounts do not read the attestations' evidence 500 times.
    let inputs = Arc::new(crate::app::load_inputs(out)?);
    crate::collect::caller::check_profile(collect.profile.as_deref())?;
    let counter = CallCounter::verbose(collect.verbose);
    let hub_config = load_config(collect).await;
    let me =
        crate::collect::caller::identify(&hub_config, &counter, collect.profile.as_deref()).await?;
    let (hub_account, partition) = (me.account, me.partition);
    let hub = Arc::new(Hub::new(&hub_config, &counter, collect.max_pages).await?);
    let listed: Vec<Listed> = hub
        .members(&org.ous)
        .await?
        .into_iter()
        .filter(|m| crate::snapshot::valid_account_id(&m.id))
        .map(|m| Listed {
            active: m.is_active(),
            id: m.id,
            name: m.name,
            state: m.state,
        })
        .collect();
    let plan = plan(listed, &org.accounts, &org.exclude, org.shard);
    let run = run_name(org.shard, chrono::Utc::now());
    progress(&format!(
        "organization {}: {} account(s) to assess{}{}",
        hub.id,
        plan.assess.len(),
        org.shard
            .map(|s| format!(" in shard {}", s.label()))
            .unwrap_or_default(),
        if plan.skipped.is_empty() {
            String::new()
        } else {
            format!(", {} skipped", plan.skipped.len())
        }
    ));

    // The role session's name ties CloudTrail entries in every member to this run.
    let session = format!("safeguard-{run}");
    let session = session[..session.len().min(64)].to_string();
    let shared = Arc::new(Shared {
        hub: hub.clone(),
        hub_config,
        hub_account,
        partition,
        session,
        collect: collect.clone(),
        org: org.clone(),
        out: out.clone(),
        inputs,
        counter: counter.clone(),
    });
    let outcomes = assess_all(&shared, &plan, progress).await?;

    let org_dir = out.output.join(format!("org-{}", hub.id));
    let record = ledger_of(&hub.id, &run, org, plan, &outcomes);
    let skipped = record.skipped.clone();
    let ledger_path = ledger::write(&org_dir, &record)?;
    // One shard rolls up nothing: `aggregate` combines the shards' packages and ledgers.
    let rollup = match org.shard {
        None => Some(roll_up(&org_dir, &outcomes, &ledger_path, out)?),
        Some(_) => None,
    };
    Ok(OrgRun {
        organization: hub.id.clone(),
        outcomes,
        skipped,
        ledger: ledger_path,
        rollup,
        calls: counter.snapshot(),
        elapsed: started.elapsed(),
    })
}

/// The run's name: its start time, and the shard when there is one.
fn run_name(shard: Option<Shard>, now: chrono::DateTime<chrono::Utc>) -> String {
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    match shard {
        Some(s) => format!("{stamp}-shard-{}-of-{}", s.index, s.count),
        None => stamp.to_string(),
    }
}

/// Assesses every planned account, at most `--account-concurrency` at a time, and names the
/// accounts `--accounts` asked for that the organization does not list. One line of
/// `progress` per account as it finishes; the outcomes are returned in account order.
async fn assess_all(
    shared: &Arc<Shared>,
    plan: &super::plan::Plan,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Vec<AccountOutcome>> {
    let limit = Arc::new(Semaphore::new(shared.org.account_concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for member in plan.assess.iter().cloned() {
        let (shared, limit) = (shared.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            let result = assess_account(&shared, &member).await;
            AccountOutcome {
                account: member.id,
                name: member.name,
                result,
            }
        });
    }
    let mut outcomes = Vec::new();
    for unknown in &plan.unknown {
        outcomes.push(AccountOutcome {
            account: unknown.clone(),
            name: None,
            result: Err(format!(
                "--accounts names it, but organization {} does not list it{}",
                shared.hub.id,
                if shared.org.ous.is_empty() {
                    ""
                } else {
                    " under the OUs given"
                }
            )),
        });
    }
    while let Some(done) = tasks.join_next().await {
        let o = done.map_err(|e| Error::Internal(format!("an account task failed: {e}")))?;
        progress(&match &o.result {
            Ok(a) => format!(
                "  {} {}: {} ({} evidence gap(s)) → {}",
                o.account,
                o.name.as_deref().unwrap_or(""),
                a.worst.as_str(),
                a.evidence_gaps,
                a.package.display()
            ),
            Err(why) => format!(
                "  {} {}: NOT ASSESSED: {why}",
                o.account,
                o.name.as_deref().unwrap_or("")
            ),
        });
        outcomes.push(o);
    }
    outcomes.sort_by(|a, b| a.account.cmp(&b.account));
    Ok(outcomes)
}

/// The run's ledger: what was planned, the packages written, the failures and the skips.
fn ledger_of(
    organization: &str,
    run: &str,
    org: &OrgOptions,
    plan: super::plan::Plan,
    outcomes: &[AccountOutcome],
) -> Ledger {
    Ledger {
        schema: ledger::SCHEMA.into(),
        organization: organization.to_string(),
        run: run.to_string(),
        shard: org.shard.map(|s| s.label()),
        planned: plan
            .assess
            .iter()
            .map(|a| a.id.clone())
            .chain(plan.unknown.iter().cloned())
            .collect(),
        packages: outcomes
            .iter()
            .filter_map(|o| {
                o.result.as_ref().ok().map(|a| LedgerPackage {
                    account: o.account.clone(),
                    package: a.package.display().to_string(),
                })
            })
            .collect(),
        failures: outcomes
            .iter()
            .filter_map(|o| {
                o.result.as_ref().err().map(|why| LedgerFailure {
                    account: o.account.clone(),
                    name: o.name.clone(),
                    reason: why.clone(),
                })
            })
            .collect(),
        skipped: plan
            .skipped
            .into_iter()
            .map(|(account, name, reason)| LedgerSkip {
                account,
                name,
                reason,
            })
            .collect(),
    }
}

/// The organization roll-up of this run's packages and ledger, written beside the ledger.
fn roll_up(
    org_dir: &std::path::Path,
    outcomes: &[AccountOutcome],
    ledger_path: &std::path::Path,
    out: &PackageOptions,
) -> Result<(PathBuf, crate::rollup::Rollup)> {
    let found = crate::rollup::Found {
        packages: outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().ok().map(|a| a.package.clone()))
            .collect(),
        ledgers: vec![ledger_path.to_path_buf()],
    };
    let r = crate::rollup::build(&found)?;
    let formats = crate::app::parse_formats(&out.format)?;
    let dir = crate::rollup::render::write(org_dir, &r, &formats, crate::clock::generated_at())?;
    Ok((dir, r))
}

/// What every account's task shares: the hub, the run's settings and its inputs, read once.
struct Shared {
    hub: Arc<Hub>,
    hub_config: SdkConfig,
    /// The account the hub's credentials are in.
    hub_account: String,
    partition: String,
    /// The assumed-role session name, `safeguard-<run>`.
    session: String,
    collect: CollectOptions,
    org: OrgOptions,
    out: PackageOptions,
    inputs: Arc<crate::app::Inputs>,
    counter: CallCounter,
}

/// Assumes the role in one account, collects, adds the organization evidence, assesses and
/// writes the package. Any failure is the account's, in words.
async fn assess_account(shared: &Shared, member: &Listed) -> std::result::Result<Assessed, String> {
    let Shared {
        hub,
        hub_config,
        hub_account,
        partition,
        session,
        collect,
        org,
        out,
        inputs,
        counter,
    } = shared;
    let role = format!("arn:{partition}:iam::{}:role/{}", member.id, org.role_name);
    let mut builder = AssumeRoleProvider::builder(&role)
        .session_name(session)
        .session_length(Duration::from_secs(u64::from(org.session_seconds)))
        .configure(hub_config);
    if let Some(x) = &org.external_id {
        builder = builder.external_id(x);
    }
    let provider = builder.build().await;
    let config = hub_config
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build();
    let mut opts = collect.clone();
    // Many accounts at once: one line each from the caller, no per-account progress.
    opts.quiet = true;
    let mut collection = collect_with(&config, &opts, counter.clone(), Some(&member.id))
        .await
        .map_err(|e| match e {
            // The member's identity comes from AssumeRole: a failure there is the role's.
            Error::Collection(m) => format!("cannot assume {role}: {m}"),
            other => other.to_string(),
        })?;
    collection
        .source
        .entries
        .extend(hub.evidence(&member.id).await);
    let logs = hub
        .trail_logs(hub_config, counter, hub_account, &collection.source.entries)
        .await;
    collection.source.entries.extend(logs);
    let (out, inputs) = (out.clone(), inputs.clone());
    let (mut assessed, results) = tokio::task::spawn_blocking(move || {
        let snapshot = crate::import::import_from(
            &collection.source,
            &crate::import::ImportOptions::default(),
        )?;
        let (results, dir) = crate::app::package_with(&snapshot, &inputs, &out)?;
        let worst = results
            .controls
            .iter()
            .map(|c| c.status)
            .min()
            .unwrap_or(ControlStatus::NotApplicable);
        let assessed = Assessed {
            package: dir,
            worst,
            evidence_gaps: results.evidence_gaps.len(),
            security_hub: None,
            collection_gaps: snapshot.gaps.len(),
        };
        Ok::<_, Error>((assessed, results))
    })
    .await
    .map_err(|e| format!("the assessment stopped: {e}"))?
    .map_err(|e| e.to_string())?;
    if let Some(selection) = org.security_hub {
        assessed.security_hub = Some(
            crate::securityhub::import_with(&config, &results, selection)
                .await
                .map_err(|e| e.to_string()),
        );
    }
    Ok(assessed)
}
