//! Shared by the `iam.role_trust_*` checks: each role's trust grants, or why there are none.

use safeguard_policy::trust::{self, TrustGrant, Trustee};
use safeguard_policy::{PrincipalId, PrincipalKind};

use crate::access::Model;
use crate::checks::{Context, Finding, FindingStatus};

/// One role and what its trust policy allows.
pub(crate) struct RoleTrust<'m> {
    pub p: PrincipalId,
    pub arn: &'m str,
    pub name: &'m str,
    /// Pointer to the trust policy document.
    pub pointer: String,
    pub grants: Vec<TrustGrant>,
}

impl RoleTrust<'_> {
    /// Pointer to one grant's statement.
    pub fn at(&self, g: &TrustGrant, model: &Model) -> String {
        let t = model.account.principals[self.p]
            .trust
            .expect("role with grants has a trust policy");
        let st = &model.account.policies[t].statements()[g.statement];
        format!("{}{}", self.pointer, st.pointer)
    }
}

/// One finding per role but service-linked ones, from `judge` given the role's trust grants.
/// A role whose trust policy is missing or unreadable gets an `error` finding instead, and
/// missing authorization details one `error` finding for the account.
pub(crate) fn each_role(
    ctx: &Context<'_>,
    judge: impl Fn(&Model, &RoleTrust<'_>) -> Finding,
) -> Vec<Finding> {
    roles_where(ctx, |model, role| Some(judge(model, role)))
}

/// Like [`each_role`], for checks that judge only some roles (`judge` returns `None` for the rest).
pub(crate) fn roles_where(
    ctx: &Context<'_>,
    judge: impl Fn(&Model, &RoleTrust<'_>) -> Option<Finding>,
) -> Vec<Finding> {
    let model = match super::access::model(ctx) {
        Ok(m) => m,
        Err(f) => return vec![*f],
    };
    let acct = &model.account;
    let mut out = Vec::new();
    for p in super::access::in_scope(model) {
        let pr = &acct.principals[p];
        if pr.kind != PrincipalKind::Role {
            continue;
        }
        let doc_ptr = format!("{}/AssumeRolePolicyDocument", model.evidence[p]);
        let Some(t) = pr.trust else {
            out.push(ctx.missing(&pr.arn, &doc_ptr, "the role's trust policy"));
            continue;
        };
        out.extend(match &acct.policies[t].policy {
            Ok(policy) => judge(
                model,
                &RoleTrust {
                    p,
                    arn: &pr.arn,
                    name: &pr.name,
                    pointer: doc_ptr,
                    grants: trust::analyze(policy, acct.catalog),
                },
            ),
            Err(e) => Some(Finding::new(
                &pr.arn,
                FindingStatus::Error,
                format!("the trust policy cannot be read: {e}"),
                e.evidence_pointer(&doc_ptr),
            )),
        });
    }
    out
}

/// Whether people (not services or workloads) assume the role: it trusts AWS principals (an
/// account, a user, a role, anyone) or a SAML provider (workforce federation, IAM Identity Center).
pub(crate) fn assumed_by_people(role: &RoleTrust<'_>) -> bool {
    role.grants.iter().any(|g| match &g.trustee {
        Trustee::Anyone | Trustee::Account(_) | Trustee::Principal { .. } => true,
        Trustee::Federated(f) => {
            f.contains(":saml-provider/") || g.assume.contains(&"sts:AssumeRoleWithSAML")
        }
        Trustee::Service(_) | Trustee::CanonicalUser(_) => false,
    })
}
