//! `iam.break_glass_role`: a designated emergency-access role exists, can be assumed only with
//! MFA, and its last use is on record (§164.312(a)(2)(ii), emergency access procedure).
//!
//! No anchor tool maps anything to emergency access. The role is designated the same way
//! `iam.admin_access` recognises break-glass identities: a name pattern or a tag.

use safeguard_policy::trust::Trustee;

use super::access::is_break_glass;
use super::trust::roles_where;
use crate::checks::{Context, Finding, Outcome};
use crate::snapshot::parse_aws_time;

check! {
    BreakGlassRole = "iam.break_glass_role",
    "A designated break-glass (emergency access) role exists, requires MFA to assume, and its last use is shown",
    severity: Medium => "without a tested emergency path, access during an outage depends on improvisation",
    remediation: "Designate an emergency role (name or tag), require MFA to assume it, and test its use.",
    params {
        break_glass_names: list("*BreakGlass*,*break-glass*,*breakglass*") "comma-separated name patterns (* and ?) of designated break-glass users and roles",
        break_glass_tag: text("safeguard:break-glass") "a tag key that marks a user or role as break-glass when its value is \"true\"",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let mut out = roles_where(ctx, |model, role| {
        if !is_break_glass(&settings.break_glass_names, &settings.break_glass_tag, &model.account.principals[role.p]) {
            return None;
        }
        let last_used = last_used(ctx, role.arn);
        // Services and web identities are not people in an emergency; AWS principals and
        // SAML federation must present MFA.
        let without_mfa: Vec<_> = role
            .grants
            .iter()
            .filter(|g| !g.requires_mfa())
            .filter(|g| !matches!(g.trustee, Trustee::Federated(ref f) if f.contains(":saml-provider/")))
            .collect();
        Some(match without_mfa.first() {
            Some(g) => Finding::fail(
                role.arn,
                format!(
                    "break-glass role {} can be assumed by {} without MFA (statement #{}); {last_used}",
                    role.name,
                    g.trustee.describe(),
                    g.statement
                ),
                role.at(g, model),
            ),
            None if role.grants.is_empty() => Finding::fail(
                role.arn,
                format!(
                    "break-glass role {} cannot be assumed by anyone: its trust policy allows no one, so it is no emergency access; {last_used}",
                    role.name
                ),
                role.pointer.clone(),
            ),
            None => Finding::pass(
                role.arn,
                format!(
                    "break-glass role {} is assumable only with MFA (by {}); {last_used}",
                    role.name,
                    role.grants
                        .iter()
                        .map(|g| g.trustee.describe())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                role.pointer.clone(),
            ),
        })
    });
    if out.is_empty() {
        out.push(Finding::fail(
            ctx.account_resource("break-glass-role"),
            format!(
                "no role is designated for emergency access (names matching {}, or tag {}=true)",
                settings.break_glass_names.join(","),
                settings.break_glass_tag
            ),
            "/iam/authorization_details/RoleDetailList",
        ));
    }
    Ok(out)
}

/// "last used ..." from the role's `RoleLastUsed`, as an auditor wants to see it.
fn last_used(ctx: &Context<'_>, arn: &str) -> String {
    let used = ctx
        .snapshot
        .iam
        .authorization_details
        .as_ref()
        .and_then(|d| d.role_detail_list.iter().find(|r| r.arn == arn))
        .and_then(|r| r.extra.get("RoleLastUsed"));
    let date = used
        .and_then(|u| u.get("LastUsedDate"))
        .and_then(|d| d.as_str());
    match date.and_then(|d| parse_aws_time(d).map(|t| (d, t))) {
        Some((text, t)) => {
            let region = used
                .and_then(|u| u.get("Region"))
                .and_then(|r| r.as_str())
                .map(|r| format!(" in {r}"))
                .unwrap_or_default();
            format!(
                "last used {text}{region} ({} days before collection)",
                ctx.days_since(t)
            )
        }
        None => "never used (no RoleLastUsed date)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::testutil::gaad::*;
    use crate::checks::testutil::*;

    fn with_roles(roles: Vec<serde_json::Value>) -> crate::snapshot::Snapshot {
        with_details(details(vec![], vec![], roles, vec![admin_policy()]))
    }

    #[test]
    fn an_mfa_only_break_glass_role_passes_and_shows_its_last_use() {
        let mut r = role(
            "BreakGlassAdmin",
            trust_with(
                account_root(),
                "sts:AssumeRole",
                json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
            ),
            &[],
            &[ADMIN_ARN],
        );
        r["RoleLastUsed"] = json!({"LastUsedDate": "2026-10-01T00:00:00Z", "Region": "us-east-1"});
        let f = run(&BreakGlassRole, &with_roles(vec![r]));
        assert_eq!(statuses(&f), ["pass"]);
        assert!(
            f[0].message
                .contains("last used 2026-10-01T00:00:00Z in us-east-1 (31 days"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn without_mfa_or_without_any_such_role_it_fails() {
        let no_mfa = role(
            "emergency-breakglass",
            trust(account_root()),
            &[],
            &[ADMIN_ARN],
        );
        let f = run(&BreakGlassRole, &with_roles(vec![no_mfa]));
        assert_eq!(statuses(&f), ["fail"]);
        assert!(f[0].message.contains("without MFA"), "{}", f[0].message);
        assert!(f[0].message.contains("never used"), "{}", f[0].message);

        let ordinary = role(
            "app",
            trust(json!({"Service": "ecs-tasks.amazonaws.com"})),
            &[],
            &[],
        );
        let f = run(&BreakGlassRole, &with_roles(vec![ordinary.clone()]));
        assert_eq!(statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("no role is designated"),
            "{}",
            f[0].message
        );

        // Designated by tag instead of name.
        let mut tagged = role(
            "ops-emergency",
            trust_with(
                account_root(),
                "sts:AssumeRole",
                json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
            ),
            &[],
            &[],
        );
        tagged["Tags"] = json!([{"Key": "safeguard:break-glass", "Value": "true"}]);
        assert_eq!(
            statuses(&run(&BreakGlassRole, &with_roles(vec![ordinary, tagged]))),
            ["pass"]
        );
    }

    #[test]
    fn the_name_patterns_are_a_parameter() {
        let r = role(
            "firefighter",
            trust_with(
                account_root(),
                "sts:AssumeRole",
                json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
            ),
            &[],
            &[],
        );
        let s = with_roles(vec![r]);
        assert_eq!(statuses(&run(&BreakGlassRole, &s)), ["fail"]);
        assert_eq!(
            statuses(&run_with(
                &BreakGlassRole,
                &s,
                &[("break_glass_names", ParamValue::Str("firefighter".into()))]
            )),
            ["pass"]
        );
    }
}
