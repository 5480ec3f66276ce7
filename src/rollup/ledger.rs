//! The run ledger (`safeguard.org-run.v1`): what one `run --org` (or one shard of it) planned,
//! which packages it wrote and which accounts failed and why. `aggregate` reads ledgers so that
//! an account whose collection failed, or whose shard never finished, is a named gap in the
//! roll-up rather than silently missing. Written to `<output>/org-<id>/runs/<run>.json`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const SCHEMA: &str = "safeguard.org-run.v1";

/// Far above any organization's ledger (AWS caps an organization at a few thousand accounts).
const MAX_LEDGER_BYTES: u64 = 32 << 20;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Ledger {
    pub schema: String,
    pub organization: String,
    /// The run id (`<UTC timestamp>` and, when sharded, `-shard-<i>-of-<n>`).
    pub run: String,
    /// `I/N` when the run was one shard.
    pub shard: Option<String>,
    /// The accounts this run set out to assess.
    pub planned: Vec<String>,
    pub packages: Vec<LedgerPackage>,
    pub failures: Vec<LedgerFailure>,
    /// Accounts left out before any call: suspended or closing, or excluded by the user.
    pub skipped: Vec<LedgerSkip>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LedgerPackage {
    pub account: String,
    pub package: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LedgerFailure {
    pub account: String,
    pub name: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LedgerSkip {
    pub account: String,
    pub name: Option<String>,
    pub reason: String,
}

/// A ledger, or `None` for a JSON file in a `runs/` folder that is not one. A ledger is read
/// bounded and believed only once every field is what `run --org` writes (see
/// `Ledger::validate`): a forged one is bad input, named, never a row of the roll-up.
pub fn read(path: &Path) -> Result<Option<Ledger>> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() || meta.len() > MAX_LEDGER_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_LEDGER_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_LEDGER_BYTES {
        return Ok(None);
    }
    parse(path, &bytes)
}

/// [`read`] on bytes already read (the fuzz target's entry).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Option<Ledger>> {
    #[derive(Deserialize)]
    struct Head {
        schema: String,
    }
    match serde_json::from_slice::<Head>(bytes) {
        Ok(h) if h.schema == SCHEMA => {}
        _ => return Ok(None),
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let ledger: Ledger =
        serde_path_to_error::deserialize(de).map_err(|e| Error::from_json(path, e))?;
    ledger.validate().map_err(|(pointer, message)| {
        Error::bad_input(
            path,
            crate::error::Location {
                pointer: Some(pointer),
                ..Default::default()
            },
            message,
        )
    })?;
    Ok(Some(ledger))
}

/// Far above the accounts an organization can hold (AWS's quota is raised on request into the
/// thousands), far below what would exhaust memory.
const MAX_LEDGER_ACCOUNTS: usize = 100_000;
/// Names and reasons are one line of a report; longer is not what `run --org` writes.
const MAX_LEDGER_TEXT: usize = 4_096;

impl Ledger {
    /// Checks every field against the ranges `run --org` uses: the organization id, the run id
    /// (`<UTC timestamp>[-shard-I-of-N]`) and the shard (`I/N`, N at most 10,000, the same as
    /// the run id's), 12-digit account ids, bounded lists and one-line text. The error is the
    /// JSON pointer of the first bad value and what was expected.
    pub(crate) fn validate(&self) -> std::result::Result<(), (String, String)> {
        if !crate::snapshot::organization::valid_org_id(&self.organization) {
            return Err((
                "/organization".into(),
                format!(
                    "{:?} is not an AWS Organizations id (o- and 10 to 32 lowercase letters or digits)",
                    self.organization
                ),
            ));
        }
        let (_, shard_in_run) = parse_run_id(&self.run).ok_or_else(|| {
            (
                "/run".to_string(),
                format!(
                    "{:?} is not a run id (<UTC timestamp YYYYMMDDTHHMMSSZ>, then -shard-I-of-N when sharded)",
                    self.run
                ),
            )
        })?;
        let shard = match &self.shard {
            None => None,
            Some(s) => Some(parse_shard(s).ok_or_else(|| {
                (
                    "/shard".to_string(),
                    format!("{s:?} is not a shard: expected I/N with 0 <= I < N <= {MAX_SHARDS}"),
                )
            })?),
        };
        if shard != shard_in_run {
            return Err((
                "/shard".into(),
                format!(
                    "the shard {:?} disagrees with the run id {:?}",
                    self.shard, self.run
                ),
            ));
        }
        let lists = [
            ("planned", self.planned.len()),
            ("packages", self.packages.len()),
            ("failures", self.failures.len()),
            ("skipped", self.skipped.len()),
        ];
        for (name, len) in lists {
            if len > MAX_LEDGER_ACCOUNTS {
                return Err((
                    format!("/{name}"),
                    format!(
                        "{len} entries: more accounts than an organization holds (at most {MAX_LEDGER_ACCOUNTS})"
                    ),
                ));
            }
        }
        // Its account ids become rows of the roll-up: only what AWS issues.
        let ids = (self
            .planned
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("/planned/{i}"), a)))
        .chain(
            self.packages
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("/packages/{i}/account"), &p.account)),
        )
        .chain(
            self.failures
                .iter()
                .enumerate()
                .map(|(i, f)| (format!("/failures/{i}/account"), &f.account)),
        )
        .chain(
            self.skipped
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("/skipped/{i}/account"), &s.account)),
        );
        for (pointer, id) in ids {
            if !crate::snapshot::valid_account_id(id) {
                return Err((
                    pointer,
                    format!("{id:?} is not an AWS account id (12 digits)"),
                ));
            }
        }
        let texts = (self
            .packages
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("/packages/{i}/package"), Some(&p.package))))
        .chain(self.failures.iter().enumerate().flat_map(|(i, f)| {
            [
                (format!("/failures/{i}/name"), f.name.as_ref()),
                (format!("/failures/{i}/reason"), Some(&f.reason)),
            ]
        }))
        .chain(self.skipped.iter().enumerate().flat_map(|(i, s)| {
            [
                (format!("/skipped/{i}/name"), s.name.as_ref()),
                (format!("/skipped/{i}/reason"), Some(&s.reason)),
            ]
        }));
        for (pointer, text) in texts {
            if let Some(t) = text
                && t.len() > MAX_LEDGER_TEXT
            {
                return Err((
                    pointer,
                    format!(
                        "{} bytes: longer than a ledger line can be (at most {MAX_LEDGER_TEXT})",
                        t.len()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// When the run started: the time its id begins with (checked by `Ledger::validate`).
    pub fn started(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        parse_run_id(&self.run).map(|(t, _)| t)
    }
}

/// The most shards a run may be cut into (`--shard`, `--shards`).
pub(crate) const MAX_SHARDS: usize = 10_000;

/// `I/N` with 0 <= I < N <= [`MAX_SHARDS`]: what `--shard` accepts.
pub(crate) fn parse_shard(s: &str) -> Option<(usize, usize)> {
    let (i, n) = s.trim().split_once('/')?;
    let index: usize = i.trim().parse().ok()?;
    let count: usize = n.trim().parse().ok()?;
    (count > 0 && count <= MAX_SHARDS && index < count).then_some((index, count))
}

/// A shard as (index, count).
type ShardOf = (usize, usize);

/// `<YYYYMMDDTHHMMSSZ>[-shard-I-of-N]` → the time and the shard.
fn parse_run_id(run: &str) -> Option<(chrono::DateTime<chrono::Utc>, Option<ShardOf>)> {
    let stamp = run.get(..16)?;
    let time = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ")
        .ok()?
        .and_utc();
    let rest = &run[16..];
    if rest.is_empty() {
        return Some((time, None));
    }
    let (i, n) = rest.strip_prefix("-shard-")?.split_once("-of-")?;
    let plain = |s: &str| !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit());
    if !plain(i) || !plain(n) {
        return None;
    }
    parse_shard(&format!("{i}/{n}")).map(|shard| (time, Some(shard)))
}

/// Writes the ledger under `<org_dir>/runs/`, atomically.
pub fn write(org_dir: &Path, ledger: &Ledger) -> Result<PathBuf> {
    let dir = org_dir.join("runs");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join(format!("{}.json", ledger.run));
    let mut bytes = serde_json::to_vec_pretty(ledger).expect("ledger serializes");
    bytes.push(b'\n');
    crate::app::write_atomically(&path, &bytes)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_json_is_not_a_ledger_and_a_forged_id_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other.json");
        std::fs::write(&other, br#"{"schema": "something.else", "planned": 7}"#).unwrap();
        assert!(read(&other).unwrap().is_none());
        let forged = dir.path().join("forged.json");
        std::fs::write(
            &forged,
            format!(
                r#"{{"schema": "{SCHEMA}", "organization": "o-aaaaaaaaaa", "run": "20261108T060000Z", "shard": null,
                    "planned": ["../../etc"], "packages": [], "failures": [], "skipped": []}}"#
            ),
        )
        .unwrap();
        assert!(
            read(&forged)
                .unwrap_err()
                .to_string()
                .contains("not an AWS account id")
        );
    }

    #[test]
    fn every_field_is_checked_against_what_run_org_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.json");
        let good = serde_json::json!({
            "schema": SCHEMA, "organization": "o-aaaaaaaaaa", "run": "20261108T060000Z-shard-0-of-3",
            "shard": "0/3", "planned": ["111111111111"], "packages": [],
            "failures": [{"account": "111111111111", "name": null, "reason": "AccessDenied"}],
            "skipped": []
        });
        let bytes = serde_json::to_vec(&good).unwrap();
        let l = parse(&path, &bytes).unwrap().unwrap();
        assert_eq!(
            l.started().unwrap().to_rfc3339(),
            "2026-11-08T06:00:00+00:00"
        );
        let cases: [(&str, serde_json::Value, &str); 8] = [
            // 200 bytes that once made aggregate allocate past a GiB.
            ("/shard", serde_json::json!("0/3000000000"), "/shard"),
            (
                "/run",
                serde_json::json!("20261108T060000Z-shard-0-of-3000000000"),
                "/run",
            ),
            ("/shard", serde_json::json!("1/3"), "/shard"),
            ("/run", serde_json::json!("yesterday"), "/run"),
            (
                "/organization",
                serde_json::json!("o-AAAA"),
                "/organization",
            ),
            ("/planned/0", serde_json::json!("1111"), "/planned/0"),
            (
                "/failures/0/reason",
                serde_json::json!("x".repeat(5000)),
                "/failures/0/reason",
            ),
            ("/run", serde_json::json!("20261108T060000Z"), "/shard"),
        ];
        for (at, value, pointer) in cases {
            let mut doc = good.clone();
            *doc.pointer_mut(at).unwrap() = value;
            let err = parse(&path, &serde_json::to_vec(&doc).unwrap()).unwrap_err();
            assert!(err.to_string().contains(pointer), "{at}: {err}");
        }
    }
}
