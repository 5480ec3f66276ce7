//! `iam.password_policy`: the account password policy meets the HIPAA password-management bar.

use crate::checks::{Check, CheckInfo, Context, Finding, ParamDefault, ParamSpec};
use crate::snapshot::PasswordPolicyEvidence;

pub struct PasswordPolicyCheck;

static INFO: CheckInfo = CheckInfo {
    id: "iam.password_policy",
    description: "The account password policy requires long, complex, non-reused, expiring passwords",
    docs: "docs/checks.md#iam-password_policy",
    params: &[
        ParamSpec {
            name: "min_length",
            description: "minimum password length",
            default: ParamDefault::Int {
                default: 14,
                min: 6,
                max: 128,
            },
        },
        ParamSpec {
            name: "require_symbols",
            description: "require at least one symbol",
            default: ParamDefault::Bool(true),
        },
        ParamSpec {
            name: "require_numbers",
            description: "require at least one number",
            default: ParamDefault::Bool(true),
        },
        ParamSpec {
            name: "require_uppercase",
            description: "require at least one upper-case letter",
            default: ParamDefault::Bool(true),
        },
        ParamSpec {
            name: "require_lowercase",
            description: "require at least one lower-case letter",
            default: ParamDefault::Bool(true),
        },
        ParamSpec {
            name: "reuse_prevention",
            description: "passwords remembered and not reusable (0: not required)",
            default: ParamDefault::Int {
                default: 24,
                min: 0,
                max: 24,
            },
        },
        ParamSpec {
            name: "max_age_days",
            description: "passwords expire within this many days (0: not required)",
            default: ParamDefault::Int {
                default: 90,
                min: 0,
                max: 1095,
            },
        },
    ],
};

impl Check for PasswordPolicyCheck {
    fn info(&self) -> &'static CheckInfo {
        &INFO
    }

    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding> {
        let resource = ctx.account_resource("password-policy");
        let policy = match &ctx.snapshot.iam.password_policy {
            None => {
                return vec![ctx.missing(
                    resource,
                    "/iam/password_policy",
                    "the account password policy",
                )];
            }
            Some(PasswordPolicyEvidence::NotSet { .. }) => {
                return vec![Finding::fail(
                    resource,
                    "no account password policy is set (IAM defaults apply: 8 characters, no complexity, no expiry)",
                    "/iam/password_policy",
                )];
            }
            Some(PasswordPolicyEvidence::Set { policy }) => policy,
        };
        let p = ctx.params;
        let mut gaps: Vec<String> = Vec::new();
        let min = p.int("min_length");
        match policy.minimum_password_length {
            Some(n) if n >= min => {}
            n => gaps.push(format!(
                "MinimumPasswordLength is {} (need ≥ {min})",
                n.map_or("unset".into(), |n| n.to_string())
            )),
        }
        for (param, field, value) in [
            ("require_symbols", "RequireSymbols", policy.require_symbols),
            ("require_numbers", "RequireNumbers", policy.require_numbers),
            (
                "require_uppercase",
                "RequireUppercaseCharacters",
                policy.require_uppercase_characters,
            ),
            (
                "require_lowercase",
                "RequireLowercaseCharacters",
                policy.require_lowercase_characters,
            ),
        ] {
            if p.bool(param) && value != Some(true) {
                gaps.push(format!("{field} is not set"));
            }
        }
        let reuse = p.int("reuse_prevention");
        if reuse > 0 {
            match policy.password_reuse_prevention {
                Some(n) if n >= reuse => {}
                n => gaps.push(format!(
                    "PasswordReusePrevention is {} (need ≥ {reuse})",
                    n.map_or("unset".into(), |n| n.to_string())
                )),
            }
        }
        let max_age = p.int("max_age_days");
        if max_age > 0 {
            match policy.max_password_age {
                Some(n) if n > 0 && n <= max_age && policy.expire_passwords != Some(false) => {}
                Some(n) if n > max_age => {
                    gaps.push(format!("MaxPasswordAge is {n} days (need ≤ {max_age})"))
                }
                _ => gaps.push(format!(
                    "passwords never expire (need MaxPasswordAge ≤ {max_age})"
                )),
            }
        }
        if gaps.is_empty() {
            vec![Finding::pass(
                resource,
                "password policy meets every requirement",
                "/iam/password_policy/policy",
            )]
        } else {
            vec![Finding::fail(
                resource,
                format!("password policy falls short: {}", gaps.join("; ")),
                "/iam/password_policy/policy",
            )]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ParamValue;
    use crate::checks::testutil::*;
    use crate::snapshot::PasswordPolicy;

    fn strong() -> PasswordPolicy {
        PasswordPolicy {
            minimum_password_length: Some(14),
            require_symbols: Some(true),
            require_numbers: Some(true),
            require_uppercase_characters: Some(true),
            require_lowercase_characters: Some(true),
            expire_passwords: Some(true),
            max_password_age: Some(90),
            password_reuse_prevention: Some(24),
            ..Default::default()
        }
    }

    #[test]
    fn strong_policy_passes() {
        let mut s = snapshot();
        s.iam.password_policy = Some(PasswordPolicyEvidence::Set { policy: strong() });
        assert_eq!(statuses(&run(&PasswordPolicyCheck, &s)), ["pass"]);
    }

    #[test]
    fn each_shortfall_is_named() {
        let mut s = snapshot();
        let weak = PasswordPolicy {
            minimum_password_length: Some(8),
            require_symbols: Some(false),
            password_reuse_prevention: Some(5),
            max_password_age: None,
            ..strong()
        };
        s.iam.password_policy = Some(PasswordPolicyEvidence::Set { policy: weak });
        let f = run(&PasswordPolicyCheck, &s);
        assert_eq!(statuses(&f), ["fail"]);
        for part in [
            "MinimumPasswordLength is 8 (need ≥ 14)",
            "RequireSymbols is not set",
            "PasswordReusePrevention is 5",
            "never expire",
        ] {
            assert!(
                f[0].message.contains(part),
                "{part} not in {}",
                f[0].message
            );
        }
    }

    #[test]
    fn thresholds_are_parameters() {
        let mut s = snapshot();
        s.iam.password_policy = Some(PasswordPolicyEvidence::Set {
            policy: PasswordPolicy {
                minimum_password_length: Some(12),
                ..strong()
            },
        });
        assert_eq!(statuses(&run(&PasswordPolicyCheck, &s)), ["fail"]);
        assert_eq!(
            statuses(&run_with(
                &PasswordPolicyCheck,
                &s,
                &[("min_length", ParamValue::Int(12))]
            )),
            ["pass"]
        );
    }

    #[test]
    fn no_policy_fails_and_unreadable_policy_is_an_error() {
        let mut s = snapshot();
        assert_eq!(statuses(&run(&PasswordPolicyCheck, &s)), ["fail"]);
        s.iam.password_policy = None;
        assert_eq!(statuses(&run(&PasswordPolicyCheck, &s)), ["error"]);
    }
}
