//! Retry only what a retry can fix. The SDK's adaptive retry repeats a server error (500) with
//! back-off; a local endpoint such as moto or LocalStack answers an operation it does not
//! implement with exactly that (moto: a 500 HTML page, or 404 for a service it lacks;
//! LocalStack: 501 or a `NotImplemented` code), so every such call waited out all its attempts. This classifier forbids the retry
//! when the answer says the operation is not implemented, or is not an AWS API response at all
//! (a 500/501 in HTML): a second try gets the same answer. The same goes for a host name the
//! resolver says does not exist (a service with no endpoint in a region, an endpoint whose host
//! the SDK prefixes with the account id, a mistyped `AWS_ENDPOINT_URL`): the SDK counts it a
//! transient I/O error, and six attempts with back-off took 17 s to learn nothing. A resolver
//! that could not answer ("temporary failure") is still retried, as are throttling, timeouts
//! and AWS's own 5xx errors.

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};

#[derive(Debug, Clone, Copy)]
pub struct NotImplemented;

/// Whether an HTTP answer says the operation is not implemented (or is no AWS answer).
pub fn not_implemented(status: u16, content_type: Option<&str>, body: &[u8]) -> bool {
    if status == 501 {
        return true;
    }
    // No AWS API answers in HTML: a 404 or 500 web page is a server that has no such
    // operation (moto answers an unknown service with a 404 page, an unknown action with a 500).
    let html = content_type.is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html"));
    if html && (status == 404 || status == 500) {
        return true;
    }
    if !(500..600).contains(&status) {
        return false;
    }
    // Only the start of the body is read: an error document is short.
    let head = String::from_utf8_lossy(&body[..body.len().min(4096)]).to_ascii_lowercase();
    head.contains("notimplemented")
        || head.contains("not implemented")
        || head.contains("not yet implemented")
        || head.contains("has not been implemented")
}

/// Whether a failed connection's cause is a host name that does not exist: the resolver's
/// definite "no such name" (glibc's and musl's EAI_NONAME and EAI_NODATA texts, macOS's), read
/// down the error's whole source chain, where hyper puts it under "dns error".
pub fn unknown_host(error: &(dyn std::error::Error + 'static)) -> bool {
    const NO_SUCH_NAME: [&str; 4] = [
        "name or service not known",
        "no address associated with hostname",
        "nodename nor servname provided",
        "name does not resolve",
    ];
    let mut cause = Some(error);
    while let Some(e) = cause {
        let text = e.to_string().to_ascii_lowercase();
        if NO_SUCH_NAME.iter().any(|n| text.contains(n)) {
            return true;
        }
        cause = e.source();
    }
    false
}

impl ClassifyRetry for NotImplemented {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        if let Some(Err(e)) = ctx.output_or_error()
            && let Some(connect) = e.as_connector_error()
            && unknown_host(connect)
        {
            return RetryAction::RetryForbidden;
        }
        let Some(response) = ctx.response() else {
            return RetryAction::NoActionIndicated;
        };
        let status = response.status().as_u16();
        let body = response.body().bytes().unwrap_or_default();
        if not_implemented(status, response.headers().get("content-type"), body) {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "safeguard: no retry of an operation the endpoint does not implement"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

#[cfg(test)]
mod tests {
    use super::{not_implemented, unknown_host};
    use aws_smithy_runtime_api::client::result::ConnectorError;

    /// hyper's connect error as the SDK wraps it: the resolver's text two causes down.
    #[derive(Debug)]
    struct Wrapped(&'static str, std::io::Error);
    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.1)
        }
    }

    fn connect_error(resolver: &str) -> ConnectorError {
        let cause =
            std::io::Error::other(format!("failed to lookup address information: {resolver}"));
        ConnectorError::io(Box::new(Wrapped("client error (Connect)", cause)))
    }

    #[test]
    fn a_host_that_does_not_exist_is_final_a_resolver_that_failed_is_not() {
        for gone in [
            "Name or service not known",
            "No address associated with hostname",
            "nodename nor servname provided, or not known",
            "Name does not resolve",
        ] {
            assert!(unknown_host(&connect_error(gone)), "{gone}");
        }
        for transient in [
            "Temporary failure in name resolution",
            "Try again",
            "connection refused",
        ] {
            assert!(!unknown_host(&connect_error(transient)), "{transient}");
        }
        let refused = ConnectorError::io(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused,
        )));
        assert!(!unknown_host(&refused));
    }

    #[test]
    fn only_answers_that_a_retry_cannot_change_are_final() {
        // moto's unimplemented action, LocalStack's, and a coded NotImplemented.
        assert!(not_implemented(
            500,
            Some("text/html; charset=utf-8"),
            b"<!doctype html>"
        ));
        assert!(not_implemented(501, Some("application/xml"), b""));
        assert!(not_implemented(
            404,
            Some("text/html"),
            b"<!doctype html><title>404 Not Found</title>"
        ));
        // An AWS 404 (no such key, no such entity) is an answer, not a missing operation.
        assert!(!not_implemented(
            404,
            Some("application/xml"),
            b"<Code>NoSuchEntity</Code>"
        ));
        assert!(not_implemented(
            500,
            Some("application/x-amz-json-1.1"),
            br#"{"__type":"InternalFailure","message":"API action 'ListRegions' for service 'account' not yet implemented"}"#
        ));
        // AWS's own transient errors, throttling and gateways: retried as before.
        assert!(!not_implemented(
            500,
            Some("text/xml"),
            b"<Error><Code>InternalError</Code></Error>"
        ));
        assert!(!not_implemented(
            503,
            Some("text/html"),
            b"<html>Service Unavailable</html>"
        ));
        assert!(!not_implemented(
            400,
            Some("text/xml"),
            b"<Code>Throttling</Code>"
        ));
    }
}
