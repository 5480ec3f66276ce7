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

/// Whether `arn` is the ARN ELB gives load balancer `name` of this partition, region and
/// account: `arn:P:elasticloadbalancing:R:A:loadbalancer/(app|net|gwy)/NAME/ID` with a hex ID.
/// The ID is ELB's own and cannot be rebuilt, so the ARN is taken from the file only in this
/// shape.
pub fn valid_arn(arn: &str, partition: &str, region: &str, account: &str, name: &str) -> bool {
    let prefix = format!("arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/");
    let Some(rest) = arn.strip_prefix(&prefix) else {
        return false;
    };
    let mut parts = rest.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("app" | "net" | "gwy"), Some(n), Some(id), None)
            if n == name && !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit())
    )
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
        let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/portal/50dc6c495c0c9188";
        assert!(valid_arn(arn, "aws", "us-east-1", "123456789012", "portal"));
        assert!(!valid_arn(arn, "aws", "us-east-1", "123456789012", "other"));
        assert!(!valid_arn(
            arn,
            "aws",
            "eu-west-1",
            "123456789012",
            "portal"
        ));
        assert!(!valid_arn(
            &format!("{arn}/x"),
            "aws",
            "us-east-1",
            "123456789012",
            "portal"
        ));
        assert!(!valid_arn(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/portal/../../x",
            "aws",
            "us-east-1",
            "123456789012",
            "portal"
        ));
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
