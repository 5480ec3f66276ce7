//! Drift between two assessments of one account: `safeguard diff OLD NEW`, and the
//! "Changes since" part of a package made with `--previous`/`--history`.
//!
//! Findings are matched by their stable id (check, account, resource, key; never position or
//! message), controls by citation, gaps by where the evidence would be, waivers by check and
//! resource, attestations by control and statement.

pub mod render;
mod scope;

pub use scope::{ScopeDrift, StoreChange};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::package::{self, Kind, Package};
use crate::results::{Changes, Direction, ResolvedFinding, Results, StatusChange};
use crate::verdict::{Change, CheckCoverage, Finding, FindingStatus, Since, Validity, since};

pub const SCHEMA: &str = "safeguard.diff.v1";

/// The check whose failing findings are admin-equivalent principals.
const ADMIN_CHECK: &str = "iam.admin_access";
/// The check whose failing findings are privilege-escalation paths.
const ESCALATION_CHECK: &str = "iam.privilege_escalation";

/// One side of a comparison: a package's results, verified against its manifest.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub results: Results,
    /// The package folder (`None`: a results.json outside any package).
    pub package: Option<PathBuf>,
    /// SHA-256 of the package's manifest.json.
    pub manifest_sha256: Option<String>,
}

/// Reads a package folder (verified first: a package that fails verification is an error) or
/// a results.json (verified with the package around it, when there is one).
pub fn load(path: &Path) -> Result<Loaded> {
    let inside = path
        .parent()
        .filter(|p| !path.is_dir() && p.join(package::MANIFEST).is_file());
    if let Some(dir) = path.is_dir().then_some(path).or(inside) {
        let opened = Package::open_kind(dir, Kind::Account).map_err(|r| r.into_error(dir))?;
        if inside.is_some() && path.file_name().is_none_or(|n| n != package::RESULTS) {
            return Err(Error::bad_input(
                path,
                Location::default(),
                "not the package's results.json: give the package folder",
            ));
        }
        let results = checked(opened.results()).map_err(|r| r.into_error(dir))?;
        return Ok(Loaded {
            results,
            package: Some(dir.to_path_buf()),
            manifest_sha256: Some(opened.manifest_sha256().to_string()),
        });
    }
    // A regular file only: a FIFO or device named here would block or never end.
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::bad_input(
            path,
            Location::default(),
            "not a regular file: give a package folder or its results.json",
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(Loaded {
        results: parse_results(path, &bytes)?,
        package: None,
        manifest_sha256: None,
    })
}

/// A results.json on its own, of the current schema, with the error at its JSON pointer
/// otherwise.
pub fn parse_results(path: &Path, bytes: &[u8]) -> Result<Results> {
    checked(package::parse_results(bytes)).map_err(|r| match r {
        package::Rejected::BadResults { pointer, message } => Error::bad_input(
            path,
            Location {
                pointer,
                ..Default::default()
            },
            format!("{message} (not compared)"),
        ),
        other => Error::bad_input(path, Location::default(), other.to_string()),
    })
}

/// Results whose values are believed: a package's hashes say its files are the ones listed,
/// not that their author was honest, so every value compared or carried into a new package is
/// checked first.
fn checked(
    results: std::result::Result<Results, package::Rejected>,
) -> std::result::Result<Results, package::Rejected> {
    let results = results?;
    package::trust::results(&results)?;
    Ok(results)
}

/// A time [`parse_results`] has checked, as an instant.
fn instant(t: &str) -> chrono::DateTime<chrono::Utc> {
    package::trust::time(t, "").unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
}

/// A checked time in the form safeguard writes (UTC, `Z`), whatever offset it came with.
fn canonical(t: &str) -> String {
    package::trust::time(t, "")
        .map(package::trust::canonical_time)
        .unwrap_or_else(|_| t.to_string())
}

/// Whether `resource` is an IAM user or role ARN: what "a new admin-equivalent principal" can
/// be. An account-level finding of the admin check ("no user or role is admin-equivalent") is
/// not a principal.
fn is_principal(resource: &str) -> bool {
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && crate::snapshot::valid_partition(parts[1])
        && parts[2] == "iam"
        && parts[3].is_empty()
        && crate::snapshot::valid_account_id(parts[4])
        && ["user/", "role/"].iter().any(|k| {
            parts[5]
                .strip_prefix(k)
                .is_some_and(|name| !name.is_empty())
        })
}

/// `safeguard diff`'s report (`diff.json`, schema `safeguard.diff.v1`; docs/scheduled-snapshots.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    pub schema: String,
    pub account: String,
    pub old: Side,
    pub new: Side,
    /// Controls whose status changed, with the direction.
    pub controls: Vec<StatusChange>,
    /// Failing findings (unwaived) that did not fail before.
    pub new_failing: Vec<FindingRef>,
    /// Findings that failed before and do not now (pass, not applicable, waived, or gone).
    pub resolved: Vec<FindingRef>,
    /// Findings that failed before and cannot be judged now (`error`: their evidence is
    /// missing). Not resolved: a gap is not a fix.
    pub undetermined: Vec<FindingRef>,
    pub still_failing: Vec<FindingRef>,
    /// Principals `iam.admin_access` lists now (passing or failing) and did not before: newly
    /// admin-equivalent.
    pub new_admins: Vec<FindingRef>,
    /// `iam.privilege_escalation` findings failing now and not before, or failing in both with
    /// other paths.
    pub new_escalations: Vec<FindingRef>,
    /// Waivers valid before and expired now.
    pub waivers_expired: Vec<WaiverRef>,
    /// Attestations valid before and expired now.
    pub attestations_expired: Vec<AttestationRef>,
    /// Evidence gaps (the snapshot's gaps and `error` findings) that appeared, and closed.
    pub gaps_opened: Vec<GapRef>,
    pub gaps_closed: Vec<GapRef>,
    /// Data stores that entered or left the PHI scope, and whether its definition changed.
    #[serde(default)]
    pub scope: ScopeDrift,
    /// Why the new package is worse than the old (empty: it is not).
    pub worse: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub collected_at: String,
    /// The package folder as given (`None`: a results.json on its own).
    pub package: Option<String>,
    pub manifest_sha256: Option<String>,
    /// Whether the package's hashes were checked (a lone results.json cannot be).
    pub verified: bool,
    pub failing_controls: usize,
    pub failing_findings: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRef {
    pub id: String,
    pub check: String,
    pub resource: String,
    pub message: String,
    /// When it was first seen failing, as far as the two packages say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// For a resolved or undetermined finding: what it is now (`pass`, `waived`, `gone`;
    /// `error` or `not_judged` when a gap of its check now covers it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverRef {
    pub check: String,
    pub resource: String,
    pub expires: chrono::NaiveDate,
    pub approved_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationRef {
    pub control: String,
    pub statement: String,
    pub attested_by: String,
    pub expires: chrono::NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GapRef {
    /// What is wrong with the evidence: `missing`, `stale`, `incomplete`, `unreadable` or `unrecorded`.
    pub kind: String,
    /// The JSON pointer of the evidence.
    pub at: String,
    pub reason: String,
}

impl Drift {
    pub(crate) fn is_worse(&self) -> bool {
        !self.worse.is_empty()
    }
}

/// Every finding by id, with its check.
fn findings(r: &Results) -> BTreeMap<&str, (&str, &Finding)> {
    r.checks
        .iter()
        .flat_map(|c| {
            c.findings
                .iter()
                .map(move |f| (f.id.as_str(), (c.id.as_str(), f)))
        })
        .collect()
}

/// How completely each check was judged in `r` (for [`since`]).
fn coverage(r: &Results) -> BTreeMap<&str, CheckCoverage> {
    r.checks
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                CheckCoverage::of(c.findings.iter().map(|f| (f.resource.as_str(), f.status))),
            )
        })
        .collect()
}

fn finding_ref(check: &str, f: &Finding, first_seen: Option<String>) -> FindingRef {
    FindingRef {
        id: f.id.clone(),
        check: check.to_string(),
        resource: f.resource.clone(),
        message: f.message.clone(),
        first_seen,
        now: None,
    }
}

/// What a finding that no longer fails is now.
fn now_of(f: Option<&Finding>) -> &'static str {
    match f {
        None => "gone",
        Some(f) if f.is_waived() => "waived",
        Some(f) => f.status.as_str(),
    }
}

/// The evidence gaps of `r` ([`crate::results::EvidenceGap`]), by kind and place.
fn gaps(r: &Results) -> BTreeSet<GapRef> {
    r.evidence_gaps
        .iter()
        .map(|g| GapRef {
            kind: g.kind.as_str().into(),
            at: g.evidence.clone(),
            reason: g.reason.clone(),
        })
        .collect()
}

/// Gaps compared by kind and place: a reason worded differently is the same gap.
fn gap_diff(a: &BTreeSet<GapRef>, b: &BTreeSet<GapRef>) -> Vec<GapRef> {
    let keys: BTreeSet<(&str, &str)> = b.iter().map(|g| (g.kind.as_str(), g.at.as_str())).collect();
    a.iter()
        .filter(|g| !keys.contains(&(g.kind.as_str(), g.at.as_str())))
        .cloned()
        .collect()
}

/// Compares two assessments of one account. Errors when they are of different accounts or
/// the "old" one was collected after the "new" one.
pub fn compare(old: &Loaded, new: &Loaded) -> Result<Drift> {
    compare_sides(&old.results, side(old), &new.results, side(new))
}

/// [`compare`] on results and how each side is described (the results are borrowed, never
/// copied: `carry_forward` compares an account's whole results with its previous package's).
fn compare_sides(o: &Results, old: Side, n: &Results, new: Side) -> Result<Drift> {
    if o.account.id != n.account.id {
        return Err(Error::Usage(format!(
            "the packages are of different accounts ({} and {}): diff compares one account over time",
            o.account.id, n.account.id
        )));
    }
    if instant(&o.snapshot.collected_at) > instant(&n.snapshot.collected_at) {
        return Err(Error::Usage(format!(
            "OLD was collected at {} and NEW at {}: give the older package first",
            o.snapshot.collected_at, n.snapshot.collected_at
        )));
    }
    let (of, nf) = (findings(o), findings(n));
    let mut drift = Drift {
        schema: SCHEMA.into(),
        account: n.account.id.clone(),
        old,
        new,
        controls: status_changes(o, n),
        new_failing: Vec::new(),
        resolved: Vec::new(),
        undetermined: Vec::new(),
        still_failing: Vec::new(),
        new_admins: Vec::new(),
        new_escalations: Vec::new(),
        waivers_expired: Vec::new(),
        attestations_expired: Vec::new(),
        gaps_opened: Vec::new(),
        gaps_closed: Vec::new(),
        scope: scope::compare(o, n),
        worse: Vec::new(),
    };
    // Findings the old package could not judge, though they failed before it: their streak
    // runs on through the gap.
    let through_gap: BTreeMap<&str, &ResolvedFinding> = o
        .changes
        .iter()
        .flat_map(|c| &c.undetermined_findings)
        .map(|u| (u.id.as_str(), u))
        .collect();
    failing_now(&mut drift, (o, &of), (n, &nf), &through_gap);
    no_longer_failing(&mut drift, (o, &of), (n, &nf), &through_gap);
    drift.waivers_expired = expired_waivers(o, n);
    drift.attestations_expired = expired_attestations(o, n);
    let (og, ng) = (gaps(o), gaps(n));
    drift.gaps_opened = gap_diff(&ng, &og);
    drift.gaps_closed = gap_diff(&og, &ng);
    drift.worse = reasons(&drift);
    Ok(drift)
}

/// Findings by id, with their check.
type ById<'a> = BTreeMap<&'a str, (&'a str, &'a Finding)>;

/// What fails now: new, or still failing since its first failure (through a gap too); new
/// admin-equivalent principals; and new or changed escalation paths.
fn failing_now(
    drift: &mut Drift,
    (o, of): (&Results, &ById<'_>),
    (n, nf): (&Results, &ById<'_>),
    through_gap: &BTreeMap<&str, &ResolvedFinding>,
) {
    for (id, (check, f)) in nf.iter().filter(|(_, (_, f))| f.fails()) {
        match (of.get(id), through_gap.get(id)) {
            (Some((_, before)), _) if before.fails() => {
                let since = canonical(
                    before
                        .first_seen
                        .as_deref()
                        .unwrap_or(&o.snapshot.collected_at),
                );
                drift.still_failing.push(finding_ref(check, f, Some(since)));
            }
            (_, Some(u)) => {
                drift
                    .still_failing
                    .push(finding_ref(check, f, Some(canonical(&u.first_seen))));
            }
            _ => {
                let r = finding_ref(check, f, Some(canonical(&n.snapshot.collected_at)));
                if *check == ESCALATION_CHECK {
                    drift.new_escalations.push(r.clone());
                }
                drift.new_failing.push(r);
            }
        }
    }
    // iam.admin_access lists every admin-equivalent principal, passing (MFA, break-glass) or
    // failing: one listed now and not before is new, whatever its status.
    let judged = |f: &Finding| matches!(f.status, FindingStatus::Pass | FindingStatus::Fail);
    for (id, (check, f)) in nf
        .iter()
        .filter(|(_, (c, f))| *c == ADMIN_CHECK && judged(f) && is_principal(&f.resource))
    {
        if !of.get(id).is_some_and(|(_, before)| judged(before)) {
            drift.new_admins.push(finding_ref(check, f, None));
        }
    }
    // An escalation finding failing in both whose paths changed (its message names them) is a
    // new path too.
    for r in &drift.still_failing {
        if r.check == ESCALATION_CHECK
            && of
                .get(r.id.as_str())
                .is_some_and(|(_, before)| before.message != r.message)
        {
            drift.new_escalations.push(r.clone());
        }
    }
}

/// What failed before and does not fail now: resolved when it was judged, undetermined while
/// a gap covers it, for findings that failed in the old package and those its gaps carried.
fn no_longer_failing(
    drift: &mut Drift,
    (o, of): (&Results, &ById<'_>),
    (n, nf): (&Results, &ById<'_>),
    through_gap: &BTreeMap<&str, &ResolvedFinding>,
) {
    let coverage = coverage(n);
    for (id, (check, f)) in of.iter().filter(|(_, (_, f))| f.fails()) {
        let now = nf.get(id).map(|(_, f)| *f);
        let judged = since(
            now.map(|f| (f.status, f.is_waived())),
            &f.resource,
            coverage.get(check).unwrap_or(&CheckCoverage::NotRun),
        );
        if judged == Since::StillFailing {
            continue;
        }
        let first = canonical(f.first_seen.as_deref().unwrap_or(&o.snapshot.collected_at));
        let mut r = finding_ref(check, f, Some(first));
        // Absent while a gap covers it: not "gone", just not judged.
        r.now = Some(
            match (now, judged) {
                (None, Since::Undetermined) => "not_judged",
                _ => now_of(now),
            }
            .into(),
        );
        if judged == Since::Undetermined {
            drift.undetermined.push(r);
        } else {
            drift.resolved.push(r);
        }
    }
    // Undetermined in the old package too: still undetermined, or now judged.
    for (id, u) in through_gap {
        if of.get(id).is_some_and(|(_, f)| f.fails()) {
            continue;
        }
        let now = nf.get(id).map(|(_, f)| *f);
        let judged = since(
            now.map(|f| (f.status, f.is_waived())),
            &u.resource,
            coverage
                .get(u.check.as_str())
                .unwrap_or(&CheckCoverage::NotRun),
        );
        let r = FindingRef {
            id: u.id.clone(),
            check: u.check.clone(),
            resource: u.resource.clone(),
            message: now.map_or_else(String::new, |f| f.message.clone()),
            first_seen: Some(canonical(&u.first_seen)),
            now: Some(
                match (now, judged) {
                    (None, Since::Undetermined) => "not_judged",
                    _ => now_of(now),
                }
                .into(),
            ),
        };
        match judged {
            Since::Undetermined => drift.undetermined.push(r),
            Since::Resolved => drift.resolved.push(r),
            // Failing again: counted above as still failing.
            Since::StillFailing => {}
        }
    }
}

/// Waivers valid before and expired now.
fn expired_waivers(o: &Results, n: &Results) -> Vec<WaiverRef> {
    let mut expired = Vec::new();
    for w in &o.waivers {
        if w.status == Validity::Valid
            && n.waivers.iter().any(|x| {
                x.check == w.check && x.resource == w.resource && x.status == Validity::Expired
            })
        {
            expired.push(WaiverRef {
                check: w.check.clone(),
                resource: w.resource.clone(),
                expires: w.expires,
                approved_by: w.approved_by.clone(),
            });
        }
    }
    expired
}

/// Attestations valid before and expired now.
fn expired_attestations(o: &Results, n: &Results) -> Vec<AttestationRef> {
    let mut expired = Vec::new();
    for c in &o.controls {
        let Some(nc) = n.controls.iter().find(|x| x.id == c.id) else {
            continue;
        };
        for a in c
            .attestations
            .iter()
            .filter(|a| a.status == Validity::Valid)
        {
            if nc.attestations.iter().any(|x| {
                x.statement == a.statement
                    && x.attested_by == a.attested_by
                    && x.status == Validity::Expired
            }) {
                expired.push(AttestationRef {
                    control: c.id.clone(),
                    statement: a.statement.clone(),
                    attested_by: a.attested_by.clone(),
                    expires: a.expires,
                });
            }
        }
    }
    expired
}

fn side(l: &Loaded) -> Side {
    side_of(&l.results, l.package.as_deref(), l.manifest_sha256.clone())
}

fn side_of(r: &Results, package: Option<&Path>, manifest_sha256: Option<String>) -> Side {
    Side {
        collected_at: r.snapshot.collected_at.clone(),
        package: package.map(|p| p.display().to_string()),
        manifest_sha256,
        verified: package.is_some(),
        failing_controls: r.count(crate::results::ControlStatus::Fail),
        failing_findings: r
            .checks
            .iter()
            .flat_map(|c| &c.findings)
            .filter(|f| f.fails())
            .count(),
    }
}

fn status_changes(o: &Results, n: &Results) -> Vec<StatusChange> {
    let before: BTreeMap<&str, _> = o
        .controls
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    n.controls
        .iter()
        .filter_map(|c| {
            let from = *before.get(c.id.as_str())?;
            (from != c.status).then(|| StatusChange {
                control: c.id.clone(),
                from,
                to: c.status,
                direction: Direction::of(from, c.status),
            })
        })
        .collect()
}

/// Each way the new package is worse, one line each.
fn reasons(d: &Drift) -> Vec<String> {
    let mut out = Vec::new();
    let worse: Vec<&str> = d
        .controls
        .iter()
        .filter(|c| c.direction == Direction::Worse)
        .map(|c| c.control.as_str())
        .collect();
    if !worse.is_empty() {
        out.push(format!(
            "{} control(s) got worse: {}",
            worse.len(),
            worse.join(", ")
        ));
    }
    let counted = [
        (d.new_failing.len(), "new failing finding(s)"),
        (d.new_admins.len(), "new admin-equivalent principal(s)"),
        (d.new_escalations.len(), "new escalation path(s)"),
        (d.waivers_expired.len(), "waiver(s) expired"),
        (d.attestations_expired.len(), "attestation(s) expired"),
        (d.gaps_opened.len(), "evidence gap(s) opened"),
        (
            d.scope.left.len(),
            "data store(s) left the PHI scope, so no data-plane check judges them",
        ),
    ];
    for (n, what) in counted {
        if n > 0 {
            out.push(format!("{n} {what}"));
        }
    }
    out
}

/// Carries `first_seen` forward from the previous package of the account, marks each failing
/// finding new or recurring, and records the changes in `results.changes`.
pub fn carry_forward(results: &mut Results, previous: &Loaded) -> Result<()> {
    let drift = compare_sides(
        &previous.results,
        side(previous),
        results,
        side_of(results, None, None),
    )?;
    // Failing in both: when each was first seen, as the comparison found it; the rest are new.
    let recurring: BTreeMap<&str, &str> = drift
        .still_failing
        .iter()
        .map(|f| (f.id.as_str(), f.first_seen.as_deref().unwrap_or_default()))
        .collect();
    let now = canonical(&results.snapshot.collected_at);
    for f in results
        .checks
        .iter_mut()
        .flat_map(|c| c.findings.iter_mut())
        .filter(|f| f.fails())
    {
        let (first, change) = match recurring.get(f.id.as_str()) {
            Some(first) => (first.to_string(), Change::Recurring),
            None => (now.clone(), Change::New),
        };
        f.first_seen = Some(first);
        f.change = Some(change);
    }
    results.changes = Some(Changes {
        since: canonical(&previous.results.snapshot.collected_at),
        previous_manifest_sha256: previous.manifest_sha256.clone(),
        controls: drift.controls,
        new_failing: drift.new_failing.len(),
        recurring: drift.still_failing.len(),
        resolved: drift
            .resolved
            .into_iter()
            .map(|r| ResolvedFinding {
                id: r.id,
                check: r.check,
                resource: r.resource,
                first_seen: r.first_seen.unwrap_or_default(),
                now: r.now.unwrap_or_default(),
            })
            .collect(),
        gaps_opened: drift.gaps_opened.len(),
        gaps_closed: drift.gaps_closed.len(),
        undetermined: drift.undetermined.len(),
        undetermined_findings: drift
            .undetermined
            .iter()
            .map(|r| ResolvedFinding {
                id: r.id.clone(),
                check: r.check.clone(),
                resource: r.resource.clone(),
                first_seen: r.first_seen.clone().unwrap_or_default(),
                now: r.now.clone().unwrap_or_default(),
            })
            .collect(),
        passed_over: Vec::new(),
    });
    Ok(())
}

/// Packages passed over, each with why.
pub(crate) type PassedOver = Vec<(PathBuf, String)>;

/// `--history DIR`: every earlier package of `account` under `dir` (collected before `before`), each verified
/// and read once: the newest intact one is the previous package, and all of them give
/// "held in N of M". Packages that fail verification are left out and named; those newer than
/// the previous package are its `passed_over`.
pub(crate) fn earlier_in(dir: &Path, account: &str, before: &str) -> Result<Earliers> {
    let mut out = Earliers::default();
    let mut candidates = candidates(dir, account, before)?;
    // Newest first, so the first intact one is the previous package.
    candidates.reverse();
    for (at, p) in candidates {
        match load(&p) {
            Ok(l) => {
                out.statuses.push(Earlier::of(at, &l.results));
                if out.previous.is_none() {
                    out.previous = Some(l);
                }
            }
            Err(e) if out.previous.is_none() => out.passed_over.push((p, e.to_string())),
            Err(_) => {}
        }
    }
    out.statuses.reverse();
    Ok(out)
}

/// What [`earlier_in`] found.
#[derive(Default)]
pub(crate) struct Earliers {
    /// Every intact earlier package's control statuses, oldest first.
    pub statuses: Vec<Earlier>,
    /// The newest intact one.
    pub previous: Option<Loaded>,
    /// Newer packages that failed verification, with why.
    pub passed_over: PassedOver,
}

/// One earlier package's control statuses.
#[derive(Debug, Clone)]
pub(crate) struct Earlier {
    pub collected_at: chrono::DateTime<chrono::Utc>,
    pub statuses: std::collections::BTreeMap<String, crate::results::ControlStatus>,
}

impl Earlier {
    pub fn of(collected_at: chrono::DateTime<chrono::Utc>, results: &Results) -> Earlier {
        Earlier {
            collected_at,
            statuses: results
                .controls
                .iter()
                .map(|c| (c.id.clone(), c.status))
                .collect(),
        }
    }
}

/// Sets each control's `held`: in how many of the earlier snapshots and this one it held
/// (`pass` or `not_applicable`), since the first counted. A control an earlier package lacks
/// (another catalog) counts there as not held.
pub(crate) fn apply_held(results: &mut Results, earlier: &[Earlier]) {
    use crate::results::ControlStatus;
    let since = earlier
        .first()
        .map(|e| {
            e.collected_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        })
        .unwrap_or_else(|| results.snapshot.collected_at.clone());
    let held = |s: Option<ControlStatus>| {
        matches!(s, Some(ControlStatus::Pass | ControlStatus::NotApplicable))
    };
    for c in &mut results.controls {
        let before = earlier
            .iter()
            .filter(|e| held(e.statuses.get(&c.id).copied()))
            .count();
        c.held = Some(crate::results::Held {
            held: before + usize::from(held(Some(c.status))),
            of: earlier.len() + 1,
            since: since.clone(),
        });
    }
}

/// The packages of `account` under `dir` whose manifest says they were collected before
/// `before`, oldest first (none verified yet).
fn candidates(
    dir: &Path,
    account: &str,
    before: &str,
) -> Result<Vec<(chrono::DateTime<chrono::Utc>, PathBuf)>> {
    // The manifest says whose package it is and when it was collected: read that first, so
    // only the packages needed are verified and read.
    // In the usual layout (`reports/<account>/<ts>/`) only the account's own folder is read: an
    // organization's run looks up hundreds of accounts in one folder.
    let own = dir.join(account);
    let real_dir = std::fs::symlink_metadata(&own).is_ok_and(|m| m.is_dir());
    let scope = if crate::snapshot::valid_account_id(account) && real_dir {
        own
    } else {
        dir.to_path_buf()
    };
    // Times are compared as instants: a manifest's time that is not one is not a candidate
    // (and would fail verification anyway).
    let before = instant(before);
    let mut candidates: Vec<(chrono::DateTime<chrono::Utc>, PathBuf)> =
        package::discover(std::slice::from_ref(&scope), crate::history::MAX_DEPTH)?
            .of_kind(Kind::Account)
            .into_iter()
            .filter_map(|p| {
                let package::Manifest::Account(m) = package::peek(&p)? else {
                    return None;
                };
                let at = package::trust::time(&m.snapshot.collected_at, "").ok()?;
                (m.account.id == account && at < before).then_some((at, p))
            })
            .collect();
    candidates.sort();
    Ok(candidates)
}
