//! Retry only what a retry can fix. The SDK's adaptive retry repeats a server error (500) with
//! back-off; a local endpoint such as moto or LocalStack answers an operation it does not
//! implement with exactly that (moto: a 500 HTML page, or 404 for a service it lacks;
//! LocalStack: 501 or a `NotImplemented` code), so every such call waited out all its attempts. This classifier forbids the retry
//! when the answer says the operation is not implemented, or is not an AWS API response at all
//! (a 500/501 in HTML): a second try gets the same answer. Throttling, timeouts and AWS's own
//! 5xx errors are still retried.

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

impl ClassifyRetry for NotImplemented {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
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
    use super::not_implemented;

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
