//! Why the caller could not be identified, in one line a person can act on: the profile named
//! does not exist, there are no credentials at all (and what to set), the SSO session expired
//! (and how to log in), the endpoint cannot be reached (named), or AWS refused the credentials.
//! Never the SDK's Debug dump of its error chain.

use std::path::PathBuf;

use aws_config::SdkConfig;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_runtime_api::http::Response as HttpResponse;

use crate::error::Error;

/// The profile the SDK will use: `--profile`, else `AWS_PROFILE`.
pub fn selected_profile(profile: Option<&str>) -> Option<String> {
    profile
        .map(str::to_string)
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .filter(|p| !p.is_empty() && p != "default")
}

/// The AWS CLI's config and credentials files, as the SDK finds them.
fn profile_files() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let file = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)))
    };
    [
        file("AWS_CONFIG_FILE", "config"),
        file("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The profile names a config or credentials file declares: `[profile NAME]` in config,
/// `[NAME]` in either.
fn declared(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().filter_map(|l| {
        let inner = l.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
        let name = inner.strip_prefix("profile ").unwrap_or(inner).trim();
        (!name.is_empty() && !name.starts_with("sso-session ") && !name.starts_with("services "))
            .then(|| name.to_string())
    })
}

/// Whether profile `name` signs in with IAM Identity Center (an `sso_` key in its section).
fn uses_sso(name: &str) -> bool {
    profile_files()
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .any(|text| {
            let mut inside = false;
            text.lines().any(|l| {
                let l = l.trim();
                if l.starts_with('[') {
                    inside = declared(l).any(|n| n == name);
                    return false;
                }
                inside && l.starts_with("sso_")
            })
        })
}

/// Refuses a named profile that no config or credentials file declares, before any call: the
/// SDK would otherwise fall through to "no credentials", which names the wrong cause.
pub fn check_profile(profile: Option<&str>) -> crate::error::Result<()> {
    let Some(name) = selected_profile(profile) else {
        return Ok(());
    };
    let files = profile_files();
    let mut known: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|t| declared(&t).collect::<Vec<_>>())
        .collect();
    known.sort();
    known.dedup();
    if known.contains(&name) {
        return Ok(());
    }
    let from = if profile.is_some() {
        "--profile"
    } else {
        "AWS_PROFILE"
    };
    let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    Err(Error::Collection(format!(
        "profile {name:?} ({from}) is not in {}: {}",
        files.join(" or "),
        if known.is_empty() {
            "no profile is configured (`aws configure --profile NAME` or `aws configure sso` makes one)".to_string()
        } else {
            format!("the profiles there are {}", known.join(", "))
        }
    )))
}

/// One line saying why GetCallerIdentity failed, and what to do.
pub fn unidentified<E, R>(e: &SdkError<E, R>, config: &SdkConfig, profile: Option<&str>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let profile = selected_profile(profile);
    let login = match &profile {
        Some(p) => format!("aws sso login --profile {p}"),
        None => "aws sso login".into(),
    };
    if let Some(se) = e.as_service_error() {
        let code = se.code().unwrap_or("Unknown");
        let hint = match code {
            "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => {
                format!("the session expired: refresh the credentials (`{login}` for SSO)")
            }
            "InvalidClientTokenId" | "SignatureDoesNotMatch" | "UnrecognizedClientException" => {
                "the access key is not valid for this endpoint: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the profile's keys".into()
            }
            "AccessDenied" | "AccessDeniedException" => {
                "the credentials may not call sts:GetCallerIdentity (an SCP or permissions boundary denies it)".into()
            }
            _ => "see the AWS error above".into(),
        };
        return Error::Collection(format!(
            "AWS refused the credentials ({code}: {}): {hint}",
            crate::text::one_line(se.message().unwrap_or("no message"))
        ));
    }
    // An assumed role's credentials: what STS said of the AssumeRole call, however deep in
    // the credential chain's error it is.
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(SdkError::ServiceError(se)) =
            c.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>()
        {
            // An answer the SDK could not parse still carries the code in its body.
            let body = se
                .raw()
                .body()
                .bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            let between = |open: &str, close: &str| {
                let start = body.find(open)? + open.len();
                let end = body[start..].find(close)? + start;
                Some(body[start..end].to_string())
            };
            let code = se
                .err()
                .code()
                .map(str::to_string)
                .or_else(|| between("<Code>", "</Code>"))
                .unwrap_or_else(|| "Unknown".into());
            let message = se
                .err()
                .message()
                .map(str::to_string)
                .or_else(|| between("<Message>", "</Message>"))
                .unwrap_or_else(|| "no message".into());
            return Error::Collection(format!(
                "AssumeRole refused: {code}: {}",
                first_line(&crate::text::one_line(&message))
            ));
        }
        cause = c.source();
    }
    // The credential chain's own error, if that is where it failed.
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(ce) = c.downcast_ref::<CredentialsError>() {
            let text = chain_text(ce);
            let lower = text.to_lowercase();
            return Error::Collection(match ce {
                CredentialsError::CredentialsNotLoaded(_) if profile.is_none() => {
                    "no AWS credentials found: set AWS_PROFILE (or pass --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`, or run where an instance or task role is available".to_string()
                }
                _ if lower.contains("sso") && (lower.contains("expired") || lower.contains("token")) => {
                    format!("the SSO session has expired or was never started: run `{login}` and try again")
                }
                CredentialsError::ProviderTimedOut(_) => {
                    "the credential provider timed out (instance metadata or a credential_process that did not answer)".to_string()
                }
                _ => match &profile {
                    Some(p) if uses_sso(p) => format!(
                        "profile {p:?} signs in with AWS IAM Identity Center (SSO) and gave no credentials ({}): if the session expired, run `{login}`",
                        first_line(&text)
                    ),
                    Some(p) => format!("profile {p:?} gave no credentials: {}", first_line(&text)),
                    None => format!("no usable AWS credentials: {}", first_line(&text)),
                },
            });
        }
        cause = c.source();
    }
    if let SdkError::DispatchFailure(d) = e {
        let endpoint = endpoint_of(config);
        let why = if d.is_timeout() {
            "it did not answer in time"
        } else if d.is_io() {
            "the connection failed (refused, reset or no route)"
        } else {
            "the request could not be sent"
        };
        return Error::Collection(format!(
            "cannot reach {endpoint}: {why}; check the network, a proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL"
        ));
    }
    if let SdkError::TimeoutError(_) = e {
        return Error::Collection(format!(
            "{} did not answer within --call-timeout",
            endpoint_of(config)
        ));
    }
    Error::Collection(format!(
        "cannot identify the caller: {}",
        first_line(&chain_text(e))
    ))
}

/// Where STS calls go: AWS_ENDPOINT_URL (or the config's endpoint), else the regional endpoint.
fn endpoint_of(config: &SdkConfig) -> String {
    match config.endpoint_url() {
        Some(url) => format!("the endpoint {url}"),
        None => format!(
            "AWS STS in {}",
            config.region().map_or("us-east-1", |r| r.as_ref())
        ),
    }
}

/// An error and its sources, by Display only (never Debug), joined with ": ".
fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cause = Some(e);
    while let Some(c) = cause {
        let s = c.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cause = c.source();
    }
    parts.join(": ")
}

/// The first line of `s`, at most 300 characters.
fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::declared;

    #[test]
    fn profiles_are_read_from_both_file_forms() {
        let config =
            "[default]\nregion=us-east-1\n[profile audit]\nsso_session = x\n[sso-session x]\n";
        assert_eq!(declared(config).collect::<Vec<_>>(), ["default", "audit"]);
        assert_eq!(
            declared("[ci]\naws_access_key_id=A\n").collect::<Vec<_>>(),
            ["ci"]
        );
    }
}

/// Who the credentials are, as GetCallerIdentity answers.
#[derive(Debug, Clone)]
pub struct Identity {
    pub account: String,
    pub partition: String,
    pub arn: String,
    pub user_id: String,
}

/// Asks STS who the credentials are. Without an identity nothing else can work, so a failure
/// is "collection could not run" (exit 3) with one line naming the cause. The account id and
/// partition will name folders and ARNs: an answer that is not what AWS issues means the
/// endpoint is not AWS, and nothing collected from it can be trusted.
pub async fn identify(
    config: &SdkConfig,
    counter: &super::CallCounter,
    profile: Option<&str>,
) -> crate::error::Result<Identity> {
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(config)
            .interceptor(counter.clone())
            .retry_classifier(super::retry::NotImplemented)
            .build(),
    );
    let me = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| unidentified(&e, config, profile))?;
    let account = me.account().unwrap_or_default();
    let partition = me
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or_default();
    if !crate::snapshot::valid_account_id(account) || !crate::snapshot::valid_partition(partition) {
        return Err(Error::Collection(format!(
            "GetCallerIdentity answered account {account:?} in partition {partition:?}: not an AWS account id (12 digits) and partition"
        )));
    }
    Ok(Identity {
        account: account.to_string(),
        partition: partition.to_string(),
        arn: me.arn().unwrap_or_default().to_string(),
        user_id: me.user_id().unwrap_or_default().to_string(),
    })
}
