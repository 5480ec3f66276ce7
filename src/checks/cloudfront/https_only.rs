//! `cloudfront.https_only`: every CloudFront distribution in the PHI scope serves viewers over
//! HTTPS only (`redirect-to-https` or `https-only` on every cache behavior), with a certificate
//! whose minimum protocol is at least `min_protocol`, and reaches its custom origins over HTTPS.
//!
//! One finding per distribution. A viewer policy, protocol or origin policy the engine does not
//! know is a gap, never a pass; a disabled distribution serves no one and is not applicable.

use crate::checks::{Context, Finding, FindingStatus, Outcome};
use crate::phi_scope::Membership;
use crate::snapshot::cloudfront::{Distribution, PROTOCOLS};

check! {
    HttpsOnly = "cloudfront.https_only",
    "Every CloudFront distribution carrying PHI requires HTTPS from viewers, on TLS 1.2 or later, and to its origins",
    severity: High => "ePHI served or fetched over plain HTTP, or over TLS versions with known weaknesses, can be read or altered in transit",
    remediation: "Set every cache behavior's viewer protocol policy to redirect-to-https or https-only, use a custom certificate with a security policy of min_protocol or later, and set custom origins' protocol policy to https-only (aws cloudfront update-distribution).",
    params {
        min_protocol: text("TLSv1.2_2021") "the oldest viewer security policy (MinimumProtocolVersion) accepted, e.g. TLSv1.2_2021"
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let Some(list) = &ctx.snapshot.cloudfront.distributions else {
        return Err(Box::new(ctx.missing(
            ctx.account_resource("cloudfront"),
            "/cloudfront/distributions",
            "the account's CloudFront distribution list",
        )));
    };
    let Some(required) = PROTOCOLS.iter().position(|p| *p == settings.min_protocol) else {
        return Err(Box::new(Finding::new(
            ctx.account_resource("cloudfront"),
            FindingStatus::Error,
            format!(
                "the parameter min_protocol {:?} is not a CloudFront security policy (one of {})",
                crate::text::line(&settings.min_protocol),
                PROTOCOLS.join(", ")
            ),
            "/cloudfront/distributions",
        )));
    };
    if list.is_empty() {
        return Ok(vec![Finding::not_applicable(
            ctx.account_resource("cloudfront"),
            "the account has no CloudFront distribution",
            "/cloudfront/distributions",
        )]);
    }
    Ok(list
        .iter()
        .enumerate()
        .map(|(i, d)| judge(ctx, d, &format!("/cloudfront/distributions/{i}"), required))
        .collect())
}

fn judge(ctx: &Context<'_>, d: &Distribution, at: &str, required: usize) -> Finding {
    let label = format!("distribution {} ({})", d.id, d.domain);
    match crate::checks::stores::membership(ctx, &d.arn, d.tags.as_deref()) {
        Membership::Out(why) => return Finding::not_applicable(&d.arn, why, at),
        Membership::Undecided(_) => {
            return ctx.missing(
                &d.arn,
                &format!("{at}/tags"),
                &format!("{label}'s tags, which decide whether it carries PHI,"),
            );
        }
        Membership::In(_) => {}
    }
    if d.enabled == Some(false) {
        return Finding::not_applicable(&d.arn, format!("{label} is disabled: it serves no viewer"), format!("{at}/enabled"));
    }
    let (mut plain, mut unknown) = (Vec::new(), Vec::new());
    for b in &d.behaviors {
        match b.viewer_protocol.as_str() {
            "redirect-to-https" | "https-only" => {}
            "allow-all" => plain.push(format!("behavior {} serves viewers over plain HTTP (allow-all)", b.path)),
            other => unknown.push(format!("behavior {}'s viewer protocol policy {:?} is not one CloudFront has", b.path, crate::text::line(other))),
        }
    }
    if d.default_certificate {
        plain.push("it uses CloudFront's default *.cloudfront.net certificate, which accepts TLS 1.0 whatever the minimum protocol says".to_string());
    } else {
        match d.min_protocol.as_deref().map(|p| (p, PROTOCOLS.iter().position(|k| *k == p))) {
            None => unknown.push("its certificate's minimum protocol is not in the evidence".to_string()),
            Some((p, None)) => unknown.push(format!("its minimum protocol {:?} is not a security policy the engine knows", crate::text::line(p))),
            Some((p, Some(k))) if k < required => {
                plain.push(format!("its certificate accepts {p}, older than the required {}", PROTOCOLS[required]))
            }
            Some(_) => {}
        }
    }
    for o in &d.origins {
        match o.protocol.as_deref() {
            // S3 origins and match-viewer use the viewer's protocol, judged above.
            None | Some("match-viewer") | Some("https-only") => {}
            Some("http-only") => plain.push(format!("it fetches from origin {} ({}) over plain HTTP", o.id, o.domain)),
            Some(other) => unknown.push(format!("origin {}'s protocol policy {:?} is not one CloudFront has", o.id, crate::text::line(other))),
        }
    }
    if !plain.is_empty() {
        Finding::fail(&d.arn, format!("{label}: {}", plain.join("; ")), at)
    } else if !unknown.is_empty() {
        Finding::new(&d.arn, FindingStatus::Error, format!("whether {label} requires TLS cannot be decided: {}", unknown.join("; ")), at)
    } else {
        Finding::pass(
            &d.arn,
            format!(
                "{label} requires HTTPS on every behavior, accepts {} or later, and reaches its origins over HTTPS",
                d.min_protocol.as_deref().unwrap_or_default()
            ),
            at,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::cloudfront::fixtures::{cloudfront, distribution};
    use crate::checks::testutil::*;

    #[test]
    fn https_everywhere_passes_and_each_plain_path_fails() {
        let mut s = snapshot();
        let mut allow = distribution("E2ALLOWALL");
        allow.behaviors.push(crate::snapshot::cloudfront::Behavior {
            path: "/static/*".into(),
            viewer_protocol: "allow-all".into(),
            origin: "portal".into(),
        });
        let mut default_cert = distribution("E3DEFAULT");
        default_cert.default_certificate = true;
        default_cert.min_protocol = Some("TLSv1".into());
        let mut old = distribution("E4OLDTLS");
        old.min_protocol = Some("TLSv1.1_2016".into());
        let mut origin = distribution("E5ORIGIN");
        origin.origins[0].protocol = Some("http-only".into());
        s.cloudfront = cloudfront(vec![distribution("E1GOOD"), allow, default_cert, old, origin]);
        let f = run(&HttpsOnly, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "fail", "fail", "fail"]);
        assert!(f[1].message.contains("/static/* serves viewers over plain HTTP"), "{}", f[1].message);
        assert!(f[2].message.contains("default *.cloudfront.net certificate"), "{}", f[2].message);
        assert!(f[3].message.contains("TLSv1.1_2016, older than the required TLSv1.2_2021"), "{}", f[3].message);
        assert!(f[4].message.contains("over plain HTTP"), "{}", f[4].message);
        // The parameter moves the bar.
        let f = run_with(&HttpsOnly, &s, &[("min_protocol", ParamValue::Str("TLSv1.1_2016".into()))]);
        assert_eq!(statuses(&f)[3], "pass");
        let f = run_with(&HttpsOnly, &s, &[("min_protocol", ParamValue::Str("TLS1.2".into()))]);
        assert_eq!(statuses(&f), ["error"]);
    }

    #[test]
    fn what_the_engine_cannot_decide_is_a_gap_and_scope_decides() {
        let mut s = snapshot();
        let mut odd = distribution("E6ODD");
        odd.min_protocol = Some("TLSv1.4_2030".into());
        let mut unread = distribution("E7UNREAD");
        unread.tags = None;
        let mut off = distribution("E8OFF");
        off.enabled = Some(false);
        off.default_certificate = true;
        s.cloudfront = cloudfront(vec![odd, unread, off]);
        let f = run(&HttpsOnly, &s);
        // Without a scope every distribution is judged, unread tags or not.
        assert_eq!(statuses(&f), ["error", "pass", "not_applicable"]);
        let mut dev = distribution("E9DEV");
        dev.tags = Some(Vec::new());
        let mut unread = distribution("E7UNREAD");
        unread.tags = None;
        s.cloudfront = cloudfront(vec![dev, unread]);
        let scope = crate::phi_scope::PhiScope::defined(crate::phi_scope::Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        assert_eq!(statuses(&run_scoped(&HttpsOnly, &s, &[], &scope)), ["not_applicable", "error"]);
        s.cloudfront = cloudfront(vec![]);
        assert_eq!(statuses(&run(&HttpsOnly, &s)), ["not_applicable"]);
        s.cloudfront = Default::default();
        assert_eq!(statuses(&run(&HttpsOnly, &s)), ["error"]);
    }
}
