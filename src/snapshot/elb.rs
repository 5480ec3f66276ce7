//! Elastic Load Balancing (v2), per region: the application, network and gateway load
//! balancers, each with its listeners (protocol, port, TLS security policy, default actions),
//! the rules of its plain-HTTP listeners, and its tags: what decides whether ePHI reaching it
//! travels encrypted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Elb {
    /// Per region read (`elb/<region>/`).
    pub regions: BTreeMap<String, ElbRegion>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ElbRegion {
    /// `elbv2 describe-load-balancers`; `None`: not in the evidence.
    #[serde(default)]
    pub load_balancers: Option<Vec<LoadBalancer>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LoadBalancer {
    pub name: String,
    pub arn: String,
    /// `application`, `network` or `gateway`.
    pub kind: String,
    /// `internet-facing` or `internal`.
    #[serde(default)]
    pub scheme: Option<String>,
    /// `elbv2 describe-listeners`; `None`: not in the evidence.
    #[serde(default)]
    pub listeners: Option<Vec<Listener>>,
    /// `elbv2 describe-tags`; `None`: not in the evidence.
    #[serde(default)]
    pub tags: Option<Vec<(String, String)>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Listener {
    pub port: i64,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    pub protocol: String,
    /// The TLS security policy of an HTTPS or TLS listener.
    #[serde(default)]
    pub ssl_policy: Option<String>,
    pub default_actions: Vec<Action>,
    /// For a plain HTTP listener, its rules (`elbv2 describe-rules`): a rule may forward what
    /// the default action redirects. `None`: not asked (other protocols) or not in the evidence.
    #[serde(default)]
    pub rules: Option<Vec<Rule>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rule {
    /// The rule's priority (`default` for the listener's default rule).
    pub priority: String,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Action {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, …
    pub kind: String,
    /// For a redirect: the protocol it sends the client to (`HTTPS`, `HTTP`, `#{protocol}`).
    #[serde(default)]
    pub redirect_protocol: Option<String>,
}

impl Action {
    /// Whether the action sends the client elsewhere over HTTPS, or answers without passing
    /// anything on: neither carries the request's data in the clear to a target.
    pub fn keeps_data_off_plain_http(&self) -> bool {
        match self.kind.as_str() {
            "redirect" => self
                .redirect_protocol
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS")),
            "fixed-response" => true,
            _ => false,
        }
    }
}

/// Whether `name` is a load balancer name as ELB allows it (1 to 32 letters, digits and `-`,
/// not starting or ending with `-`): the only names that become paths and messages.
pub fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// The ARN of load balancer `name` of this partition, region and account, from the ARN its
/// listing gives: only the part ELB issues and that cannot be rebuilt (`app`, `net` or `gwy`
/// and a hex id, after `loadbalancer/<type>/<name>/`) is taken from the file, the rest is what
/// the account is, as every importer builds its ARNs. `None` when that part is not in ELB's
/// shape (a path, another name, no id).
pub fn arn(
    listed: &str,
    partition: &str,
    region: &str,
    account: &str,
    name: &str,
) -> Option<String> {
    let (_, resource) = listed.split_once(":loadbalancer/")?;
    let mut parts = resource.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(kind @ ("app" | "net" | "gwy")), Some(n), Some(id), None)
            if n == name
                && !id.is_empty()
                && id.len() <= 64
                && id.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Some(format!(
                "arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{kind}/{name}/{id}"
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_arns_are_checked_against_what_elb_issues() {
        assert!(valid_name("clinic-portal-alb"));
        for bad in ["", "-x", "x-", "a/b", "../x", &"a".repeat(33)] {
            assert!(!valid_name(bad), "{bad}");
        }
        let listed = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/portal/50dc6c495c0c9188";
        // Rebuilt from the account being assessed; only type and id come from the file.
        assert_eq!(
            arn(listed, "aws", "us-east-1", "123456789012", "portal").as_deref(),
            Some(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/portal/50dc6c495c0c9188"
            )
        );
        for bad in [
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/50dc6c495c0c9188",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/portal/50dc6c495c0c9188/x",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/portal/../../x",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/xyz/portal/50dc6c495c0c9188",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/portal/50dc6c495c0c9188",
        ] {
            assert_eq!(
                arn(bad, "aws", "us-east-1", "123456789012", "portal"),
                None,
                "{bad}"
            );
        }
    }

    #[test]
    fn only_https_redirects_and_fixed_answers_keep_data_off_plain_http() {
        let a = |kind: &str, p: Option<&str>| Action {
            kind: kind.into(),
            redirect_protocol: p.map(String::from),
        };
        assert!(a("redirect", Some("HTTPS")).keeps_data_off_plain_http());
        assert!(a("fixed-response", None).keeps_data_off_plain_http());
        assert!(!a("redirect", Some("#{protocol}")).keeps_data_off_plain_http());
        assert!(!a("forward", None).keeps_data_off_plain_http());
    }
}
