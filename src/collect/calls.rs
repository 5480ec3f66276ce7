//! The API calls of a collection, and the interceptor that counts them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::{Region, SdkConfig};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::{Value, json};

use super::shapes::*;
use super::{Sink, b64, failure, log};

/// Counts every operation the SDK starts, as `service:Action` (the IAM action it needs), and with
/// `verbose` logs each one on stderr when it ends: action, region, attempts, duration, outcome.
/// Only these facts are logged, never requests or headers, so no signature or token can leak.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<Mutex<BTreeMap<String, usize>>>, pub bool);

/// Per-operation state kept in the SDK's config bag between interceptor hooks.
#[derive(Debug, Clone)]
struct CallStart {
    action: String,
    started: std::time::Instant,
    attempts: usize,
}

impl aws_smithy_types::config_bag::Storable for CallStart {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

impl CallCounter {
    pub fn verbose(verbose: bool) -> Self {
        CallCounter(Arc::default(), verbose)
    }

    pub fn snapshot(&self) -> BTreeMap<String, usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The IAM action prefix of an SDK service name.
fn action_prefix(service: &str) -> String {
    match service {
        "Config Service" => "config".into(),
        "CloudWatch Logs" => "logs".into(),
        "Elastic Load Balancing v2" => "elasticloadbalancing".into(),
        "EFS" => "elasticfilesystem".into(),
        other => other.to_ascii_lowercase().replace(' ', ""),
    }
}

/// The IAM action that authorizes an SDK operation: the operation's own name, except where
/// the service names its permission otherwise (so the collector's policy can be tested equal
/// to the calls it makes).
fn iam_action(prefix: &str, operation: &str) -> String {
    let action = match (prefix, operation) {
        ("s3", "ListBuckets") => "ListAllMyBuckets",
        ("s3", "GetBucketEncryption") => "GetEncryptionConfiguration",
        ("s3", "GetPublicAccessBlock") => "GetBucketPublicAccessBlock",
        ("s3control", "GetPublicAccessBlock") => return "s3:GetAccountPublicAccessBlock".into(),
        _ => operation,
    };
    format!("{prefix}:{action}")
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "safeguard::CallCounter"
    }

    fn read_before_serialization(
        &self,
        _ctx: &BeforeSerializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let key = match cfg.load::<Metadata>() {
            Some(meta) => iam_action(&action_prefix(meta.service()), meta.name()),
            None => "unknown".to_string(),
        };
        *self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.clone())
            .or_default() += 1;
        cfg.interceptor_state().store_put(CallStart {
            action: key,
            started: std::time::Instant::now(),
            attempts: 0,
        });
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _ctx: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(mut start) = cfg.load::<CallStart>().cloned() {
            start.attempts += 1;
            cfg.interceptor_state().store_put(start);
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        ctx: &aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef<
            '_,
        >,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !self.1 {
            return Ok(());
        }
        let Some(start) = cfg.load::<CallStart>() else {
            return Ok(());
        };
        let region = cfg
            .load::<aws_config::Region>()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "-".into());
        let outcome = match ctx.output_or_error() {
            Some(Ok(_)) => "ok".to_string(),
            Some(Err(e)) => match ctx.response() {
                Some(r) => format!(
                    "error {} {}",
                    r.status().as_u16(),
                    error_code(r).unwrap_or_else(|| "(no error code)".into())
                ),
                None if e.is_timeout_error() => "error (timed out)".into(),
                None => "error (no response: the endpoint could not be reached)".into(),
            },
            None => "no response".into(),
        };
        eprintln!(
            "  api {} region={region} attempts={} {:.0}ms {outcome}",
            start.action,
            start.attempts,
            start.started.elapsed().as_secs_f64() * 1000.0
        );
        Ok(())
    }
}

/// The AWS error code of an error response: the `x-amzn-ErrorType` header (JSON protocols),
/// else `__type` or `code` of a JSON body, else `<Code>` of an XML one (query protocols). Only
/// the code is taken, never anything else of the response.
fn error_code(r: &aws_smithy_runtime_api::http::Response) -> Option<String> {
    let clean = |s: &str| {
        let s = s.split(':').next().unwrap_or(s);
        let s = s.rsplit('#').next().unwrap_or(s);
        let s: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
            .take(80)
            .collect();
        (!s.is_empty()).then_some(s)
    };
    if let Some(h) = r.headers().get("x-amzn-errortype") {
        return clean(h);
    }
    let body = r.body().bytes()?;
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        return ["__type", "code", "Code"]
            .iter()
            .find_map(|k| v.get(k)?.as_str())
            .and_then(clean);
    }
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Code>")? + "<Code>".len();
    let end = text[start..].find("</Code>")? + start;
    clean(&text[start..end])
}

/// Every page of a paginated call, each handed to `each`. All or nothing: the first failure ends
/// it with the call's error text, since a partial listing would pass off missing items as absent.
/// A service that repeats a pagination marker, or keeps paging past `max_pages`, is a failure
/// too (a gap), not an endless run.
pub(super) async fn all_pages<P, E, R>(
    mut pages: aws_smithy_async::future::pagination_stream::PaginationStream<
        Result<P, SdkError<E, R>>,
    >,
    operation: &str,
    max_pages: usize,
    marker: impl Fn(&P) -> Option<&str>,
    mut each: impl FnMut(P),
) -> Result<(), String>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let mut seen = std::collections::HashSet::new();
    let mut count = 0usize;
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| failure(operation, &e))?;
        count += 1;
        if let Some(m) = marker(&page)
            && !seen.insert(m.to_string())
        {
            return Err(format!(
                "calling the {operation} operation failed: the service repeated a pagination marker after {count} page(s), so the listing cannot be complete"
            ));
        }
        if count > max_pages {
            return Err(format!(
                "calling the {operation} operation failed: still paging after {max_pages} pages (--max-pages); the listing was not finished"
            ));
        }
        each(page);
    }
    Ok(())
}

/// Files `rel` as the JSON `ok` renders, or as the failure's text.
fn file(
    sink: &Sink,
    rel: impl Into<String>,
    outcome: Result<(), String>,
    ok: impl FnOnce() -> Value,
) {
    match outcome {
        Ok(()) => sink.json(rel, &ok()),
        Err(text) => sink.failed(rel, text),
    }
}

/// IAM is global: one pass of paginated, account-wide calls.
pub(super) async fn iam(client: aws_sdk_iam::Client, sink: Sink, quiet: bool) {
    log(quiet, "  iam: authorization details");
    let (mut users, mut groups, mut roles, mut policies) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let outcome = all_pages(
        client
            .get_account_authorization_details()
            .into_paginator()
            .send(),
        "GetAccountAuthorizationDetails",
        sink.max_pages(),
        |p| p.marker(),
        |p| {
            users.extend(p.user_detail_list().iter().map(user_detail));
            groups.extend(p.group_detail_list().iter().map(group_detail));
            roles.extend(p.role_detail_list().iter().map(role_detail));
            policies.extend(p.policies().iter().map(managed_policy));
        },
    )
    .await;
    file(
        &sink,
        "iam/account-authorization-details.json",
        outcome,
        || json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies}),
    );

    log(quiet, "  iam: credential report");
    credential_report(&client, &sink).await;

    match client.get_account_password_policy().send().await {
        Ok(out) => sink.json(
            "iam/password-policy.json",
            &json!({"PasswordPolicy": out.password_policy().map(password_policy)}),
        ),
        Err(e) => sink.failed(
            "iam/password-policy.json",
            failure("GetAccountPasswordPolicy", &e),
        ),
    }
    match client.get_account_summary().send().await {
        Ok(out) => {
            let map: BTreeMap<String, i32> = out
                .summary_map()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.as_str().to_string(), *v))
                .collect();
            sink.json("iam/account-summary.json", &json!({"SummaryMap": map}));
        }
        Err(e) => sink.failed("iam/account-summary.json", failure("GetAccountSummary", &e)),
    }
    log(quiet, "  iam: roles");
    let mut roles = Vec::new();
    let outcome = all_pages(
        client.list_roles().max_items(1000).into_paginator().send(),
        "ListRoles",
        sink.max_pages(),
        |p| p.marker(),
        |p| roles.extend(p.roles().iter().map(role_summary)),
    )
    .await;
    file(&sink, "iam/roles.json", outcome, || json!({"Roles": roles}));

    let mut devices = Vec::new();
    let outcome = all_pages(
        client
            .list_virtual_mfa_devices()
            .max_items(1000)
            .into_paginator()
            .send(),
        "ListVirtualMFADevices",
        sink.max_pages(),
        |p| p.marker(),
        |p| devices.extend(p.virtual_mfa_devices().iter().map(virtual_mfa_device)),
    )
    .await;
    file(
        &sink,
        "iam/virtual-mfa-devices.json",
        outcome,
        || json!({"VirtualMFADevices": devices}),
    );
}

/// Generates the credential report and waits for it, with backoff, for about a minute at most.
async fn credential_report(client: &aws_sdk_iam::Client, sink: &Sink) {
    use aws_sdk_iam::types::ReportStateType;
    let rel = "iam/credential-report.json";
    let mut delay = Duration::from_millis(500);
    for attempt in 0..8 {
        match client.generate_credential_report().send().await {
            Ok(out) if out.state() == Some(&ReportStateType::Complete) => break,
            Ok(_) if attempt < 7 => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(15));
            }
            Ok(_) => break, // try to read whatever report exists
            Err(e) => {
                sink.failed(rel, failure("GenerateCredentialReport", &e));
                return;
            }
        }
    }
    match client.get_credential_report().send().await {
        Ok(out) => sink.json(
            rel,
            &json!({
                "Content": out.content().map(|b| b64(b.as_ref())),
                "ReportFormat": out.report_format().map(|f| f.as_str()),
                "GeneratedTime": time(out.generated_time()),
            }),
        ),
        Err(e) => sink.failed(rel, failure("GetCredentialReport", &e)),
    }
}

/// CloudTrail event history (LookupEvents) for one lookup attribute since `since`, every page.
pub(super) async fn lookup_events(
    ct: &aws_sdk_cloudtrail::Client,
    key: aws_sdk_cloudtrail::types::LookupAttributeKey,
    value: &str,
    since: aws_smithy_types::DateTime,
    sink: &Sink,
    rel: &str,
) {
    let attribute = match aws_sdk_cloudtrail::types::LookupAttribute::builder()
        .attribute_key(key)
        .attribute_value(value)
        .build()
    {
        Ok(a) => a,
        Err(e) => {
            sink.failed(rel, format!("cannot build the LookupEvents query: {e}"));
            return;
        }
    };
    let mut events = Vec::new();
    let outcome = all_pages(
        ct.lookup_events()
            .lookup_attributes(attribute)
            .start_time(since)
            .max_results(50)
            .into_paginator()
            .send(),
        "LookupEvents",
        sink.max_pages(),
        |p| p.next_token(),
        |p| events.extend(p.events().iter().map(cloudtrail_event)),
    )
    .await;
    file(sink, rel, outcome, || json!({"Events": events}));
}

/// IAM's change events, recorded in one region per partition.
pub(super) async fn iam_events(
    config: &SdkConfig,
    counter: &CallCounter,
    region: &str,
    since: aws_smithy_types::DateTime,
    sink: &Sink,
) {
    let ct = regional_client!(aws_sdk_cloudtrail, config, counter, region);
    lookup_events(
        &ct,
        aws_sdk_cloudtrail::types::LookupAttributeKey::EventSource,
        "iam.amazonaws.com",
        since,
        sink,
        "events/iam-changes.json",
    )
    .await;
}

/// [`log_groups`] into files of their own: the management account's log evidence of an
/// organization trail, asked with the hub's credentials.
pub(super) async fn log_evidence(
    config: &SdkConfig,
    counter: &CallCounter,
    region: &str,
    names: &[String],
    max_pages: usize,
) -> BTreeMap<String, crate::import::Entry> {
    let sink = Sink::with_max_pages(max_pages);
    log_groups(config, counter, region, names, &sink).await;
    std::mem::take(&mut *sink.0.lock().unwrap_or_else(|e| e.into_inner()))
}

/// CloudWatch Logs (the trail log groups homed here) and metric alarms in one region.
async fn log_groups(
    config: &SdkConfig,
    counter: &CallCounter,
    region: &str,
    names: &[String],
    sink: &Sink,
) {
    let logs = regional_client!(aws_sdk_cloudwatchlogs, config, counter, region);
    let (mut groups, mut filters) = (Vec::new(), Vec::new());
    let (mut groups_outcome, mut filters_outcome) = (Ok(()), Ok(()));
    for name in names {
        if groups_outcome.is_ok() {
            groups_outcome = all_pages(
                logs.describe_log_groups()
                    .log_group_name_prefix(name)
                    .into_paginator()
                    .send(),
                "DescribeLogGroups",
                sink.max_pages(),
                |p| p.next_token(),
                |p| {
                    groups.extend(
                        p.log_groups()
                            .iter()
                            .filter(|g| g.log_group_name() == Some(name.as_str()))
                            .map(log_group),
                    )
                },
            )
            .await;
        }
        if filters_outcome.is_ok() {
            filters_outcome = all_pages(
                logs.describe_metric_filters()
                    .log_group_name(name)
                    .into_paginator()
                    .send(),
                "DescribeMetricFilters",
                sink.max_pages(),
                |p| p.next_token(),
                |p| filters.extend(p.metric_filters().iter().map(metric_filter)),
            )
            .await;
        }
    }
    file(
        sink,
        format!("logs/{region}/log-groups.json"),
        groups_outcome,
        || json!({"logGroups": groups}),
    );
    file(
        sink,
        format!("logs/{region}/metric-filters.json"),
        filters_outcome,
        || json!({"metricFilters": filters}),
    );

    let cw = regional_client!(aws_sdk_cloudwatch, config, counter, region);
    let mut alarms = Vec::new();
    let outcome = all_pages(
        cw.describe_alarms()
            .alarm_types(aws_sdk_cloudwatch::types::AlarmType::MetricAlarm)
            .into_paginator()
            .send(),
        "DescribeAlarms",
        sink.max_pages(),
        |p| p.next_token(),
        |p| alarms.extend(p.metric_alarms().iter().map(metric_alarm)),
    )
    .await;
    file(
        sink,
        format!("cloudwatch/{region}/alarms.json"),
        outcome,
        || json!({"MetricAlarms": alarms}),
    );
}

/// CloudTrail, its CloudWatch Logs and alarms, root activity, and AWS Config in one region.
pub(super) async fn region(
    config: &SdkConfig,
    counter: &CallCounter,
    region: &str,
    since: aws_smithy_types::DateTime,
    sink: &Sink,
    quiet: bool,
) {
    log(quiet, format!("  region {region}"));
    let ct = regional_client!(aws_sdk_cloudtrail, config, counter, region);
    match ct
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
    {
        Ok(out) => {
            let trails: Vec<Value> = out.trail_list().iter().map(trail).collect();
            sink.json(
                format!("cloudtrail/{region}/trails.json"),
                &json!({"trailList": trails}),
            );
            // The trails' log groups live in the trail's home region (CloudTrail requires it).
            let mut groups: Vec<String> = out
                .trail_list()
                .iter()
                .filter(|t| t.home_region() == Some(region))
                .filter_map(|t| t.cloud_watch_logs_log_group_arn())
                .filter_map(crate::snapshot::log_group_of_arn)
                .map(|(_, name)| name)
                .collect();
            groups.sort();
            groups.dedup();
            if !groups.is_empty() {
                log_groups(config, counter, region, &groups, sink).await;
            }
            // Status and selectors are read once, in each trail's home region.
            for t in out
                .trail_list()
                .iter()
                .filter(|t| t.home_region() == Some(region))
            {
                let (Some(name), Some(arn)) = (t.name(), t.trail_arn()) else {
                    continue;
                };
                match ct.get_trail_status().name(arn).send().await {
                    Ok(s) => sink.json(
                        format!("cloudtrail/{region}/trail-status/{name}.json"),
                        &trail_status(&s),
                    ),
                    Err(e) => sink.failed(
                        format!("cloudtrail/{region}/trail-status/{name}.json"),
                        failure("GetTrailStatus", &e),
                    ),
                }
                match ct.get_event_selectors().trail_name(arn).send().await {
                    Ok(s) => sink.json(
                        format!("cloudtrail/{region}/event-selectors/{name}.json"),
                        &event_selectors(&s),
                    ),
                    Err(e) => sink.failed(
                        format!("cloudtrail/{region}/event-selectors/{name}.json"),
                        failure("GetEventSelectors", &e),
                    ),
                }
            }
        }
        Err(e) => sink.failed(
            format!("cloudtrail/{region}/trails.json"),
            failure("DescribeTrails", &e),
        ),
    }

    lookup_events(
        &ct,
        aws_sdk_cloudtrail::types::LookupAttributeKey::Username,
        "root",
        since,
        sink,
        &format!("events/{region}/root-activity.json"),
    )
    .await;

    let cfg = regional_client!(aws_sdk_config, config, counter, region);
    match cfg.describe_configuration_recorders().send().await {
        Ok(out) => sink.json(
            format!("config/{region}/configuration-recorders.json"),
            &json!({"ConfigurationRecorders": out.configuration_recorders().iter().map(configuration_recorder).collect::<Vec<_>>()}),
        ),
        Err(e) => sink.failed(format!("config/{region}/configuration-recorders.json"), failure("DescribeConfigurationRecorders", &e)),
    }
    match cfg.describe_configuration_recorder_status().send().await {
        Ok(out) => sink.json(
            format!("config/{region}/configuration-recorder-status.json"),
            &json!({"ConfigurationRecordersStatus": out.configuration_recorders_status().iter().map(recorder_status).collect::<Vec<_>>()}),
        ),
        Err(e) => sink.failed(format!("config/{region}/configuration-recorder-status.json"), failure("DescribeConfigurationRecorderStatus", &e)),
    }
    match cfg.describe_delivery_channels().send().await {
        Ok(out) => sink.json(
            format!("config/{region}/delivery-channels.json"),
            &json!({"DeliveryChannels": out.delivery_channels().iter().map(delivery_channel).collect::<Vec<_>>()}),
        ),
        Err(e) => sink.failed(format!("config/{region}/delivery-channels.json"), failure("DescribeDeliveryChannels", &e)),
    }
    match cfg.describe_delivery_channel_status().send().await {
        Ok(out) => sink.json(
            format!("config/{region}/delivery-channel-status.json"),
            &json!({"DeliveryChannelsStatus": out.delivery_channels_status().iter().map(delivery_channel_status).collect::<Vec<_>>()}),
        ),
        Err(e) => sink.failed(format!("config/{region}/delivery-channel-status.json"), failure("DescribeDeliveryChannelStatus", &e)),
    }
}

/// S3: the bucket list, then per bucket (at most eight at a time) its location, tags, default
/// encryption, versioning and policy, each filed as the AWS CLI writes it (`s3/<bucket>/…`),
/// a failed call as its error text (S3's "none configured" errors included: the importer
/// reads them as answers).
pub(super) async fn s3(config: &SdkConfig, counter: &CallCounter, sink: &Sink) {
    let client = |region: Option<&str>| {
        let mut b = aws_sdk_s3::config::Builder::from(config)
            .interceptor(counter.clone())
            .retry_classifier(crate::collect::retry::NotImplemented);
        if let Some(r) = region {
            b = b.region(Region::new(r.to_string()));
        }
        aws_sdk_s3::Client::from_conf(b.build())
    };
    let listing = client(None);
    // Every page: a list cut short would leave buckets unjudged and their absence unseen.
    let mut listed: Vec<aws_sdk_s3::types::Bucket> = Vec::new();
    let outcome = all_pages(
        listing.list_buckets().into_paginator().send(),
        "ListBuckets",
        sink.max_pages(),
        |p| p.continuation_token(),
        |p| listed.extend(p.buckets().iter().cloned()),
    )
    .await;
    if let Err(text) = outcome {
        sink.failed("s3/buckets.json", text);
        return;
    }
    let buckets: Vec<(String, Option<String>)> = listed
        .iter()
        .filter_map(|b| Some((b.name()?.to_string(), b.bucket_region().map(str::to_string))))
        .collect();
    sink.json(
        "s3/buckets.json",
        &json!({"Buckets": listed.iter().map(|b| json!({
            "Name": b.name(),
            "CreationDate": b.creation_date().map(|d| d.to_string()),
            "BucketRegion": b.bucket_region(),
        })).collect::<Vec<_>>()}),
    );
    let limit = Arc::new(tokio::sync::Semaphore::new(8));
    let mut tasks = tokio::task::JoinSet::new();
    for (name, listed_region) in buckets {
        // Only names S3 allows become paths (the importer checks again).
        if !crate::snapshot::s3::valid_bucket_name(&name) {
            continue;
        }
        let (listing, sink, limit, config, counter) = (
            listing.clone(),
            sink.clone(),
            limit.clone(),
            config.clone(),
            counter.clone(),
        );
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            bucket(&listing, &config, &counter, &sink, &name, listed_region).await;
        });
    }
    while tasks.join_next().await.is_some() {}
}

/// One bucket's evidence, asked of the bucket's own region.
async fn bucket(
    listing: &aws_sdk_s3::Client,
    config: &SdkConfig,
    counter: &CallCounter,
    sink: &Sink,
    name: &str,
    listed_region: Option<String>,
) {
    let dir = format!("s3/{name}");
    // ListBuckets names each bucket's region (BucketRegion) where S3 has it: GetBucketLocation
    // is asked only where it did not, so a bucket costs five calls, not seven.
    let region = match listed_region {
        Some(r) if !r.is_empty() => Some(r),
        _ => bucket_location(listing, sink, &dir, name).await,
    };
    let s3 = regional_client!(
        aws_sdk_s3,
        config,
        counter,
        region.unwrap_or_else(|| "us-east-1".into())
    );
    match s3.get_bucket_tagging().bucket(name).send().await {
        Ok(out) => sink.json(
            format!("{dir}/tagging.json"),
            &json!({"TagSet": out.tag_set().iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect::<Vec<_>>()}),
        ),
        Err(e) => sink.failed(format!("{dir}/tagging.json"), failure("GetBucketTagging", &e)),
    }
    match s3.get_bucket_encryption().bucket(name).send().await {
        Ok(out) => {
            let rules: Vec<Value> = out
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    json!({
                        "ApplyServerSideEncryptionByDefault": r.apply_server_side_encryption_by_default().map(|d| json!({
                            "SSEAlgorithm": d.sse_algorithm().as_str(),
                            "KMSMasterKeyID": d.kms_master_key_id(),
                        })),
                        "BucketKeyEnabled": r.bucket_key_enabled(),
                    })
                })
                .collect();
            sink.json(
                format!("{dir}/encryption.json"),
                &json!({"ServerSideEncryptionConfiguration": {"Rules": rules}}),
            );
        }
        Err(e) => sink.failed(
            format!("{dir}/encryption.json"),
            failure("GetBucketEncryption", &e),
        ),
    }
    match s3.get_bucket_versioning().bucket(name).send().await {
        Ok(out) => sink.json(
            format!("{dir}/versioning.json"),
            &json!({"Status": out.status().map(|s| s.as_str()), "MFADelete": out.mfa_delete().map(|m| m.as_str())}),
        ),
        Err(e) => sink.failed(format!("{dir}/versioning.json"), failure("GetBucketVersioning", &e)),
    }
    let has_policy = match s3.get_bucket_policy().bucket(name).send().await {
        Ok(out) => {
            sink.json(
                format!("{dir}/policy.json"),
                &json!({"Policy": out.policy()}),
            );
            true
        }
        Err(e) => {
            let none = e.as_service_error().and_then(|s| s.code()) == Some("NoSuchBucketPolicy");
            sink.failed(format!("{dir}/policy.json"), failure("GetBucketPolicy", &e));
            !none
        }
    };
    match s3.get_public_access_block().bucket(name).send().await {
        Ok(out) => sink.json(
            format!("{dir}/public-access-block.json"),
            &super::s3control::settings(out.public_access_block_configuration().map(|c| {
                [
                    c.block_public_acls(),
                    c.ignore_public_acls(),
                    c.block_public_policy(),
                    c.restrict_public_buckets(),
                ]
            })),
        ),
        Err(e) => sink.failed(
            format!("{dir}/public-access-block.json"),
            failure("GetPublicAccessBlock", &e),
        ),
    }
    // S3 judges a bucket public or not from its policy alone, and answers NoSuchBucketPolicy
    // for a bucket without one: that answer, just given, is not asked again (the importer
    // reads it as "not public through a policy").
    if !has_policy {
        return;
    }
    match s3.get_bucket_policy_status().bucket(name).send().await {
        Ok(out) => sink.json(
            format!("{dir}/policy-status.json"),
            &json!({"PolicyStatus": {"IsPublic": out.policy_status().and_then(|p| p.is_public())}}),
        ),
        Err(e) => sink.failed(
            format!("{dir}/policy-status.json"),
            failure("GetBucketPolicyStatus", &e),
        ),
    }
}

/// A bucket's region from GetBucketLocation (an empty constraint is us-east-1, which the
/// importer reads from the same file), for a bucket ListBuckets gave no region for.
async fn bucket_location(
    listing: &aws_sdk_s3::Client,
    sink: &Sink,
    dir: &str,
    name: &str,
) -> Option<String> {
    match listing.get_bucket_location().bucket(name).send().await {
        Ok(out) => {
            let constraint = out.location_constraint().map(|c| c.as_str().to_string());
            sink.json(
                format!("{dir}/location.json"),
                &json!({"LocationConstraint": constraint}),
            );
            constraint.filter(|c| !c.is_empty())
        }
        Err(e) => {
            sink.failed(
                format!("{dir}/location.json"),
                failure("GetBucketLocation", &e),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    //! Fault behaviour of the IAM pass, with SDK clients whose responses are mocked
    //! (aws-smithy-mocks): the moto tests cover the happy path against a real endpoint.

    use std::time::Duration;

    use aws_sdk_iam::error::ErrorMetadata;
    use aws_sdk_iam::operation::generate_credential_report::GenerateCredentialReportOutput;
    use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
    use aws_sdk_iam::operation::get_account_password_policy::GetAccountPasswordPolicyError;
    use aws_sdk_iam::operation::get_account_summary::{
        GetAccountSummaryError, GetAccountSummaryOutput,
    };
    use aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput;
    use aws_sdk_iam::operation::list_roles::ListRolesOutput;
    use aws_sdk_iam::operation::list_virtual_mfa_devices::ListVirtualMfaDevicesOutput;
    use aws_sdk_iam::types::{ReportStateType, SummaryKeyType};
    use aws_smithy_mocks::{
        MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock,
    };

    use super::super::Sink;
    use crate::import::{Entry, ImportOptions, MemorySource, import_from};
    use crate::snapshot::PasswordPolicyEvidence;

    /// An IAM client answered by `rules`. Built by hand rather than with `mock_client!`, whose
    /// test defaults need the SDK's `test-util` feature: with it as a dev-dependency feature the
    /// whole SDK would compile twice, once for the tests and once for the binary.
    fn mocked_iam(
        rules: &[Rule],
        configure: impl FnOnce(aws_sdk_iam::config::Builder) -> aws_sdk_iam::config::Builder,
    ) -> aws_sdk_iam::Client {
        let interceptor = rules.iter().fold(
            MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny),
            |i, rule| i.with_rule(rule),
        );
        let config = aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .region(aws_sdk_iam::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_iam::config::Credentials::new(
                "AKIDTEST", "test", None, None, "mock",
            ))
            .http_client(create_mock_http_client())
            .interceptor(interceptor);
        aws_sdk_iam::Client::from_conf(configure(config).build())
    }

    fn happy_rules() -> Vec<Rule> {
        vec![
            mock!(aws_sdk_iam::Client::get_account_authorization_details)
                .then_output(|| GetAccountAuthorizationDetailsOutput::builder().build()),
            mock!(aws_sdk_iam::Client::generate_credential_report).then_output(|| {
                GenerateCredentialReportOutput::builder()
                    .state(ReportStateType::Complete)
                    .build()
            }),
            mock!(aws_sdk_iam::Client::get_credential_report).then_output(|| {
                GetCredentialReportOutput::builder()
                    .content(aws_smithy_types::Blob::new(
                        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n\
                         <root_account>,arn:aws:iam::123456789012:root,2024-01-01T00:00:00+00:00,not_supported,N/A,not_supported,true,false,N/A,N/A,false,N/A,N/A\n",
                    ))
                    .generated_time(aws_smithy_types::DateTime::from_secs(1_793_527_200))
                    .build()
            }),
            mock!(aws_sdk_iam::Client::get_account_password_policy).then_error(|| {
                GetAccountPasswordPolicyError::generic(
                    ErrorMetadata::builder()
                        .code("NoSuchEntity")
                        .message("The Password Policy cannot be found.")
                        .build(),
                )
            }),
            mock!(aws_sdk_iam::Client::list_roles).then_output(|| {
                ListRolesOutput::builder()
                    .set_roles(Some(vec![]))
                    .build()
                    .unwrap()
            }),
            mock!(aws_sdk_iam::Client::list_virtual_mfa_devices).then_output(|| {
                ListVirtualMfaDevicesOutput::builder()
                    .set_virtual_mfa_devices(Some(vec![]))
                    .build()
                    .unwrap()
            }),
        ]
    }

    async fn run_iam(client: aws_sdk_iam::Client) -> MemorySource {
        let sink = Sink::default();
        super::iam(client, sink.clone(), true).await;
        let entries = std::mem::take(&mut *sink.0.lock().unwrap());
        let mut source = MemorySource {
            entries,
            method: "collect",
            ..Default::default()
        };
        source.entries.insert(
            "sts/caller-identity.json".into(),
            Entry::Json(
                br#"{"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/x"}"#
                    .to_vec(),
            ),
        );
        source
    }

    /// moto has no LookupEvents: the rendering of an SDK event into the CLI's shape, and its
    /// reduction by the importer, are pinned here instead.
    #[test]
    fn a_lookup_event_keeps_who_what_when_and_drops_keys_and_secrets() {
        let record = r#"{"userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/alice", "sessionContext": {"attributes": {"mfaAuthenticated": "true"}}}, "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.1", "requestParameters": {"userName": "bob", "password": "x", "nested": {"secretToken": "y", "keep": 1}}}"#;
        let event = aws_sdk_cloudtrail::types::Event::builder()
            .event_id("e-1")
            .event_name("CreateLoginProfile")
            .read_only("false")
            .access_key_id("AKIAEXAMPLE")
            .event_time(aws_smithy_types::DateTime::from_secs(1_793_527_200))
            .event_source("iam.amazonaws.com")
            .username("alice")
            .resources(
                aws_sdk_cloudtrail::types::Resource::builder()
                    .resource_type("AWS::IAM::User")
                    .resource_name("bob")
                    .build(),
            )
            .cloud_trail_event(record)
            .build();
        let sink = Sink::default();
        sink.json(
            "events/iam-changes.json",
            &serde_json::json!({"Events": [super::super::shapes::cloudtrail_event(&event)]}),
        );
        let text = match &sink.0.lock().unwrap()["events/iam-changes.json"] {
            Entry::Json(b) => String::from_utf8(b.clone()).unwrap(),
            Entry::Failed(t) => panic!("{t}"),
        };
        assert!(!text.contains("AKIAEXAMPLE"), "{text}");
        let mut source = MemorySource {
            entries: std::mem::take(&mut *sink.0.lock().unwrap()),
            method: "collect",
            ..Default::default()
        };
        source.entries.insert(
            "sts/caller-identity.json".into(),
            Entry::Json(
                br#"{"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/x"}"#
                    .to_vec(),
            ),
        );
        let snapshot = import_from(&source, &ImportOptions::default()).unwrap();
        let e = &snapshot
            .cloudtrail
            .event_history
            .iam_changes
            .as_ref()
            .unwrap()[0];
        assert_eq!(
            e.describe(),
            "2026-11-01T10:00:00Z arn:aws:iam::123456789012:user/alice called CreateLoginProfile on AWS::IAM::User bob in us-east-1 from 198.51.100.1 with MFA"
        );
        // Only the allow-listed fields are kept: no request parameter reaches the snapshot.
        let kept = serde_json::to_string(e).unwrap();
        assert!(
            !kept.contains("nested") && !kept.contains("userName"),
            "{kept}"
        );
    }

    #[tokio::test]
    async fn access_denied_on_one_api_is_a_gap_and_the_rest_goes_on() {
        let mut rules = happy_rules();
        rules.push(
            mock!(aws_sdk_iam::Client::get_account_summary).then_error(|| {
                GetAccountSummaryError::generic(
                    ErrorMetadata::builder()
                        .code("AccessDenied")
                        .message("not authorized to perform iam:GetAccountSummary")
                        .build(),
                )
            }),
        );
        let client = mocked_iam(&rules, |c| c);
        let source = run_iam(client).await;
        assert!(
            matches!(source.entries.get("iam/account-summary.json"), Some(Entry::Failed(t)) if t.contains("(AccessDenied)")),
            "{:?}",
            source.entries.get("iam/account-summary.json")
        );
        assert!(matches!(
            source.entries.get("iam/account-authorization-details.json"),
            Some(Entry::Json(_))
        ));

        let snapshot = import_from(&source, &ImportOptions::default()).unwrap();
        let gap = snapshot
            .gaps
            .iter()
            .find(|g| g.evidence == "/iam/account_summary")
            .expect("a gap for the denied call");
        assert!(gap.reason.contains("AccessDenied"), "{gap:?}");
        // NoSuchEntity on the password policy means "no policy", not a gap.
        assert!(matches!(
            snapshot.iam.password_policy,
            Some(PasswordPolicyEvidence::NotSet { .. })
        ));
        assert!(snapshot.iam.credential_report.is_some());
    }

    fn summary_rule() -> Rule {
        mock!(aws_sdk_iam::Client::get_account_summary)
            .then_output(|| GetAccountSummaryOutput::builder().build())
    }

    fn roles_page(marker: Option<String>) -> ListRolesOutput {
        ListRolesOutput::builder()
            .set_roles(Some(vec![]))
            .is_truncated(marker.is_some())
            .set_marker(marker)
            .build()
            .unwrap()
    }

    /// A service that pages forever, or repeats its marker, ends in a gap, not an endless run;
    /// the rest of the collection goes on.
    #[tokio::test]
    async fn endless_or_looping_pagination_is_a_gap() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static PAGE: AtomicUsize = AtomicUsize::new(0);
        for (looping, says) in [
            (false, "still paging after 5 pages"),
            (true, "repeated a pagination marker"),
        ] {
            let mut rules = vec![mock!(aws_sdk_iam::Client::list_roles).then_output(move || {
                let n = PAGE.fetch_add(1, Ordering::SeqCst);
                roles_page(Some(if looping {
                    "same-marker".to_string()
                } else {
                    format!("marker-{n}")
                }))
            })];
            rules.extend(happy_rules());
            rules.push(summary_rule());
            let client = mocked_iam(&rules, |c| c);
            let sink = Sink::with_max_pages(5);
            super::iam(client, sink.clone(), true).await;
            let entries = sink.0.lock().unwrap();
            assert!(
                matches!(entries.get("iam/roles.json"), Some(Entry::Failed(t)) if t.contains(says)),
                "{:?}",
                entries.get("iam/roles.json")
            );
            assert!(matches!(
                entries.get("iam/account-authorization-details.json"),
                Some(Entry::Json(_))
            ));
        }
    }

    /// One undecodable value in a live response is a gap for that evidence; the run goes on.
    #[tokio::test]
    async fn an_undecodable_response_is_a_gap_not_the_end_of_the_run() {
        let mut rules = vec![
            mock!(aws_sdk_iam::Client::get_credential_report).then_output(|| {
                GetCredentialReportOutput::builder()
                    .content(aws_smithy_types::Blob::new(
                        "this is not a CSV \u{1} report",
                    ))
                    .generated_time(aws_smithy_types::DateTime::from_secs(1_793_527_200))
                    .build()
            }),
        ];
        rules.extend(happy_rules());
        rules.push(summary_rule());
        let client = mocked_iam(&rules, |c| c);
        let source = run_iam(client).await;
        let snapshot = import_from(&source, &ImportOptions::default()).unwrap();
        assert!(snapshot.iam.credential_report.is_none());
        let gap = snapshot
            .gaps
            .iter()
            .find(|g| g.evidence == "/iam/credential_report")
            .expect("a gap for the report");
        assert!(gap.reason.contains("could not be decoded"), "{gap:?}");
        assert!(snapshot.iam.authorization_details.is_some());
    }

    #[tokio::test]
    async fn throttling_is_retried_until_it_succeeds() {
        let summary = mock!(aws_sdk_iam::Client::get_account_summary)
            .sequence()
            .error(|| {
                GetAccountSummaryError::generic(
                    ErrorMetadata::builder()
                        .code("Throttling")
                        .message("Rate exceeded")
                        .build(),
                )
            })
            .times(2)
            .output(|| {
                GetAccountSummaryOutput::builder()
                    .summary_map(SummaryKeyType::AccountMfaEnabled, 1)
                    .build()
            })
            .build();
        let mut rules = happy_rules();
        rules.push(summary.clone());
        let client = mocked_iam(&rules, |c| {
            c.retry_config(
                aws_config::retry::RetryConfig::standard()
                    .with_max_attempts(4)
                    .with_initial_backoff(Duration::from_millis(1)),
            )
        });
        let source = run_iam(client).await;
        assert_eq!(
            summary.num_calls(),
            3,
            "two throttled attempts, then success"
        );
        let snapshot = import_from(&source, &ImportOptions::default()).unwrap();
        assert_eq!(
            snapshot
                .iam
                .account_summary
                .unwrap()
                .get("AccountMFAEnabled"),
            Some(&1)
        );
        assert!(
            snapshot
                .gaps
                .iter()
                .all(|g| g.evidence != "/iam/account_summary")
        );
    }
}
