//! CloudTrail event history (LookupEvents): IAM changes and root activity, each record reduced
//! to who, what, when, from where and with or without MFA (no access key id, no secret
//! parameter).

use super::*;

/// The start of the CloudTrail event-history window, when the export records it.
#[derive(Deserialize)]
pub(super) struct EventWindow {
    #[serde(default)]
    pub(super) events_since: Option<AwsTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct LookupEventsFile {
    #[serde(default)]
    pub(super) events: Vec<RawEvent>,
}

/// One entry of `aws cloudtrail lookup-events`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RawEvent {
    pub(super) event_id: String,
    pub(super) event_name: String,
    #[serde(default)]
    pub(super) read_only: Option<String>,
    #[serde(default)]
    pub(super) event_time: Option<AwsTime>,
    #[serde(default)]
    pub(super) event_source: Option<String>,
    #[serde(default)]
    pub(super) username: Option<String>,
    #[serde(default)]
    pub(super) resources: Vec<RawEventResource>,
    /// The full event record, as a JSON string.
    #[serde(default)]
    pub(super) cloud_trail_event: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RawEventResource {
    #[serde(default)]
    pub(super) resource_type: Option<String>,
    #[serde(default)]
    pub(super) resource_name: Option<String>,
}

/// The IAM evidence of an event record (the `CloudTrailEvent` string).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct EventRecord {
    #[serde(default)]
    pub(super) user_identity: Option<Value>,
    #[serde(default)]
    pub(super) aws_region: Option<String>,
    #[serde(rename = "sourceIPAddress", default)]
    pub(super) source_ip_address: Option<String>,
    #[serde(default)]
    pub(super) error_code: Option<String>,
    #[serde(default)]
    pub(super) additional_event_data: Option<Value>,
    #[serde(default)]
    pub(super) response_elements: Option<Value>,
}

/// The region global IAM events are recorded in, per partition.
pub fn iam_event_region(partition: &str) -> &'static str {
    match partition {
        "aws-us-gov" => "us-gov-west-1",
        "aws-cn" => "cn-north-1",
        _ => "us-east-1",
    }
}

/// A LookupEvents entry reduced to an allow-list of what the checks and the auditor need: who
/// (identity type and ARN, user name, MFA), what (event name and source, resource names), when,
/// from where, and the error code. Request parameters, error messages, the caller's access key
/// and everything else in the record are left out; access-key ids anywhere in what is kept are
/// masked when the snapshot is sanitized.
pub(super) fn reduce_event(path: &Path, i: usize, raw: RawEvent) -> Result<CloudTrailEvent> {
    let record: EventRecord = match raw.cloud_trail_event.as_deref() {
        None => EventRecord::default(),
        Some(text) => serde_json::from_str(text).map_err(|e| {
            Error::bad_input(
                path,
                Location {
                    pointer: Some(format!("/Events/{i}/CloudTrailEvent")),
                    ..Default::default()
                },
                format!("the event record is not JSON: {e}"),
            )
        })?,
    };
    let identity = record.user_identity.unwrap_or(Value::Null);
    let flag = |v: Option<&Value>| match v.and_then(Value::as_str) {
        Some(s) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") => Some(true),
        Some(s) if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") => Some(false),
        _ => v.and_then(Value::as_bool),
    };
    let mfa = flag(identity.pointer("/sessionContext/attributes/mfaAuthenticated")).or_else(|| {
        flag(
            record
                .additional_event_data
                .as_ref()
                .and_then(|d| d.get("MFAUsed")),
        )
    });
    // A failed console sign-in has no errorCode; its outcome is in responseElements.
    let console_failure = record
        .response_elements
        .as_ref()
        .and_then(|r| r.get("ConsoleLogin"))
        .and_then(Value::as_str)
        .filter(|s| *s == "Failure")
        .map(|_| "ConsoleLoginFailure".to_string());
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    Ok(CloudTrailEvent {
        event_id: raw.event_id,
        event_time: raw.event_time,
        event_name: raw.event_name,
        event_source: raw.event_source.unwrap_or_default(),
        aws_region: record.aws_region,
        username: raw.username,
        identity_type: text(identity.get("type")),
        identity_arn: text(identity.get("arn")),
        mfa_authenticated: mfa,
        source_ip: record.source_ip_address,
        error_code: record.error_code.or(console_failure),
        read_only: raw
            .read_only
            .as_deref()
            .map(|s| s.eq_ignore_ascii_case("true")),
        resources: raw
            .resources
            .into_iter()
            .map(|r| {
                // CreateAccessKey and friends name the key: masked here, where it is common.
                crate::snapshot::mask_access_keys(
                    format!(
                        "{} {}",
                        r.resource_type.unwrap_or_default(),
                        r.resource_name.unwrap_or_default()
                    )
                    .trim(),
                )
            })
            .collect(),
    })
}

impl Importer<'_> {
    /// CloudTrail event history: IAM changes from the region IAM records in, root activity
    /// from every region.
    pub(super) fn event_history(
        &mut self,
        regions: &BTreeSet<String>,
        partition: &str,
    ) -> Result<EventHistory> {
        let start_time = match self.read::<EventWindow>("export-info.json")? {
            Read::Ok(w) => w.events_since,
            _ => None,
        };
        let iam_region = iam_event_region(partition);
        let iam_changes = self
            .read_lookup(
                "events/iam-changes.json",
                "/cloudtrail/event_history/iam_changes",
                &format!("aws cloudtrail lookup-events --region {iam_region} --lookup-attributes AttributeKey=EventSource,AttributeValue=iam.amazonaws.com"),
            )?
            .map(|events| events.into_iter().filter(|e| e.read_only != Some(true)).collect());
        let mut root_activity = BTreeMap::new();
        for region in regions {
            let events = self.read_lookup(
                &format!("events/{region}/root-activity.json"),
                &crate::snapshot::pointer::root_activity(region),
                &format!("aws cloudtrail lookup-events --region {region} --lookup-attributes AttributeKey=Username,AttributeValue=root"),
            )?;
            root_activity.insert(region.clone(), events);
        }
        Ok(EventHistory {
            start_time,
            iam_changes,
            root_activity,
        })
    }

    pub(super) fn read_lookup(
        &mut self,
        rel: &str,
        pointer: &str,
        command: &str,
    ) -> Result<Option<Vec<CloudTrailEvent>>> {
        let Some(pages) = self.read_pages_or_gap::<LookupEventsFile>(rel, pointer, command)? else {
            return Ok(None);
        };
        let path = self.path(rel);
        let reduced: Result<Vec<CloudTrailEvent>> = pages
            .into_iter()
            .flat_map(|p| p.events)
            .enumerate()
            .map(|(i, raw)| reduce_event(&path, i, raw))
            .collect();
        let Some(mut events) = self.soften(reduced, pointer, &format!("{command} ({rel})"))? else {
            return Ok(None);
        };
        events.sort_by(|a, b| {
            (a.event_time.as_ref().map(|t| &t.0), &a.event_id)
                .cmp(&(b.event_time.as_ref().map(|t| &t.0), &b.event_id))
        });
        events.dedup_by(|a, b| a.event_id == b.event_id);
        Ok(Some(events))
    }
}
