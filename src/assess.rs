//! Assessment: runs every check the catalog uses once, then resolves each control's status.
//!
//! Status resolution follows design.md exactly: `fail` (an unwaived failing finding) beats
//! `insufficient_evidence` (a check could not read evidence it needs) beats `manual` (a human part
//! not attested) beats `pass`; `not_applicable` is for inherited controls and for controls whose
//! every check found nothing to judge.

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Control};
use crate::checks::{self, Context, Finding, FindingStatus, ParamValue, Params};
use crate::error::Result;
use crate::results::*;
use crate::snapshot::Snapshot;

/// Per-run inputs beyond the snapshot and catalog.
#[derive(Debug, Default, Clone)]
pub struct AssessOptions {
    /// `check id → parameter → value` overrides of the declared defaults.
    pub params: BTreeMap<String, BTreeMap<String, ParamValue>>,
}

pub fn assess(
    snapshot: &Snapshot,
    snapshot_sha256: &str,
    catalog: &Catalog,
    opts: &AssessOptions,
) -> Result<Results> {
    let params = checks::effective_params(&opts.params)?;
    let mut evaluated: BTreeMap<&str, CheckResult> = BTreeMap::new();
    let access = crate::access::AccessModel::new(snapshot);
    for control in &catalog.controls {
        for id in &control.checks {
            if evaluated.contains_key(id.as_str()) {
                continue;
            }
            let check = checks::find(id).ok_or_else(|| {
                crate::error::Error::Internal(format!("catalog names unknown check {id}"))
            })?;
            let p: &Params = &params[id];
            let ctx = Context {
                snapshot,
                params: p,
                as_of: snapshot.collected_at,
                access: &access,
            };
            let findings = check.evaluate(&ctx);
            evaluated.insert(check.info().id, check_result(check.info(), p, findings));
        }
    }

    let controls: Vec<ControlResult> = catalog
        .controls
        .iter()
        .map(|c| resolve(c, &evaluated))
        .collect();
    let mut summary: BTreeMap<ControlStatus, usize> =
        ControlStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for c in &controls {
        *summary.entry(c.status).or_default() += 1;
    }
    Ok(Results {
        schema: SCHEMA.into(),
        tool: Tool {
            name: "safeguard".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        account: AccountRef {
            id: snapshot.account.id.clone(),
            partition: snapshot.account.partition.clone(),
        },
        snapshot: SnapshotRef {
            sha256: snapshot_sha256.into(),
            collected_at: snapshot
                .collected_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            source: snapshot.source.method.clone(),
        },
        catalog: CatalogRef {
            sha256: catalog.sha256.clone(),
        },
        summary,
        controls,
        gaps: snapshot.gaps.clone(),
    })
}

fn check_result(
    info: &checks::CheckInfo,
    params: &Params,
    mut findings: Vec<Finding>,
) -> CheckResult {
    findings.sort_by(|a, b| {
        a.status
            .cmp(&b.status)
            .then_with(|| a.resource.cmp(&b.resource))
            .then_with(|| a.evidence.cmp(&b.evidence))
    });
    let has = |s: FindingStatus| findings.iter().any(|f| f.status == s);
    let status = if has(FindingStatus::Fail) {
        FindingStatus::Fail
    } else if has(FindingStatus::Error) {
        FindingStatus::Error
    } else if has(FindingStatus::Pass) {
        FindingStatus::Pass
    } else {
        FindingStatus::NotApplicable
    };
    CheckResult {
        id: info.id.into(),
        description: info.description.into(),
        status,
        parameters: params.0.clone(),
        findings,
    }
}

fn resolve(control: &Control, evaluated: &BTreeMap<&str, CheckResult>) -> ControlResult {
    let checks: Vec<CheckResult> = control
        .checks
        .iter()
        .map(|id| evaluated[id.as_str()].clone())
        .collect();
    let count = |s: FindingStatus| -> (usize, Vec<&str>) {
        let with: Vec<&str> = checks
            .iter()
            .filter(|c| c.findings.iter().any(|f| f.status == s))
            .map(|c| c.id.as_str())
            .collect();
        let n = checks
            .iter()
            .flat_map(|c| &c.findings)
            .filter(|f| f.status == s)
            .count();
        (n, with)
    };
    let (failing, failing_checks) = count(FindingStatus::Fail);
    let (errors, error_checks) = count(FindingStatus::Error);
    let (passing, _) = count(FindingStatus::Pass);

    let (status, reason) = if let Some(why) = &control.not_applicable {
        (ControlStatus::NotApplicable, first_sentence(why))
    } else if failing > 0 {
        (
            ControlStatus::Fail,
            format!(
                "{failing} failing finding(s) in {}",
                failing_checks.join(", ")
            ),
        )
    } else if errors > 0 {
        (
            ControlStatus::InsufficientEvidence,
            format!(
                "evidence missing for {} ({errors} finding(s) could not be decided)",
                error_checks.join(", ")
            ),
        )
    } else if control.manual.is_some() {
        let auto = if checks.is_empty() {
            "no automated checks".to_string()
        } else {
            format!("automated checks passed ({passing} passing finding(s))")
        };
        (
            ControlStatus::Manual,
            format!("{auto}; the manual part needs an attestation"),
        )
    } else if passing > 0 {
        (
            ControlStatus::Pass,
            format!("every automated check passed ({passing} passing finding(s))"),
        )
    } else {
        (
            ControlStatus::NotApplicable,
            "no resource in the account was subject to these checks".to_string(),
        )
    };
    ControlResult {
        id: control.id.clone(),
        title: control.title.clone(),
        safeguard: control.safeguard,
        requirement: control.requirement,
        summary: control.summary.clone(),
        status,
        status_reason: reason,
        manual: control.manual.clone(),
        not_applicable: control.not_applicable.clone(),
        checks,
    }
}

fn first_sentence(s: &str) -> String {
    match s.find(". ") {
        Some(i) => s[..=i].to_string(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::checks::testutil::snapshot;
    use std::path::PathBuf;

    fn catalog(yaml: &str) -> Catalog {
        Catalog::from_files(vec![(PathBuf::from("t.yaml"), yaml.into())]).unwrap()
    }

    fn control(checks: &str, manual: bool) -> String {
        format!(
            "controls:\n  - id: \"164.312(d)\"\n    title: T\n    safeguard: technical\n    requirement: standard\n    summary: S\n    checks: [{checks}]\n{}",
            if manual {
                "    manual: attest it\n"
            } else {
                ""
            }
        )
    }

    fn status_of(s: &Snapshot, yaml: &str) -> ControlStatus {
        assess(s, "x", &catalog(yaml), &AssessOptions::default())
            .unwrap()
            .controls[0]
            .status
    }

    #[test]
    fn resolution_order_is_fail_then_insufficient_then_manual_then_pass() {
        let mut s = snapshot();
        s.iam.account_summary = Some(
            [
                ("AccountMFAEnabled".to_string(), 1),
                ("AccountAccessKeysPresent".to_string(), 0),
            ]
            .into(),
        );
        // Password policy not set: fail, even with another check missing evidence.
        s.iam.credential_report = None;
        assert_eq!(
            status_of(
                &s,
                &control("iam.password_policy, iam.user_console_mfa", false)
            ),
            ControlStatus::Fail
        );
        // No failure, but missing evidence: insufficient, even with a manual part.
        assert_eq!(
            status_of(
                &s,
                &control("iam.root_mfa_enabled, iam.user_console_mfa", true)
            ),
            ControlStatus::InsufficientEvidence
        );
        // All passed, manual part unattested: manual.
        assert_eq!(
            status_of(&s, &control("iam.root_mfa_enabled", true)),
            ControlStatus::Manual
        );
        assert_eq!(
            status_of(&s, &control("iam.root_mfa_enabled", false)),
            ControlStatus::Pass
        );
    }

    #[test]
    fn missing_evidence_is_never_a_pass() {
        let mut s = snapshot();
        s.iam.account_summary = None;
        s.iam.credential_report = None;
        assert_eq!(
            status_of(&s, &control("iam.root_mfa_enabled", false)),
            ControlStatus::InsufficientEvidence
        );
    }

    #[test]
    fn summary_counts_every_status() {
        let s = snapshot();
        let r = assess(
            &s,
            "x",
            &Catalog::builtin().unwrap(),
            &AssessOptions::default(),
        )
        .unwrap();
        assert_eq!(r.summary.len(), 5);
        assert_eq!(r.summary.values().sum::<usize>(), r.controls.len());
        assert_eq!(
            r.count(ControlStatus::NotApplicable),
            12,
            "the inherited physical safeguards"
        );
    }
}
