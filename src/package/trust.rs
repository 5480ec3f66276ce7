//! What a package from elsewhere must satisfy before its values are believed.
//!
//! `verify` shows that a package's files match its manifest, not that the manifest's author was
//! honest: anyone can write a package whose hashes match. `diff`, `--previous`/`--history`,
//! `history` and `aggregate` read the values inside, compare them, and carry some into a new
//! package (`first_seen`, resolved findings). So every value they use is checked here against
//! the form safeguard writes: times are RFC 3339 and compared as instants, ids have the shape
//! the assessment gives them and appear once, accounts are 12 digits. Free text (resources,
//! messages, titles) is never trusted to be inert: every writer escapes it as evidence text.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::results::Results;

/// A value that is not what safeguard writes: the JSON pointer of the value and what was
/// expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untrusted {
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at {}: {}", self.pointer, self.message)
    }
}

fn untrusted(pointer: impl Into<String>, message: impl Into<String>) -> Untrusted {
    Untrusted {
        pointer: pointer.into(),
        message: message.into(),
    }
}

/// A time a package states, as an instant: RFC 3339 with an offset (`Z` or `±hh:mm`).
/// Anything else (a date alone, a word, text that merely sorts after a time) is refused.
pub fn time(value: &str, pointer: &str) -> Result<DateTime<Utc>, Untrusted> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            untrusted(
                pointer,
                format!(
                    "{:?} is not a time (RFC 3339, e.g. 2026-11-20T10:15:00Z)",
                    crate::text::line(&shorten(value))
                ),
            )
        })
}

/// The canonical form safeguard writes a time in: UTC, whole seconds, `Z`.
pub(crate) fn canonical_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A check id: `service.name`, lowercase letters, digits and `_`, dot-separated.
pub(crate) fn is_check_id(id: &str) -> bool {
    id.len() <= 128
        && id.contains('.')
        && id.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

/// A finding id of `check`: `<check>#<16 lowercase hex>`, then `~<n>` for a twin
/// (`verdict::assign_ids`).
pub(crate) fn is_finding_id(id: &str, check: &str) -> bool {
    let Some(rest) = id.strip_prefix(check).and_then(|r| r.strip_prefix('#')) else {
        return false;
    };
    // By bytes, never splitting a character: a non-ASCII id is simply not one.
    let Some(hex) = rest.get(..16) else {
        return false;
    };
    let twin = &rest[16..];
    hex.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && (twin.is_empty()
            || twin.strip_prefix('~').is_some_and(|n| {
                !n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit())
            }))
}

/// What every reader of results.json checks first: the account, the collection time (returned
/// as an instant) and every control and check id, each at its JSON pointer.
pub fn head<'a>(
    account: &str,
    collected_at: &str,
    controls: impl IntoIterator<Item = &'a str>,
    checks: impl IntoIterator<Item = &'a str>,
) -> Result<DateTime<Utc>, Untrusted> {
    if !crate::snapshot::valid_account_id(account) {
        return Err(untrusted(
            "/account/id",
            format!(
                "{:?} is not an AWS account id (12 digits)",
                crate::text::line(&shorten(account))
            ),
        ));
    }
    let at = time(collected_at, "/snapshot/collected_at")?;
    for (i, c) in controls.into_iter().enumerate() {
        control_id(c, &format!("/controls/{i}/id"))?;
    }
    for (i, c) in checks.into_iter().enumerate() {
        check_id(c, &format!("/checks/{i}/id"))?;
    }
    Ok(at)
}

/// Finding ids as they are read: each of its check's shape, and each once in the package.
#[derive(Default)]
pub(crate) struct FindingIds<'a>(HashSet<&'a str>);

impl<'a> FindingIds<'a> {
    /// The id of finding `j` of check `i` (whose id is `check`).
    pub fn check(&mut self, check: &str, id: &'a str, i: usize, j: usize) -> Result<(), Untrusted> {
        let at = format!("/checks/{i}/findings/{j}/id");
        if !is_finding_id(id, check) {
            return Err(untrusted(
                at,
                format!(
                    "{:?} is not a finding id of {check} (<check>#<16 hex>)",
                    crate::text::line(&shorten(id))
                ),
            ));
        }
        if !self.0.insert(id) {
            return Err(untrusted(
                at,
                format!("finding id {id} appears twice: one finding would hide the other"),
            ));
        }
        Ok(())
    }
}

/// Checks results.json of a package safeguard did not just write: [`head`], every finding id
/// (`FindingIds`) and every time a finding or the changes carry. The first problem is
/// returned.
pub fn results(r: &Results) -> Result<(), Untrusted> {
    head(
        &r.account.id,
        &r.snapshot.collected_at,
        r.controls.iter().map(|c| c.id.as_str()),
        r.checks.iter().map(|c| c.id.as_str()),
    )?;
    let mut ids = FindingIds::default();
    for (i, c) in r.checks.iter().enumerate() {
        for (j, f) in c.findings.iter().enumerate() {
            let at = format!("/checks/{i}/findings/{j}");
            ids.check(&c.id, &f.id, i, j)?;
            if let Some(t) = &f.first_seen {
                time(t, &format!("{at}/first_seen"))?;
            }
        }
    }
    if let Some(ch) = &r.changes {
        time(&ch.since, "/changes/since")?;
        let listed = [
            ("resolved", &ch.resolved),
            ("undetermined_findings", &ch.undetermined_findings),
        ];
        for (name, list) in listed {
            for (i, x) in list.iter().enumerate() {
                check_id(&x.check, &format!("/changes/{name}/{i}/check"))?;
                if !is_finding_id(&x.id, &x.check) {
                    return Err(untrusted(
                        format!("/changes/{name}/{i}/id"),
                        "not a finding id of its check",
                    ));
                }
                time(&x.first_seen, &format!("/changes/{name}/{i}/first_seen"))?;
            }
        }
    }
    Ok(())
}

/// A citation (`164.312(b)`).
pub(crate) fn control_id(id: &str, pointer: &str) -> Result<(), Untrusted> {
    if crate::catalog::is_citation(id) && id.len() <= 64 {
        Ok(())
    } else {
        Err(untrusted(
            pointer,
            format!(
                "{:?} is not a HIPAA citation (e.g. 164.312(b))",
                crate::text::line(&shorten(id))
            ),
        ))
    }
}

/// A check id (`iam.root_mfa_enabled`).
pub(crate) fn check_id(id: &str, pointer: &str) -> Result<(), Untrusted> {
    if is_check_id(id) {
        Ok(())
    } else {
        Err(untrusted(
            pointer,
            format!(
                "{:?} is not a check id (e.g. iam.root_mfa_enabled)",
                crate::text::line(&shorten(id))
            ),
        ))
    }
}

/// The start of a long value, for a message.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        s.chars().take(80).chain("…".chars()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_instants_and_a_non_time_is_refused() {
        let a = time("2026-11-20T10:00:00+12:00", "/t").unwrap();
        let b = time("2026-11-19T23:00:00Z", "/t").unwrap();
        // As text the offset time sorts after; as instants it is earlier.
        assert!("2026-11-20T10:00:00+12:00" > "2026-11-19T23:00:00Z");
        assert!(a < b);
        assert_eq!(canonical_time(a), "2026-11-19T22:00:00Z");
        for bad in ["zzzz", "2026-11-20", "9999-99-99T00:00:00Z", ""] {
            assert!(time(bad, "/t").is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_have_the_shape_the_assessment_gives_them() {
        assert!(is_check_id("iam.root_mfa_enabled"));
        for bad in ["iam", "IAM.x", "iam..x", "iam.x`y", "iam.x\n"] {
            assert!(!is_check_id(bad), "{bad:?}");
        }
        assert!(is_finding_id("iam.x#0123456789abcdef", "iam.x"));
        assert!(is_finding_id("iam.x#0123456789abcdef~2", "iam.x"));
        for bad in [
            "iam.y#0123456789abcdef",
            "iam.x#0123456789ABCDEF",
            "iam.x#0123456789abcde",
            "iam.x#0123456789abcdef~",
            "iam.x#0123456789abcdef<img>",
            "iam.x",
            "iam.x#0123456789abcdeé",
        ] {
            assert!(!is_finding_id(bad, "iam.x"), "{bad:?}");
        }
    }
}
