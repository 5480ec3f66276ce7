//! `elb.tls_listeners`: every listener of a load balancer in the PHI scope encrypts what it
//! carries: HTTPS or TLS on a security policy of TLS 1.2 or later, and plain HTTP only to send
//! the client to HTTPS.
//!
//! A plain TCP or UDP listener of a network load balancer may pass TLS through to targets that
//! end it; the evidence cannot show that, so it is a gap, never a pass or a guessed failure.
//! A gateway load balancer passes traffic to appliances without ending it: not applicable.

use crate::checks::{Context, Finding, Outcome};
use crate::phi_scope::Membership;
use crate::snapshot::elb::{Listener, LoadBalancer};

check! {
    TlsListeners = "elb.tls_listeners",
    "Every listener of a load balancer carrying PHI uses TLS 1.2 or later, and plain HTTP only redirects to HTTPS",
    severity: High => "ePHI sent over a listener without TLS, or on a policy that still accepts TLS 1.0 or 1.1, can be read or altered on the way",
    remediation: "Serve the listener as HTTPS or TLS with a TLS 1.2+ security policy (aws elbv2 modify-listener --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06), and make a port-80 listener's default action and rules redirect to HTTPS.",
    params {
        allowed_policies: list("ELBSecurityPolicy-TLS13-1-2-*,ELBSecurityPolicy-TLS13-1-3-*,ELBSecurityPolicy-TLS-1-2-*,ELBSecurityPolicy-FS-1-2-*") "comma-separated security policy names or patterns (* and ?) that accept TLS 1.2 and later only (the default: AWS's TLS 1.2+ and TLS 1.3 families)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let elb = &ctx.snapshot.elb;
    if elb.regions.is_empty() {
        return Err(Box::new(ctx.missing(
            ctx.account_resource("elb"),
            "/elb/regions",
            "the account's load balancers (no region's list is in the evidence)",
        )));
    }
    let mut out = Vec::new();
    for (region, r) in &elb.regions {
        let base = crate::snapshot::pointer::region("elb", region);
        let Some(lbs) = &r.load_balancers else {
            out.push(crate::checks::stores::region_list_gap(
                ctx,
                ("elasticloadbalancing", "elb", "load_balancers"),
                region,
                "load balancer list",
            ));
            continue;
        };
        for (i, lb) in lbs.iter().enumerate() {
            let pointer = format!("{base}/load_balancers/{i}");
            let label = format!("load balancer {}", lb.name);
            out.push(
                match crate::checks::stores::membership(ctx, &lb.arn, lb.tags.as_deref()) {
                    Membership::In(_) => judge(ctx, lb, &label, &pointer, &settings.allowed_policies),
                    Membership::Out(why) => Finding::not_applicable(&lb.arn, why, pointer),
                    Membership::Undecided(_) => ctx.missing(
                        &lb.arn,
                        &format!("{pointer}/tags"),
                        &format!("{label}'s tags, which decide whether it carries PHI,"),
                    ),
                },
            );
        }
    }
    if out.is_empty() {
        out.push(Finding::not_applicable(
            ctx.account_resource("elb"),
            "the regions read hold no load balancer",
            "/elb/regions",
        ));
    }
    Ok(out)
}

/// One load balancer: the problems of every listener, or a pass naming what protects each.
fn judge(
    ctx: &Context<'_>,
    lb: &LoadBalancer,
    label: &str,
    pointer: &str,
    allowed: &[String],
) -> Finding {
    if lb.kind == "gateway" {
        return Finding::not_applicable(
            &lb.arn,
            format!("{label} is a gateway load balancer: it passes traffic to appliances without ending it, so TLS is the endpoints' to judge"),
            pointer,
        );
    }
    let Some(listeners) = &lb.listeners else {
        return ctx.missing(&lb.arn, &format!("{pointer}/listeners"), &format!("{label}'s listeners"));
    };
    if listeners.is_empty() {
        return Finding::pass(
            &lb.arn,
            format!("{label} has no listener: it accepts no traffic"),
            format!("{pointer}/listeners"),
        );
    }
    let mut problems = Vec::new();
    let mut unknown = None;
    let mut fine = Vec::new();
    for (i, l) in listeners.iter().enumerate() {
        let at = format!("{pointer}/listeners/{i}");
        match verdict(l, allowed) {
            Verdict::Protected(what) => fine.push(what),
            Verdict::Exposed(what) => problems.push((what, at)),
            Verdict::Unread => {
                unknown.get_or_insert_with(|| {
                    ctx.missing(
                        &lb.arn,
                        &format!("{at}/rules"),
                        &format!("the rules of {label}'s HTTP listener on port {}", l.port),
                    )
                });
            }
            Verdict::Undecidable(what) => {
                unknown.get_or_insert_with(|| {
                    Finding::new(
                        &lb.arn,
                        crate::verdict::FindingStatus::Error,
                        format!("{label}: {what}"),
                        at,
                    )
                });
            }
        }
    }
    if !problems.is_empty() {
        let at = problems[0].1.clone();
        let what: Vec<String> = problems.into_iter().map(|(w, _)| w).collect();
        return Finding::fail(&lb.arn, format!("{label}: {}", what.join("; ")), at);
    }
    if let Some(gap) = unknown {
        return gap;
    }
    Finding::pass(
        &lb.arn,
        format!("{label}: {}", fine.join("; ")),
        format!("{pointer}/listeners"),
    )
}

enum Verdict {
    Protected(String),
    Exposed(String),
    /// A plain-HTTP listener whose rules are not in the evidence.
    Unread,
    /// What the evidence cannot decide.
    Undecidable(String),
}

fn verdict(l: &Listener, allowed: &[String]) -> Verdict {
    let port = l.port;
    let proto = l.protocol.to_ascii_uppercase();
    match proto.as_str() {
        "HTTPS" | "TLS" => match &l.ssl_policy {
            Some(p) if allowed.iter().any(|a| safeguard_policy::glob::matches(a, p, false)) => {
                Verdict::Protected(format!("{proto} on port {port} with {}", crate::text::line(p)))
            }
            Some(p) => Verdict::Exposed(format!(
                "{proto} listener on port {port} uses security policy {}, not one of the allowed (TLS 1.2 or later)",
                crate::text::line(p)
            )),
            None => Verdict::Exposed(format!(
                "{proto} listener on port {port} names no security policy"
            )),
        },
        "HTTP" => {
            let forwards = l
                .default_actions
                .iter()
                .any(|a| !a.keeps_data_off_plain_http());
            if forwards || l.default_actions.is_empty() {
                return Verdict::Exposed(format!(
                    "HTTP listener on port {port} serves requests in the clear (its default action does not redirect to HTTPS)"
                ));
            }
            let Some(rules) = &l.rules else {
                return Verdict::Unread;
            };
            if let Some(r) = rules
                .iter()
                .find(|r| r.actions.iter().any(|a| !a.keeps_data_off_plain_http()))
            {
                return Verdict::Exposed(format!(
                    "HTTP listener on port {port} redirects by default, but its rule of priority {} serves requests in the clear",
                    crate::text::line(&r.priority)
                ));
            }
            Verdict::Protected(format!("HTTP on port {port} only redirects to HTTPS"))
        }
        "TCP" | "UDP" | "TCP_UDP" => Verdict::Undecidable(format!(
            "{proto} listener on port {port} passes traffic through unencrypted by the load balancer; whether it is TLS end to end is the targets' to show, which the evidence does not"
        )),
        other => Verdict::Undecidable(format!(
            "listener on port {port} uses protocol {}, which this check does not know",
            crate::text::line(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::elb::fixtures::{action, alb, elb, https, redirect};
    use crate::checks::testutil::*;
    use crate::snapshot::elb::Rule;

    const TLS12: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

    #[test]
    fn https_on_a_modern_policy_with_a_redirect_passes_and_old_policies_fail() {
        let mut s = snapshot();
        s.elb = elb(vec![
            alb("portal", vec![https(TLS12), redirect()]),
            alb("legacy", vec![https("ELBSecurityPolicy-2016-08")]),
            alb("tls10", vec![https("ELBSecurityPolicy-TLS13-1-0-2021-06")]),
        ]);
        let f = run(&TlsListeners, &s);
        assert_eq!(statuses(&f), ["pass", "fail", "fail"]);
        assert!(f[0].message.contains("only redirects to HTTPS"), "{}", f[0].message);
        assert!(f[1].message.contains("ELBSecurityPolicy-2016-08"), "{}", f[1].message);
        // The organization's own list of policies.
        let f = run_with(
            &TlsListeners,
            &s,
            &[("allowed_policies", ParamValue::List(vec!["ELBSecurityPolicy-2016-08".into()]))],
        );
        assert_eq!(statuses(&f), ["fail", "pass", "fail"]);
    }

    #[test]
    fn plain_http_fails_unless_every_rule_redirects_and_unread_rules_are_a_gap() {
        let mut s = snapshot();
        let mut forwarding = redirect();
        forwarding.default_actions = vec![action("forward", None)];
        let mut sneaky = redirect();
        sneaky.rules = Some(vec![Rule {
            priority: "10".into(),
            actions: vec![action("forward", None)],
        }]);
        let mut unread = redirect();
        unread.rules = None;
        let mut keeps_protocol = redirect();
        keeps_protocol.default_actions = vec![action("redirect", Some("#{protocol}"))];
        s.elb = elb(vec![
            alb("a", vec![forwarding]),
            alb("b", vec![sneaky]),
            alb("c", vec![unread]),
            alb("d", vec![keeps_protocol]),
        ]);
        let f = run(&TlsListeners, &s);
        assert_eq!(statuses(&f), ["fail", "fail", "error", "fail"]);
        assert!(f[1].message.contains("rule of priority 10"), "{}", f[1].message);
        assert!(f[2].message.contains("rules of load balancer c"), "{}", f[2].message);
    }

    #[test]
    fn tcp_passthrough_is_undecidable_and_gateways_are_not_applicable() {
        let mut s = snapshot();
        let mut nlb = alb("nlb", vec![https(TLS12)]);
        nlb.kind = "network".into();
        nlb.listeners.as_mut().unwrap()[0].protocol = "TCP".into();
        nlb.listeners.as_mut().unwrap()[0].ssl_policy = None;
        let mut gwlb = alb("gwlb", Vec::new());
        gwlb.kind = "gateway".into();
        let mut tls = alb("nlb-tls", vec![https(TLS12)]);
        tls.kind = "network".into();
        tls.listeners.as_mut().unwrap()[0].protocol = "TLS".into();
        s.elb = elb(vec![nlb, gwlb, tls]);
        let f = run(&TlsListeners, &s);
        assert_eq!(statuses(&f), ["error", "not_applicable", "pass"]);
        assert!(f[0].message.contains("the targets' to show"), "{}", f[0].message);
    }

    #[test]
    fn a_failure_outweighs_a_gap_and_scope_decides() {
        let mut s = snapshot();
        let mut unread = redirect();
        unread.rules = None;
        let mut dev = alb("dev", vec![https("ELBSecurityPolicy-2016-08")]);
        dev.tags = Some(Vec::new());
        let mut untagged = alb("unknown", vec![]);
        untagged.tags = None;
        s.elb = elb(vec![alb("mixed", vec![unread, https("ELBSecurityPolicy-2016-08")]), dev, untagged]);
        let scope = crate::phi_scope::PhiScope::defined(crate::phi_scope::Definition {
            tags: [("phi".to_string(), vec!["true".to_string()])].into(),
            ..Default::default()
        });
        let f = run_scoped(&TlsListeners, &s, &[], &scope);
        assert_eq!(statuses(&f), ["fail", "not_applicable", "error"]);
        s.elb.regions.get_mut("us-east-1").unwrap().load_balancers = None;
        assert_eq!(statuses(&run(&TlsListeners, &s)), ["error"]);
        s.elb = elb(vec![]);
        assert_eq!(statuses(&run(&TlsListeners, &s)), ["not_applicable"]);
    }
}
