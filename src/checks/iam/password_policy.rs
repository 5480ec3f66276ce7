//! `iam.password_policy`: the account password policy meets the HIPAA password-management bar.

use crate::checks::{Context, Finding, Outcome};
use crate::snapshot::PasswordPolicyEvidence;

check! {
    PasswordPolicyCheck = "iam.password_policy",
    "The account password policy requires long, complex, non-reused, expiring passwords",
    severity: Medium => "weak passwords are easier to guess; MFA and SSO reduce what that costs",
    remediation: "Set the account password policy to the required length, complexity, reuse and expiry.",
    params {
        min_length: int(14 in 6..=128) "minimum password length",
        require_symbols: bool(true) "require at least one symbol",
        require_numbers: bool(true) "require at least one number",
        require_uppercase: bool(true) "require at least one upper-case letter",
        require_lowercase: bool(true) "require at least one lower-case letter",
        reuse_prevention: int(24 in 0..=24) "passwords remembered and not reusable (0: not required)",
        max_age_days: int(90 in 0..=1095) "passwords expire within this many days (0: not required)",
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome {
    let resource = ctx.account_resource("password-policy");
    let policy = match &ctx.snapshot.iam.password_policy {
        None => {
            return Ok(vec![ctx.missing(
                resource,
                "/iam/password_policy",
                "the account password policy",
            )]);
        }
        Some(PasswordPolicyEvidence::NotSet { .. }) => {
            return Ok(vec![Finding::fail(
                resource,
                "no account password policy is set (IAM defaults apply: 8 characters, no complexity, no expiry)",
                "/iam/password_policy",
            )]);
        }
        Some(PasswordPolicyEvidence::Set { policy }) => policy,
    };
    let mut gaps: Vec<String> = Vec::new();
    let min = settings.min_length;
    match policy.minimum_password_length {
        Some(n) if n >= min => {}
        n => gaps.push(format!(
            "MinimumPasswordLength is {} (need ≥ {min})",
            n.map_or("unset".into(), |n| n.to_string())
        )),
    }
    for (required, field, value) in [
        (
            settings.require_symbols,
            "RequireSymbols",
            policy.require_symbols,
        ),
        (
            settings.require_numbers,
            "RequireNumbers",
            policy.require_numbers,
        ),
        (
            settings.require_uppercase,
            "RequireUppercaseCharacters",
            policy.require_uppercase_characters,
        ),
        (
            settings.require_lowercase,
            "RequireLowercaseCharacters",
            policy.require_lowercase_characters,
        ),
    ] {
        if required && value != Some(true) {
            gaps.push(format!("{field} is not set"));
        }
    }
    let reuse = settings.reuse_prevention;
    if reuse > 0 {
        match policy.password_reuse_prevention {
            Some(n) if n >= reuse => {}
            n => gaps.push(format!(
                "PasswordReusePrevention is {} (need ≥ {reuse})",
                n.map_or("unset".into(), |n| n.to_string())
            )),
        }
    }
    let max_age = settings.max_age_days;
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
    Ok(if gaps.is_empty() {
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
    })
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
