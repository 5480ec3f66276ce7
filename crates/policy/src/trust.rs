//! Trust analysis: who may assume a role, and under which conditions.

use crate::catalog::Catalog;
use crate::condition::Condition;
use crate::policy::{Effect, Policy, PrincipalId, Principals};

/// Who a trust statement lets in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trustee {
    /// `"*"`: any AWS principal of any account (or everyone but the `NotPrincipal` list).
    Anyone,
    /// A whole account (`123456789012` or `arn:aws:iam::123456789012:root`): any principal of
    /// that account whose own policies allow `sts:AssumeRole` on the role.
    Account(String),
    /// One IAM user, role or session ARN.
    Principal {
        arn: String,
        account: String,
    },
    /// An AWS service, e.g. `ec2.amazonaws.com`.
    Service(String),
    /// An OIDC or SAML provider (ARN) or a web identity such as `cognito-identity.amazonaws.com`.
    Federated(String),
    CanonicalUser(String),
}

impl Trustee {
    pub fn describe(&self) -> String {
        match self {
            Trustee::Anyone => "any AWS principal (\"*\")".into(),
            Trustee::Account(a) => format!("any principal of account {a}"),
            Trustee::Principal { arn, .. } => arn.clone(),
            Trustee::Service(s) => format!("service {s}"),
            Trustee::Federated(f) => format!("federated {f}"),
            Trustee::CanonicalUser(c) => format!("canonical user {c}"),
        }
    }

    /// The account a trustee belongs to, if it names one.
    pub fn account(&self) -> Option<&str> {
        match self {
            Trustee::Account(a) => Some(a),
            Trustee::Principal { account, .. } => Some(account),
            _ => None,
        }
    }
}

/// One Allow statement of a trust policy, for one trustee.
#[derive(Debug, Clone)]
pub struct TrustGrant {
    pub statement: usize,
    pub trustee: Trustee,
    /// Which of AssumeRole, AssumeRoleWithWebIdentity, AssumeRoleWithSAML it allows.
    pub assume: Vec<&'static str>,
    pub conditions: Vec<Condition>,
}

impl TrustGrant {
    /// Whether some condition constrains `key` positively (an equality or pattern the caller
    /// must satisfy), returning its values.
    pub fn constrains(&self, key: &str) -> Option<Vec<&str>> {
        self.conditions
            .iter()
            .filter(|c| c.key.eq_ignore_ascii_case(key) && !c.operator.negated)
            .map(|c| c.values.iter().map(String::as_str).collect::<Vec<_>>())
            .next()
    }

    /// Whether the statement requires MFA (`aws:MultiFactorAuthPresent` true or an MFA age limit).
    pub fn requires_mfa(&self) -> bool {
        self.conditions.iter().any(|c| {
            (c.key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
                && c.operator.family == crate::condition::Family::Bool
                && !c.operator.if_exists
                && c.values.iter().all(|v| v.eq_ignore_ascii_case("true")))
                || (c.key.eq_ignore_ascii_case("aws:MultiFactorAuthAge")
                    && !c.operator.if_exists
                    && matches!(
                        c.operator.family,
                        crate::condition::Family::NumericLessThan
                            | crate::condition::Family::NumericLessThanEquals
                    ))
        })
    }
}

pub const ASSUME_ACTIONS: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
];

/// Every (statement, trustee) pair the trust policy allows to assume the role.
pub fn analyze(policy: &Policy, catalog: &Catalog) -> Vec<TrustGrant> {
    let ids: Vec<(usize, &'static str)> = ASSUME_ACTIONS
        .iter()
        .filter_map(|a| catalog.id(a).map(|id| (id, *a)))
        .collect();
    let mut out = Vec::new();
    for st in &policy.statements {
        if st.effect != Effect::Allow {
            continue;
        }
        let (negated, patterns) = match &st.actions {
            crate::policy::Patterns::Only(v) => (false, v),
            crate::policy::Patterns::Except(v) => (true, v),
        };
        let mut named = crate::actionset::ActionSet::empty(catalog.len());
        for p in patterns {
            named.union_with(&catalog.expand(p).actions);
        }
        let assume: Vec<&'static str> = ids
            .iter()
            .filter(|(id, _)| named.contains(*id) != negated)
            .map(|(_, a)| *a)
            .collect();
        if assume.is_empty() {
            continue;
        }
        let trustees: Vec<Trustee> = match &st.principals {
            None => vec![Trustee::Anyone],
            // Allow with NotPrincipal lets in everyone not listed.
            Some(Principals::Except(_)) => vec![Trustee::Anyone],
            Some(Principals::Only(ids)) => ids.iter().map(trustee).collect(),
        };
        for t in trustees {
            out.push(TrustGrant {
                statement: st.index,
                trustee: t,
                assume: assume.clone(),
                conditions: st.conditions.clone(),
            });
        }
    }
    out
}

fn trustee(id: &PrincipalId) -> Trustee {
    match id {
        PrincipalId::Anyone => Trustee::Anyone,
        PrincipalId::Service(s) => Trustee::Service(s.clone()),
        PrincipalId::Federated(f) => Trustee::Federated(f.clone()),
        PrincipalId::CanonicalUser(c) => Trustee::CanonicalUser(c.clone()),
        PrincipalId::Aws(a) => {
            if a.len() == 12 && a.chars().all(|c| c.is_ascii_digit()) {
                return Trustee::Account(a.clone());
            }
            let parts: Vec<&str> = a.splitn(6, ':').collect();
            if parts.len() == 6 && parts[0] == "arn" {
                let account = parts[4].to_string();
                if parts[5] == "root" {
                    return Trustee::Account(account);
                }
                return Trustee::Principal {
                    arn: a.clone(),
                    account,
                };
            }
            // A unique id (AROA..., AIDA...) left behind by a deleted principal: it names
            // nobody who exists; kept as a principal of unknown account.
            Trustee::Principal {
                arn: a.clone(),
                account: String::new(),
            }
        }
    }
}

/// `token.actions.githubusercontent.com` from an OIDC provider ARN or a bare host.
pub fn oidc_host(federated: &str) -> Option<&str> {
    if let Some(idx) = federated.find(":oidc-provider/") {
        return Some(&federated[idx + ":oidc-provider/".len()..]);
    }
    if federated.ends_with(".amazonaws.com") && !federated.contains(":saml-provider/") {
        return Some(federated);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyKind;
    use serde_json::json;

    #[test]
    fn trustees_of_every_kind() {
        let doc = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666",
              "arn:aws:iam::483920175634:user/alice"]}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": "x-1"}}},
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]},
            {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::483920175634:oidc-provider/token.actions.githubusercontent.com"},
             "Action": "sts:AssumeRoleWithWebIdentity"},
            {"Effect": "Allow", "Principal": "*", "Action": "sts:*"},
            {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "s3:GetObject"}
        ]});
        let p = Policy::parse(&doc, PolicyKind::Resource).unwrap();
        let g = analyze(&p, Catalog::builtin());
        let who: Vec<&Trustee> = g.iter().map(|g| &g.trustee).collect();
        assert_eq!(who.len(), 6, "{who:?}");
        assert_eq!(who[0], &Trustee::Account("111122223333".into()));
        assert_eq!(who[1], &Trustee::Account("444455556666".into()));
        assert_eq!(who[2].account(), Some("483920175634"));
        assert_eq!(g[0].constrains("STS:ExternalId"), Some(vec!["x-1"]));
        assert_eq!(who[3], &Trustee::Service("ecs-tasks.amazonaws.com".into()));
        assert_eq!(g[4].assume, vec!["sts:AssumeRoleWithWebIdentity"]);
        assert_eq!(who[5], &Trustee::Anyone);
        assert_eq!(g[5].assume.len(), 3);
        assert_eq!(
            oidc_host("arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"),
            Some("token.actions.githubusercontent.com")
        );
        assert_eq!(oidc_host("arn:aws:iam::1:saml-provider/Okta"), None);
    }

    #[test]
    fn mfa_requirement_is_recognised_only_when_it_binds() {
        let grant = |cond: serde_json::Value| {
            let doc = json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"},
                "Action": "sts:AssumeRole", "Condition": cond}});
            analyze(
                &Policy::parse(&doc, PolicyKind::Resource).unwrap(),
                Catalog::builtin(),
            )
            .remove(0)
        };
        assert!(grant(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})).requires_mfa());
        assert!(
            grant(json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})).requires_mfa()
        );
        assert!(
            !grant(json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}})).requires_mfa()
        );
        assert!(!grant(json!({"Bool": {"aws:MultiFactorAuthPresent": "false"}})).requires_mfa());
    }
}
