//! `s3.secure_transport`: every bucket in the PHI scope refuses requests made without TLS: its
//! policy denies, to every principal, every S3 action on the bucket and its objects when
//! `aws:SecureTransport` is false.
//!
//! Only a statement that covers all of that counts: a Deny limited to some principals, some
//! actions or the bucket without its objects leaves a way in over plain HTTP.

use serde_json::Value;

use crate::checks::{Context, Finding, Outcome};

check! {
    SecureTransport = "s3.secure_transport",
    "Every S3 bucket holding PHI denies requests made without TLS",
    severity: High => "ePHI read or written over plain HTTP crosses the network unprotected",
    remediation: "Add a bucket policy statement that denies s3:* on the bucket and its objects to every principal when aws:SecureTransport is false."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    Ok(super::per_bucket(ctx, |b, pointer| {
        let at = format!("{pointer}/policy");
        let Some(policy) = &b.policy else {
            return ctx.missing(&b.arn, &at, &format!("bucket {}'s policy", b.name));
        };
        let Some(policy) = &policy.document else {
            return Finding::fail(
                &b.arn,
                format!("bucket {} has no bucket policy, so nothing denies requests without TLS", b.name),
                at,
            );
        };
        let at = format!("{at}/document");
        // Each statement with its pointer: `/Statement/<i>`, or `/Statement` for one object.
        let statements: Vec<(String, &Value)> = match policy.0.get("Statement") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("{at}/Statement/{i}"), s))
                .collect(),
            Some(one @ Value::Object(_)) => vec![(format!("{at}/Statement"), one)],
            _ => Vec::new(),
        };
        let objects = format!("{}/*", b.arn);
        match statements
            .iter()
            .find(|(_, s)| denies_insecure_transport(s, &b.arn, &objects))
        {
            Some((statement, _)) => Finding::pass(
                &b.arn,
                format!("bucket {}'s policy denies every request made without TLS", b.name),
                statement.clone(),
            ),
            None => Finding::fail(
                &b.arn,
                format!(
                    "bucket {}'s policy has no statement denying s3:* on the bucket and its objects to everyone when aws:SecureTransport is false",
                    b.name
                ),
                at,
            ),
        }
    }))
}

/// Whether statement `s` denies every principal every S3 action on `bucket` and `objects`
/// when the request is not made over TLS.
fn denies_insecure_transport(s: &Value, bucket: &str, objects: &str) -> bool {
    let strings = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::String(x)) => vec![x.clone()],
            Some(Value::Array(xs)) => xs.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        }
    };
    let everyone = match s.get("Principal") {
        Some(Value::String(p)) => p == "*",
        Some(Value::Object(m)) => strings(m.get("AWS")).iter().any(|p| p == "*"),
        _ => false,
    };
    let all_actions = strings(s.get("Action"))
        .iter()
        .any(|a| a == "*" || a.eq_ignore_ascii_case("s3:*"));
    let resources = strings(s.get("Resource"));
    let covers = |arn: &str| {
        resources
            .iter()
            .any(|r| safeguard_policy::glob::matches(r, arn, false))
    };
    s.get("Effect").and_then(Value::as_str) == Some("Deny")
        && s.get("NotPrincipal").is_none()
        && s.get("NotAction").is_none()
        && s.get("NotResource").is_none()
        && everyone
        && all_actions
        && covers(bucket)
        && covers(objects)
        && insecure_transport_condition(s.get("Condition"))
}

/// `{"Bool": {"aws:SecureTransport": "false"}}` (or `BoolIfExists`), and nothing else that
/// would narrow the Deny.
fn insecure_transport_condition(c: Option<&Value>) -> bool {
    let Some(Value::Object(ops)) = c else {
        return false;
    };
    ops.len() == 1
        && ops.iter().all(|(op, keys)| {
            let Value::Object(keys) = keys else {
                return false;
            };
            (op == "Bool" || op == "BoolIfExists")
                && keys.len() == 1
                && keys.iter().all(|(k, v)| {
                    let is_false = |v: &Value| match v {
                        Value::String(s) => s.eq_ignore_ascii_case("false"),
                        Value::Bool(b) => !b,
                        _ => false,
                    };
                    k.eq_ignore_ascii_case("aws:SecureTransport")
                        && match v {
                            Value::Array(vs) => !vs.is_empty() && vs.iter().all(is_false),
                            one => is_false(one),
                        }
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::s3::fixtures::{bucket, tls_only};
    use crate::checks::testutil::*;
    use crate::snapshot::PolicyDocument;

    fn with_policy(name: &str, statement: Value) -> crate::snapshot::s3::Bucket {
        let mut b = bucket(name);
        b.policy = Some(crate::snapshot::s3::Policy {
            document: Some(
                serde_json::from_value::<PolicyDocument>(serde_json::json!({"Statement": statement}))
                    .unwrap(),
            ),
        });
        b
    }

    fn deny(principal: Value, action: Value, resource: Value, condition: Value) -> Value {
        serde_json::json!({"Effect": "Deny", "Principal": principal, "Action": action, "Resource": resource, "Condition": condition})
    }

    #[test]
    fn only_a_deny_of_everything_without_tls_passes() {
        let both = serde_json::json!(["arn:aws:s3:::b/*", "arn:aws:s3:::b"]);
        let insecure = serde_json::json!({"BoolIfExists": {"aws:securetransport": false}});
        let cases = [
            // The canonical statement, as one object, with BoolIfExists and a boolean.
            (deny("*".into(), "s3:*".into(), both.clone(), insecure.clone()), "pass"),
            (deny(serde_json::json!({"AWS": ["*"]}), "*".into(), serde_json::json!("arn:aws:s3:::b*"), insecure.clone()), "pass"),
            // Objects only: the bucket's own actions stay open over HTTP.
            (deny("*".into(), "s3:*".into(), "arn:aws:s3:::b/*".into(), insecure.clone()), "fail"),
            // Some actions, some principals, or a narrower condition: not every request.
            (deny("*".into(), "s3:GetObject".into(), both.clone(), insecure.clone()), "fail"),
            (deny(serde_json::json!({"AWS": "arn:aws:iam::123456789012:root"}), "s3:*".into(), both.clone(), insecure.clone()), "fail"),
            (deny("*".into(), "s3:*".into(), both.clone(), serde_json::json!({"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:PrincipalAccount": "123456789012"}})), "fail"),
            // An Allow, or TLS true, says nothing of plain HTTP.
            (serde_json::json!({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": both.clone(), "Condition": {"Bool": {"aws:SecureTransport": "true"}}}), "fail"),
        ];
        for (statement, want) in cases {
            let mut s = snapshot();
            s.s3.buckets = Some(vec![with_policy("b", statement.clone())]);
            assert_eq!(statuses(&run(&SecureTransport, &s)), [want], "{statement}");
        }
        let mut s = snapshot();
        let mut none = bucket("n");
        none.policy = Some(crate::snapshot::s3::Policy { document: None });
        let mut unread = bucket("u");
        unread.policy = None;
        let mut fixture = bucket("f");
        fixture.policy = Some(crate::snapshot::s3::Policy {
            document: Some(tls_only("f")),
        });
        s.s3.buckets = Some(vec![fixture, none, unread]);
        assert_eq!(statuses(&run(&SecureTransport, &s)), ["pass", "fail", "error"]);
    }
}
