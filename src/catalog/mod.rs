//! The control catalog: HIPAA citations and the checks that evidence them (`controls/*.yaml`).
//!
//! The catalog is data, not code. Loading validates it completely — unknown fields, unknown
//! check ids, duplicate citations, malformed citations, controls nothing can decide — and every
//! error names the file, line and column.

pub mod cfg;
pub mod coverage;
pub mod describe;
pub mod docs;
pub mod nist;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::checks;
use crate::error::{Code, Diagnostics, Error, Location, Result};
use crate::snapshot::sha256_hex;
pub use cfg::{Anchor, Requirement, Role, Safeguard};

/// The catalog shipped inside the binary, so `safeguard` works from any folder.
const BUILTIN: &[(&str, &str)] = &[
    ("164.308.yaml", include_str!("../../controls/164.308.yaml")),
    ("164.310.yaml", include_str!("../../controls/164.310.yaml")),
    ("164.312.yaml", include_str!("../../controls/164.312.yaml")),
    ("164.314.yaml", include_str!("../../controls/164.314.yaml")),
    ("164.316.yaml", include_str!("../../controls/164.316.yaml")),
];

/// A check mapped to a control, with its role for the citation and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Mapping {
    pub check: String,
    pub role: Role,
    pub why: String,
}

/// How safeguard answers one anchor tool's mapping to a control.
#[derive(Debug, Clone, Serialize)]
pub struct AnchorMapping {
    pub mapping: String,
    pub tools: Vec<Anchor>,
    pub answer: AnchorAnswer,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnchorAnswer {
    Check(String),
    Manual,
    Declined(String),
}

/// A disagreement between the anchors, settled as a parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub topic: String,
    pub anchors: String,
    pub default: String,
    pub parameter: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub safeguard: Safeguard,
    pub requirement: Requirement,
    /// NIST SP 800-66r2's key activities and statement parts this citation is ([`nist`]).
    pub nist: Vec<String>,
    pub summary: String,
    /// The ids of `mappings`, in order.
    pub checks: Vec<String>,
    /// Each check with its role for this citation and why.
    pub mappings: Vec<Mapping>,
    pub manual: Option<String>,
    /// Why AWS operates the control for this account, when it does.
    pub inherited: Option<String>,
    /// The anchor tools' mappings to this citation and how each is answered.
    #[serde(skip)]
    pub anchors: Vec<AnchorMapping>,
}

/// The implementation specifications of a standard: `164.308(a)(1)(i)` → the citations under
/// `164.308(a)(1)(…)` but itself; `164.312(a)(1)` → those under `164.312(a)(…)`.
pub(crate) fn specification_of(standard: &str, spec: &str) -> bool {
    // A standard cited by one paragraph alone (`164.316(a)`, `164.312(b)`) has none.
    let Some(cut) = standard.rfind('(').filter(|&c| standard[..c].contains('(')) else {
        return false;
    };
    spec != standard
        && spec
            .strip_prefix(&standard[..cut])
            .is_some_and(|rest| rest.starts_with('('))
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub controls: Vec<Control>,
    pub decisions: Vec<Decision>,
    /// SHA-256 over the catalog files (names and bytes, in name order).
    pub sha256: String,
}

impl Catalog {
    pub fn builtin() -> Result<Self> {
        let files: Vec<(PathBuf, String)> = BUILTIN
            .iter()
            .map(|(n, t)| (PathBuf::from("controls").join(n), t.to_string()))
            .collect();
        Self::from_files(files)
    }

    /// Loads every `*.yaml` / `*.yml` file in `dir`.
    pub(crate) fn load_dir(dir: &Path) -> Result<Self> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| Error::io(dir, e))?.path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                files.push((path, text));
            }
        }
        if files.is_empty() {
            return Err(Error::bad_input(
                dir,
                Location::default(),
                "no catalog files (*.yaml) in this folder",
            ));
        }
        Self::from_files(files)
    }

    pub(crate) fn from_files(mut files: Vec<(PathBuf, String)>) -> Result<Self> {
        files.sort_by(|a, b| a.0.file_name().cmp(&b.0.file_name()));
        let known: Vec<&str> = checks::registry().iter().map(|c| c.info().id).collect();
        let mut controls = Vec::new();
        let mut decisions = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (path, text) in &files {
            crate::shape::check(path, text, &cfg::SHAPE, "a catalog file (controls: a list)")?;
            let parsed: cfg::CatalogFile =
                serde_saphyr::from_str(text).map_err(|e| crate::error::yaml_error(path, &e))?;
            // Every problem of a file at once; a file with problems stops the load after it.
            let mut diags = Diagnostics::new(path);
            decisions.extend(
                parsed
                    .decisions
                    .into_iter()
                    .filter_map(|d| decision_of(d, &mut diags)),
            );
            let mut file = Validation {
                path,
                known: &known,
                seen: &mut seen,
                diags: &mut diags,
            };
            controls.extend(
                parsed
                    .controls
                    .into_iter()
                    .filter_map(|entry| file.control(entry)),
            );
            diags.finish(())?;
        }
        Ok(Catalog {
            controls,
            decisions,
            sha256: hash_of(&files),
        })
    }

    pub fn get(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// Controls that use a check, in catalog order.
    pub fn controls_using(&self, check_id: &str) -> Vec<&Control> {
        self.controls
            .iter()
            .filter(|c| c.checks.iter().any(|x| x == check_id))
            .collect()
    }
}

/// `164.` then three digits, then one or more parenthesised parts.
pub(crate) fn is_citation(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("164.") else {
        return false;
    };
    let (section, mut parts) = rest.split_at(rest.find('(').unwrap_or(rest.len()));
    if section.len() != 3 || !section.bytes().all(|b| b.is_ascii_digit()) || parts.is_empty() {
        return false;
    }
    while !parts.is_empty() {
        let Some(inner) = parts.strip_prefix('(') else {
            return false;
        };
        let Some(end) = inner.find(')') else {
            return false;
        };
        if end == 0 || !inner[..end].bytes().all(|b| b.is_ascii_alphanumeric()) {
            return false;
        }
        parts = &inner[end + 1..];
    }
    true
}

/// The catalog's hash: every file's name and text, in name order.
fn hash_of(files: &[(PathBuf, String)]) -> String {
    let mut hash_input = Vec::new();
    for (path, text) in files {
        hash_input.extend_from_slice(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
                .as_bytes(),
        );
        hash_input.push(0);
        hash_input.extend_from_slice(text.as_bytes());
        hash_input.push(0);
    }
    sha256_hex(&hash_input)
}

/// Where a span of a catalog file is.
fn at(loc: &serde_saphyr::Location) -> Location {
    Location {
        line: Some(loc.line() as usize),
        column: Some(loc.column() as usize),
        pointer: None,
    }
}

/// A judgement call the catalog records, if the parameter it names exists.
fn decision_of(d: cfg::DecisionEntry, diags: &mut Diagnostics) -> Option<Decision> {
    let known_param = d
        .parameter
        .value
        .rsplit_once('.')
        .is_some_and(|(check, param)| {
            checks::find(check).is_some_and(|c| c.info().params.iter().any(|p| p.name == param))
        });
    if !known_param {
        diags.push(
            at(&d.parameter.referenced),
            Code::UnknownParameter,
            format!(
                "decision {:?} names {:?}, which is no check parameter (expected CHECK_ID.PARAM)",
                d.topic, d.parameter.value
            ),
        );
        return None;
    }
    Some(Decision {
        topic: d.topic,
        anchors: d.anchors.trim().to_string(),
        default: d.default.trim().to_string(),
        parameter: d.parameter.value,
    })
}

/// One catalog file's controls being validated: each problem is a diagnostic at its span,
/// and a control with a problem that makes it meaningless is left out.
struct Validation<'a> {
    path: &'a Path,
    known: &'a [&'a str],
    /// Citation → where it was first defined, across files.
    seen: &'a mut BTreeMap<String, String>,
    diags: &'a mut Diagnostics,
}

impl Validation<'_> {
    fn control(&mut self, entry: cfg::ControlEntry) -> Option<Control> {
        let id = entry.id.value.trim().to_string();
        let id_loc = at(&entry.id.referenced);
        if !is_citation(&id) {
            self.diags.push(id_loc, Code::UnknownControl, format!(
                "{id:?} is not a HIPAA citation (expected e.g. \"164.312(b)\" or \"164.308(a)(1)(ii)(A)\")"
            ));
            return None;
        }
        let defined_at = format!("{}{}", self.path.display(), id_loc);
        if let Some(first) = self.seen.insert(id.clone(), defined_at.clone()) {
            self.diags.push(
                id_loc,
                Code::Duplicate,
                format!("duplicate citation {id:?} (first defined at {first})"),
            );
            return None;
        }
        let mappings = self.mappings(&id, &entry.checks);
        let nist = self.nist(&id, &entry.nist);
        let check_ids: Vec<String> = mappings.iter().map(|m| m.check.clone()).collect();
        if !mappings.is_empty()
            && mappings.iter().all(|m| m.role == Role::Supporting)
            && entry.manual.is_none()
        {
            self.diags.push(
                id_loc.clone(),
                Code::Inconsistent,
                format!(
                    "control {id}'s checks are all supporting: it needs a manual part, or it would pass on evidence that does not show the citation"
                ),
            );
        }
        if entry.checks.is_empty() && entry.manual.is_none() && entry.inherited.is_none() {
            self.diags.push(id_loc, Code::Inconsistent, format!(
                "control {id} has no checks, no manual part and is not inherited: nothing could decide it"
            ));
            return None;
        }
        if entry.inherited.is_some() && !check_ids.is_empty() {
            self.diags.push(
                id_loc,
                Code::Inconsistent,
                format!("control {id} is inherited but lists checks"),
            );
            return None;
        }
        let anchors = entry
            .anchors
            .into_iter()
            .filter_map(|a| self.anchor(&id, &check_ids, entry.manual.is_some(), a))
            .collect();
        Some(Control {
            id,
            title: entry.title,
            safeguard: entry.safeguard,
            requirement: entry.requirement,
            nist,
            summary: entry.summary.trim().to_string(),
            checks: check_ids,
            mappings,
            manual: entry.manual.map(|m| m.trim().to_string()),
            inherited: entry.inherited.map(|m| m.trim().to_string()),
            anchors,
        })
    }

    /// The control's NIST SP 800-66r2 identifiers: each a key activity or a description part of
    /// one in the shipped extract, each once.
    fn nist(&mut self, id: &str, entries: &[serde_saphyr::Spanned<String>]) -> Vec<String> {
        let index = nist::index();
        let mut out: Vec<String> = Vec::new();
        for e in entries {
            let target = e.value.trim();
            match index.get(target).map(|i| i.kind) {
                Some(nist::Kind::KeyActivity | nist::Kind::Description) => {}
                found => {
                    let what = if found.is_some() {
                        " (a group or statement: name a key activity KA_… or a description part D_…)"
                            .to_string()
                    } else {
                        let known: Vec<&str> = index.keys().map(String::as_str).collect();
                        crate::error::did_you_mean(target, &known)
                    };
                    self.diags.push(
                        at(&e.referenced),
                        Code::UnknownNistId,
                        format!(
                            "{target:?} in control {id} is no key activity or description part of NIST SP 800-66r2's catalog{what}"
                        ),
                    );
                    continue;
                }
            }
            if out.iter().any(|t| t == target) {
                self.diags.push(
                    at(&e.referenced),
                    Code::Duplicate,
                    format!("{target:?} listed twice in control {id}'s nist"),
                );
                continue;
            }
            out.push(target.to_string());
        }
        out
    }

    /// The control's check mappings: known checks, each once, each saying why.
    fn mappings(&mut self, id: &str, entries: &[cfg::MappingEntry]) -> Vec<Mapping> {
        let mut mappings: Vec<Mapping> = Vec::new();
        for m in entries {
            let c = &m.check;
            if !self.known.contains(&c.value.as_str()) {
                let hint = crate::error::did_you_mean(&c.value, self.known);
                self.diags.push(
                    at(&c.referenced),
                    Code::UnknownCheck,
                    format!("unknown check id {:?} in control {id}{hint}", c.value),
                );
                continue;
            }
            if mappings.iter().any(|known| known.check == c.value) {
                self.diags.push(
                    at(&c.referenced),
                    Code::Duplicate,
                    format!("check {:?} listed twice in control {id}", c.value),
                );
                continue;
            }
            if m.why.value.trim().is_empty() {
                self.diags.push(
                    at(&m.why.referenced),
                    Code::Empty,
                    format!("the mapping of {} to {id} says not why", c.value),
                );
            }
            mappings.push(Mapping {
                check: c.value.clone(),
                role: m.role,
                why: m.why.value.trim().to_string(),
            });
        }
        mappings
    }

    /// An anchor mapping (how an established tool maps the citation), answered by exactly one
    /// of a check the control lists, its manual part, or a reason it is declined.
    fn anchor(
        &mut self,
        id: &str,
        check_ids: &[String],
        has_manual: bool,
        a: cfg::AnchorEntry,
    ) -> Option<AnchorMapping> {
        let loc = at(&a.mapping.referenced);
        let answer = match (&a.by, a.manual, &a.declined) {
            (Some(check), false, None) => {
                if !check_ids.contains(&check.value) {
                    self.diags.push(at(&check.referenced), Code::Inconsistent, format!(
                        "anchor mapping {:?} is answered by {:?}, which control {id} does not list in its checks",
                        a.mapping.value, check.value
                    ));
                    return None;
                }
                AnchorAnswer::Check(check.value.clone())
            }
            (None, true, None) if has_manual => AnchorAnswer::Manual,
            (None, true, None) => {
                self.diags.push(loc, Code::Inconsistent, format!(
                    "anchor mapping {:?} is answered by the manual part, but control {id} has none",
                    a.mapping.value
                ));
                return None;
            }
            (None, false, Some(why)) if !why.trim().is_empty() => {
                AnchorAnswer::Declined(why.trim().to_string())
            }
            _ => {
                self.diags.push(loc, Code::Inconsistent, format!(
                    "anchor mapping {:?} must have exactly one of `by: CHECK_ID`, `manual: true` or `declined: REASON`",
                    a.mapping.value
                ));
                return None;
            }
        };
        if a.tools.is_empty() {
            self.diags.push(
                loc,
                Code::Inconsistent,
                format!(
                    "anchor mapping {:?} names no tool (P, C, S, s or any)",
                    a.mapping.value
                ),
            );
            return None;
        }
        Some(AnchorMapping {
            mapping: a.mapping.value,
            tools: a.tools,
            answer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Catalog> {
        Catalog::from_files(vec![(
            PathBuf::from("controls/test.yaml"),
            text.to_string(),
        )])
    }

    const GOOD: &str = "controls:\n  - id: \"164.312(b)\"\n    title: Audit controls\n    safeguard: technical\n    requirement: standard\n    summary: Record activity.\n    checks: [{check: cloudtrail.log_file_validation, role: primary, why: tamper-evident logs}]\n";

    #[test]
    fn builtin_catalog_loads_and_uses_every_check() {
        let cat = Catalog::builtin().unwrap();
        assert!(cat.controls.len() >= 15);
        for check in checks::registry() {
            assert!(
                !cat.controls_using(check.info().id).is_empty(),
                "{} serves no control",
                check.info().id
            );
        }
    }

    #[test]
    fn nist_identifiers_are_checked_against_nists_catalog() {
        let with =
            |nist: &str| GOOD.replace("    summary:", &format!("    nist: [{nist}]\n    summary:"));
        let ok = load(&with("KA_164.312.b.1, KA_164.312.b.2")).unwrap();
        assert_eq!(ok.controls[0].nist, ["KA_164.312.b.1", "KA_164.312.b.2"]);
        // A typo, a group (not a key activity or part), and the same id twice: each at its
        // place, all at once.
        let err = load(&with(
            "KA_164.312.b.9, SP_800_66-164.312.b, KA_164.312.b.1, KA_164.312.b.1",
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("test.yaml:6:12: \"KA_164.312.b.9\" in control 164.312(b) is no key activity or description part of NIST SP 800-66r2's catalog; did you mean"),
            "{err}"
        );
        assert!(err.contains("[unknown-nist-id]"), "{err}");
        assert!(err.contains(":6:28: \"SP_800_66-164.312.b\""), "{err}");
        assert!(err.contains("(a group or statement"), "{err}");
        assert!(
            err.contains("listed twice") && err.contains("[duplicate]"),
            "{err}"
        );
    }

    #[test]
    fn unknown_check_is_reported_at_its_line_and_column() {
        let text = GOOD.replace(
            "cloudtrail.log_file_validation",
            "cloudtrail.log_file_validatoin",
        );
        let err = load(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            "controls/test.yaml:7:22: unknown check id \"cloudtrail.log_file_validatoin\" in control 164.312(b); did you mean \"cloudtrail.log_file_validation\"? [unknown-check]"
        );
    }

    #[test]
    fn every_mistake_of_a_catalog_file_is_reported_at_once() {
        let text = GOOD
            .replace(
                "cloudtrail.log_file_validation",
                "cloudtrail.log_file_validatoin",
            )
            .replace("164.312(b)", "164.312b");
        let err = load(&text).unwrap_err().to_string();
        assert!(
            err.contains("test.yaml:2:9: \"164.312b\" is not a HIPAA citation"),
            "{err}"
        );
        let twice = format!("{GOOD}{}", GOOD.trim_start_matches("controls:\n")).replacen(
            "cloudtrail.log_file_validation",
            "cloudtrail.log_file_validatoin",
            1,
        );
        let err = load(&twice).unwrap_err().to_string();
        assert!(err.contains(":7:22: unknown check id"), "{err}");
        assert!(err.contains(":8:9: duplicate citation"), "{err}");
        assert!(err.contains("2 problems in controls/test.yaml"), "{err}");
    }

    #[test]
    fn duplicate_citation_bad_field_and_bad_enum_are_located() {
        let twice = format!("{GOOD}{}", GOOD.trim_start_matches("controls:\n"));
        let err = load(&twice).unwrap_err().to_string();
        assert!(err.starts_with("controls/test.yaml:8:9: duplicate citation \"164.312(b)\" (first defined at controls/test.yaml:2:9)"), "{err}");

        let err = load(&GOOD.replace("summary:", "sumary:"))
            .unwrap_err()
            .to_string();
        // Both halves of the typo at once: the unknown field (with the one meant) and the
        // field it leaves missing.
        assert!(
            err.contains("controls/test.yaml:6:5: unknown field \"sumary\" in controls, item 1; did you mean \"summary\"?"),
            "{err}"
        );
        assert!(
            err.contains("controls, item 1 lacks the field \"summary\""),
            "{err}"
        );

        let err = load(&GOOD.replace("safeguard: technical", "safeguard: magical"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("controls/test.yaml:4:"), "{err}");

        let err = load(&GOOD.replace("164.312(b)", "164.312b"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is not a HIPAA citation"), "{err}");
    }

    #[test]
    fn a_control_nothing_can_decide_is_rejected() {
        let err = load(&GOOD.replace(
            "    checks: [{check: cloudtrail.log_file_validation, role: primary, why: tamper-evident logs}]\n",
            "",
        ))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nothing could decide it"), "{err}");
    }

    #[test]
    fn a_control_whose_checks_all_support_needs_a_manual_part() {
        let err = load(&GOOD.replace("role: primary", "role: supporting"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("controls/test.yaml:2:9:")
                && err.contains("all supporting")
                && err.ends_with("[inconsistent]"),
            "{err}"
        );
        assert!(
            load(
                &format!("{GOOD}    manual: attest it\n")
                    .replace("role: primary", "role: supporting")
            )
            .is_ok()
        );
        let err = load(&GOOD.replace("why: tamper-evident logs", "why: \"\""))
            .unwrap_err()
            .to_string();
        assert!(err.contains(":7:") && err.contains("says not why"), "{err}");
    }

    #[test]
    fn the_hash_changes_with_the_content() {
        let a = load(GOOD).unwrap().sha256;
        let b = load(&GOOD.replace("Record activity.", "Record all activity."))
            .unwrap()
            .sha256;
        assert_ne!(a, b);
        assert_eq!(a, load(GOOD).unwrap().sha256);
    }

    /// Every standard and implementation specification of the Security Rule's §164.308, §164.310,
    /// §164.312 and §164.316, as the regulation numbers them.
    const SECURITY_RULE: &[&str] = &[
        "164.308(a)(1)(i)",
        "164.308(a)(1)(ii)(A)",
        "164.308(a)(1)(ii)(B)",
        "164.308(a)(1)(ii)(C)",
        "164.308(a)(1)(ii)(D)",
        "164.308(a)(2)",
        "164.308(a)(3)(i)",
        "164.308(a)(3)(ii)(A)",
        "164.308(a)(3)(ii)(B)",
        "164.308(a)(3)(ii)(C)",
        "164.308(a)(4)(i)",
        "164.308(a)(4)(ii)(A)",
        "164.308(a)(4)(ii)(B)",
        "164.308(a)(4)(ii)(C)",
        "164.308(a)(5)(i)",
        "164.308(a)(5)(ii)(A)",
        "164.308(a)(5)(ii)(B)",
        "164.308(a)(5)(ii)(C)",
        "164.308(a)(5)(ii)(D)",
        "164.308(a)(6)(i)",
        "164.308(a)(6)(ii)",
        "164.308(a)(7)(i)",
        "164.308(a)(7)(ii)(A)",
        "164.308(a)(7)(ii)(B)",
        "164.308(a)(7)(ii)(C)",
        "164.308(a)(7)(ii)(D)",
        "164.308(a)(7)(ii)(E)",
        "164.308(a)(8)",
        "164.308(b)(1)",
        "164.308(b)(2)",
        "164.308(b)(3)",
        "164.310(a)(1)",
        "164.310(a)(2)(i)",
        "164.310(a)(2)(ii)",
        "164.310(a)(2)(iii)",
        "164.310(a)(2)(iv)",
        "164.310(b)",
        "164.310(c)",
        "164.310(d)(1)",
        "164.310(d)(2)(i)",
        "164.310(d)(2)(ii)",
        "164.310(d)(2)(iii)",
        "164.310(d)(2)(iv)",
        "164.312(a)(1)",
        "164.312(a)(2)(i)",
        "164.312(a)(2)(ii)",
        "164.312(a)(2)(iii)",
        "164.312(a)(2)(iv)",
        "164.312(b)",
        "164.312(c)(1)",
        "164.312(c)(2)",
        "164.312(d)",
        "164.312(e)(1)",
        "164.312(e)(2)(i)",
        "164.312(e)(2)(ii)",
        "164.314(a)(1)",
        "164.314(a)(2)(i)",
        "164.314(a)(2)(ii)",
        "164.314(a)(2)(iii)",
        "164.314(b)(1)",
        "164.314(b)(2)",
        "164.316(a)",
        "164.316(b)(1)",
        "164.316(b)(2)(i)",
        "164.316(b)(2)(ii)",
        "164.316(b)(2)(iii)",
    ];

    /// The standards that have implementation specifications; the rest are implementation
    /// specifications, or standards without any, which Appendix A marks required (R).
    const STANDARDS: &[&str] = &[
        "164.308(a)(1)(i)",
        "164.308(a)(3)(i)",
        "164.308(a)(4)(i)",
        "164.308(a)(5)(i)",
        "164.308(a)(6)(i)",
        "164.308(a)(7)(i)",
        "164.308(b)(1)",
        // A business associate's subcontractors: the (b) standard's second paragraph, whose
        // assurances (b)(3) documents as well.
        "164.308(b)(2)",
        "164.310(a)(1)",
        "164.310(d)(1)",
        "164.312(a)(1)",
        "164.312(c)(1)",
        "164.312(e)(1)",
        "164.314(a)(1)",
        "164.314(b)(1)",
        "164.316(b)(1)",
    ];

    /// Standards without implementation specifications: required in themselves.
    const STANDARDS_ALONE: &[&str] = &[
        "164.308(a)(2)",
        "164.308(a)(8)",
        "164.310(b)",
        "164.310(c)",
        "164.312(b)",
        "164.312(d)",
        "164.316(a)",
    ];

    #[test]
    fn the_builtin_catalog_holds_every_citation_of_the_rule_and_no_other() {
        let cat = Catalog::builtin().unwrap();
        let ids: Vec<&str> = cat.controls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, SECURITY_RULE);
        assert_eq!(
            ids.len(),
            66,
            "Subpart C: §164.308, .310, .312, .314 and .316"
        );
        for c in &cat.controls {
            // The facility controls are inherited from AWS; the entity's workstations, devices
            // and media are manual; organizational requirements and documentation are attested;
            // standards and implementation specifications are marked as the rule marks them.
            if c.id.starts_with("164.310(a)") {
                assert!(c.inherited.is_some() && c.manual.is_none(), "{}", c.id);
            } else {
                assert!(c.inherited.is_none(), "{} is not AWS's to operate", c.id);
            }
            if c.id.starts_with("164.310(b)")
                || c.id.starts_with("164.310(c)")
                || c.id.starts_with("164.310(d)")
            {
                assert!(c.manual.is_some(), "{}", c.id);
            }
            if STANDARDS_ALONE.contains(&c.id.as_str()) {
                assert_eq!(c.requirement, Requirement::Required, "{}", c.id);
            }
            if c.id.starts_with("164.314") || c.id.starts_with("164.316") {
                assert!(c.manual.is_some() && c.checks.is_empty(), "{}", c.id);
            }
            assert_eq!(
                c.requirement == Requirement::Standard,
                STANDARDS.contains(&c.id.as_str()),
                "{} is marked {:?}",
                c.id,
                c.requirement
            );
        }
        // The two citations no anchor evidences with a check of ours, and we do (Prowler and
        // Steampipe map DynamoDB's point-in-time recovery to emergency access, which is
        // declined there with the reason).
        for id in ["164.312(a)(2)(ii)", "164.312(a)(2)(iii)"] {
            let c = cat.get(id).unwrap();
            assert!(
                !c.checks.is_empty()
                    && c.anchors
                        .iter()
                        .all(|a| matches!(a.answer, AnchorAnswer::Declined(_))),
                "{id}"
            );
        }
        assert_eq!(cat.decisions.len(), 5);
    }

    #[test]
    fn anchor_answers_must_be_checks_of_the_control() {
        let text = GOOD.to_string()
            + "    anchors:\n      - {mapping: \"root MFA\", tools: [P], by: iam.root_mfa_enabled}\n";
        let err = load(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("controls/test.yaml:9:") && err.contains("does not list in its checks"),
            "{err}"
        );
        let text = GOOD.to_string() + "    anchors:\n      - {mapping: \"x\", tools: [P]}\n";
        let err = load(&text).unwrap_err().to_string();
        assert!(err.contains("exactly one of"), "{err}");
        let text = GOOD.to_string()
            + "    anchors:\n      - {mapping: \"x\", tools: [P], declined: \"not collected\"}\n";
        assert!(load(&text).is_ok());
    }

    #[test]
    fn citations() {
        for ok in ["164.312(b)", "164.308(a)(1)(ii)(A)", "164.310(d)(2)(iv)"] {
            assert!(is_citation(ok), "{ok}");
        }
        for bad in [
            "164.312",
            "164.312b",
            "164.31(b)",
            "164.312()",
            "164.312(b",
            "45 CFR 164.312(b)",
        ] {
            assert!(!is_citation(bad), "{bad}");
        }
    }
}
