//! The PHI scope: which resources hold electronic protected health information (`scope:` in
//! `--config`). The data-plane checks judge the stores in scope; a store outside it is
//! reported as not applicable with the reason, never dropped.
//!
//! ```yaml
//! scope:
//!   tags:                     # a resource carrying any of these values is in scope
//!     phi: [true, yes]
//!     data-classification: [phi, restricted]
//!   arns: ["arn:aws:s3:::clinic-records-*"]      # in scope whatever its tags
//!   exclude_arns: ["arn:aws:s3:::clinic-dev-*"]  # never in scope: wins over every rule
//!   accounts: ["111122223333"]                   # run --org: accounts that hold PHI as a whole
//!   ous: ["ou-ab12-cd34ef56"]
//! ```
//!
//! Without a `scope:` block every data store is in scope, and the report says so: a scope is
//! a claim the auditor weighs, so its absence is stated rather than assumed narrow.

use std::collections::BTreeMap;

use serde::Serialize;

/// The `scope:` block, validated (see `inputs::config`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Definition {
    /// Tag key → the values that put a resource in scope (compared without case, trimmed).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, Vec<String>>,
    /// ARN patterns (`*`, `?`) of resources in scope whatever their tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub arns: Vec<String>,
    /// ARN patterns of resources never in scope.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude_arns: Vec<String>,
    /// Accounts that hold PHI as a whole (`run --org`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    /// Organizational units whose accounts hold PHI as a whole.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ous: Vec<String>,
}

impl Definition {
    /// Whether the block names nothing that could put a resource in scope.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && self.arns.is_empty()
            && self.accounts.is_empty()
            && self.ous.is_empty()
    }
}

/// The PHI scope of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhiScope {
    /// `None`: no `scope:` block, so every data store is in scope.
    definition: Option<Definition>,
}

/// A resource as the scope sees it.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub arn: &'a str,
    /// Its tags; `None` when they could not be read (an evidence gap).
    pub tags: Option<&'a [(String, String)]>,
    /// The account that owns it.
    pub account: &'a str,
    /// The ids of the OUs above that account (root first), when it is in an organization.
    pub ous: &'a [String],
}

/// Whether a resource holds PHI, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Membership {
    In(String),
    Out(String),
    /// The rule that would decide needs evidence that is missing (its tags): a gap, never
    /// "out of scope".
    Undecided(String),
}

/// Whether a `not_applicable` finding's reason is the scope's "out" (every reason
/// [`PhiScope::judge`] gives for `Out` names "the PHI scope"), as opposed to another reason
/// for nothing to judge (an instance whose cluster is the store).
pub fn is_outside_reason(message: &str) -> bool {
    message.contains("the PHI scope")
}

impl PhiScope {
    /// No `scope:` block: every data store is judged.
    pub fn everything() -> PhiScope {
        PhiScope { definition: None }
    }

    pub fn defined(definition: Definition) -> PhiScope {
        PhiScope {
            definition: Some(definition),
        }
    }

    pub fn definition(&self) -> Option<&Definition> {
        self.definition.as_ref()
    }

    /// SHA-256 of the definition as canonical JSON (sorted keys, no spaces): what the report
    /// and results.json name the scope by. `None` without a `scope:` block.
    pub fn sha256(&self) -> Option<String> {
        self.definition.as_ref().map(|d| {
            let json = serde_json::to_vec(d).expect("a scope serializes");
            crate::snapshot::sha256_hex(&json)
        })
    }

    /// Whether `r` holds PHI. Exclusions win; then the account or an OU above it; then an ARN
    /// pattern; then a tag. A resource whose tags are unknown is undecided unless a rule that
    /// needs no tags decides it.
    pub fn judge(&self, r: &Resource<'_>) -> Membership {
        let Some(d) = &self.definition else {
            return Membership::In("no PHI scope defined: every data store is judged".into());
        };
        if let Some(p) = d.exclude_arns.iter().find(|p| arn_matches(p, r.arn)) {
            return Membership::Out(format!("excluded from the PHI scope by {p}"));
        }
        if d.accounts.iter().any(|a| a == r.account) {
            return Membership::In(format!("account {} holds PHI as a whole", r.account));
        }
        if let Some(ou) = r.ous.iter().find(|ou| d.ous.contains(ou)) {
            return Membership::In(format!(
                "its account is under {ou}, which holds PHI as a whole"
            ));
        }
        if let Some(p) = d.arns.iter().find(|p| arn_matches(p, r.arn)) {
            return Membership::In(format!("in the PHI scope by {p}"));
        }
        if d.tags.is_empty() {
            return Membership::Out(
                "outside the PHI scope: no ARN pattern or account names it".into(),
            );
        }
        let Some(tags) = r.tags else {
            return Membership::Undecided(
                "its tags could not be read, so whether it holds PHI is unknown".into(),
            );
        };
        for (key, value) in tags {
            if let Some(accepted) = d.tags.get(key)
                && accepted.iter().any(|a| same_value(a, value))
            {
                return Membership::In(format!("tag {key}={}", value.trim()));
            }
        }
        let keys: Vec<&str> = d.tags.keys().map(String::as_str).collect();
        Membership::Out(format!(
            "outside the PHI scope: no tag {} with an accepted value",
            keys.join(" or ")
        ))
    }

    /// The scope in one line (the report's cover): what puts a store in it, and what never.
    pub fn summary(&self) -> String {
        let Some(d) = &self.definition else {
            return "no PHI scope defined: every data store is judged".into();
        };
        let mut parts: Vec<String> = d
            .tags
            .iter()
            .map(|(k, v)| format!("tag {k} = {}", v.join(" or ")))
            .collect();
        parts.extend(d.arns.iter().map(|a| format!("ARN {a}")));
        parts.extend(d.accounts.iter().map(|a| format!("account {a}")));
        parts.extend(d.ous.iter().map(|o| format!("OU {o}")));
        let mut line = format!("stores with {}", parts.join("; "));
        if !d.exclude_arns.is_empty() {
            line.push_str(&format!(", never {}", d.exclude_arns.join(", ")));
        }
        line
    }

    /// The scope as `safeguard controls --scope` prints it.
    pub fn describe(&self) -> String {
        let Some(d) = &self.definition else {
            return "No PHI scope defined (no `scope:` in --config): every data store is in scope, and the report says so.\n".into();
        };
        let mut out = String::from("PHI scope (`scope:` in --config)");
        if let Some(sha) = self.sha256() {
            out.push_str(&format!(", SHA-256 {sha}"));
        }
        out.push_str(":\n");
        if !d.exclude_arns.is_empty() {
            out.push_str(&format!(
                "  never in scope (wins over every rule): {}\n",
                d.exclude_arns.join(", ")
            ));
        }
        if !d.accounts.is_empty() {
            out.push_str(&format!(
                "  accounts holding PHI as a whole: {}\n",
                d.accounts.join(", ")
            ));
        }
        if !d.ous.is_empty() {
            out.push_str(&format!(
                "  OUs whose accounts hold PHI as a whole: {}\n",
                d.ous.join(", ")
            ));
        }
        if !d.arns.is_empty() {
            out.push_str(&format!("  in scope by ARN: {}\n", d.arns.join(", ")));
        }
        for (key, values) in &d.tags {
            out.push_str(&format!(
                "  in scope by tag: {key} = {}\n",
                values.join(" or ")
            ));
        }
        out.push_str("  anything else: outside the scope (not applicable, with the reason)\n");
        out
    }
}

/// A tag value as the scope compares it: trimmed, without case.
fn same_value(accepted: &str, value: &str) -> bool {
    accepted.trim().eq_ignore_ascii_case(value.trim())
}

/// An ARN against a pattern (`*` any run, `?` one character); ARNs are compared with case.
fn arn_matches(pattern: &str, arn: &str) -> bool {
    safeguard_policy::glob::matches(pattern, arn, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> PhiScope {
        PhiScope::defined(Definition {
            tags: BTreeMap::from([
                ("phi".into(), vec!["true".into(), "yes".into()]),
                ("data-classification".into(), vec!["phi".into()]),
            ]),
            arns: vec!["arn:aws:s3:::clinic-records-*".into()],
            exclude_arns: vec!["arn:aws:s3:::clinic-records-dev*".into()],
            accounts: vec!["111122223333".into()],
            ous: vec!["ou-ab12-cd34ef56".into()],
        })
    }

    fn bucket<'a>(
        name: &'a str,
        tags: Option<&'a [(String, String)]>,
    ) -> (String, Option<&'a [(String, String)]>) {
        (format!("arn:aws:s3:::{name}"), tags)
    }

    fn judge(
        s: &PhiScope,
        arn: &str,
        tags: Option<&[(String, String)]>,
        account: &str,
        ous: &[String],
    ) -> Membership {
        s.judge(&Resource {
            arn,
            tags,
            account,
            ous,
        })
    }

    #[test]
    fn each_rule_decides_in_its_order_and_says_why() {
        let s = scope();
        let phi = [("phi".to_string(), " True ".to_string())];
        let dev = [("phi".to_string(), "no".to_string())];
        let (arn, tags) = bucket("clinic-records-dev-1", Some(&phi));
        // An exclusion wins over a matching tag and a matching pattern.
        assert!(
            matches!(judge(&s, &arn, tags, "999999999999", &[]), Membership::Out(w) if w.contains("excluded"))
        );
        let (arn, _) = bucket("clinic-records-2026", None);
        // A pattern needs no tags: unknown tags do not leave it undecided.
        assert!(
            matches!(judge(&s, &arn, None, "999999999999", &[]), Membership::In(w) if w.contains("clinic-records-*"))
        );
        let (arn, _) = bucket("imaging", None);
        assert!(
            matches!(judge(&s, &arn, None, "111122223333", &[]), Membership::In(w) if w.contains("as a whole"))
        );
        let ous = ["ou-ab12-cd34ef56".to_string()];
        assert!(
            matches!(judge(&s, &arn, None, "999999999999", &ous), Membership::In(w) if w.contains("ou-ab12-cd34ef56"))
        );
        // Tags: the value without case or spaces; another value is out, named.
        assert!(
            matches!(judge(&s, &arn, Some(&phi), "999999999999", &[]), Membership::In(w) if w == "tag phi=True")
        );
        assert!(matches!(
            judge(&s, &arn, Some(&dev), "999999999999", &[]),
            Membership::Out(w) if w == "outside the PHI scope: no tag data-classification or phi with an accepted value"
        ));
        // Unknown tags where a tag would decide: undecided, never out.
        assert!(matches!(
            judge(&s, &arn, None, "999999999999", &[]),
            Membership::Undecided(_)
        ));
    }

    #[test]
    fn without_a_scope_every_store_is_in_and_the_scope_has_no_hash() {
        let s = PhiScope::everything();
        assert!(
            matches!(judge(&s, "arn:aws:s3:::x", None, "1", &[]), Membership::In(w) if w.starts_with("no PHI scope defined"))
        );
        assert_eq!(s.sha256(), None);
        assert!(s.describe().starts_with("No PHI scope defined"));
    }

    #[test]
    fn the_hash_names_the_definition_and_only_it() {
        let a = scope();
        let mut other = a.definition().unwrap().clone();
        assert_eq!(a.sha256(), PhiScope::defined(other.clone()).sha256());
        other.arns.push("arn:aws:s3:::more-*".into());
        assert_ne!(a.sha256(), PhiScope::defined(other).sha256());
        let text = a.describe();
        assert!(
            text.contains("in scope by tag: phi = true or yes") && text.contains("SHA-256 "),
            "{text}"
        );
    }

    #[test]
    fn arn_patterns_are_whole_and_case_sensitive() {
        assert!(arn_matches(
            "arn:aws:s3:::clinic-*",
            "arn:aws:s3:::clinic-a"
        ));
        assert!(!arn_matches(
            "arn:aws:s3:::clinic-*",
            "arn:aws:s3:::Clinic-a"
        ));
        assert!(!arn_matches("arn:aws:s3:::clinic", "arn:aws:s3:::clinic-a"));
        assert!(arn_matches(
            "arn:aws:s3:::clinic-?",
            "arn:aws:s3:::clinic-a"
        ));
    }
}
