//! `safeguard history reports/<account>/`: every package of one account, verified, read as a
//! series: per run the controls by status, the failing findings and the gaps; how long the
//! findings that were fixed took; the controls that flapped; and a chart of the trend.
//!
//! It reads results.json only (never the snapshot, whose hash the verification checks), and
//! only the fields the trend needs, on every core, so hundreds of packages take seconds.

pub mod chart;
#[cfg(feature = "pdf")]
mod pdf;
pub mod render;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::package::{self, trust};
use crate::results::ControlStatus;
use crate::verdict::{CheckCoverage, FindingStatus, Since, Validity, since};

pub const SCHEMA: &str = "safeguard.history.v1";

/// How deep below the folder packages are looked for (`reports/<account>/<ts>/` is two).
pub(crate) const MAX_DEPTH: usize = 2;

/// The trend report (`history.json`; docs/scheduled-snapshots.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub schema: String,
    pub account: String,
    /// One row per intact package, oldest first.
    pub runs: Vec<Run>,
    /// Packages left out: failed verification, unreadable, or of another account.
    pub excluded: Vec<Excluded>,
    /// Findings that failed and later stopped failing, with how long that took.
    pub resolved: Vec<Resolved>,
    /// Median days from first failing to resolved (`None`: nothing was resolved).
    pub median_days_to_fix: Option<f64>,
    /// Findings failing in the newest run, with how long they have been failing.
    pub open: Vec<Open>,
    /// Controls whose status changed more than once across the runs.
    pub flapping: Vec<Flapping>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub collected_at: String,
    /// The package folder, relative to the folder given.
    pub package: String,
    pub manifest_sha256: String,
    /// Controls by status (all six keys).
    pub controls: BTreeMap<ControlStatus, usize>,
    pub failing_findings: usize,
    /// The package's evidence gaps (results.json's `evidence_gaps`), as its report counts them.
    pub gaps: usize,
    pub waivers_expired: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Excluded {
    pub package: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolved {
    pub id: String,
    pub check: String,
    pub resource: String,
    pub first_seen: String,
    pub resolved_at: String,
    pub days: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Open {
    pub id: String,
    pub check: String,
    pub resource: String,
    pub first_seen: String,
    pub days: f64,
    /// The newest run cannot judge it (its evidence is a gap): failing as far as is known, and
    /// never counted as fixed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undetermined: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flapping {
    pub control: String,
    pub changes: usize,
    /// Its status in each run, oldest first.
    pub statuses: Vec<ControlStatus>,
}

/// What history reads of results.json.
#[derive(Deserialize)]
struct Lite {
    account: LiteAccount,
    snapshot: crate::results::SnapshotRef,
    controls: Vec<LiteControl>,
    checks: Vec<LiteCheck>,
    #[serde(default)]
    evidence_gaps: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    waivers: Vec<LiteWaiver>,
}
#[derive(Deserialize)]
struct LiteAccount {
    id: String,
}
#[derive(Deserialize)]
struct LiteControl {
    id: String,
    status: ControlStatus,
}
#[derive(Deserialize)]
struct LiteCheck {
    id: String,
    findings: Vec<LiteFinding>,
}
#[derive(Deserialize)]
struct LiteFinding {
    id: String,
    resource: String,
    status: FindingStatus,
    #[serde(default)]
    waiver: Option<LiteWaiver>,
}
#[derive(Deserialize)]
struct LiteWaiver {
    status: Validity,
}

/// One package, reduced to what the trend needs.
struct Point {
    account: String,
    /// When its evidence was collected: the runs are ordered by it.
    collected: chrono::DateTime<chrono::Utc>,
    run: Run,
    statuses: BTreeMap<String, ControlStatus>,
    /// Failing (unwaived) findings: id → (check, resource).
    failing: HashMap<String, (String, String)>,
    /// Findings that could not be judged (`error`): a failing streak runs through them, since
    /// missing evidence is not a fix.
    undetermined: std::collections::HashSet<String>,
    /// Findings judged and not failing (pass, not applicable, waived), of checks with a gap.
    judged: std::collections::HashSet<String>,
    /// How completely each check was judged: a finding absent while a gap covers it
    /// is not resolved either.
    coverage: HashMap<String, CheckCoverage>,
}

impl Point {
    /// What this run says of a finding of `check` that failed in an earlier run.
    fn since(&self, id: &str, check: &str, resource: &str) -> Since {
        let now = if self.failing.contains_key(id) {
            Some((FindingStatus::Fail, false))
        } else if self.undetermined.contains(id) {
            Some((FindingStatus::Error, false))
        } else if self.judged.contains(id) {
            Some((FindingStatus::Pass, false))
        } else {
            None
        };
        since(
            now,
            resource,
            self.coverage.get(check).unwrap_or(&CheckCoverage::NotRun),
        )
    }
}

/// Package folders under `dir` (itself, or up to two levels down), not following links and
/// skipping hidden folders (packages still being written), roll-ups and trend reports.
pub(crate) fn packages_in(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(package::discover(&[dir.to_path_buf()], MAX_DEPTH)?.of_kind(package::Kind::Account))
}

/// Reads and verifies every package under `dir` (on every core) and builds the trend.
pub fn build(dir: &Path) -> Result<History> {
    let packages = packages_in(dir)?;
    if packages.is_empty() {
        return Err(Error::Usage(format!(
            "no evidence package (a folder with manifest.json) under {}",
            dir.display()
        )));
    }
    let read = package::read_all(&packages, usize::MAX, |p| point(dir, p));
    let mut excluded = Vec::new();
    let mut points = Vec::new();
    for (p, r) in packages.iter().zip(read) {
        match r {
            Ok(p) => points.push(p),
            Err(reason) => excluded.push(Excluded {
                package: relative(dir, p),
                reason,
            }),
        }
    }
    Ok(assemble(points, excluded))
}

/// The series from the packages read: one account's, ordered by collection time.
fn assemble(points: Vec<Point>, mut excluded: Vec<Excluded>) -> History {
    // The account: the one most packages are of; others are excluded, named.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &points {
        *counts.entry(&p.account).or_default() += 1;
    }
    let account = counts
        .iter()
        .max_by_key(|(a, n)| (**n, std::cmp::Reverse(**a)))
        .map(|(a, _)| a.to_string())
        .unwrap_or_default();
    let (mut points, others): (Vec<Point>, Vec<Point>) =
        points.into_iter().partition(|p| p.account == account);
    for p in others {
        excluded.push(Excluded {
            package: p.run.package,
            reason: format!("a package of account {}, not {account}", p.account),
        });
    }
    points.sort_by(|a, b| {
        (a.collected, a.run.package.as_str()).cmp(&(b.collected, b.run.package.as_str()))
    });
    trend(account, points, excluded)
}

fn relative(base: &Path, p: &Path) -> String {
    p.strip_prefix(base)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

fn point(base: &Path, dir: &Path) -> std::result::Result<Point, String> {
    let p = package::Package::open_kind(dir, package::Kind::Account).map_err(|r| r.to_string())?;
    let results = p.results_bytes().map_err(|r| r.to_string())?;
    point_of(relative(base, dir), p.manifest_sha256().into(), &results)
}

/// The trend of results.json files already read, without verification (`build` verifies each
/// package first): what the `package_results` fuzz target feeds history's reader.
pub fn from_results(files: &[(&str, &[u8])]) -> History {
    let mut points = Vec::new();
    let mut excluded = Vec::new();
    for (package, bytes) in files {
        match point_of(package.to_string(), String::new(), bytes) {
            Ok(p) => points.push(p),
            Err(reason) => excluded.push(Excluded {
                package: package.to_string(),
                reason,
            }),
        }
    }
    assemble(points, excluded)
}

/// One package's results.json, read and checked.
fn point_of(
    package: String,
    manifest_sha256: String,
    results: &[u8],
) -> std::result::Result<Point, String> {
    let lite: Lite = package::parse_results(results).map_err(|r| r.to_string())?;
    let collected = check(&lite)?;
    let mut controls: BTreeMap<ControlStatus, usize> =
        ControlStatus::ALL.iter().map(|s| (*s, 0)).collect();
    let mut statuses = BTreeMap::new();
    for c in lite.controls {
        *controls.entry(c.status).or_default() += 1;
        statuses.insert(c.id, c.status);
    }
    let mut failing = HashMap::new();
    let mut undetermined = std::collections::HashSet::new();
    let mut judged = std::collections::HashSet::new();
    let mut coverage = HashMap::new();
    for c in lite.checks {
        let cover = CheckCoverage::of(c.findings.iter().map(|f| (f.resource.as_str(), f.status)));
        // A judged finding matters only where a gap could otherwise leave it undetermined:
        // elsewhere absent and judged alike end a streak, so the (many) passing ids of a
        // complete check are not kept.
        let keep_judged = matches!(&cover, CheckCoverage::Ran { gaps } if !gaps.is_empty());
        coverage.insert(c.id.clone(), cover);
        for f in c.findings {
            match f.status {
                FindingStatus::Fail
                    if !f
                        .waiver
                        .as_ref()
                        .is_some_and(|w| w.status == Validity::Valid) =>
                {
                    failing.insert(f.id, (c.id.clone(), f.resource));
                }
                FindingStatus::Error => {
                    undetermined.insert(f.id);
                }
                _ if keep_judged => {
                    judged.insert(f.id);
                }
                _ => {}
            }
        }
    }
    Ok(Point {
        account: lite.account.id,
        collected,
        run: Run {
            collected_at: trust::canonical_time(collected),
            package,
            manifest_sha256,
            controls,
            failing_findings: failing.len(),
            gaps: lite.evidence_gaps.len(),
            waivers_expired: lite
                .waivers
                .iter()
                .filter(|w| w.status == Validity::Expired)
                .count(),
        },
        statuses,
        failing,
        undetermined,
        judged,
        coverage,
    })
}

/// What history believes of a package, checked as `diff` checks it (`package::trust`): the
/// account, the collection time (an instant), every control, check and finding id, and that
/// no finding id appears twice (the last would hide the others). Returns the collection time.
fn check(lite: &Lite) -> std::result::Result<chrono::DateTime<chrono::Utc>, String> {
    let untrusted = |u: trust::Untrusted| format!("results.json {u}");
    let collected = trust::head(
        &lite.account.id,
        &lite.snapshot.collected_at,
        lite.controls.iter().map(|c| c.id.as_str()),
        lite.checks.iter().map(|c| c.id.as_str()),
    )
    .map_err(untrusted)?;
    let mut ids = trust::FindingIds::default();
    for (i, c) in lite.checks.iter().enumerate() {
        for (j, f) in c.findings.iter().enumerate() {
            ids.check(&c.id, &f.id, i, j).map_err(untrusted)?;
        }
    }
    Ok(collected)
}

fn days_between(from: &str, to: &str) -> f64 {
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    match (parse(from), parse(to)) {
        (Some(a), Some(b)) => ((b - a).num_seconds() as f64 / 86_400.0 * 10.0).round() / 10.0,
        _ => 0.0,
    }
}

fn trend(account: String, points: Vec<Point>, excluded: Vec<Excluded>) -> History {
    // Failing streaks: id → when the streak began.
    let mut open: HashMap<&str, (&str, &(String, String))> = HashMap::new();
    let mut resolved = Vec::new();
    for p in &points {
        let at = p.run.collected_at.as_str();
        let ended: Vec<&str> = open
            .iter()
            .filter(|(id, (_, (check, resource)))| p.since(id, check, resource) == Since::Resolved)
            .map(|(id, _)| *id)
            .collect();
        for id in ended {
            let (first, (check, resource)) = open.remove(id).expect("listed above");
            resolved.push(Resolved {
                id: id.to_string(),
                check: check.clone(),
                resource: resource.clone(),
                first_seen: first.to_string(),
                resolved_at: at.to_string(),
                days: days_between(first, at),
            });
        }
        for (id, what) in &p.failing {
            open.entry(id.as_str()).or_insert((at, what));
        }
    }
    resolved.sort_by(|a, b| (&a.resolved_at, &a.id).cmp(&(&b.resolved_at, &b.id)));
    let median_days_to_fix = {
        let mut d: Vec<f64> = resolved.iter().map(|r| r.days).collect();
        d.sort_by(f64::total_cmp);
        match d.len() {
            0 => None,
            n if n % 2 == 1 => Some(d[n / 2]),
            n => Some(((d[n / 2 - 1] + d[n / 2]) / 2.0 * 10.0).round() / 10.0),
        }
    };
    let newest = points
        .last()
        .map(|p| p.run.collected_at.clone())
        .unwrap_or_default();
    let mut still: Vec<Open> = open
        .into_iter()
        .map(|(id, (first, (check, resource)))| Open {
            id: id.to_string(),
            check: check.clone(),
            resource: resource.clone(),
            first_seen: first.to_string(),
            days: days_between(first, &newest),
            undetermined: points
                .last()
                .is_some_and(|p| p.since(id, check, resource) == Since::Undetermined),
        })
        .collect();
    still.sort_by(|a, b| (&a.first_seen, &a.id).cmp(&(&b.first_seen, &b.id)));
    let mut sequences: BTreeMap<&str, Vec<ControlStatus>> = BTreeMap::new();
    for p in &points {
        for (id, s) in &p.statuses {
            sequences.entry(id).or_default().push(*s);
        }
    }
    let flapping = sequences
        .into_iter()
        .filter_map(|(control, statuses)| {
            let changes = statuses.windows(2).filter(|w| w[0] != w[1]).count();
            (changes >= 2).then(|| Flapping {
                control: control.to_string(),
                changes,
                statuses,
            })
        })
        .collect();
    History {
        schema: SCHEMA.into(),
        account,
        runs: points.into_iter().map(|p| p.run).collect(),
        excluded,
        resolved,
        median_days_to_fix,
        open: still,
        flapping,
    }
}
