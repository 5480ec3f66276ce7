//! `iam.no_admin_policy`: no policy in effect grants every action on every resource.
//!
//! This is the statement-level rule the anchors use (`Allow` of `*` on `*`). The policy-engine
//! work extends it to `NotAction` and combined grants across a principal's policies.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::checks::{Check, CheckInfo, Context, Finding, ParamDefault, ParamSpec};
use crate::snapshot::PolicyDocument;

pub struct NoAdminPolicy;

static INFO: CheckInfo = CheckInfo {
    id: "iam.no_admin_policy",
    description: "No attached managed or inline policy has a statement allowing every action on every resource",
    docs: "docs/checks.md#iam-no_admin_policy",
    params: &[ParamSpec {
        name: "include_aws_managed",
        description: "also judge attached AWS-managed policies such as AdministratorAccess (Steampipe judges customer-managed only)",
        default: ParamDefault::Bool(true),
    }],
};

impl Check for NoAdminPolicy {
    fn info(&self) -> &'static CheckInfo {
        &INFO
    }

    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding> {
        let Some(details) = &ctx.snapshot.iam.authorization_details else {
            return vec![ctx.missing(
                ctx.account_resource("iam"),
                "/iam/authorization_details",
                "the IAM authorization details",
            )];
        };
        let include_aws = ctx.params.bool("include_aws_managed");

        // Who each managed policy is attached to, for the finding's message.
        let mut attached_to: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for u in &details.user_detail_list {
            for p in &u.attached_managed_policies {
                attached_to
                    .entry(p.policy_arn.as_str())
                    .or_default()
                    .push(format!("user/{}", u.user_name));
            }
        }
        for g in &details.group_detail_list {
            for p in &g.attached_managed_policies {
                attached_to
                    .entry(p.policy_arn.as_str())
                    .or_default()
                    .push(format!("group/{}", g.group_name));
            }
        }
        for r in &details.role_detail_list {
            for p in &r.attached_managed_policies {
                attached_to
                    .entry(p.policy_arn.as_str())
                    .or_default()
                    .push(format!("role/{}", r.role_name));
            }
        }

        let mut out = Vec::new();
        for (i, policy) in details.policies.iter().enumerate() {
            if policy.is_aws_managed() && !include_aws {
                continue;
            }
            let base = format!("/iam/authorization_details/Policies/{i}");
            let holders = attached_to
                .get(policy.arn.as_str())
                .cloned()
                .unwrap_or_default();
            if holders.is_empty() && policy.attachment_count == Some(0) {
                out.push(Finding::not_applicable(
                    &policy.arn,
                    "not attached to any user, group or role",
                    format!("{base}/AttachmentCount"),
                ));
                continue;
            }
            let Some((vi, version)) = policy.default_version() else {
                out.push(ctx.missing(
                    &policy.arn,
                    &format!("{base}/PolicyVersionList"),
                    "the policy's default version document",
                ));
                continue;
            };
            let doc_ptr = format!("{base}/PolicyVersionList/{vi}/Document");
            let who = if holders.is_empty() {
                String::new()
            } else {
                format!("; attached to {}", holders.join(", "))
            };
            out.push(judge(&policy.arn, &version.document, &doc_ptr, &who));
        }
        let inline = details
            .user_detail_list
            .iter()
            .enumerate()
            .flat_map(|(i, u)| u.user_policy_list.iter().enumerate().map(move |(j, p)| (&u.arn, p, format!("/iam/authorization_details/UserDetailList/{i}/UserPolicyList/{j}"))))
            .chain(details.group_detail_list.iter().enumerate().flat_map(|(i, g)| {
                g.group_policy_list.iter().enumerate().map(move |(j, p)| (&g.arn, p, format!("/iam/authorization_details/GroupDetailList/{i}/GroupPolicyList/{j}")))
            }))
            .chain(details.role_detail_list.iter().enumerate().flat_map(|(i, r)| {
                r.role_policy_list.iter().enumerate().map(move |(j, p)| (&r.arn, p, format!("/iam/authorization_details/RoleDetailList/{i}/RolePolicyList/{j}")))
            }));
        for (owner, policy, ptr) in inline {
            let resource = format!("{owner} (inline policy {})", policy.policy_name);
            out.push(judge(
                &resource,
                &policy.policy_document,
                &format!("{ptr}/PolicyDocument"),
                "",
            ));
        }
        out
    }
}

fn judge(resource: &str, doc: &PolicyDocument, doc_ptr: &str, who: &str) -> Finding {
    let admin: Vec<(String, String)> = doc
        .statements()
        .into_iter()
        .filter(|(_, s)| allows_everything(s))
        .map(|(suffix, s)| (suffix.clone(), describe(&suffix, s)))
        .collect();
    match admin.first() {
        None => Finding::pass(
            resource,
            format!("no statement allows \"*\" on \"*\"{who}"),
            doc_ptr,
        ),
        Some((suffix, _)) => {
            let what: Vec<&str> = admin.iter().map(|(_, d)| d.as_str()).collect();
            Finding::fail(
                resource,
                format!(
                    "{} allows every action on every resource{who}",
                    what.join(" and ")
                ),
                format!("{doc_ptr}{suffix}"),
            )
        }
    }
}

/// `Effect: Allow`, an `Action` of `*` (or `*:*`) and a `Resource` of `*`.
fn allows_everything(statement: &Value) -> bool {
    let allow = statement.get("Effect").and_then(Value::as_str) == Some("Allow");
    allow
        && strings(statement.get("Action"))
            .iter()
            .any(|a| *a == "*" || *a == "*:*")
        && strings(statement.get("Resource")).contains(&"*")
}

fn describe(suffix: &str, statement: &Value) -> String {
    let index = suffix
        .rsplit('/')
        .next()
        .filter(|s| s.parse::<usize>().is_ok())
        .map(|n| format!("#{n}"))
        .unwrap_or_else(|| "the only statement".into());
    let name = match statement.get("Sid").and_then(Value::as_str) {
        Some(sid) if !sid.is_empty() => format!("statement {sid:?} ({index})"),
        _ => format!("statement {index}"),
    };
    match statement.get("Condition") {
        Some(cond) => format!("{name} (only under Condition {cond})"),
        None => name,
    }
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::testutil::*;
    use crate::snapshot::{
        AttachedPolicy, GroupDetail, InlinePolicy, ManagedPolicyDetail, PolicyVersion, RoleDetail,
    };
    use serde_json::json;

    fn managed(arn: &str, doc: Value, count: i64) -> ManagedPolicyDetail {
        ManagedPolicyDetail {
            policy_name: arn.rsplit('/').next().unwrap().into(),
            arn: arn.into(),
            default_version_id: Some("v1".into()),
            attachment_count: Some(count),
            policy_version_list: vec![PolicyVersion {
                document: PolicyDocument(doc),
                version_id: Some("v1".into()),
                is_default_version: true,
                extra: Default::default(),
            }],
            extra: Default::default(),
        }
    }

    #[test]
    fn star_on_star_fails_wherever_it_is_attached() {
        let mut s = snapshot();
        let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
        let d = s.iam.authorization_details.as_mut().unwrap();
        d.policies = vec![
            managed(
                admin,
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
                1,
            ),
            managed(
                "arn:aws:iam::123456789012:policy/read",
                json!({"Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}),
                1,
            ),
            managed(
                "arn:aws:iam::123456789012:policy/unused",
                json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
                0,
            ),
        ];
        d.group_detail_list.push(GroupDetail {
            group_name: "Admins".into(),
            arn: "arn:aws:iam::123456789012:group/Admins".into(),
            group_policy_list: vec![],
            attached_managed_policies: vec![AttachedPolicy {
                policy_name: "AdministratorAccess".into(),
                policy_arn: admin.into(),
            }],
            extra: Default::default(),
        });
        d.role_detail_list.push(RoleDetail {
            role_name: "ops".into(),
            arn: "arn:aws:iam::123456789012:role/ops".into(),
            assume_role_policy_document: None,
            role_policy_list: vec![InlinePolicy {
                policy_name: "everything".into(),
                policy_document: PolicyDocument(json!({"Statement": [
                    {"Effect": "Deny", "Action": "*", "Resource": "*"},
                    {"Sid": "All", "Effect": "Allow", "Action": ["*:*"], "Resource": ["*"], "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
                ]})),
            }],
            attached_managed_policies: vec![],
            extra: Default::default(),
        });
        let f = run(&NoAdminPolicy, &s);
        assert_eq!(statuses(&f), ["fail", "pass", "not_applicable", "fail"]);
        assert!(
            f[0].message.contains("attached to group/Admins"),
            "{}",
            f[0].message
        );
        assert_eq!(
            f[0].evidence,
            "/iam/authorization_details/Policies/0/PolicyVersionList/0/Document/Statement/0"
        );
        assert_eq!(
            f[3].resource,
            "arn:aws:iam::123456789012:role/ops (inline policy everything)"
        );
        assert!(
            f[3].message
                .contains("statement \"All\" (#1) (only under Condition"),
            "{}",
            f[3].message
        );
        assert_eq!(
            f[3].evidence,
            "/iam/authorization_details/RoleDetailList/0/RolePolicyList/0/PolicyDocument/Statement/1"
        );

        let f = run_with(
            &NoAdminPolicy,
            &s,
            &[("include_aws_managed", ParamValue::Bool(false))],
        );
        assert_eq!(statuses(&f), ["pass", "not_applicable", "fail"]);
    }

    #[test]
    fn missing_details_is_an_error() {
        let mut s = snapshot();
        s.iam.authorization_details = None;
        assert_eq!(statuses(&run(&NoAdminPolicy, &s)), ["error"]);
    }
}
