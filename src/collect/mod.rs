//! `safeguard collect`: the same evidence as `import`, gathered live with the AWS SDK for Rust.
//!
//! Each API response is rendered in the AWS CLI's JSON shape and filed under its import-folder
//! path in a [`MemorySource`]; the importer then builds the snapshot. `collect` and `import` of one
//! account therefore cannot disagree. A call that fails for any reason but "not found" becomes
//! an `Entry::Failed`, i.e. a gap, and the collection goes on.

/// A client of the SDK crate `$sdk` for one region, as every regional call is made: its calls
/// counted (and logged with `--verbose`), and an endpoint that does not implement an operation
/// taken at its word rather than retried.
macro_rules! regional_client {
    ($sdk:ident, $config:expr, $counter:expr, $region:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from($config)
                .region(aws_config::Region::new(String::from($region)))
                .interceptor($counter.clone())
                .retry_classifier($crate::collect::retry::NotImplemented)
                .build(),
        )
    };
}

/// A client of `$sdk` whose every answer comes from the aws-smithy-mocks `rules` (a slice of
/// `Rule`), for the collector's fault tests: region us-east-1, test credentials, no network.
#[cfg(test)]
macro_rules! mocked_client {
    ($sdk:ident, $rules:expr) => {{
        let interceptor = $rules.iter().fold(
            aws_smithy_mocks::MockResponseInterceptor::new()
                .rule_mode(aws_smithy_mocks::RuleMode::MatchAny),
            |i, rule| i.with_rule(rule),
        );
        $sdk::Client::from_conf(
            $sdk::Config::builder()
                .behavior_version($sdk::config::BehaviorVersion::latest())
                .region($sdk::config::Region::new("us-east-1"))
                .credentials_provider($sdk::config::Credentials::new(
                    "AKIDTEST", "test", None, None, "mock",
                ))
                .http_client(aws_smithy_mocks::create_mock_http_client())
                .interceptor(interceptor)
                .build(),
        )
    }};
}

mod backup;
pub mod caller;
mod calls;
mod cloudfront;
mod dynamodb;
mod ec2;
mod efs;
mod elb;
mod guardduty;
mod kms;
pub mod organizations;
mod rds;
pub mod retry;
mod s3control;
mod shapes;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_iam::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use base64::Engine;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};
use crate::import::{Entry, MemorySource};
use crate::snapshot::Gap;
pub use calls::CallCounter;

/// What the user can set for a collection.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Regions to collect CloudTrail and Config from; default: every region enabled for the account.
    pub regions: Option<Vec<String>>,
    /// Regions collected at once.
    pub concurrency: usize,
    /// Upper bound on one API call, retries included.
    pub call_timeout: Duration,
    pub quiet: bool,
    /// Log every API call (action, region, attempts, duration, outcome) on stderr.
    pub verbose: bool,
    /// Days of CloudTrail event history (LookupEvents) to read: IAM changes and root activity.
    pub lookback_days: u32,
    /// Pages one paginated call may take before it is recorded as a gap.
    pub max_pages: usize,
    /// Attempts per API call, the first included (adaptive retry with back-off between them).
    pub max_attempts: u32,
}

/// The SDK's own default is 3; six rides out a burst of throttling on a large account.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 6;

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            profile: None,
            region: None,
            regions: None,
            concurrency: 8,
            call_timeout: Duration::from_secs(60),
            quiet: false,
            verbose: false,
            lookback_days: 90,
            max_pages: DEFAULT_MAX_PAGES,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// A finished collection: the evidence, and what it cost.
pub struct Collection {
    pub source: MemorySource,
    /// `service:Action` → number of calls (retries not counted).
    pub calls: BTreeMap<String, usize>,
}

/// Evidence files gathered so far, shared by concurrent tasks, and the page limit every
/// paginated call obeys.
#[derive(Clone)]
struct Sink(Arc<Mutex<BTreeMap<String, Entry>>>, usize);

impl Default for Sink {
    fn default() -> Self {
        Sink(Arc::default(), DEFAULT_MAX_PAGES)
    }
}

/// Pages one paginated call may take: 100,000 pages of 1,000 IAM entities or 50 events is far
/// beyond the largest real account, and bounded.
pub const DEFAULT_MAX_PAGES: usize = 100_000;

impl Sink {
    fn with_max_pages(max_pages: usize) -> Self {
        Sink(Arc::default(), max_pages.max(1))
    }
    fn max_pages(&self) -> usize {
        self.1
    }
    fn put(&self, rel: impl Into<String>, entry: Entry) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.into(), entry);
    }
    fn json(&self, rel: impl Into<String>, v: &Value) {
        self.put(
            rel,
            Entry::Json(serde_json::to_vec(v).expect("json serializes")),
        );
    }
    fn failed(&self, rel: impl Into<String>, text: String) {
        self.put(rel, Entry::Failed(text));
    }
}

/// The error text of a failed call, worded like the AWS CLI's so the importer reads both alike.
pub(crate) fn failure<E, R>(operation: &str, e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(why) = unimplemented(e) {
        return format!("calling the {operation} operation failed: {why}");
    }
    match e.as_service_error() {
        Some(se) => format!(
            "An error occurred ({}) when calling the {operation} operation: {}",
            se.code().unwrap_or("Unknown"),
            se.message().unwrap_or("no message")
        ),
        None => format!(
            "calling the {operation} operation failed: {}",
            DisplayErrorContext(e)
        ),
    }
}

fn log(quiet: bool, msg: impl AsRef<str>) {
    if !quiet {
        eprintln!("{}", crate::text::terminal(msg.as_ref()));
    }
}

/// Runs a collection on its own Tokio runtime.
pub fn collect(opts: &CollectOptions) -> Result<Collection> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(collect_async(opts))
}

pub async fn collect_async(opts: &CollectOptions) -> Result<Collection> {
    caller::check_profile(opts.profile.as_deref())?;
    let counter = CallCounter::verbose(opts.verbose);
    let config = load_config(opts).await;
    collect_with(&config, opts, counter, None).await
}

/// A collection with the credentials and settings of `config`; with `expected`, credentials
/// for any other account are refused (an assumed role must land in the account it names).
pub async fn collect_with(
    config: &SdkConfig,
    opts: &CollectOptions,
    counter: CallCounter,
    expected: Option<&str>,
) -> Result<Collection> {
    let config = config.clone();
    let started = Instant::now();
    let collected_at = chrono::Utc::now();
    let sink = Sink::with_max_pages(opts.max_pages);
    let me = caller::identify(&config, &counter, opts.profile.as_deref()).await?;
    if let Some(want) = expected
        && me.account != want
    {
        return Err(Error::Collection(format!(
            "the credentials are for account {}, not {want}",
            me.account
        )));
    }
    sink.json(
        "sts/caller-identity.json",
        &json!({"UserId": me.user_id, "Account": me.account, "Arn": me.arn}),
    );
    log(
        opts.quiet,
        format!("collecting account {} as {}", me.account, me.arn),
    );
    let (regions, gaps) = regions_to_collect(&config, &counter, opts, &sink).await;
    s3control::account_public_access_block(&config, &counter, &me.account, &sink).await;
    let since_chrono = collected_at - chrono::Duration::days(i64::from(opts.lookback_days));
    let since = aws_smithy_types::DateTime::from_secs(since_chrono.timestamp());
    gather(
        &config,
        &counter,
        opts,
        &me.partition,
        &regions,
        since,
        &sink,
    )
    .await?;

    sink.json(
        "export-info.json",
        &json!({
            "collected_at": collected_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "events_since": since_chrono.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "exported_by": "safeguard collect",
        }),
    );
    let entries = std::mem::take(&mut *sink.0.lock().unwrap_or_else(|e| e.into_inner()));
    let elapsed = started.elapsed();
    let calls = counter.snapshot();
    log(
        opts.quiet,
        format!(
            "collected in {:.1} s with {} API calls",
            elapsed.as_secs_f64(),
            calls.values().sum::<usize>()
        ),
    );
    for (action, n) in &calls {
        log(opts.quiet, format!("  call {action} ×{n}"));
    }
    Ok(Collection {
        source: MemorySource {
            entries,
            regions: regions.into_iter().collect::<BTreeSet<_>>(),
            method: "collect",
            gaps,
        },
        calls,
    })
}

/// The regions to collect: `--regions`, else every enabled region. The enabled regions are
/// evidence in their own right (account/regions.json): with `--regions`, the enabled regions
/// left out become gaps rather than silently unassessed; when they cannot be listed, only the
/// configured region is collected and that is a gap.
async fn regions_to_collect(
    config: &SdkConfig,
    counter: &CallCounter,
    opts: &CollectOptions,
    sink: &Sink,
) -> (Vec<String>, Vec<Gap>) {
    let listed = enabled_regions(config, counter).await;
    match &listed {
        Ok(r) => sink.json(
            "account/regions.json",
            &json!({"Regions": r.iter().map(|(name, status)| json!({"RegionName": name, "RegionOptStatus": status})).collect::<Vec<_>>()}),
        ),
        Err(reason) => sink.failed("account/regions.json", reason.clone()),
    }
    if let Some(r) = &opts.regions {
        return (r.clone(), Vec::new());
    }
    match listed {
        Ok(r) => (r.into_iter().map(|(name, _)| name).collect(), Vec::new()),
        Err(reason) => {
            let fallback = config
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".into());
            let gap = Gap {
                evidence: "/regions".into(),
                source: "account:ListRegions".into(),
                reason: format!(
                    "could not list the enabled regions ({reason}); only {fallback} was collected (pass --regions to choose)"
                ),
            };
            (vec![fallback], vec![gap])
        }
    }
}

/// Reads IAM (and its events) and every region at once, at most `--concurrency` regions at
/// a time, into `sink`. On a terminal a progress bar counts them (one step for IAM, one per
/// region); elsewhere each step is a plain line.
async fn gather(
    config: &SdkConfig,
    counter: &CallCounter,
    opts: &CollectOptions,
    partition: &str,
    regions: &[String],
    since: aws_smithy_types::DateTime,
    sink: &Sink,
) -> Result<()> {
    let iam = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(config)
            .interceptor(counter.clone())
            .retry_classifier(crate::collect::retry::NotImplemented)
            .build(),
    );
    let bar = (!opts.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
        let bar = indicatif::ProgressBar::new(regions.len() as u64 + 1);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} collecting [{bar:30}] {pos}/{len} {msg}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let step_quiet = opts.quiet || bar.is_some();
    // The account-wide services, likewise at once.
    let iam_task = async {
        let global = crate::import::iam_event_region(partition);
        tokio::join!(
            calls::iam(iam, sink.clone(), step_quiet),
            calls::s3(config, counter, sink),
            cloudfront::distributions(config, counter, global, sink),
            calls::iam_events(config, counter, global, since, sink),
        );
        if let Some(b) = &bar {
            b.inc(1);
            b.set_message("iam done");
        }
    };
    let limit = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for region in regions {
        let (region, config, sink, counter, limit, bar) = (
            region.clone(),
            config.clone(),
            sink.clone(),
            counter.clone(),
            limit.clone(),
            bar.clone(),
        );
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            // The services of one region answer independently (each has its own rate
            // limits), so they are asked at once: a region costs its slowest service's
            // calls, not the sum of all of them.
            tokio::join!(
                calls::region(&config, &counter, &region, since, &sink, step_quiet),
                kms::region(&config, &counter, &region, &sink),
                rds::region(&config, &counter, &region, &sink),
                dynamodb::region(&config, &counter, &region, &sink),
                ec2::region(&config, &counter, &region, &sink),
                efs::region(&config, &counter, &region, &sink),
                elb::region(&config, &counter, &region, &sink),
                guardduty::region(&config, &counter, &region, &sink),
                backup::region(&config, &counter, &region, &sink),
            );
            if let Some(b) = bar {
                b.inc(1);
                b.set_message(format!("{region} done"));
            }
        });
    }
    iam_task.await;
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| Error::Internal(format!("a region task failed: {e}")))?;
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(())
}

pub(crate) async fn load_config(opts: &CollectOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        // Adaptive retry slows down under throttling instead of failing the call.
        .retry_config(RetryConfig::adaptive().with_max_attempts(opts.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(opts.call_timeout / 3)
                .operation_timeout(opts.call_timeout)
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    let config = loader.load().await;
    if config.region().is_none() {
        // IAM and STS are global; a home region is still needed to sign requests.
        return config
            .into_builder()
            .region(Region::new("us-east-1"))
            .build();
    }
    config
}

/// The enabled regions with their opt-in status, from account:ListRegions.
async fn enabled_regions(
    config: &SdkConfig,
    counter: &CallCounter,
) -> std::result::Result<Vec<(String, String)>, String> {
    use aws_sdk_account::types::RegionOptStatus;
    let client = aws_sdk_account::Client::from_conf(
        aws_sdk_account::config::Builder::from(config)
            .interceptor(counter.clone())
            .retry_classifier(crate::collect::retry::NotImplemented)
            .build(),
    );
    let mut pages = client
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| failure("ListRegions", &e))?;
        out.extend(page.regions().iter().filter_map(|r| {
            Some((
                r.region_name()?.to_string(),
                r.region_opt_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            ))
        }));
    }
    out.sort();
    if out.is_empty() {
        return Err("ListRegions returned no region".into());
    }
    Ok(out)
}

/// Base64 of a blob, as the CLI prints credential-report content.
fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Runs `fut` to completion on a runtime of its own, on a thread of its own, so it can be called
/// from anywhere (plain code, or a thread of another runtime, where `block_on` would panic).
pub(crate) fn block_on_own<F>(fut: F) -> Result<F::Output>
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map(|rt| rt.block_on(fut))
                .map_err(|e| Error::Internal(format!("starting the async runtime: {e}")))
        })
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

/// The SDK configuration for the calls made after collection (KMS signing, S3 upload): the
/// standard credential chain, `--profile` and `--region` when given, the collector's retry.
pub(crate) async fn delivery_config(profile: Option<&str>, region: Option<&str>) -> SdkConfig {
    let opts = CollectOptions {
        profile: profile.map(str::to_string),
        region: region.map(str::to_string),
        ..CollectOptions::default()
    };
    load_config(&opts).await
}

/// For an answer that says the endpoint does not implement the operation (moto, LocalStack):
/// that, in words, rather than "An error occurred (Unknown)".
fn unimplemented<E, R>(e: &SdkError<E, R>) -> Option<String>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let raw = e.raw_response()?;
    // R is the SDK's HTTP response in every client here; anything else is left as it is.
    let raw =
        (raw as &dyn std::any::Any).downcast_ref::<aws_smithy_runtime_api::http::Response>()?;
    let status = raw.status().as_u16();
    let body = raw.body().bytes().unwrap_or_default();
    retry::not_implemented(status, raw.headers().get("content-type"), body).then(|| {
        format!(
            "the endpoint does not implement it (HTTP {status}{}), so it is not retried; real AWS does",
            if raw
                .headers()
                .get("content-type")
                .is_some_and(|t| t.starts_with("text/html"))
            {
                ", a web page rather than an AWS error"
            } else {
                ""
            }
        )
    })
}

/// A failed call's error as `Code: message`, or the whole chain when AWS sent no code.
pub(crate) fn sdk_error_text<E, R>(e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(why) = unimplemented(e) {
        return why;
    }
    match e.as_service_error() {
        Some(se) if se.code().is_some() => format!(
            "{}: {}",
            se.code().unwrap_or("Unknown"),
            se.message().unwrap_or("no message")
        ),
        // An answer the SDK could not read as this service's error (an endpoint answering in
        // another protocol, a proxy's page): its HTTP status and the start of its body, on
        // one inert line, rather than "Unknown".
        Some(_) => unreadable(e).unwrap_or_else(|| "Unknown: no message".into()),
        None => DisplayErrorContext(e).to_string(),
    }
}

/// An error answer's HTTP status and the first 300 characters of its body, on one line.
fn unreadable<E, R>(e: &SdkError<E, R>) -> Option<String>
where
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let raw = e.raw_response()?;
    let raw =
        (raw as &dyn std::any::Any).downcast_ref::<aws_smithy_runtime_api::http::Response>()?;
    let body = String::from_utf8_lossy(raw.body().bytes().unwrap_or_default());
    let body: String = crate::text::one_line(&body).chars().take(300).collect();
    Some(format!(
        "HTTP {} with an answer the SDK could not read: {}",
        raw.status().as_u16(),
        crate::text::line(&body)
    ))
}

/// The snapshot the importer builds from what a fault test's collector filed, as a collection
/// of account 123456789012 in us-east-1 (the caller identity added).
#[cfg(test)]
pub(crate) fn imported(
    mut entries: BTreeMap<String, crate::import::Entry>,
) -> crate::snapshot::Snapshot {
    entries.insert(
        "sts/caller-identity.json".into(),
        crate::import::Entry::Json(
            br#"{"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/x"}"#.to_vec(),
        ),
    );
    let source = MemorySource {
        entries,
        regions: ["us-east-1".to_string()].into(),
        method: "collect",
        ..Default::default()
    };
    crate::import::import_from(&source, &crate::import::ImportOptions::default())
        .expect("the collected evidence imports")
}
