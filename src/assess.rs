//! Assessment: runs every check the catalog uses once, then resolves each control's status.
//!
//! Status resolution follows docs/results-schema.md ("Statuses"): `fail` (an unwaived failing finding) beats
//! `insufficient_evidence` (a check could not read evidence it needs) beats `waived` (failures
//! covered by valid waivers: a risk accepted) beats `manual` (a human part not attested) beats
//! `inherited` (operated by AWS, the BAA not yet attested) beats `pass`;
//! `not_applicable` is for controls whose every check found nothing to judge.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::catalog::{Catalog, Control};
use crate::checks::{self, AppliedWaiver, Context, Finding, FindingStatus, ParamValue, Params};
use crate::error::Result;
use crate::inputs::waivers::EventRef;
use crate::inputs::{Attestation, Validity, Waiver};
use crate::results::*;
use crate::snapshot::Snapshot;
use crate::verdict::Basis;

/// Per-run inputs beyond the snapshot and catalog.
#[derive(Debug, Default, Clone)]
pub struct AssessOptions {
    /// `check id → parameter → value` overrides of the declared defaults.
    pub params: BTreeMap<String, BTreeMap<String, ParamValue>>,
    /// Attestations of controls' manual parts (`--attestations`).
    pub attestations: Vec<Attestation>,
    /// Accepted risks (`--waivers`).
    pub waivers: Vec<Waiver>,
    /// Who prepares the package (`--prepared-by`, `--organization`).
    pub preparer: Preparer,
    /// Which resources hold PHI (`scope:` in `--config`; every data store without it).
    pub phi_scope: crate::phi_scope::PhiScope,
    /// Where `--profile-phases` records the engine's and the checks' time.
    pub phases: Option<Arc<crate::phases::Phases>>,
    /// The bundled example (`demo`): every output is marked example data.
    pub example: bool,
}

pub fn assess(snapshot: &Snapshot, catalog: &Catalog, opts: &AssessOptions) -> Result<Results> {
    let params = checks::effective_params(&opts.params)?;
    // Waivers and attestations are judged on the day the evidence was collected, like every
    // time-based check, so re-assessing a snapshot gives the same verdicts.
    let day = snapshot.collected_at.date_naive();
    let mut waiver_hits = vec![0usize; opts.waivers.len()];
    let mut evaluated: BTreeMap<&str, CheckResult> = BTreeMap::new();
    let access = crate::access::AccessModel::new(snapshot);
    let started = std::time::Instant::now();
    if let Some(phases) = &opts.phases {
        // Built here, not on first use, so the engine's time is told apart from the checks'.
        phases.time("engine", || {
            access.model();
            access.escalation(false);
        });
    }
    let to_run = checks_of(catalog)?;
    // The escalation analysis with MFA is the longest single piece of work: one thread starts
    // on it while the others take the checks.
    let warm = || {
        access.escalation(true);
    };
    let found = run_checks(&to_run, warm, |check| {
        check.evaluate(&Context {
            snapshot,
            params: &params[check.info().id],
            as_of: snapshot.collected_at,
            access: &access,
            credential_report_max_age_hours: params["iam.credential_report"].int("max_age_hours"),
            phi_scope: &opts.phi_scope,
        })
    });
    // Waivers are applied in catalog order, whichever thread ran the check.
    let ou_path = snapshot.organization.as_ref().and_then(|o| o.ou_path());
    for (check, mut findings) in to_run.iter().zip(found) {
        let id = check.info().id;
        for f in &mut findings {
            f.severity = Some(check.info().severity);
            f.account.clone_from(&snapshot.account.id);
            f.ou_path.clone_from(&ou_path);
        }
        crate::verdict::assign_ids(&snapshot.account.id, id, &mut findings);
        apply_waivers(
            snapshot,
            id,
            &mut findings,
            &opts.waivers,
            day,
            &mut waiver_hits,
        );
        let p: &Params = &params[id];
        evaluated.insert(id, check_result(check.info(), p, findings));
    }
    if let Some(phases) = &opts.phases {
        let engine: std::time::Duration = phases.total("engine");
        phases.record("checks", started.elapsed().saturating_sub(engine));
    }

    let controls: Vec<ControlResult> = catalog
        .controls
        .iter()
        .map(|c| resolve(c, &evaluated, attestations_of(c, &opts.attestations, day)))
        .collect();
    let controls = roll_up_standards(controls);
    for c in &catalog.controls {
        for id in &c.checks {
            if let Some(k) = evaluated.get_mut(id.as_str()) {
                k.controls.push(c.id.clone());
            }
        }
    }
    let checks: Vec<CheckResult> = evaluated.into_values().collect();
    let waivers = waiver_results(&opts.waivers, waiver_hits, day);
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
        account: account_ref(snapshot),
        snapshot: SnapshotRef {
            // Hashed by the caller from the serialized snapshot (app::package_with does it on
            // another core while the checks run).
            sha256: String::new(),
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
        evidence_gaps: crate::results::evidence_gaps(&snapshot.gaps, &checks),
        checks,
        gaps: snapshot.gaps.clone(),
        waivers,
        period: Some(period_of(snapshot)),
        scope: Some(Scope {
            phi: Some(crate::results::PhiScopeRef::of(&opts.phi_scope)),
            ..scope_of(snapshot, catalog)
        }),
        preparer: opts.preparer.clone(),
        changes: None,
        provenance: Some(Provenance {
            method: snapshot.source.method.clone(),
            caller_arn: snapshot.account.caller_arn.clone(),
            export: snapshot.source.export.clone(),
        }),
        example: opts.example,
    })
}

/// Every check the catalog uses, once, in catalog order.
fn checks_of(catalog: &Catalog) -> Result<Vec<&'static dyn checks::Check>> {
    let mut to_run: Vec<&'static dyn checks::Check> = Vec::new();
    for id in catalog.controls.iter().flat_map(|c| &c.checks) {
        let check = checks::find(id).ok_or_else(|| {
            crate::error::Error::Internal(format!("catalog names unknown check {id}"))
        })?;
        if !to_run.iter().any(|c| c.info().id == check.info().id) {
            to_run.push(check);
        }
    }
    Ok(to_run)
}

/// The attestations of control `c`, each judged on `day`: only evidence in the package
/// counts (a URL may change or vanish), so a valid one without a file is "without evidence".
fn attestations_of(
    c: &crate::catalog::Control,
    attestations: &[crate::inputs::Attestation],
    day: chrono::NaiveDate,
) -> Vec<AttestationResult> {
    attestations
        .iter()
        .filter(|a| a.control == c.id)
        .map(|a| {
            let filed = a
                .evidence
                .iter()
                .any(|e| matches!(e, crate::inputs::EvidenceRef::File { .. }));
            let status = match Validity::on(Some(a.date), a.expires, day) {
                Validity::Valid if !filed => Validity::WithoutEvidence,
                v => v,
            };
            AttestationResult {
                statement: a.statement.clone(),
                attested_by: a.attested_by.clone(),
                date: a.date,
                expires: a.expires,
                status,
                evidence: a.evidence.clone(),
                decision: a.decision.clone(),
            }
        })
        .collect()
}

/// Every waiver handed in, judged on `day`, with how many findings it covered.
fn waiver_results(
    waivers: &[crate::inputs::Waiver],
    hits: Vec<usize>,
    day: chrono::NaiveDate,
) -> Vec<WaiverResult> {
    waivers
        .iter()
        .zip(hits)
        .map(|(w, findings)| WaiverResult {
            check: w.check.clone(),
            resource: w.resource.clone(),
            justification: w.justification.clone(),
            approved_by: w.approved_by.clone(),
            approved_on: Some(w.approved_on),
            risk: Some(w.risk),
            ticket: w.ticket.clone(),
            compensating_control: w.compensating_control.clone(),
            all_resources: w.all_resources,
            expires: w.expires,
            status: Validity::on(Some(w.approved_on), w.expires, day),
            findings,
        })
        .collect()
}

/// The account the results are of, with its place in the organization.
fn account_ref(snapshot: &Snapshot) -> AccountRef {
    AccountRef {
        id: snapshot.account.id.clone(),
        partition: snapshot.account.partition.clone(),
        organization: snapshot.organization.as_ref().map(|o| OrganizationRef {
            id: o.id.clone(),
            management_account_id: o.management_account_id.clone(),
            account_name: o.account.as_ref().and_then(|a| a.name.clone()),
            ou_path: o.ou_path(),
            scps_applied: o.service_control_policies.is_some()
                && !o.is_management(&snapshot.account.id),
        }),
    }
}

/// Runs `evaluate` on every check, on as many threads as the machine has (at most four), and
/// returns the findings in the order of `checks`; with more than one thread, one runs `warm`
/// first. Checks only read the snapshot and the access model, whose parts are each built once by
/// whichever thread needs them first; so the findings do not depend on which thread ran what.
fn run_checks<F, W>(
    checks: &[&'static dyn checks::Check],
    warm: W,
    evaluate: F,
) -> Vec<Vec<Finding>>
where
    F: Fn(&'static dyn checks::Check) -> Vec<Finding> + Sync,
    W: Fn() + Sync,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(checks.len().max(1));
    let next = AtomicUsize::new(0);
    let mut found: Vec<Option<Vec<Finding>>> = vec![None; checks.len()];
    std::thread::scope(|s| {
        let (next, warm, evaluate) = (&next, &warm, &evaluate);
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    if w == 0 && workers > 1 {
                        warm();
                    }
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(check) = checks.get(i) else {
                            return done;
                        };
                        done.push((i, evaluate(*check)));
                    }
                })
            })
            .collect();
        for h in handles {
            // A check that panics is a bug; it stops the run as it would on one thread.
            let done = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            for (i, f) in done {
                found[i] = Some(f);
            }
        }
    });
    found
        .into_iter()
        .map(|f| f.expect("every check ran"))
        .collect()
}

fn period_of(snapshot: &Snapshot) -> Period {
    let at = snapshot
        .collected_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Period {
        collected_at: at.clone(),
        events_from: snapshot
            .cloudtrail
            .event_history
            .start_time
            .as_ref()
            .map(|t| t.0.clone()),
        events_to: at,
    }
}

/// What was assessed: the catalog's sections, the regions with and without evidence, the
/// services read, and what the account's configuration cannot show.
fn scope_of(snapshot: &Snapshot, catalog: &Catalog) -> Scope {
    let mut sections: Vec<String> = catalog
        .controls
        .iter()
        .filter_map(|c| c.id.split('(').next().map(str::to_string))
        .collect();
    sections.dedup();
    let (evidenced, not): (Vec<String>, Vec<String>) =
        snapshot.regions.iter().cloned().partition(|r| {
            snapshot
                .cloudtrail
                .regions
                .get(r)
                .is_some_and(Option::is_some)
                || snapshot
                    .config
                    .regions
                    .get(r)
                    .is_some_and(|c| c.recorders.is_some())
        });
    let mut services: Vec<String> = [
        "IAM (users, groups, roles, policies, credential report, password policy)",
        "CloudTrail (trails, selectors, event history)",
        "CloudWatch Logs and alarms (the trails' log groups)",
        "AWS Config (recorders and delivery channels)",
        "S3 (buckets: tags, default encryption, versioning, bucket policy)",
    ]
    .map(String::from)
    .to_vec();
    let mut exclusions: Vec<String> = [
        "workloads, applications and databases that hold ePHI, and their own users, logs and encryption",
        "data stores other than S3 buckets (RDS, DynamoDB, EBS, EFS), backups, load balancers and threat detection",
        "resource policies beyond an S3 bucket's TLS rule (KMS key policies, bucket access grants)",
    ]
    .map(String::from)
    .to_vec();
    // Said once, from the same facts as the cover's organization line, so the two agree.
    match &snapshot.organization {
        Some(o) if o.is_management(&snapshot.account.id) => {}
        Some(o) if o.service_control_policies.is_some() => services.push(
            "AWS Organizations service control policies (they bound the effective permissions judged)"
                .into(),
        ),
        Some(_) => exclusions.push(
            "service control policies (not in the evidence; effective permissions are judged without them)"
                .into(),
        ),
        None => {}
    }
    exclusions.extend(
        [
            "the covered entity's own offices, workstations, devices and media",
            "contracts, plan documents and procedures (§164.308(b), §164.314, §164.316), unless attested",
        ]
        .map(String::from),
    );
    Scope {
        sections,
        regions_evidenced: evidenced,
        regions_not_evidenced: not,
        regions_complete: snapshot.enabled_regions.is_some(),
        services,
        exclusions,
        phi: None,
    }
}

/// Marks each failing finding with the waiver that covers it: the first valid one, else the
/// first expired one (shown, but ignored).
fn apply_waivers(
    snapshot: &Snapshot,
    check: &str,
    findings: &mut [Finding],
    waivers: &[Waiver],
    day: chrono::NaiveDate,
    hits: &mut [usize],
) {
    for f in findings
        .iter_mut()
        .filter(|f| f.status == FindingStatus::Fail)
    {
        let event = snapshot.event_at(&f.evidence).map(|e| EventRef {
            id: &e.event_id,
            time: e.event_time.as_ref().and_then(|t| t.parse()),
        });
        let covering = || {
            waivers
                .iter()
                .enumerate()
                .filter(|(_, w)| w.covers(check, &f.resource, event))
        };
        let chosen = covering()
            .find(|(_, w)| Validity::on(Some(w.approved_on), w.expires, day) == Validity::Valid)
            .or_else(|| covering().next());
        if let Some((i, w)) = chosen {
            hits[i] += 1;
            f.waiver = Some(Box::new(AppliedWaiver {
                justification: w.justification.clone(),
                approved_by: w.approved_by.clone(),
                expires: w.expires,
                status: Validity::on(Some(w.approved_on), w.expires, day),
            }));
        }
    }
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
    let waived = findings.iter().filter(|f| f.is_waived()).count();
    // A check whose only failures are waived is `waived`: a risk accepted is never a pass.
    let status = if findings.iter().any(Finding::fails) {
        FindingStatus::Fail
    } else if has(FindingStatus::Error) {
        FindingStatus::Error
    } else if waived > 0 {
        FindingStatus::Waived
    } else if has(FindingStatus::Pass) {
        FindingStatus::Pass
    } else {
        FindingStatus::NotApplicable
    };
    CheckResult {
        id: info.id.into(),
        description: info.description.into(),
        remediation: info.remediation.into(),
        status,
        severity: Some(info.severity),
        parameters: params.0.clone(),
        waived,
        counts: Counts::of(&findings),
        controls: Vec::new(),
        findings,
    }
}

/// A control's verdict from its primary checks and attestations.
fn resolve(
    control: &Control,
    evaluated: &BTreeMap<&str, CheckResult>,
    attestations: Vec<AttestationResult>,
) -> ControlResult {
    // Only primary checks decide the control: a supporting check evidences part of the
    // citation or a precondition of it, so its findings are observations listed under the
    // control, with the mapping's reason, and never move its status.
    let checks: Vec<&CheckResult> = control
        .mappings
        .iter()
        .filter(|m| m.role == crate::catalog::Role::Primary)
        .map(|m| &evaluated[m.check.as_str()])
        .collect();
    let tally = Tally::of(&checks);
    let valid = attestations.iter().find(|a| a.status == Validity::Valid);
    let attested = valid.map(|a| {
        format!(
            "attested by {} on {} (valid until {})",
            a.attested_by, a.date, a.expires
        )
    });
    let (status, reason) = decide(
        control,
        &tally,
        checks.is_empty(),
        attested.as_deref(),
        &lapsed_note(&attestations),
    );
    // What the status rests on: tests that passed, an attestation with evidence, AWS, or an
    // accepted risk; `none` when nothing shows the control is met.
    let tested = !checks.is_empty() && tally.clean() && tally.passing > 0;
    let basis = match status {
        ControlStatus::Waived => Basis::RiskAccepted,
        ControlStatus::Inherited => Basis::Inherited,
        ControlStatus::Pass if control.inherited.is_some() => Basis::Attested,
        ControlStatus::Pass | ControlStatus::Manual => match (tested, attested.is_some()) {
            (true, true) => Basis::TestedAttested,
            (true, false) => Basis::Tested,
            (false, true) => Basis::Attested,
            (false, false) => Basis::None,
        },
        _ => Basis::None,
    };
    let decision = valid.and_then(|a| a.decision.as_ref().map(|d| d.decision));
    let decision_note = match (control.requirement, decision) {
        (crate::catalog::Requirement::Addressable, Some(d)) => {
            format!("; addressable, decision: {}", d.label())
        }
        (crate::catalog::Requirement::Addressable, None) => {
            "; addressable, decision not documented (§164.306(d)(3))".to_string()
        }
        _ => String::new(),
    };
    ControlResult {
        id: control.id.clone(),
        title: control.title.clone(),
        safeguard: control.safeguard,
        requirement: control.requirement,
        nist: control.nist.clone(),
        summary: control.summary.clone(),
        status,
        basis,
        decision,
        status_reason: format!(
            "{reason}{decision_note}{}",
            observations_note(control, evaluated)
        ),
        held: None,
        manual: control.manual.clone(),
        // Kept for readers of v1: the rule has no "not applicable", so it is never set.
        not_applicable: None,
        inherited: control.inherited.clone(),
        attestations,
        checks: control
            .mappings
            .iter()
            .map(|m| {
                let k = &evaluated[m.check.as_str()];
                ControlCheck {
                    id: m.check.clone(),
                    role: m.role,
                    why: m.why.clone(),
                    status: k.status,
                    counts: k.counts,
                }
            })
            .collect(),
    }
}

/// The findings of a control's primary checks, counted by what they say, with the checks
/// that hold them.
struct Tally<'a> {
    failing: usize,
    failing_checks: Vec<&'a str>,
    waived: usize,
    waived_checks: Vec<&'a str>,
    errors: usize,
    error_checks: Vec<&'a str>,
    passing: usize,
}

impl<'a> Tally<'a> {
    fn of(checks: &[&'a CheckResult]) -> Tally<'a> {
        let count = |keep: &dyn Fn(&Finding) -> bool| -> (usize, Vec<&'a str>) {
            let with: Vec<&str> = checks
                .iter()
                .filter(|c| c.findings.iter().any(keep))
                .map(|c| c.id.as_str())
                .collect();
            let n = checks
                .iter()
                .flat_map(|c| &c.findings)
                .filter(|f| keep(f))
                .count();
            (n, with)
        };
        let (failing, failing_checks) = count(&Finding::fails);
        let (waived, waived_checks) = count(&Finding::is_waived);
        let (errors, error_checks) = count(&|f| f.status == FindingStatus::Error);
        let (passing, _) = count(&|f| f.status == FindingStatus::Pass);
        Tally {
            failing,
            failing_checks,
            waived,
            waived_checks,
            errors,
            error_checks,
            passing,
        }
    }

    /// Nothing failing, undecided or waived.
    fn clean(&self) -> bool {
        self.failing == 0 && self.errors == 0 && self.waived == 0
    }
}

/// The status rule, worst first, as docs/results-schema.md states it: one case per status.
fn decide(
    control: &Control,
    t: &Tally<'_>,
    no_checks: bool,
    attested: Option<&str>,
    lapsed_note: &str,
) -> (ControlStatus, String) {
    let waived_note = if t.waived > 0 {
        // A waived count always names the checks it belongs to.
        format!(" ({} waived in {})", t.waived, t.waived_checks.join(", "))
    } else {
        String::new()
    };
    if let (Some(_), Some(att)) = (&control.inherited, attested) {
        (
            ControlStatus::Pass,
            format!("operated by AWS for this account, and confirmed: {att}"),
        )
    } else if let Some(why) = &control.inherited {
        (
            ControlStatus::Inherited,
            format!(
                "{}; an attestation that the BAA is executed makes it pass{lapsed_note}",
                first_sentence(why)
            ),
        )
    } else if t.failing > 0 {
        (
            ControlStatus::Fail,
            format!(
                "{} failing finding(s) in {}{waived_note}",
                t.failing,
                t.failing_checks.join(", ")
            ),
        )
    } else if t.errors > 0 {
        (
            ControlStatus::InsufficientEvidence,
            format!(
                "an evidence gap leaves {} undecided ({} finding(s); see \"Evidence gaps\")",
                t.error_checks.join(", "),
                t.errors
            ),
        )
    } else if t.waived > 0 {
        // Failures covered by valid waivers: the risk is accepted, the control is not met.
        let manual = match (&control.manual, attested) {
            (Some(_), Some(att)) => format!("; the manual part is {att}"),
            (Some(_), None) => format!("; the manual part needs an attestation{lapsed_note}"),
            (None, _) => String::new(),
        };
        (
            ControlStatus::Waived,
            format!(
                "risk accepted: {} failing finding(s) in {} covered by valid waiver(s), not remediated{manual}",
                t.waived,
                t.waived_checks.join(", ")
            ),
        )
    } else if control.manual.is_some() {
        let auto = if no_checks {
            "no automated check decides it".to_string()
        } else {
            format!("automated checks passed ({} passing finding(s))", t.passing)
        };
        match attested {
            Some(att) => (
                ControlStatus::Pass,
                format!("{auto}; the manual part is {att}"),
            ),
            None => (
                ControlStatus::Manual,
                format!("{auto}; the manual part needs an attestation{lapsed_note}"),
            ),
        }
    } else if t.passing > 0 {
        (
            ControlStatus::Pass,
            format!(
                "every automated check passed ({} passing finding(s))",
                t.passing
            ),
        )
    } else {
        (
            ControlStatus::NotApplicable,
            "no resource in the account was subject to these checks".to_string(),
        )
    }
}

/// Why attestations handed in do not count (expired, without evidence, dated after the
/// evidence), as a note to the status reason.
fn lapsed_note(attestations: &[AttestationResult]) -> String {
    let lapsed: Vec<String> = attestations
        .iter()
        .filter(|a| a.status != Validity::Valid)
        .map(|a| match a.status {
            Validity::Expired => format!(
                "the attestation by {} expired on {}",
                a.attested_by, a.expires
            ),
            Validity::WithoutEvidence => format!(
                "the attestation by {} is attested without evidence (no evidence file in the package; a URL alone is recorded, not counted)",
                a.attested_by
            ),
            _ => format!(
                "the attestation by {} is dated {}, after the evidence",
                a.attested_by, a.date
            ),
        })
        .collect();
    if lapsed.is_empty() {
        String::new()
    } else {
        format!("; {} and counts as absent", lapsed.join("; "))
    }
}

/// The supporting checks that fail, lack evidence or are waived: observations named in the
/// status reason that do not decide it.
fn observations_note(control: &Control, evaluated: &BTreeMap<&str, CheckResult>) -> String {
    let observed: Vec<&str> = control
        .mappings
        .iter()
        .filter(|m| m.role == crate::catalog::Role::Supporting)
        .map(|m| &evaluated[m.check.as_str()])
        .filter(|k| {
            matches!(
                k.status,
                FindingStatus::Fail | FindingStatus::Error | FindingStatus::Waived
            )
        })
        .map(|k| k.id.as_str())
        .collect();
    if observed.is_empty() {
        String::new()
    } else {
        format!(
            "; observations from supporting checks, which do not decide it: {}",
            observed.join(", ")
        )
    }
}

/// A standard is never better than its required implementation specifications (45 CFR
/// 164.306(d)(2)), nor than its addressable ones whose recorded decision is "implemented":
/// a standard whose specification fails, lacks evidence or is otherwise worse takes that
/// status (its basis with it), and the reason names the specification.
fn roll_up_standards(mut controls: Vec<ControlResult>) -> Vec<ControlResult> {
    use crate::catalog::Requirement;
    let required: Vec<(String, ControlStatus)> = controls
        .iter()
        .filter(|c| {
            c.requirement == Requirement::Required
                || (c.requirement == Requirement::Addressable
                    && c.decision == Some(crate::inputs::attestations::Decision::Implemented))
        })
        .map(|c| (c.id.clone(), c.status))
        .collect();
    for c in controls
        .iter_mut()
        .filter(|c| c.requirement == crate::catalog::Requirement::Standard)
    {
        let specs: Vec<&(String, ControlStatus)> = required
            .iter()
            .filter(|(id, _)| crate::catalog::specification_of(&c.id, id))
            .collect();
        let Some(worst) = specs.iter().map(|(_, s)| *s).min() else {
            continue;
        };
        if worst < c.status {
            let holding: Vec<&str> = specs
                .iter()
                .filter(|(_, s)| *s == worst)
                .map(|(id, _)| id.as_str())
                .collect();
            c.status_reason = format!(
                "{} by its implementation specification(s) §{} (a standard is never better than its required ones, nor its addressable ones decided \"implemented\"); on its own: {}",
                worst.label(),
                holding.join(", §"),
                c.status_reason
            );
            c.status = worst;
            c.basis = match worst {
                ControlStatus::Waived => Basis::RiskAccepted,
                ControlStatus::Inherited => Basis::Inherited,
                _ => Basis::None,
            };
        }
    }
    controls
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
        let checks = checks
            .split(',')
            .map(|c| format!("{{check: {}, role: primary, why: test}}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
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
        assess(s, &catalog(yaml), &AssessOptions::default())
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
    fn a_failure_covered_only_by_waivers_is_risk_accepted_never_pass() {
        // No password policy: iam.password_policy fails on the account's policy resource.
        let s = snapshot();
        let waiver = |expires: &str| Waiver {
            check: "iam.password_policy".into(),
            resource: "*".into(),
            justification: "SSO only".into(),
            approved_by: "Ana Ruiz, CISO".into(),
            approved_on: "2000-01-01".parse().unwrap(),
            risk: crate::inputs::waivers::Risk::Low,
            ticket: None,
            compensating_control: None,
            all_resources: true,
            expires: expires.parse().unwrap(),
            event_id: None,
            events_before: None,
        };
        let run = |waivers: Vec<Waiver>, yaml: &str| {
            let opts = AssessOptions {
                waivers,
                ..AssessOptions::default()
            };
            assess(&s, &catalog(yaml), &opts).unwrap()
        };
        let r = run(
            vec![waiver("2099-01-01")],
            &control("iam.password_policy", false),
        );
        assert_eq!(r.checks[0].status, FindingStatus::Waived);
        assert_eq!(r.controls[0].status, ControlStatus::Waived);
        assert!(
            r.controls[0].status_reason.contains("risk accepted")
                && r.controls[0].status_reason.contains("iam.password_policy"),
            "{}",
            r.controls[0].status_reason
        );
        assert_eq!(r.count(ControlStatus::Pass), 0);
        // An attested manual part does not lift it to pass either.
        let r = run(
            vec![waiver("2099-01-01")],
            &control("iam.password_policy", true),
        );
        assert_eq!(r.controls[0].status, ControlStatus::Waived);
        // An expired waiver is ignored: the failure stands.
        let r = run(
            vec![waiver("2000-01-01")],
            &control("iam.password_policy", false),
        );
        assert_eq!(r.controls[0].status, ControlStatus::Fail);
        // One approved after the evidence was collected does not hold yet: the failure stands.
        let later = Waiver {
            approved_on: "2099-01-01".parse().unwrap(),
            ..waiver("2099-06-01")
        };
        let r = run(vec![later], &control("iam.password_policy", false));
        assert_eq!(r.controls[0].status, ControlStatus::Fail);
        assert_eq!(r.waivers[0].status, Validity::NotYetValid);
        // A waived failure beside a real one: fail, and the reason names where the waived one is.
        let mut s2 = s.clone();
        s2.iam.account_summary = Some([("AccountMFAEnabled".to_string(), 0)].into());
        let opts = AssessOptions {
            waivers: vec![waiver("2099-01-01")],
            ..AssessOptions::default()
        };
        let r = assess(
            &s2,
            &catalog(&control("iam.password_policy, iam.root_mfa_enabled", false)),
            &opts,
        )
        .unwrap();
        assert_eq!(r.controls[0].status, ControlStatus::Fail);
        assert!(
            r.controls[0]
                .status_reason
                .contains("1 waived in iam.password_policy"),
            "{}",
            r.controls[0].status_reason
        );
        // Worst first: waived is worse than manual, better than insufficient evidence.
        assert!(ControlStatus::InsufficientEvidence < ControlStatus::Waived);
        assert!(ControlStatus::Waived < ControlStatus::Manual);
    }

    #[test]
    fn an_attestation_counts_only_with_an_evidence_file() {
        let s = snapshot();
        let yaml = "controls:\n  - id: \"164.316(a)\"\n    title: T\n    safeguard: documentation\n    requirement: required\n    summary: S\n    manual: attest it\n";
        let attest = |evidence: Vec<crate::inputs::EvidenceRef>| Attestation {
            control: "164.316(a)".into(),
            statement: "Policies approved.".into(),
            attested_by: "Dana Reyes, Security Officer".into(),
            date: "2026-01-01".parse().unwrap(),
            expires: "2026-12-31".parse().unwrap(),
            evidence,
            decision: None,
        };
        let run = |a: Attestation| {
            let opts = AssessOptions {
                attestations: vec![a],
                ..AssessOptions::default()
            };
            assess(&s, &catalog(yaml), &opts).unwrap().controls[0].clone()
        };
        for evidence in [
            vec![],
            vec![crate::inputs::EvidenceRef::Url(
                "https://wiki.example.org/p".into(),
            )],
        ] {
            let c = run(attest(evidence));
            assert_eq!(c.status, ControlStatus::Manual, "{}", c.status_reason);
            assert_eq!(c.basis, Basis::None);
            assert_eq!(c.attestations[0].status, Validity::WithoutEvidence);
            assert!(
                c.status_reason.contains("attested without evidence"),
                "{}",
                c.status_reason
            );
        }
        let c = run(attest(vec![crate::inputs::EvidenceRef::File {
            path: "attestations/minutes.md".into(),
            sha256: "0".repeat(64),
            outside: None,
        }]));
        assert_eq!(c.status, ControlStatus::Pass, "{}", c.status_reason);
        assert_eq!(c.basis, Basis::Attested);
    }

    #[test]
    fn an_addressable_specification_decided_implemented_holds_its_standard() {
        // 164.308(a)(5)(ii)(D) fails (no password policy): its standard takes that status only
        // when the specification is required, or addressable and decided "implemented".
        let s = snapshot();
        let yaml = |requirement: &str| {
            format!(
                "controls:\n  - id: \"164.308(a)(5)(i)\"\n    title: Standard\n    safeguard: administrative\n    requirement: standard\n    summary: S\n    manual: attest it\n  - id: \"164.308(a)(5)(ii)(D)\"\n    title: Spec\n    safeguard: administrative\n    requirement: {requirement}\n    summary: S\n    manual: attest it\n    checks: [{{check: iam.password_policy, role: primary, why: it}}]\n"
            )
        };
        let decided = |d: crate::inputs::attestations::Decision| Attestation {
            control: "164.308(a)(5)(ii)(D)".into(),
            statement: "Passwords.".into(),
            attested_by: "Dana Reyes, Security Officer".into(),
            date: "2026-01-01".parse().unwrap(),
            expires: "2026-12-31".parse().unwrap(),
            evidence: vec![crate::inputs::EvidenceRef::File {
                path: "attestations/p.md".into(),
                sha256: "0".repeat(64),
                outside: None,
            }],
            decision: Some(crate::inputs::attestations::AddressableDecision {
                decision: d,
                rationale: "r".into(),
                measure: Some("m".into()),
            }),
        };
        let standard = |yaml: &str, attestations: Vec<Attestation>| {
            let opts = AssessOptions {
                attestations,
                ..AssessOptions::default()
            };
            assess(&s, &catalog(yaml), &opts).unwrap().controls[0].status
        };
        use crate::inputs::attestations::Decision;
        assert_eq!(
            standard(&yaml("addressable"), vec![]),
            ControlStatus::Manual
        );
        assert_eq!(
            standard(&yaml("addressable"), vec![decided(Decision::Alternative)]),
            ControlStatus::Manual
        );
        assert_eq!(
            standard(&yaml("addressable"), vec![decided(Decision::Implemented)]),
            ControlStatus::Fail
        );
        assert_eq!(standard(&yaml("required"), vec![]), ControlStatus::Fail);
    }

    #[test]
    fn only_primary_checks_decide_and_supporting_failures_are_observations() {
        // No password policy: iam.password_policy fails; as a supporting check it only observes.
        let s = snapshot();
        let yaml = "controls:\n  - id: \"164.312(d)\"\n    title: T\n    safeguard: technical\n    requirement: required\n    summary: S\n    checks: [{check: iam.password_policy, role: supporting, why: a precondition}]\n    manual: attest it\n";
        let r = assess(&s, &catalog(yaml), &AssessOptions::default()).unwrap();
        let c = &r.controls[0];
        assert_eq!(c.status, ControlStatus::Manual, "{}", c.status_reason);
        assert!(
            c.status_reason.contains(
                "observations from supporting checks, which do not decide it: iam.password_policy"
            ),
            "{}",
            c.status_reason
        );
        assert_eq!(
            c.checks[0].status,
            FindingStatus::Fail,
            "the observation is listed"
        );
    }

    #[test]
    fn a_standard_is_never_better_than_its_required_specifications() {
        use crate::catalog::specification_of;
        assert!(specification_of("164.308(a)(1)(i)", "164.308(a)(1)(ii)(B)"));
        assert!(specification_of("164.312(a)(1)", "164.312(a)(2)(iv)"));
        assert!(specification_of("164.308(b)(1)", "164.308(b)(3)"));
        assert!(!specification_of("164.308(a)(1)(i)", "164.308(a)(1)(i)"));
        assert!(!specification_of("164.308(a)(1)(i)", "164.308(a)(2)"));
        assert!(
            !specification_of("164.316(a)", "164.316(b)(2)(i)"),
            "a lone paragraph"
        );
        assert!(!specification_of("164.312(b)", "164.312(c)(1)"));
        let s = snapshot();
        let yaml = "controls:
  - id: \"164.308(a)(5)(i)\"
    title: Standard
    safeguard: administrative
    requirement: standard
    summary: S
    manual: attest it
  - id: \"164.308(a)(5)(ii)(D)\"
    title: Spec
    safeguard: administrative
    requirement: required
    summary: S
    checks: [{check: iam.password_policy, role: primary, why: it}]
";
        let r = assess(&s, &catalog(yaml), &AssessOptions::default()).unwrap();
        assert_eq!(r.controls[1].status, ControlStatus::Fail);
        let standard = &r.controls[0];
        assert_eq!(standard.status, ControlStatus::Fail);
        assert!(
            standard
                .status_reason
                .starts_with("Fail by its implementation specification(s) §164.308(a)(5)(ii)(D)"),
            "{}",
            standard.status_reason
        );
        assert_eq!(
            r.count(ControlStatus::Fail),
            2,
            "the summary counts the rolled-up status"
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
        let r = assess(&s, &Catalog::builtin().unwrap(), &AssessOptions::default()).unwrap();
        assert_eq!(r.summary.len(), ControlStatus::ALL.len());
        assert_eq!(r.summary.values().sum::<usize>(), r.controls.len());
        assert_eq!(
            r.count(ControlStatus::Inherited),
            5,
            "the facility controls AWS operates"
        );
        assert_eq!(r.count(ControlStatus::NotApplicable), 0);
    }
}
