//! `safeguard aggregate`: many accounts' evidence packages → one organization roll-up.
//!
//! Each package is verified against its manifest first; a package that fails (a file altered,
//! missing or added) is excluded and named with why, never counted. Packages are read one at a
//! time per worker and reduced to what the roll-up shows (control statuses, check counts,
//! gaps), so memory stays bounded by the largest single package, not by the organization.
//! Run ledgers (`safeguard.org-run.v1`, written by `run --org`) add the accounts whose
//! collection failed, and the planned accounts that produced nothing.

pub mod ledger;
#[cfg(feature = "pdf")]
mod pdf;
pub mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::package::trust;
use crate::results::{AccountRef, ControlStatus, Counts, SnapshotRef, Tool};
use crate::snapshot::sha256_hex;
pub use ledger::{Ledger, LedgerFailure};

pub const SCHEMA: &str = "safeguard.rollup.v1";

/// How deep below a folder given to `aggregate` packages are looked for
/// (`reports/<account>/<timestamp>/` is two).
const MAX_DEPTH: usize = 4;

/// The organization roll-up (`rollup.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rollup {
    pub schema: String,
    pub tool: Tool,
    /// The organization the packages share (`None`: none, or they disagree).
    pub organization: Option<String>,
    /// One row per account: its newest intact package.
    pub accounts: Vec<AccountRow>,
    /// Every control seen, in the first package's catalog order, with its counts across
    /// accounts (one per status).
    pub controls: Vec<ControlRollup>,
    /// Checks that fail in at least one account, most accounts first.
    pub failing_checks: Vec<FailingCheck>,
    /// Accounts with no package: collection failed, or planned and never delivered.
    pub failed: Vec<FailedAccount>,
    /// Packages left out, with why (failed verification, unreadable, older schema).
    pub excluded: Vec<Excluded>,
    /// Older intact packages of an account that has a newer one.
    pub superseded: Vec<Superseded>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AccountRow {
    pub account: String,
    pub name: Option<String>,
    pub ou_path: Option<String>,
    /// The package folder as found.
    pub package: String,
    /// SHA-256 of the package's manifest.json, which hashes every other file.
    pub manifest_sha256: String,
    pub results_sha256: String,
    pub collected_at: String,
    pub snapshot_sha256: String,
    /// The worst control status of the account.
    pub worst: ControlStatus,
    /// Controls per status.
    pub summary: BTreeMap<ControlStatus, usize>,
    /// One status per entry of [`Rollup::controls`] (`None`: not in this package's catalog).
    pub statuses: Vec<Option<ControlStatus>>,
    pub gaps: usize,
    /// Up to three gaps, as "evidence: reason".
    pub gap_examples: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ControlRollup {
    pub id: String,
    pub title: String,
    /// Accounts per status (every status present).
    pub counts: BTreeMap<ControlStatus, usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailingCheck {
    pub check: String,
    /// Accounts where it has an unwaived failing finding.
    pub accounts: usize,
    /// Its failing findings across them.
    pub findings: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailedAccount {
    pub account: String,
    pub name: Option<String>,
    pub reason: String,
    /// The run ledger that says so.
    pub ledger: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Excluded {
    pub package: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Superseded {
    pub account: String,
    pub package: String,
}

/// What the roll-up reads of results.json: findings are skipped while parsing, not held.
#[derive(Deserialize)]
struct Lite {
    account: AccountRef,
    snapshot: SnapshotRef,
    controls: Vec<LiteControl>,
    checks: Vec<LiteCheck>,
    #[serde(default)]
    evidence_gaps: Vec<crate::results::EvidenceGap>,
}

#[derive(Deserialize)]
struct LiteControl {
    id: String,
    title: String,
    status: ControlStatus,
}

#[derive(Deserialize)]
struct LiteCheck {
    id: String,
    counts: Counts,
    #[expect(
        dead_code,
        reason = "required in the schema, skipped while parsing: never held"
    )]
    findings: IgnoredAny,
}

/// One package reduced to what the roll-up needs.
struct Summary {
    dir: String,
    account: String,
    /// When its evidence was collected, as an instant (the text may carry an offset).
    collected: chrono::DateTime<chrono::Utc>,
    name: Option<String>,
    ou_path: Option<String>,
    organization: Option<String>,
    manifest_sha256: String,
    results_sha256: String,
    snapshot: SnapshotRef,
    controls: Vec<(String, String, ControlStatus)>,
    failing: Vec<(String, usize)>,
    gaps: usize,
    gap_examples: Vec<String>,
}

/// What the folders hold: account packages and run ledgers.
#[derive(Debug, Default)]
pub struct Found {
    pub packages: Vec<PathBuf>,
    pub ledgers: Vec<PathBuf>,
}

/// Finds account packages and run ledgers below `dirs`. Symbolic links are not followed;
/// roll-ups, trend reports and folders being written are skipped.
pub fn find(dirs: &[PathBuf]) -> Result<Found> {
    let found = crate::package::discover(dirs, MAX_DEPTH)?;
    Ok(Found {
        packages: found.of_kind(crate::package::Kind::Account),
        ledgers: found.ledgers,
    })
}

/// Verifies and reads every package (on every core), and combines them with the ledgers.
pub fn build(found: &Found) -> Result<Rollup> {
    let read = crate::package::read_all(&found.packages, 8, |dir| summarize(dir));
    let mut excluded = Vec::new();
    let mut summaries = Vec::new();
    for (dir, r) in found.packages.iter().zip(read) {
        match r {
            Ok(s) => summaries.push(s),
            Err(reason) => excluded.push(Excluded {
                package: dir.display().to_string(),
                reason,
            }),
        }
    }
    let mut ledgers = Vec::new();
    for path in &found.ledgers {
        match ledger::read(path) {
            Ok(Some(l)) => ledgers.push((path.display().to_string(), l)),
            Ok(None) => {}
            Err(e) => excluded.push(Excluded {
                package: path.display().to_string(),
                reason: format!("run ledger unreadable: {e}"),
            }),
        }
    }
    Ok(combine(summaries, excluded, ledgers))
}

fn summarize(dir: &Path) -> std::result::Result<Summary, String> {
    use crate::package::{Kind, Package};
    let p = Package::open_kind(dir, Kind::Account).map_err(|r| r.to_string())?;
    let results = p.results_bytes().map_err(|r| r.to_string())?;
    summary_of(
        dir.display().to_string(),
        p.manifest_sha256().into(),
        &results,
    )
}

/// A roll-up of results.json files and run ledgers already read, without verification
/// (`build` verifies each package first): what the `package_results` fuzz target feeds
/// aggregate's readers.
pub fn from_parts(packages: &[(&str, &[u8])], ledgers: &[(&str, &[u8])]) -> Rollup {
    let mut summaries = Vec::new();
    let mut excluded = Vec::new();
    for (dir, bytes) in packages {
        match summary_of(dir.to_string(), String::new(), bytes) {
            Ok(s) => summaries.push(s),
            Err(reason) => excluded.push(Excluded {
                package: dir.to_string(),
                reason,
            }),
        }
    }
    let mut read = Vec::new();
    for (path, bytes) in ledgers {
        match ledger::parse(Path::new(path), bytes) {
            Ok(Some(l)) => read.push((path.to_string(), l)),
            Ok(None) => {}
            Err(e) => excluded.push(Excluded {
                package: path.to_string(),
                reason: format!("run ledger unreadable: {e}"),
            }),
        }
    }
    combine(summaries, excluded, read)
}

/// One package's results.json, read and checked.
fn summary_of(
    dir: String,
    manifest_sha256: String,
    results: &[u8],
) -> std::result::Result<Summary, String> {
    let lite: Lite = crate::package::parse_results(results).map_err(|r| r.to_string())?;
    // The account id names rows and files downstream: only what AWS issues. Times are
    // compared as instants, ids printed as ids: each is what safeguard writes, or refused.
    let collected = trust::head(
        &lite.account.id,
        &lite.snapshot.collected_at,
        lite.controls.iter().map(|c| c.id.as_str()),
        lite.checks.iter().map(|c| c.id.as_str()),
    )
    .map_err(|u| format!("results.json {u}"))?;
    let org = lite.account.organization.as_ref();
    if let Some(o) = org
        && !crate::snapshot::organization::valid_org_id(&o.id)
    {
        return Err(format!(
            "results.json names organization {:?}, not an AWS Organizations id",
            crate::text::line(&o.id)
        ));
    }
    Ok(Summary {
        dir,
        account: lite.account.id.clone(),
        collected,
        name: org.and_then(|o| o.account_name.clone()),
        ou_path: org.and_then(|o| o.ou_path.clone()),
        organization: org.map(|o| o.id.clone()),
        manifest_sha256,
        results_sha256: sha256_hex(results),
        snapshot: lite.snapshot,
        controls: lite
            .controls
            .into_iter()
            .map(|c| (c.id, c.title, c.status))
            .collect(),
        failing: lite
            .checks
            .into_iter()
            .filter(|k| k.counts.fail > 0)
            .map(|k| (k.id, k.counts.fail))
            .collect(),
        gaps: lite.evidence_gaps.len(),
        gap_examples: lite
            .evidence_gaps
            .iter()
            .take(3)
            .map(|g| format!("{}: {}", g.evidence, g.reason))
            .collect(),
    })
}

fn combine(
    mut summaries: Vec<Summary>,
    excluded: Vec<Excluded>,
    ledgers: Vec<(String, Ledger)>,
) -> Rollup {
    // Newest package per account; the rest are superseded.
    summaries.sort_by(|a, b| {
        a.account
            .cmp(&b.account)
            .then(b.collected.cmp(&a.collected))
            .then(b.dir.cmp(&a.dir))
    });
    let mut superseded = Vec::new();
    let mut newest: Vec<Summary> = Vec::new();
    for s in summaries {
        if newest.last().is_some_and(|n| n.account == s.account) {
            superseded.push(Superseded {
                account: s.account,
                package: s.dir,
            });
        } else {
            newest.push(s);
        }
    }

    // Controls in the first package's catalog order, then any others as first seen.
    let mut controls: Vec<ControlRollup> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for s in &newest {
        for (id, title, _) in &s.controls {
            if !index.contains_key(id) {
                index.insert(id.clone(), controls.len());
                controls.push(ControlRollup {
                    id: id.clone(),
                    title: title.clone(),
                    counts: ControlStatus::ALL.iter().map(|&st| (st, 0)).collect(),
                });
            }
        }
    }
    let mut failing: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let orgs: BTreeSet<Option<String>> = newest.iter().map(|s| s.organization.clone()).collect();
    let mut accounts: Vec<AccountRow> = newest
        .into_iter()
        .map(|s| {
            let mut statuses = vec![None; controls.len()];
            let mut summary: BTreeMap<ControlStatus, usize> =
                ControlStatus::ALL.iter().map(|&st| (st, 0)).collect();
            for (id, _, st) in &s.controls {
                let i = index[id];
                statuses[i] = Some(*st);
                *summary.entry(*st).or_default() += 1;
                *controls[i].counts.entry(*st).or_default() += 1;
            }
            for (check, n) in &s.failing {
                let e = failing.entry(check.clone()).or_default();
                e.0 += 1;
                e.1 += n;
            }
            let worst = statuses
                .iter()
                .flatten()
                .min()
                .copied()
                .unwrap_or(ControlStatus::NotApplicable);
            AccountRow {
                account: s.account,
                name: s.name,
                ou_path: s.ou_path,
                package: s.dir,
                manifest_sha256: s.manifest_sha256,
                results_sha256: s.results_sha256,
                collected_at: trust::canonical_time(s.collected),
                snapshot_sha256: s.snapshot.sha256,
                worst,
                summary,
                statuses,
                gaps: s.gaps,
                gap_examples: s.gap_examples,
            }
        })
        .collect();
    // Worst first, then by account.
    accounts.sort_by(|a, b| a.worst.cmp(&b.worst).then(a.account.cmp(&b.account)));

    let mut failing_checks: Vec<FailingCheck> = failing
        .into_iter()
        .map(|(check, (accounts, findings))| FailingCheck {
            check,
            accounts,
            findings,
        })
        .collect();
    failing_checks.sort_by(|a, b| {
        b.accounts
            .cmp(&a.accounts)
            .then(b.findings.cmp(&a.findings))
            .then(a.check.cmp(&b.check))
    });

    // One organization's ledgers: the packages' own, else the newest ledger's. Another
    // organization's ledger is refused by name, never allowed to clear a failure.
    let packages_org = match (orgs.len(), orgs.into_iter().next()) {
        (1, Some(o)) => o,
        _ => None,
    };
    let mut excluded = excluded;
    let mut ledgers = ledgers;
    ledgers.sort_by(|a, b| a.1.started().cmp(&b.1.started()).then(a.0.cmp(&b.0)));
    let organization = packages_org.or_else(|| ledgers.last().map(|(_, l)| l.organization.clone()));
    let (ledgers, foreign): (Vec<_>, Vec<_>) = ledgers
        .into_iter()
        .partition(|(_, l)| organization.as_deref() == Some(l.organization.as_str()));
    for (path, l) in foreign {
        excluded.push(Excluded {
            package: path,
            reason: format!(
                "a run ledger of organization {}, not {}: not counted",
                l.organization,
                organization.as_deref().unwrap_or("the packages'")
            ),
        });
    }
    excluded.extend(missing_shards(&ledgers));
    let failed = failed_accounts(&ledgers, &accounts);
    Rollup {
        schema: SCHEMA.into(),
        tool: Tool {
            name: "safeguard".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        organization,
        accounts,
        controls,
        failing_checks,
        failed,
        excluded,
        superseded,
    }
}

/// What the newest ledger naming an account says of it.
struct Said<'a> {
    started: chrono::DateTime<chrono::Utc>,
    ledger: &'a str,
    failure: Option<&'a LedgerFailure>,
}

/// Accounts a run planned that have no package collected since: superseded per account, by
/// time, never per shard label. The newest ledger that names an account (planned, packaged or
/// failed) decides what the runs say of it; a package collected after that run started
/// answers it. So a failure stays until a later package, whatever a newer ledger of another
/// shard, a partial `--accounts` re-run or a reused folder holds.
fn failed_accounts(ledgers: &[(String, Ledger)], accounts: &[AccountRow]) -> Vec<FailedAccount> {
    let mut said: BTreeMap<&str, Said<'_>> = BTreeMap::new();
    // Oldest first (as sorted by the caller), so a later ledger overwrites an earlier one.
    for (path, l) in ledgers {
        let Some(started) = l.started() else { continue };
        let failures: BTreeMap<&str, &LedgerFailure> =
            l.failures.iter().map(|f| (f.account.as_str(), f)).collect();
        let named = l
            .planned
            .iter()
            .chain(l.packages.iter().map(|p| &p.account))
            .chain(l.failures.iter().map(|f| &f.account));
        for a in named {
            said.insert(
                a,
                Said {
                    started,
                    ledger: path,
                    failure: failures.get(a.as_str()).copied(),
                },
            );
        }
    }
    let packages: BTreeMap<&str, &AccountRow> =
        accounts.iter().map(|a| (a.account.as_str(), a)).collect();
    let mut failed = Vec::new();
    for (account, s) in said {
        let row = packages.get(account);
        let collected = row.and_then(|r| trust::time(&r.collected_at, "").ok());
        if collected.is_some_and(|t| t >= s.started) {
            continue;
        }
        let older = row
            .map(|r| {
                format!(
                    " (its newest intact package, collected {}, predates this run)",
                    r.collected_at
                )
            })
            .unwrap_or_default();
        failed.push(match s.failure {
            Some(f) => FailedAccount {
                account: account.to_string(),
                name: f.name.clone(),
                reason: format!("{}{older}", f.reason),
                ledger: s.ledger.to_string(),
            },
            None => FailedAccount {
                account: account.to_string(),
                name: None,
                reason: format!(
                    "planned by the run but no intact package collected since it started was found (the run or its shard may not have finished, or the package was excluded){older}"
                ),
                ledger: s.ledger.to_string(),
            },
        });
    }
    failed
}

/// For each shard count N the ledgers name, the shards 0..N-1 with no ledger: their accounts are
/// unknown to the roll-up, which must say so rather than look complete.
fn missing_shards(ledgers: &[(String, Ledger)]) -> Vec<Excluded> {
    let mut seen: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (_, l) in ledgers {
        if let Some((i, n)) = l.shard.as_deref().and_then(|s| {
            let (i, n) = s.split_once('/')?;
            Some((i.parse::<usize>().ok()?, n.parse::<usize>().ok()?))
        }) {
            seen.entry(n).or_default().insert(i);
        }
    }
    let mut out = Vec::new();
    for (n, have) in seen {
        for i in (0..n).filter(|i| !have.contains(i)) {
            out.push(Excluded {
                package: format!("shard {i}/{n}"),
                reason: "no run ledger: the shard did not run or did not finish, so which accounts it held and how they fared is unknown".into(),
            });
        }
    }
    out
}

impl Rollup {
    /// Whether every planned account has an intact package and none was excluded.
    pub(crate) fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.excluded.is_empty()
    }

    /// The worst control status across accounts (`None`: no account).
    pub fn worst(&self) -> Option<ControlStatus> {
        self.accounts.iter().map(|a| a.worst).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger(run: &str, shard: Option<&str>, planned: &[&str], failed: &[&str]) -> Ledger {
        Ledger {
            schema: ledger::SCHEMA.into(),
            organization: "o-aaaaaaaaaa".into(),
            run: run.into(),
            shard: shard.map(str::to_string),
            planned: planned.iter().map(|s| s.to_string()).collect(),
            packages: Vec::new(),
            failures: failed
                .iter()
                .map(|a| LedgerFailure {
                    account: a.to_string(),
                    name: None,
                    reason: "AccessDenied".into(),
                })
                .collect(),
            skipped: Vec::new(),
        }
    }

    fn package(account: &str, collected_at: &str) -> Summary {
        Summary {
            dir: format!("reports/{account}/{collected_at}"),
            account: account.into(),
            collected: trust::time(collected_at, "").unwrap(),
            name: None,
            ou_path: None,
            organization: Some("o-aaaaaaaaaa".into()),
            manifest_sha256: "m".into(),
            results_sha256: "r".into(),
            snapshot: SnapshotRef {
                sha256: "s".into(),
                collected_at: collected_at.into(),
                source: "live".into(),
            },
            controls: Vec::new(),
            failing: Vec::new(),
            gaps: 0,
            gap_examples: Vec::new(),
        }
    }

    #[test]
    fn a_failure_stays_until_a_later_package_whatever_newer_ledgers_hold() {
        let r = combine(
            vec![package("444444444444", "2026-11-01T07:00:00Z")],
            Vec::new(),
            vec![
                // Last week's shard 0 failed an account this week's shard 0 no longer plans
                // (a partial --accounts re-run): it stays failed.
                (
                    "old".into(),
                    ledger(
                        "20261101T060000Z-shard-0-of-3",
                        Some("0/3"),
                        &["111111111111", "444444444444"],
                        &["111111111111"],
                    ),
                ),
                (
                    "new".into(),
                    ledger(
                        "20261108T060000Z-shard-0-of-3",
                        Some("0/3"),
                        &["222222222222", "444444444444"],
                        &["444444444444"],
                    ),
                ),
                (
                    "one".into(),
                    ledger(
                        "20261108T060000Z-shard-1-of-3",
                        Some("1/3"),
                        &["333333333333"],
                        &["333333333333"],
                    ),
                ),
            ],
        );
        let failed: Vec<&str> = r.failed.iter().map(|f| f.account.as_str()).collect();
        assert_eq!(
            failed,
            [
                "111111111111",
                "222222222222",
                "333333333333",
                "444444444444"
            ]
        );
        assert_eq!(r.failed[0].ledger, "old");
        assert!(r.failed[1].reason.contains("no intact package"));
        assert_eq!(r.failed[2].reason, "AccessDenied");
        // Its package is from before the run that failed it: shown, and said to be older.
        assert!(
            r.failed[3].reason.contains("predates this run"),
            "{}",
            r.failed[3].reason
        );
        assert_eq!(r.accounts.len(), 1);
        assert_eq!(r.excluded.len(), 1);
        assert_eq!(r.excluded[0].package, "shard 2/3");
        assert!(!r.is_complete());
    }

    #[test]
    fn a_later_package_answers_a_failure_and_another_organizations_ledger_is_refused() {
        let mut foreign = ledger("20261201T060000Z", None, &["555555555555"], &[]);
        foreign.organization = "o-bbbbbbbbbb".into();
        let r = combine(
            vec![package("111111111111", "2026-11-08T06:30:00+01:00")],
            Vec::new(),
            vec![
                (
                    "ours".into(),
                    ledger(
                        "20261101T060000Z",
                        None,
                        &["111111111111"],
                        &["111111111111"],
                    ),
                ),
                ("theirs".into(), foreign),
            ],
        );
        assert!(r.failed.is_empty(), "{:?}", r.failed);
        assert_eq!(r.organization.as_deref(), Some("o-aaaaaaaaaa"));
        assert_eq!(r.excluded.len(), 1);
        assert_eq!(r.excluded[0].package, "theirs");
        assert!(r.excluded[0].reason.contains("o-bbbbbbbbbb"));
        assert_eq!(r.accounts[0].collected_at, "2026-11-08T05:30:00Z");
    }
}
