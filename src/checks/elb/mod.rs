//! Checks on the load balancers that carry ePHI to and from the workloads: TLS on every
//! listener, on a security policy of TLS 1.2 or later.

crate::checks::register! {
    tls_listeners,
}

#[cfg(test)]
pub(crate) mod fixtures {
    use std::collections::BTreeMap;

    use crate::snapshot::elb::{Action, Elb, ElbRegion, Listener, LoadBalancer};

    pub(crate) fn action(kind: &str, redirect: Option<&str>) -> Action {
        Action {
            kind: kind.into(),
            redirect_protocol: redirect.map(String::from),
        }
    }

    pub(crate) fn https(policy: &str) -> Listener {
        Listener {
            port: 443,
            protocol: "HTTPS".into(),
            ssl_policy: Some(policy.into()),
            default_actions: vec![action("forward", None)],
            rules: None,
        }
    }

    /// Port 80, redirecting to HTTPS, with only its default rule.
    pub(crate) fn redirect() -> Listener {
        Listener {
            port: 80,
            protocol: "HTTP".into(),
            ssl_policy: None,
            default_actions: vec![action("redirect", Some("HTTPS"))],
            rules: Some(Vec::new()),
        }
    }

    /// An internet-facing application load balancer of us-east-1 tagged `phi=true`.
    pub(crate) fn alb(name: &str, listeners: Vec<Listener>) -> LoadBalancer {
        LoadBalancer {
            name: name.into(),
            arn: format!(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/{name}/50dc6c495c0c9188"
            ),
            kind: "application".into(),
            scheme: Some("internet-facing".into()),
            listeners: Some(listeners),
            tags: Some(vec![("phi".into(), "true".into())]),
        }
    }

    pub(crate) fn elb(lbs: Vec<LoadBalancer>) -> Elb {
        Elb {
            regions: BTreeMap::from([(
                "us-east-1".to_string(),
                ElbRegion {
                    load_balancers: Some(lbs),
                },
            )]),
        }
    }
}
