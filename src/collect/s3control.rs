//! The account's S3 Block Public Access (S3 Control, asked for the account being collected),
//! filed as the AWS CLI writes it (`s3control/public-access-block.json`), a failed call as its
//! error text (`NoSuchPublicAccessBlockConfiguration` is read as "none configured").

use aws_config::SdkConfig;
use serde_json::{Value, json};

use super::calls::CallCounter;
use super::{Sink, failure};

pub(super) async fn account_public_access_block(
    config: &SdkConfig,
    counter: &CallCounter,
    account: &str,
    sink: &Sink,
) {
    let client = aws_sdk_s3control::Client::from_conf(
        aws_sdk_s3control::config::Builder::from(config)
            .interceptor(counter.clone())
            .retry_classifier(crate::collect::retry::NotImplemented)
            .build(),
    );
    read(&client, account, sink).await;
}

/// The account's settings, asked of `client`.
async fn read(client: &aws_sdk_s3control::Client, account: &str, sink: &Sink) {
    let rel = "s3control/public-access-block.json";
    match client
        .get_public_access_block()
        .account_id(account)
        .send()
        .await
    {
        Ok(out) => sink.json(
            rel,
            &settings(out.public_access_block_configuration().map(|c| {
                [
                    c.block_public_acls(),
                    c.ignore_public_acls(),
                    c.block_public_policy(),
                    c.restrict_public_buckets(),
                ]
            })),
        ),
        Err(e) => sink.failed(rel, failure("GetPublicAccessBlock", &e)),
    }
}

/// Block Public Access settings as the CLI prints them (account or bucket: the same shape).
pub(super) fn settings(c: Option<[Option<bool>; 4]>) -> Value {
    let [acls, ignore, policy, restrict] = c.unwrap_or_default();
    json!({"PublicAccessBlockConfiguration": {
        "BlockPublicAcls": acls,
        "IgnorePublicAcls": ignore,
        "BlockPublicPolicy": policy,
        "RestrictPublicBuckets": restrict,
    }})
}

#[cfg(test)]
mod tests {
    use aws_sdk_s3control::error::ErrorMetadata;
    use aws_sdk_s3control::operation::get_public_access_block::{
        GetPublicAccessBlockError, GetPublicAccessBlockOutput,
    };
    use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
    use aws_smithy_mocks::mock;

    use super::*;

    /// The account's settings as filed and read back: all four on, or "none configured" (S3
    /// Control's error for an account that never set them) read as all off, never as a gap.
    #[tokio::test]
    async fn the_account_settings_are_filed_and_none_configured_reads_as_all_off() {
        for (configured, off) in [(true, 0), (false, 4)] {
            let rule = if configured {
                mock!(aws_sdk_s3control::Client::get_public_access_block).then_output(|| {
                    GetPublicAccessBlockOutput::builder()
                        .public_access_block_configuration(
                            PublicAccessBlockConfiguration::builder()
                                .block_public_acls(true)
                                .ignore_public_acls(true)
                                .block_public_policy(true)
                                .restrict_public_buckets(true)
                                .build(),
                        )
                        .build()
                })
            } else {
                mock!(aws_sdk_s3control::Client::get_public_access_block).then_error(|| {
                    GetPublicAccessBlockError::generic(
                        ErrorMetadata::builder()
                            .code("NoSuchPublicAccessBlockConfiguration")
                            .message("The public access block configuration was not found")
                            .build(),
                    )
                })
            };
            let client = mocked_client!(aws_sdk_s3control, [&rule]);
            let sink = Sink::default();
            read(&client, "123456789012", &sink).await;
            let entries = std::mem::take(&mut *sink.0.lock().unwrap());
            let snapshot = super::super::imported(entries);
            let read = snapshot
                .s3
                .account_public_access_block
                .expect("read, not a gap");
            assert_eq!(read.off().len(), off, "configured: {configured}");
        }
    }
}
