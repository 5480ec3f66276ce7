//! Which accounts a run assesses: the organization's accounts, narrowed by `--accounts`,
//! `--exclude` and the account state, then cut into shards. A shard is chosen by a hash of the
//! account id, so an account stays in its shard as others join or leave the organization, and
//! the shards 0..N-1 together hold every account exactly once.

use crate::error::{Error, Result};

/// One shard of N: `--shard I/N` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// `I/N`, with 0 ≤ I < N ≤ 10,000.
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || {
            Error::Usage(format!(
                "--shard {s:?}: expected I/N with 0 <= I < N (e.g. 0/4), N at most 10000"
            ))
        };
        let (index, count) = crate::rollup::ledger::parse_shard(s).ok_or_else(bad)?;
        Ok(Shard { index, count })
    }

    /// The shard from an array-job index in `var` (AWS Batch's `AWS_BATCH_JOB_ARRAY_INDEX`,
    /// Kubernetes' `JOB_COMPLETION_INDEX`), with `count` shards.
    pub fn from_env_value(var: &str, value: Option<&str>, count: usize) -> Result<Shard> {
        let value = value.ok_or_else(|| {
            Error::Usage(format!("--shard-from-env {var}: the variable is not set"))
        })?;
        let index: usize = value.trim().parse().map_err(|_| {
            Error::Usage(format!(
                "--shard-from-env {var}: {value:?} is not a shard index (a whole number)"
            ))
        })?;
        Shard::parse(&format!("{index}/{count}"))
    }

    /// Whether the account belongs to this shard.
    pub fn holds(&self, account: &str) -> bool {
        // FNV-1a: stable across versions and platforms (the std hasher is not).
        let h = account.bytes().fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
        });
        (h % self.count as u64) as usize == self.index
    }

    pub fn label(&self) -> String {
        format!("{}/{}", self.index, self.count)
    }
}

/// An account the organization lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub name: Option<String>,
    pub active: bool,
    pub state: String,
}

/// The run's plan: accounts to assess, and those left out with why.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    pub assess: Vec<Listed>,
    /// (account, name, why), for the ledger.
    pub skipped: Vec<(String, Option<String>, String)>,
    /// Accounts `--accounts` names that the organization does not list.
    pub unknown: Vec<String>,
}

pub fn plan(
    listed: Vec<Listed>,
    only: &[String],
    exclude: &[String],
    shard: Option<Shard>,
) -> Plan {
    let mut p = Plan::default();
    for want in only {
        if !listed.iter().any(|a| &a.id == want) {
            p.unknown.push(want.clone());
        }
    }
    for a in listed {
        if shard.is_some_and(|s| !s.holds(&a.id)) {
            continue;
        }
        if !only.is_empty() && !only.contains(&a.id) {
            continue;
        }
        if exclude.contains(&a.id) {
            p.skipped
                .push((a.id, a.name, "excluded by --exclude".into()));
        } else if !a.active {
            p.skipped.push((
                a.id,
                a.name,
                format!("the account is {}, so it cannot be signed into", a.state),
            ));
        } else {
            p.assess.push(a);
        }
    }
    p.assess.sort_by(|a, b| a.id.cmp(&b.id));
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(n: usize) -> Vec<Listed> {
        (0..n)
            .map(|i| Listed {
                id: format!("{:012}", 100_000_000_000u64 + i as u64 * 7919),
                name: None,
                active: true,
                state: "ACTIVE".into(),
            })
            .collect()
    }

    #[test]
    fn shards_partition_the_accounts() {
        let all = accounts(1000);
        for count in [1, 2, 3, 7, 64] {
            let mut seen = Vec::new();
            for index in 0..count {
                let p = plan(all.clone(), &[], &[], Some(Shard { index, count }));
                seen.extend(p.assess.into_iter().map(|a| a.id));
            }
            seen.sort();
            let mut want: Vec<String> = all.iter().map(|a| a.id.clone()).collect();
            want.sort();
            assert_eq!(seen, want, "{count} shards: every account exactly once");
        }
        // Adding accounts does not move the others between shards.
        let s = Shard { index: 1, count: 4 };
        let before: Vec<String> = plan(accounts(100), &[], &[], Some(s))
            .assess
            .into_iter()
            .map(|a| a.id)
            .collect();
        let after: Vec<String> = plan(accounts(200), &[], &[], Some(s))
            .assess
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert!(before.iter().all(|a| after.contains(a)));
    }

    #[test]
    fn shard_arguments_are_checked() {
        assert_eq!(Shard::parse("2/5").unwrap(), Shard { index: 2, count: 5 });
        for bad in ["5/5", "1/0", "-1/3", "a/b", "3", "1/100000"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Shard::from_env_value("JOB_COMPLETION_INDEX", Some("3"), 8).unwrap(),
            Shard { index: 3, count: 8 }
        );
        assert!(Shard::from_env_value("X", None, 8).is_err());
        assert!(Shard::from_env_value("X", Some("8"), 8).is_err());
    }

    #[test]
    fn suspended_excluded_and_unknown_accounts_are_named() {
        let mut all = accounts(3);
        all[1].active = false;
        all[1].state = "SUSPENDED".into();
        let p = plan(
            all.clone(),
            &[all[0].id.clone(), all[1].id.clone(), "999999999999".into()],
            &[all[0].id.clone()],
            None,
        );
        assert!(p.assess.is_empty());
        assert_eq!(p.skipped.len(), 2);
        assert!(p.skipped.iter().any(|s| s.2.contains("SUSPENDED")));
        assert_eq!(p.unknown, vec!["999999999999".to_string()]);
    }
}
