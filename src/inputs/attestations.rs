//! `--attestations FILE`: a person's statement that a control's manual part is in place.
//!
//! ```yaml
//! attestations:
//!   - control: "164.308(a)(1)(ii)(A)"
//!     statement: The 2026 risk analysis covers every system in this account.
//!     attested_by: Dana Reyes, Security Officer
//!     date: 2026-09-15
//!     expires: 2027-09-15
//!     evidence:
//!       - https://wiki.example.org/security/risk-analysis-2026
//!       - evidence/risk-analysis-2026.pdf   # copied into the package, hashed in the manifest
//! ```
//!
//! A valid attestation turns the control's manual part from `manual` into attested (`pass` if
//! nothing else is wrong); on an inherited control (the BAA executed) it makes the control pass.
//! Expired ones count as absent, and the report says so.
//!
//! What makes one count (docs/results-schema.md, "Attestations"):
//! - at least one evidence *file*, copied into the package and hashed: a URL alone is recorded
//!   but leaves the manual part `manual` ("attested without evidence");
//! - `attested_by` as "Name, Title", and a `date`;
//! - `expires` at most `attestation_max_days` (`--config`, default 365) after `date`: a later
//!   one is bad input;
//! - on an addressable specification, the decision §164.306(d)(3) asks for: `decision:
//!   implemented | alternative | not_reasonable` with a `rationale`, and for the last two the
//!   equivalent `measure` taken.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::{date, parse, text};
use crate::catalog::{Catalog, Requirement};
use crate::error::{Code, Diagnostics, Result, did_you_mean, yaml_at};
use crate::shape::{Shape, optional, required};
use crate::snapshot::sha256_hex;

/// The file's structure, field for field as [`AttestationsFile`] and [`Entry`] take them.
const SHAPE: Shape = Shape::Record(&[required("attestations", &Shape::List(&ENTRY))]);
const ENTRY: Shape = Shape::Record(&[
    required("control", &Shape::Scalar),
    required("statement", &Shape::Scalar),
    required("attested_by", &Shape::Scalar),
    required("date", &Shape::Scalar),
    required("expires", &Shape::Scalar),
    optional("evidence", &Shape::List(&Shape::Scalar)),
    optional("decision", &Shape::Scalar),
    optional("rationale", &Shape::Scalar),
    optional("measure", &Shape::Scalar),
]);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttestationsFile {
    attestations: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    control: Spanned<String>,
    statement: Spanned<String>,
    attested_by: Spanned<String>,
    date: Spanned<String>,
    expires: Spanned<String>,
    #[serde(default)]
    evidence: Vec<Spanned<String>>,
    #[serde(default)]
    decision: Option<Spanned<String>>,
    #[serde(default)]
    rationale: Option<Spanned<String>>,
    #[serde(default)]
    measure: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attestation {
    pub control: String,
    pub statement: String,
    pub attested_by: String,
    pub date: NaiveDate,
    pub expires: NaiveDate,
    pub evidence: Vec<EvidenceRef>,
    /// For an addressable specification: what the covered entity decided, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<AddressableDecision>,
}

/// The documented decision on an addressable implementation specification (45 CFR
/// 164.306(d)(3)): implement it; implement an equivalent alternative measure; or not implement
/// it because it is not reasonable and appropriate, documenting why (and any equivalent
/// measure taken).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressableDecision {
    pub decision: Decision,
    pub rationale: String,
    /// The equivalent measure taken (`alternative`, `not_reasonable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Implemented,
    Alternative,
    NotReasonable,
}

impl Decision {
    pub const ALL: [Decision; 3] = [
        Decision::Implemented,
        Decision::Alternative,
        Decision::NotReasonable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Implemented => "implemented",
            Decision::Alternative => "alternative",
            Decision::NotReasonable => "not_reasonable",
        }
    }

    /// As the report prints it.
    pub fn label(self) -> &'static str {
        match self {
            Decision::Implemented => "implemented as specified",
            Decision::Alternative => "an equivalent alternative measure implemented",
            Decision::NotReasonable => "not reasonable and appropriate; documented why",
        }
    }
}

/// `attestation_max_days` when `--config` does not set it.
pub const DEFAULT_ATTESTATION_MAX_DAYS: u32 = 365;

/// Where the attested evidence is: a URL, or a file now inside the package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceRef {
    Url(String),
    File {
        /// Path inside the package (`attestations/...`).
        path: String,
        sha256: String,
        /// Where the file came from, when that is outside the attestations file's folder
        /// (allowed only with `--allow-outside-evidence`, and shown in the report).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outside: Option<String>,
    },
}

/// What attested evidence files may be.
#[derive(Debug, Clone, Copy)]
pub struct EvidenceLimits {
    /// `--max-evidence-bytes`: the largest file copied into the package.
    pub max_bytes: u64,
    /// `--allow-outside-evidence`: files outside the attestations file's folder are accepted.
    pub allow_outside: bool,
    /// `attestation_max_days` (`--config`): the longest an attestation may hold from its date.
    pub max_days: u32,
}

impl Default for EvidenceLimits {
    fn default() -> Self {
        EvidenceLimits {
            max_bytes: DEFAULT_MAX_EVIDENCE_BYTES,
            allow_outside: false,
            max_days: DEFAULT_ATTESTATION_MAX_DAYS,
        }
    }
}

pub const DEFAULT_MAX_EVIDENCE_BYTES: u64 = 50 << 20;

/// Reads one evidence file within the limits: a regular file (no FIFO, device or socket,
/// which would hang or never end), at most `max_bytes`, inside `base` unless allowed. Returns
/// the bytes and, when outside `base`, the resolved path to show in the report.
fn read_evidence(
    file: &Path,
    base: &Path,
    limits: EvidenceLimits,
) -> std::result::Result<(Vec<u8>, Option<String>), String> {
    use std::io::Read;
    let real = std::fs::canonicalize(file).map_err(|e| format!("cannot be read: {e}"))?;
    let home =
        std::fs::canonicalize(base).map_err(|e| format!("its folder cannot be read: {e}"))?;
    let outside = !real.starts_with(&home);
    if outside && !limits.allow_outside {
        return Err(format!(
            "resolves to {}, outside the attestations file's folder {} (pass --allow-outside-evidence to accept it; the report then lists it)",
            real.display(),
            home.display()
        ));
    }
    let meta = std::fs::metadata(&real).map_err(|e| format!("cannot be read: {e}"))?;
    if !meta.is_file() {
        return Err("is not a regular file (a device, FIFO, socket or folder)".into());
    }
    if meta.len() == 0 {
        return Err("is empty: an empty file evidences nothing".into());
    }
    if meta.len() > limits.max_bytes {
        return Err(format!(
            "is {} bytes, over --max-evidence-bytes {}",
            meta.len(),
            limits.max_bytes
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&real)
        .and_then(|f| f.take(limits.max_bytes + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(format!(
            "grew past --max-evidence-bytes {} while read",
            limits.max_bytes
        ));
    }
    Ok((bytes, outside.then(|| real.display().to_string())))
}

/// The attestations file, and the evidence files it names (package path → bytes).
#[derive(Debug, Default)]
pub struct Loaded {
    pub attestations: Vec<Attestation>,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Where the package keeps its copy of the attestations: beside the evidence files, which it
/// names by their package file names, so `--attestations PKG/attestations/attestations.yaml`
/// re-performs the assessment from the package alone.
pub const PACKAGE_COPY: &str = "attestations/attestations.yaml";

impl Loaded {
    /// The package's copy: every attestation as loaded, its evidence files named as stored in
    /// the package (URLs kept). YAML comments of the original are not kept; `inputs/` is not
    /// needed to re-perform. Strings are written as JSON strings, which YAML reads as
    /// double-quoted scalars.
    pub fn package_copy(&self) -> Vec<u8> {
        let q = |s: &str| serde_json::to_string(s).expect("a string serializes");
        let mut y = String::from(
            "# The attestations of this package, their evidence files named as stored beside this\n\
             # file. Re-perform with: safeguard assess snapshot.json --attestations attestations/attestations.yaml\n\
             attestations:\n",
        );
        if self.attestations.is_empty() {
            y = y.replace("attestations:\n", "attestations: []\n");
        }
        for a in &self.attestations {
            y.push_str(&format!("  - control: {}\n", q(&a.control)));
            y.push_str(&format!("    statement: {}\n", q(&a.statement)));
            y.push_str(&format!("    attested_by: {}\n", q(&a.attested_by)));
            y.push_str(&format!(
                "    date: {}\n    expires: {}\n",
                a.date, a.expires
            ));
            if let Some(d) = &a.decision {
                y.push_str(&format!("    decision: {}\n", d.decision.as_str()));
                y.push_str(&format!("    rationale: {}\n", q(&d.rationale)));
                if let Some(m) = &d.measure {
                    y.push_str(&format!("    measure: {}\n", q(m)));
                }
            }
            if !a.evidence.is_empty() {
                y.push_str("    evidence:\n");
                for e in &a.evidence {
                    let v = match e {
                        EvidenceRef::Url(u) => u.as_str(),
                        EvidenceRef::File { path, .. } => {
                            path.strip_prefix("attestations/").unwrap_or(path)
                        }
                    };
                    y.push_str(&format!("      - {}\n", q(v)));
                }
            }
        }
        y.into_bytes()
    }
}

/// The attestations file, with the evidence files it names read and hashed; every problem in
/// it at once.
pub fn load(path: &Path, catalog: &Catalog, limits: EvidenceLimits) -> Result<Loaded> {
    let (_, file): (String, AttestationsFile) =
        parse(path, &SHAPE, "an attestations file (attestations: a list)")?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut diags = Diagnostics::new(path);
    let mut out = Loaded::default();
    // Package name per source file, so one file named twice is copied once.
    let mut copied: BTreeMap<PathBuf, String> = BTreeMap::new();
    for e in file.attestations {
        let id = e.control.value.trim();
        match catalog.get(id) {
            None => {
                let known: Vec<&str> = catalog.controls.iter().map(|c| c.id.as_str()).collect();
                let hint = did_you_mean(id, &known);
                diags.push(
                    yaml_at(&e.control),
                    Code::UnknownControl,
                    format!("no control {id:?} in the catalog{hint}"),
                );
            }
            // Every addressable specification has a decision to document, whatever decides
            // the rest of it.
            Some(control)
                if control.manual.is_none()
                    && control.inherited.is_none()
                    && control.requirement != Requirement::Addressable =>
            {
                diags.push(
                    yaml_at(&e.control),
                    Code::Inconsistent,
                    format!(
                        "control {id} has no manual part to attest: its automated checks decide it"
                    ),
                );
            }
            Some(_) => {}
        }
        let addressable = catalog
            .get(id)
            .is_some_and(|c| c.requirement == Requirement::Addressable);
        let decision = decision_of(&e, id, addressable, &mut diags);
        let day = diags.take(date(&e.date, "date"));
        let expires = diags.take(date(&e.expires, "expires"));
        if let (Some(day), Some(expires)) = (day, expires) {
            diags.take(super::held_within(
                &e.expires,
                (day, "the attestation's date"),
                expires,
                (limits.max_days, "an attestation", "attestation_max_days"),
            ));
        }
        let mut evidence = Vec::new();
        for r in &e.evidence {
            let v = r.value.trim();
            if v.starts_with("https://") || v.starts_with("http://") {
                evidence.push(EvidenceRef::Url(v.to_string()));
                continue;
            }
            let file = base.join(v);
            let (bytes, outside) = match read_evidence(&file, base, limits) {
                Ok(read) => read,
                Err(why) => {
                    diags.push(
                        yaml_at(r),
                        Code::EvidenceFile,
                        format!(
                            "evidence file {} {why} (a URL must start with https://)",
                            file.display()
                        ),
                    );
                    continue;
                }
            };
            let name = match copied.get(&file) {
                Some(n) => n.clone(),
                None => {
                    let stem = Path::new(v)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "evidence".into());
                    let mut name = format!("attestations/{stem}");
                    let mut n = 2;
                    // The package's copy of this file has its own name there.
                    while out.files.contains_key(&name) || name == PACKAGE_COPY {
                        name = format!("attestations/{n}-{stem}");
                        n += 1;
                    }
                    copied.insert(file.clone(), name.clone());
                    name
                }
            };
            evidence.push(EvidenceRef::File {
                path: name.clone(),
                sha256: sha256_hex(&bytes),
                outside,
            });
            out.files.insert(name, bytes);
        }
        let statement = diags.take(text(&e.statement, "statement"));
        let attested_by = diags
            .take(text(&e.attested_by, "attested_by"))
            .and_then(|who| diags.take(person(&e.attested_by, who, "attested_by")));
        if let (Some(statement), Some(attested_by), Some(day), Some(expires), Ok(decision)) =
            (statement, attested_by, day, expires, decision)
        {
            out.attestations.push(Attestation {
                control: id.to_string(),
                statement,
                attested_by,
                date: day,
                expires,
                evidence,
                decision,
            });
        }
    }
    diags.finish(out)
}

/// "Name, Title": who vouches, in the role that lets them. Shared with the waivers'
/// `approved_by`.
pub(crate) fn person(
    at: &Spanned<String>,
    who: String,
    what: &str,
) -> std::result::Result<String, crate::error::Diagnostic> {
    match who.split_once(',') {
        Some((name, title)) if !name.trim().is_empty() && !title.trim().is_empty() => Ok(who),
        _ => Err(crate::error::Diagnostic::new(
            yaml_at(at),
            Code::Person,
            format!(
                "{what} {who:?} names no role: write \"Name, Title\" (e.g. \"Dana Reyes, Security Officer\")"
            ),
        )),
    }
}

/// The addressable decision of an entry: required with its rationale (and, unless
/// implemented, the measure) on an addressable specification; refused elsewhere.
/// `Err(())` when the entry has a problem (already pushed).
fn decision_of(
    e: &Entry,
    id: &str,
    addressable: bool,
    diags: &mut Diagnostics,
) -> std::result::Result<Option<AddressableDecision>, ()> {
    let Some(d) = &e.decision else {
        if addressable {
            diags.push(
                yaml_at(&e.control),
                Code::Decision,
                format!(
                    "{id} is addressable: its attestation must record the decision (decision: implemented | alternative | not_reasonable) and a rationale (45 CFR 164.306(d)(3))"
                ),
            );
            return Err(());
        }
        if let Some(s) = e.rationale.as_ref().or(e.measure.as_ref()) {
            diags.push(
                yaml_at(s),
                Code::Inconsistent,
                "rationale and measure go with a decision".to_string(),
            );
            return Err(());
        }
        return Ok(None);
    };
    if !addressable {
        diags.push(
            yaml_at(d),
            Code::Inconsistent,
            format!(
                "{id} is not an addressable implementation specification: it takes no decision (§164.306(d)(3) is for addressable ones)"
            ),
        );
        return Err(());
    }
    let v = d.value.trim();
    let Some(decision) = Decision::ALL.into_iter().find(|k| k.as_str() == v) else {
        diags.push(
            yaml_at(d),
            Code::Choice,
            format!("decision {v:?} is not one of implemented, alternative, not_reasonable"),
        );
        return Err(());
    };
    let Some(rationale) = e
        .rationale
        .as_ref()
        .and_then(|r| diags.take(text(r, "rationale")))
    else {
        if e.rationale.is_none() {
            diags.push(
                yaml_at(d),
                Code::Decision,
                format!("a decision needs its rationale: why {v} is reasonable and appropriate"),
            );
        }
        return Err(());
    };
    let measure = match &e.measure {
        Some(m) => Some(diags.take(text(m, "measure")).ok_or(())?),
        None if decision != Decision::Implemented => {
            diags.push(
                yaml_at(d),
                Code::Decision,
                format!("decision {v} needs the equivalent measure taken (measure:)"),
            );
            return Err(());
        }
        None => None,
    };
    Ok(Some(AddressableDecision {
        decision,
        rationale,
        measure,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, yaml: &str) -> PathBuf {
        let p = dir.join("attestations.yaml");
        std::fs::write(&p, yaml).unwrap();
        p
    }

    const ONE: &str = "attestations:\n  - control: \"164.308(a)(1)(ii)(A)\"\n    statement: Risk analysis done.\n    attested_by: Dana Reyes, Security Officer\n    date: 2026-09-15\n    expires: 2027-09-15\n    evidence:\n      - https://wiki.example.org/ra\n      - ra.pdf\n";

    #[test]
    fn the_shape_names_the_fields_serde_takes() {
        use crate::shape::{field_names, fields_of};
        assert_eq!(field_names(&SHAPE), fields_of::<AttestationsFile>());
        assert_eq!(field_names(&ENTRY), fields_of::<Entry>());
    }

    #[test]
    fn files_are_copied_and_hashed_urls_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ra.pdf"), b"%PDF risk analysis").unwrap();
        let loaded = load(
            &write(dir.path(), ONE),
            &Catalog::builtin().unwrap(),
            EvidenceLimits::default(),
        )
        .unwrap();
        let a = &loaded.attestations[0];
        assert_eq!(a.expires, NaiveDate::from_ymd_opt(2027, 9, 15).unwrap());
        assert_eq!(
            a.evidence[0],
            EvidenceRef::Url("https://wiki.example.org/ra".into())
        );
        assert_eq!(
            a.evidence[1],
            EvidenceRef::File {
                path: "attestations/ra.pdf".into(),
                sha256: sha256_hex(b"%PDF risk analysis"),
                outside: None,
            }
        );
        assert_eq!(loaded.files["attestations/ra.pdf"], b"%PDF risk analysis");
    }

    #[test]
    fn mistakes_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let cat = Catalog::builtin().unwrap();
        let err = |yaml: &str| {
            load(&write(dir.path(), yaml), &cat, EvidenceLimits::default())
                .unwrap_err()
                .to_string()
        };
        let e = err(ONE);
        assert!(
            e.contains("attestations.yaml:9:9: evidence file")
                && e.contains("ra.pdf cannot be read"),
            "{e}"
        );
        let e = err(&ONE.replace("164.308(a)(1)(ii)(A)", "164.308(a)(1)(ii)(Z)"));
        assert!(
            e.contains(":2:14: no control \"164.308(a)(1)(ii)(Z)\"") && e.contains("did you mean"),
            "{e}"
        );
        // A control decided by its checks alone takes no attestation.
        let automated = Catalog::from_files(vec![(
            "controls/t.yaml".into(),
            "controls:\n  - id: \"164.308(a)(1)(ii)(A)\"\n    title: T\n    safeguard: administrative\n    requirement: required\n    summary: S\n    checks: [{check: config.recorder_all_regions, role: primary, why: w}]\n".into(),
        )])
        .unwrap();
        let e = load(
            &write(dir.path(), ONE),
            &automated,
            EvidenceLimits::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("has no manual part"), "{e}");
        let e = err(&ONE.replace("2027-09-15", "15/09/2027"));
        assert!(
            e.contains(":6:14: expires \"15/09/2027\" is not a date"),
            "{e}"
        );
        let e = err(&ONE.replace("attested_by", "attested"));
        assert!(
            e.contains("attestations.yaml:4:5: unknown field \"attested\" in attestations, item 1; did you mean \"attested_by\"?"),
            "{e}"
        );
        // Three mistakes in one file: all three reported, in file order.
        let e = load(
            &write(dir.path(), &ONE.replace("2027-09-15", "15/09/2027")),
            &automated,
            EvidenceLimits::default(),
        )
        .unwrap_err()
        .to_string();
        let lines: Vec<&str> = e.lines().collect();
        assert!(
            lines[0].contains(":2:14:") && lines[0].ends_with("[inconsistent]"),
            "{e}"
        );
        assert!(
            lines[1].contains(":6:14:") && lines[1].ends_with("[date]"),
            "{e}"
        );
        assert!(
            lines[2].contains(":9:9:") && lines[2].ends_with("[evidence-file]"),
            "{e}"
        );
        assert!(lines[3].starts_with("3 problems in"), "{e}");
    }

    #[test]
    fn evidence_must_be_a_bounded_regular_file_inside_the_folder() {
        let outer = tempfile::tempdir().unwrap();
        let dir = outer.path().join("att");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(outer.path().join("secret.txt"), b"outside").unwrap();
        std::fs::write(dir.join("big.pdf"), vec![b'x'; 2048]).unwrap();
        let cat = Catalog::builtin().unwrap();
        let with = |evidence: &str, limits: EvidenceLimits| {
            load(&write(&dir, &ONE.replace("ra.pdf", evidence)), &cat, limits)
        };
        let strict = EvidenceLimits::default();
        for (evidence, says) in [
            ("../secret.txt", "outside the attestations file's folder"),
            ("/etc/hostname", "outside the attestations file's folder"),
            ("/dev/zero", "outside"),
            ("nope.pdf", "cannot be read"),
        ] {
            let e = with(evidence, strict).unwrap_err().to_string();
            assert!(
                e.contains(":9:9: evidence file") && e.contains(says),
                "{evidence}: {e}"
            );
        }
        // A FIFO inside the folder: refused without opening it (which would hang).
        let fifo = dir.join("pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        std::fs::write(dir.join("blank.pdf"), b"").unwrap();
        let e = with("blank.pdf", strict).unwrap_err().to_string();
        assert!(
            e.contains("is empty") && e.contains("[evidence-file]"),
            "{e}"
        );
        let e = with("pipe", strict).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
        let e = with(
            "/dev/zero",
            EvidenceLimits {
                allow_outside: true,
                ..strict
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("not a regular file"), "{e}");
        let e = with(
            "big.pdf",
            EvidenceLimits {
                max_bytes: 1024,
                ..strict
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("2048 bytes, over --max-evidence-bytes 1024"),
            "{e}"
        );
        // Allowed from outside: copied, and its origin kept for the report.
        let loaded = with(
            "../secret.txt",
            EvidenceLimits {
                allow_outside: true,
                ..strict
            },
        )
        .unwrap();
        match &loaded.attestations[0].evidence[1] {
            EvidenceRef::File {
                outside: Some(from),
                ..
            } => assert!(from.ends_with("secret.txt")),
            other => panic!("{other:?}"),
        }
    }

    /// An addressable specification (§164.312(a)(2)(iv), encryption) and the decision it needs.
    const ADDRESSABLE: &str = "attestations:\n  - control: \"164.312(a)(2)(iv)\"\n    statement: ePHI at rest is encrypted.\n    attested_by: Dana Reyes, Security Officer\n    date: 2026-09-15\n    expires: 2027-09-15\n    evidence: [ra.pdf]\n";

    #[test]
    fn governance_rules_are_bad_input_each_with_its_code() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ra.pdf"), b"%PDF").unwrap();
        let cat = Catalog::builtin().unwrap();
        let with = |yaml: &str, max_days: u32| {
            load(
                &write(dir.path(), yaml),
                &cat,
                EvidenceLimits {
                    max_days,
                    ..EvidenceLimits::default()
                },
            )
        };
        let err = |yaml: &str| with(yaml, 365).unwrap_err().to_string();
        let one = ONE.replace("      - https://wiki.example.org/ra\n", "");
        // Validity capped by attestation_max_days, counted from the date.
        let e = with(&one, 300).unwrap_err().to_string();
        assert!(
            e.contains(":6:14: expires 2027-09-15 is 365 days after the attestation's date 2026-09-15; an attestation holds at most attestation_max_days (300)")
                && e.contains("[validity]"),
            "{e}"
        );
        assert!(with(&one, 365).is_ok());
        // The attester's role.
        for who in ["Dana", "\"Dana,\"", "\", Security Officer\""] {
            let e = err(&one.replace("Dana Reyes, Security Officer", who));
            assert!(
                e.contains(":4:18: attested_by") && e.contains("[person]"),
                "{who}: {e}"
            );
        }
        // Addressable: a decision and a rationale, and for two of the three a measure.
        let e = err(ADDRESSABLE);
        assert!(
            e.contains(":2:14: 164.312(a)(2)(iv) is addressable") && e.contains("[decision]"),
            "{e}"
        );
        let e = err(&format!("{ADDRESSABLE}    decision: implemented\n"));
        assert!(e.contains(":8:15: a decision needs its rationale"), "{e}");
        let e = err(&format!(
            "{ADDRESSABLE}    decision: maybe\n    rationale: r\n"
        ));
        assert!(
            e.contains(":8:15: decision \"maybe\" is not one of") && e.contains("[choice]"),
            "{e}"
        );
        for kind in ["alternative", "not_reasonable"] {
            let e = err(&format!(
                "{ADDRESSABLE}    decision: {kind}\n    rationale: Small office.\n"
            ));
            assert!(
                e.contains(&format!("decision {kind} needs the equivalent measure")),
                "{e}"
            );
        }
        let loaded = with(
            &format!("{ADDRESSABLE}    decision: alternative\n    rationale: Volumes cannot be re-created now.\n    measure: Application-level encryption of every ePHI field.\n"),
            365,
        )
        .unwrap();
        let d = loaded.attestations[0].decision.as_ref().unwrap();
        assert_eq!(d.decision, Decision::Alternative);
        assert_eq!(
            d.measure.as_deref(),
            Some("Application-level encryption of every ePHI field.")
        );
        let ok = with(
            &format!(
                "{ADDRESSABLE}    decision: implemented\n    rationale: Every volume uses KMS.\n"
            ),
            365,
        )
        .unwrap();
        assert_eq!(
            ok.attestations[0].decision.as_ref().unwrap().decision,
            Decision::Implemented
        );
        // A required specification takes no decision.
        let e = err(&format!(
            "{one}    decision: implemented\n    rationale: r\n"
        ));
        assert!(
            e.contains("is not an addressable implementation specification"),
            "{e}"
        );
    }
}
