//! `iam.role_max_session_duration`: sessions of roles that people assume end within a limit
//! (§164.312(a)(2)(iii), automatic logoff: a console or CLI session of an assumed role cannot
//! outlive the role's `MaxSessionDuration`).
//!
//! People assume roles that trust AWS principals or a SAML provider; roles trusted only by
//! services or web identities are workloads and are not judged. `MaxSessionDuration` comes from
//! `list-roles` (get-account-authorization-details does not carry it).

use super::trust::{assumed_by_people, roles_where};
use crate::checks::{Context, Finding, Outcome};

check! {
    RoleMaxSessionDuration = "iam.role_max_session_duration",
    "Roles that people assume end their sessions within the allowed duration",
    severity: Low => "a long session widens the window a stolen session token is useful in",
    remediation: "Lower MaxSessionDuration on human-assumed roles to the limit.",
    params {
        max_hours: int(1 in 1..=12) "longest session a human-assumed role may allow, in hours (AWS allows 1 to 12)",
        human_role_names: list("") "comma-separated name patterns of further roles people assume (e.g. ones federated through OIDC)",
    }
}

/// AWS's value when a role does not set one.
const AWS_DEFAULT_SECONDS: i64 = 3600;

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let max_seconds = settings.max_hours * 3600;
    let extra = &settings.human_role_names;
    let roles = ctx.snapshot.iam.roles.as_deref();
    // ARN → index in the list-roles output, built once (accounts hold thousands of roles).
    let by_arn: std::collections::HashMap<&str, usize> = roles
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, r)| (r.arn.as_str(), i))
        .collect();
    let mut out = roles_where(ctx, |_, role| {
        let named = extra
            .iter()
            .any(|p| safeguard_policy::glob::matches(p, role.name, true));
        if !named && !assumed_by_people(role) {
            return None;
        }
        let Some(roles) = roles else {
            return Some(ctx.missing(
                role.arn,
                "/iam/roles",
                "the role list with session durations (list-roles)",
            ));
        };
        let Some(&i) = by_arn.get(role.arn) else {
            return Some(ctx.missing(
                role.arn,
                "/iam/roles",
                &format!("role {} in the list-roles output", role.name),
            ));
        };
        let seconds = roles[i].max_session_duration.unwrap_or(AWS_DEFAULT_SECONDS);
        let ptr = format!("/iam/roles/{i}/MaxSessionDuration");
        let hours = |s: i64| format!("{:.1} h", s as f64 / 3600.0);
        Some(if seconds > max_seconds {
            Finding::fail(
                role.arn,
                format!(
                    "role {} is assumed by people and its sessions last up to {} (limit {})",
                    role.name,
                    hours(seconds),
                    hours(max_seconds)
                ),
                ptr,
            )
        } else {
            Finding::pass(
                role.arn,
                format!(
                    "role {} is assumed by people; sessions end within {}",
                    role.name,
                    hours(seconds)
                ),
                ptr,
            )
        })
    });
    if out.is_empty() {
        out.push(Finding::not_applicable(
            ctx.account_resource("iam"),
            "no role is assumed by people (every role trusts only services or web identities)",
            "/iam/authorization_details/RoleDetailList",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::testutil::gaad::*;
    use crate::checks::testutil::*;
    use crate::snapshot::RoleSummary;

    fn account(durations: &[(&str, Option<i64>)]) -> crate::snapshot::Snapshot {
        let mut s = with_details(details(
            vec![],
            vec![],
            vec![
                role("admins", trust(account_root()), &[], &[]),
                role(
                    "sso",
                    trust(json!({"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"})),
                    &[],
                    &[],
                ),
                role(
                    "task",
                    trust(json!({"Service": "ecs-tasks.amazonaws.com"})),
                    &[],
                    &[],
                ),
            ],
            vec![],
        ));
        s.iam.roles = Some(
            durations
                .iter()
                .map(|(n, d)| RoleSummary {
                    role_name: n.to_string(),
                    arn: format!("arn:aws:iam::123456789012:role/{n}"),
                    max_session_duration: *d,
                })
                .collect(),
        );
        s
    }

    #[test]
    fn human_roles_longer_than_the_limit_fail_and_workload_roles_are_skipped() {
        let s = account(&[
            ("admins", Some(43200)),
            ("sso", None),
            ("task", Some(43200)),
        ]);
        let f = run(&RoleMaxSessionDuration, &s);
        assert_eq!(statuses(&f), ["fail", "pass"]);
        assert!(f[0].resource.ends_with("role/admins"));
        assert!(
            f[0].message.contains("up to 12.0 h (limit 1.0 h)"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].evidence, "/iam/roles/0/MaxSessionDuration");

        let f = run_with(
            &RoleMaxSessionDuration,
            &s,
            &[("max_hours", ParamValue::Int(12))],
        );
        assert_eq!(statuses(&f), ["pass", "pass"]);
        let f = run_with(
            &RoleMaxSessionDuration,
            &s,
            &[("human_role_names", ParamValue::Str("task".into()))],
        );
        assert_eq!(statuses(&f), ["fail", "pass", "fail"]);
    }

    #[test]
    fn without_the_role_list_it_is_an_error_not_a_pass() {
        let mut s = account(&[]);
        s.iam.roles = None;
        with_gap(&mut s, "/iam/roles");
        assert_eq!(
            statuses(&run(&RoleMaxSessionDuration, &s)),
            ["error", "error"]
        );
    }
}
