//! SDK responses rendered in the AWS CLI's JSON shapes (the import folder's format).
//! Field names are the API's own; absent values are left out, as the CLI leaves them out.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde_json::{Map, Value, json};

/// An API timestamp as the CLI prints it (ISO 8601, UTC).
pub fn time(t: Option<&DateTime>) -> Value {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
        .map_or(Value::Null, Value::String)
}

/// An object without its null members.
fn object(pairs: Vec<(&str, Value)>) -> Value {
    let map: Map<String, Value> = pairs
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    Value::Object(map)
}

fn s(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |v| Value::String(v.to_string()))
}

fn inline(p: &aws_sdk_iam::types::PolicyDetail) -> Value {
    // The API returns documents URL-encoded; the importer decodes them.
    object(vec![
        ("PolicyName", s(p.policy_name())),
        ("PolicyDocument", s(p.policy_document())),
    ])
}

fn attached(p: &aws_sdk_iam::types::AttachedPolicy) -> Value {
    object(vec![
        ("PolicyName", s(p.policy_name())),
        ("PolicyArn", s(p.policy_arn())),
    ])
}

fn boundary(b: Option<&aws_sdk_iam::types::AttachedPermissionsBoundary>) -> Value {
    b.map_or(Value::Null, |b| {
        object(vec![
            (
                "PermissionsBoundaryType",
                s(b.permissions_boundary_type().map(|t| t.as_str())),
            ),
            ("PermissionsBoundaryArn", s(b.permissions_boundary_arn())),
        ])
    })
}

fn tags(t: &[aws_sdk_iam::types::Tag]) -> Value {
    Value::Array(
        t.iter()
            .map(|t| json!({"Key": t.key(), "Value": t.value()}))
            .collect(),
    )
}

pub fn user_detail(u: &aws_sdk_iam::types::UserDetail) -> Value {
    object(vec![
        ("Path", s(u.path())),
        ("UserName", s(u.user_name())),
        ("UserId", s(u.user_id())),
        ("Arn", s(u.arn())),
        ("CreateDate", time(u.create_date())),
        (
            "UserPolicyList",
            Value::Array(u.user_policy_list().iter().map(inline).collect()),
        ),
        ("GroupList", json!(u.group_list())),
        (
            "AttachedManagedPolicies",
            Value::Array(u.attached_managed_policies().iter().map(attached).collect()),
        ),
        ("PermissionsBoundary", boundary(u.permissions_boundary())),
        ("Tags", tags(u.tags())),
    ])
}

pub fn group_detail(g: &aws_sdk_iam::types::GroupDetail) -> Value {
    object(vec![
        ("Path", s(g.path())),
        ("GroupName", s(g.group_name())),
        ("GroupId", s(g.group_id())),
        ("Arn", s(g.arn())),
        ("CreateDate", time(g.create_date())),
        (
            "GroupPolicyList",
            Value::Array(g.group_policy_list().iter().map(inline).collect()),
        ),
        (
            "AttachedManagedPolicies",
            Value::Array(g.attached_managed_policies().iter().map(attached).collect()),
        ),
    ])
}

pub fn role_detail(r: &aws_sdk_iam::types::RoleDetail) -> Value {
    let last_used = r.role_last_used().map_or(Value::Null, |l| {
        object(vec![
            ("LastUsedDate", time(l.last_used_date())),
            ("Region", s(l.region())),
        ])
    });
    object(vec![
        ("Path", s(r.path())),
        ("RoleName", s(r.role_name())),
        ("RoleId", s(r.role_id())),
        ("Arn", s(r.arn())),
        ("CreateDate", time(r.create_date())),
        (
            "AssumeRolePolicyDocument",
            s(r.assume_role_policy_document()),
        ),
        (
            "InstanceProfileList",
            Value::Array(
                r.instance_profile_list()
                    .iter()
                    .map(|p| {
                        object(vec![
                            ("InstanceProfileName", s(Some(p.instance_profile_name()))),
                            ("Arn", s(Some(p.arn()))),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "RolePolicyList",
            Value::Array(r.role_policy_list().iter().map(inline).collect()),
        ),
        (
            "AttachedManagedPolicies",
            Value::Array(r.attached_managed_policies().iter().map(attached).collect()),
        ),
        ("PermissionsBoundary", boundary(r.permissions_boundary())),
        ("Tags", tags(r.tags())),
        ("RoleLastUsed", last_used),
    ])
}

pub fn managed_policy(p: &aws_sdk_iam::types::ManagedPolicyDetail) -> Value {
    let versions: Vec<Value> = p
        .policy_version_list()
        .iter()
        .map(|v| {
            object(vec![
                ("Document", s(v.document())),
                ("VersionId", s(v.version_id())),
                ("IsDefaultVersion", Value::Bool(v.is_default_version())),
                ("CreateDate", time(v.create_date())),
            ])
        })
        .collect();
    object(vec![
        ("PolicyName", s(p.policy_name())),
        ("PolicyId", s(p.policy_id())),
        ("Arn", s(p.arn())),
        ("Path", s(p.path())),
        ("DefaultVersionId", s(p.default_version_id())),
        (
            "AttachmentCount",
            p.attachment_count().map_or(Value::Null, Value::from),
        ),
        (
            "PermissionsBoundaryUsageCount",
            p.permissions_boundary_usage_count()
                .map_or(Value::Null, Value::from),
        ),
        ("IsAttachable", Value::Bool(p.is_attachable())),
        ("Description", s(p.description())),
        ("CreateDate", time(p.create_date())),
        ("UpdateDate", time(p.update_date())),
        ("PolicyVersionList", Value::Array(versions)),
    ])
}

pub fn password_policy(p: &aws_sdk_iam::types::PasswordPolicy) -> Value {
    object(vec![
        (
            "MinimumPasswordLength",
            p.minimum_password_length().map_or(Value::Null, Value::from),
        ),
        ("RequireSymbols", Value::Bool(p.require_symbols())),
        ("RequireNumbers", Value::Bool(p.require_numbers())),
        (
            "RequireUppercaseCharacters",
            Value::Bool(p.require_uppercase_characters()),
        ),
        (
            "RequireLowercaseCharacters",
            Value::Bool(p.require_lowercase_characters()),
        ),
        (
            "AllowUsersToChangePassword",
            Value::Bool(p.allow_users_to_change_password()),
        ),
        ("ExpirePasswords", Value::Bool(p.expire_passwords())),
        (
            "MaxPasswordAge",
            p.max_password_age().map_or(Value::Null, Value::from),
        ),
        (
            "PasswordReusePrevention",
            p.password_reuse_prevention()
                .map_or(Value::Null, Value::from),
        ),
        (
            "HardExpiry",
            p.hard_expiry().map_or(Value::Null, Value::Bool),
        ),
    ])
}

/// Serial, owner and enable date only: the seed and QR code are secrets and never requested.
pub fn virtual_mfa_device(d: &aws_sdk_iam::types::VirtualMfaDevice) -> Value {
    let user = d.user().map_or(Value::Null, |u| {
        object(vec![
            ("UserName", s(Some(u.user_name()))),
            ("Arn", s(Some(u.arn()))),
        ])
    });
    object(vec![
        ("SerialNumber", s(Some(d.serial_number()))),
        ("User", user),
        ("EnableDate", time(d.enable_date())),
    ])
}

pub fn trail(t: &aws_sdk_cloudtrail::types::Trail) -> Value {
    object(vec![
        ("Name", s(t.name())),
        ("S3BucketName", s(t.s3_bucket_name())),
        ("S3KeyPrefix", s(t.s3_key_prefix())),
        ("SnsTopicARN", s(t.sns_topic_arn())),
        (
            "IncludeGlobalServiceEvents",
            t.include_global_service_events()
                .map_or(Value::Null, Value::Bool),
        ),
        (
            "IsMultiRegionTrail",
            t.is_multi_region_trail().map_or(Value::Null, Value::Bool),
        ),
        ("HomeRegion", s(t.home_region())),
        ("TrailARN", s(t.trail_arn())),
        (
            "LogFileValidationEnabled",
            t.log_file_validation_enabled()
                .map_or(Value::Null, Value::Bool),
        ),
        (
            "CloudWatchLogsLogGroupArn",
            s(t.cloud_watch_logs_log_group_arn()),
        ),
        ("CloudWatchLogsRoleArn", s(t.cloud_watch_logs_role_arn())),
        ("KmsKeyId", s(t.kms_key_id())),
        (
            "HasCustomEventSelectors",
            t.has_custom_event_selectors()
                .map_or(Value::Null, Value::Bool),
        ),
        (
            "HasInsightSelectors",
            t.has_insight_selectors().map_or(Value::Null, Value::Bool),
        ),
        (
            "IsOrganizationTrail",
            t.is_organization_trail().map_or(Value::Null, Value::Bool),
        ),
    ])
}

pub fn trail_status(
    t: &aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput,
) -> Value {
    object(vec![
        ("IsLogging", t.is_logging().map_or(Value::Null, Value::Bool)),
        ("LatestDeliveryError", s(t.latest_delivery_error())),
        ("LatestDeliveryTime", time(t.latest_delivery_time())),
        ("StartLoggingTime", time(t.start_logging_time())),
        ("StopLoggingTime", time(t.stop_logging_time())),
        (
            "LatestCloudWatchLogsDeliveryError",
            s(t.latest_cloud_watch_logs_delivery_error()),
        ),
        (
            "LatestCloudWatchLogsDeliveryTime",
            time(t.latest_cloud_watch_logs_delivery_time()),
        ),
        (
            "LatestDigestDeliveryTime",
            time(t.latest_digest_delivery_time()),
        ),
        (
            "LatestDigestDeliveryError",
            s(t.latest_digest_delivery_error()),
        ),
    ])
}

pub fn event_selectors(
    o: &aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput,
) -> Value {
    // The fields (not the slice accessors) keep "absent" apart from "empty": a trail on advanced
    // selectors has no basic ones.
    let basic = o.event_selectors.as_ref().map_or(Value::Null, |list| {
        Value::Array(
            list.iter()
                .map(|e| {
                    object(vec![
                        ("ReadWriteType", s(e.read_write_type().map(|r| r.as_str()))),
                        (
                            "IncludeManagementEvents",
                            e.include_management_events()
                                .map_or(Value::Null, Value::Bool),
                        ),
                        (
                            "DataResources",
                            Value::Array(
                                e.data_resources()
                                    .iter()
                                    .map(|d| json!({"Type": d.r#type(), "Values": d.values()}))
                                    .collect(),
                            ),
                        ),
                        (
                            "ExcludeManagementEventSources",
                            json!(e.exclude_management_event_sources()),
                        ),
                    ])
                })
                .collect(),
        )
    });
    let advanced = o
        .advanced_event_selectors
        .as_ref()
        .map_or(Value::Null, |list| {
            Value::Array(
                list.iter()
                    .map(|a| {
                        let fields: Vec<Value> = a
                            .field_selectors()
                            .iter()
                            .map(|f| {
                                let opt = |v: &Option<Vec<String>>| {
                                    v.as_ref().map_or(Value::Null, |v| json!(v))
                                };
                                object(vec![
                                    ("Field", Value::String(f.field().to_string())),
                                    ("Equals", opt(&f.equals)),
                                    ("StartsWith", opt(&f.starts_with)),
                                    ("EndsWith", opt(&f.ends_with)),
                                    ("NotEquals", opt(&f.not_equals)),
                                    ("NotStartsWith", opt(&f.not_starts_with)),
                                    ("NotEndsWith", opt(&f.not_ends_with)),
                                ])
                            })
                            .collect();
                        object(vec![
                            ("Name", s(a.name())),
                            ("FieldSelectors", Value::Array(fields)),
                        ])
                    })
                    .collect(),
            )
        });
    object(vec![
        ("TrailARN", s(o.trail_arn())),
        ("EventSelectors", basic),
        ("AdvancedEventSelectors", advanced),
    ])
}

pub fn configuration_recorder(r: &aws_sdk_config::types::ConfigurationRecorder) -> Value {
    let group = r.recording_group().map_or(Value::Null, |g| {
        object(vec![
            ("allSupported", Value::Bool(g.all_supported())),
            (
                "includeGlobalResourceTypes",
                Value::Bool(g.include_global_resource_types()),
            ),
            (
                "resourceTypes",
                Value::Array(
                    g.resource_types()
                        .iter()
                        .map(|t| Value::String(t.as_str().to_string()))
                        .collect(),
                ),
            ),
            (
                "recordingStrategy",
                g.recording_strategy().map_or(
                    Value::Null,
                    |st| json!({"useOnly": st.use_only().map(|u| u.as_str())}),
                ),
            ),
        ])
    });
    object(vec![
        ("name", s(r.name())),
        ("roleARN", s(r.role_arn())),
        ("recordingGroup", group),
    ])
}

pub fn recorder_status(st: &aws_sdk_config::types::ConfigurationRecorderStatus) -> Value {
    object(vec![
        ("name", s(st.name())),
        ("lastStartTime", time(st.last_start_time())),
        ("lastStopTime", time(st.last_stop_time())),
        ("recording", Value::Bool(st.recording())),
        ("lastStatus", s(st.last_status().map(|x| x.as_str()))),
        ("lastErrorCode", s(st.last_error_code())),
        ("lastErrorMessage", s(st.last_error_message())),
        ("lastStatusChangeTime", time(st.last_status_change_time())),
    ])
}

pub fn delivery_channel(d: &aws_sdk_config::types::DeliveryChannel) -> Value {
    object(vec![
        ("name", s(d.name())),
        ("s3BucketName", s(d.s3_bucket_name())),
        ("s3KeyPrefix", s(d.s3_key_prefix())),
        ("s3KmsKeyArn", s(d.s3_kms_key_arn())),
        ("snsTopicARN", s(d.sns_topic_arn())),
    ])
}

/// describe-delivery-channel-status, as the CLI prints one channel's status.
pub fn delivery_channel_status(d: &aws_sdk_config::types::DeliveryChannelStatus) -> Value {
    let export = |i: Option<&aws_sdk_config::types::ConfigExportDeliveryInfo>| {
        i.map_or(Value::Null, |i| {
            object(vec![
                ("lastStatus", s(i.last_status().map(|x| x.as_str()))),
                ("lastErrorCode", s(i.last_error_code())),
                ("lastErrorMessage", s(i.last_error_message())),
                ("lastAttemptTime", time(i.last_attempt_time())),
                ("lastSuccessfulTime", time(i.last_successful_time())),
            ])
        })
    };
    let stream = d.config_stream_delivery_info().map_or(Value::Null, |i| {
        object(vec![
            ("lastStatus", s(i.last_status().map(|x| x.as_str()))),
            ("lastErrorCode", s(i.last_error_code())),
            ("lastErrorMessage", s(i.last_error_message())),
            ("lastStatusChangeTime", time(i.last_status_change_time())),
        ])
    });
    object(vec![
        ("name", s(d.name())),
        (
            "configSnapshotDeliveryInfo",
            export(d.config_snapshot_delivery_info()),
        ),
        (
            "configHistoryDeliveryInfo",
            export(d.config_history_delivery_info()),
        ),
        ("configStreamDeliveryInfo", stream),
    ])
}

pub fn role_summary(r: &aws_sdk_iam::types::Role) -> Value {
    object(vec![
        ("RoleName", Value::String(r.role_name().to_string())),
        ("Arn", Value::String(r.arn().to_string())),
        (
            "MaxSessionDuration",
            r.max_session_duration().map_or(Value::Null, |d| json!(d)),
        ),
    ])
}

pub fn log_group(g: &aws_sdk_cloudwatchlogs::types::LogGroup) -> Value {
    object(vec![
        ("logGroupName", s(g.log_group_name())),
        ("arn", s(g.arn())),
        (
            "creationTime",
            g.creation_time().map_or(Value::Null, |t| json!(t)),
        ),
        (
            "retentionInDays",
            g.retention_in_days().map_or(Value::Null, |d| json!(d)),
        ),
        (
            "metricFilterCount",
            g.metric_filter_count().map_or(Value::Null, |d| json!(d)),
        ),
        (
            "storedBytes",
            g.stored_bytes().map_or(Value::Null, |d| json!(d)),
        ),
        ("kmsKeyId", s(g.kms_key_id())),
    ])
}

pub fn metric_filter(f: &aws_sdk_cloudwatchlogs::types::MetricFilter) -> Value {
    object(vec![
        ("filterName", s(f.filter_name())),
        ("filterPattern", s(f.filter_pattern())),
        ("logGroupName", s(f.log_group_name())),
        ("creationTime", f.creation_time().map_or(Value::Null, |t| json!(t))),
        (
            "metricTransformations",
            Value::Array(
                f.metric_transformations()
                    .iter()
                    .map(|t| {
                        json!({"metricName": t.metric_name(), "metricNamespace": t.metric_namespace(), "metricValue": t.metric_value()})
                    })
                    .collect(),
            ),
        ),
    ])
}

pub fn metric_alarm(a: &aws_sdk_cloudwatch::types::MetricAlarm) -> Value {
    object(vec![
        ("AlarmName", s(a.alarm_name())),
        ("AlarmArn", s(a.alarm_arn())),
        ("AlarmDescription", s(a.alarm_description())),
        (
            "ActionsEnabled",
            a.actions_enabled().map_or(Value::Null, Value::Bool),
        ),
        ("AlarmActions", json!(a.alarm_actions())),
        ("StateValue", s(a.state_value().map(|v| v.as_str()))),
        ("MetricName", s(a.metric_name())),
        ("Namespace", s(a.namespace())),
        ("Statistic", s(a.statistic().map(|v| v.as_str()))),
        ("Period", a.period().map_or(Value::Null, |p| json!(p))),
        (
            "EvaluationPeriods",
            a.evaluation_periods().map_or(Value::Null, |p| json!(p)),
        ),
        ("Threshold", a.threshold().map_or(Value::Null, |p| json!(p))),
        (
            "ComparisonOperator",
            s(a.comparison_operator().map(|v| v.as_str())),
        ),
    ])
}

/// A LookupEvents entry as the CLI prints it. The caller's access key id is left out: the
/// snapshot never carries credentials, not even their identifiers.
pub fn cloudtrail_event(e: &aws_sdk_cloudtrail::types::Event) -> Value {
    object(vec![
        ("EventId", s(e.event_id())),
        ("EventName", s(e.event_name())),
        ("ReadOnly", s(e.read_only())),
        ("EventTime", time(e.event_time())),
        ("EventSource", s(e.event_source())),
        ("Username", s(e.username())),
        (
            "Resources",
            Value::Array(
                e.resources()
                    .iter()
                    .map(|r| {
                        object(vec![
                            ("ResourceType", s(r.resource_type())),
                            ("ResourceName", s(r.resource_name())),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("CloudTrailEvent", s(e.cloud_trail_event())),
    ])
}
