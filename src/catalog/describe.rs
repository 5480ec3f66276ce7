//! `safeguard controls [ID]`: the catalog, one control, or one check, as text for a terminal.

use super::Catalog;
use crate::checks;
use crate::error::{Error, Result};

/// `safeguard controls --checks`: every check, with its severity and what it checks.
pub(crate) fn list_checks() -> String {
    let mut s = format!("{:<40} {:<8} {}\n", "check", "severity", "what it checks");
    for c in checks::registry() {
        let info = c.info();
        s.push_str(&format!(
            "{:<40} {:<8} {}\n",
            info.id,
            info.severity.as_str(),
            info.description
        ));
    }
    s
}

/// What `controls ID` was given, once written the catalog's way: `§164.312(b)`, `164.312(B)`
/// and ` 164.312(b) ` are one citation; a check id in any case is that check.
fn normalize(id: &str) -> String {
    id.trim()
        .trim_start_matches("45 CFR")
        .trim()
        .trim_start_matches('§')
        .trim()
        .to_ascii_lowercase()
}

/// The control list's lines for `controls`, one control a line: citation, requirement, title,
/// then what decides it (the number of checks, a manual part, or inheritance), never running
/// into each other.
fn control_lines<'a>(controls: impl Iterator<Item = &'a super::Control>) -> String {
    let mut s = format!(
        "{:<22} {:<12} {:<45} decided by\n",
        "citation", "requirement", "title"
    );
    for c in controls {
        let decided = if c.inherited.is_some() {
            "inherited from AWS (the BAA)".to_string()
        } else if c.checks.is_empty() {
            "manual (an attestation)".to_string()
        } else {
            format!(
                "{} check(s){}",
                c.checks.len(),
                if c.manual.is_some() { " + manual" } else { "" }
            )
        };
        s.push_str(&format!(
            "{:<22} {:<12} {:<45} {decided}\n",
            c.id,
            c.requirement.as_str(),
            truncate(&c.title, 44)
        ));
    }
    s
}

/// `safeguard controls [ID]`: the catalog; one control (a citation, `§` and case as you
/// like); the controls of a section (`164.312`); or one check (its id, in any case).
pub fn describe(catalog: &Catalog, id: Option<&str>) -> Result<String> {
    let Some(given) = id else {
        return Ok(control_lines(catalog.controls.iter()));
    };
    let wanted = normalize(given);
    if let Some(check) = checks::registry()
        .into_iter()
        .find(|c| c.info().id.eq_ignore_ascii_case(&wanted))
    {
        return describe_one(catalog, check.info().id);
    }
    if let Some(c) = catalog
        .controls
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(&wanted))
    {
        return describe_one(catalog, &c.id);
    }
    // A section or a standard: every control under it (`164.312` → 164.312(a)(1) …).
    let under: Vec<&super::Control> = catalog
        .controls
        .iter()
        .filter(|c| {
            c.id.to_ascii_lowercase()
                .strip_prefix(&wanted)
                .is_some_and(|rest| rest.starts_with('('))
        })
        .collect();
    if !under.is_empty() {
        return Ok(control_lines(under.into_iter()));
    }
    let mut known: Vec<&str> = catalog.controls.iter().map(|c| c.id.as_str()).collect();
    let check_ids: Vec<&str> = checks::registry().iter().map(|c| c.info().id).collect();
    known.extend(&check_ids);
    Err(Error::Usage(format!(
        "no control or check {given:?}{} (`safeguard controls` lists the controls, `safeguard controls --checks` the checks)",
        crate::error::did_you_mean(&wanted, &known)
    )))
}

/// One control or check, by its exact id.
fn describe_one(catalog: &Catalog, id: &str) -> Result<String> {
    let mut s = String::new();
    match checks::find(id) {
        Some(check) => {
            let info = check.info();
            s.push_str(&format!(
                "{} — {}\nwhen it fails: {}\ndocs: {}\n",
                info.id,
                info.description,
                info.remediation,
                info.docs()
            ));
            if info.params.is_empty() {
                s.push_str("parameters: none\n");
            } else {
                s.push_str("parameters (override with --set CHECK.PARAM=VALUE):\n");
                for p in info.params {
                    s.push_str(&format!(
                        "  {:<32} default {:<6} {}{}\n",
                        p.name,
                        checks::ParamValue::from(p.default).to_string(),
                        p.description,
                        p.default.range_text()
                    ));
                }
            }
            let used: Vec<String> = catalog
                .controls_using(id)
                .iter()
                .map(|c| format!("{} {}", c.id, c.title))
                .collect();
            s.push_str(&format!(
                "serves: {}\n",
                if used.is_empty() {
                    "no control".into()
                } else {
                    used.join("; ")
                }
            ));
        }
        None => {
            let c = catalog
                .get(id)
                .ok_or_else(|| Error::Internal(format!("control {id} was just found")))?;
            s.push_str(&format!(
                "{} — {}\n{} safeguard, {}\n\n{}\n",
                c.id,
                c.title,
                c.safeguard.as_str(),
                c.requirement.as_str(),
                c.summary
            ));
            if let Some(na) = &c.inherited {
                s.push_str(&format!("\nnot applicable: {na}\n"));
            }
            if !c.checks.is_empty() {
                s.push_str("\nchecks:\n");
                for m in &c.mappings {
                    let info = checks::find(&m.check).expect("catalog validated").info();
                    s.push_str(&format!("  {:<36} {}\n", info.id, info.description));
                    s.push_str(&format!("  {:<36}   {}: {}\n", "", m.role.as_str(), m.why));
                    for p in info.params {
                        s.push_str(&format!(
                            "  {:<36}   {}={} ({})\n",
                            "",
                            p.name,
                            checks::ParamValue::from(p.default),
                            p.description
                        ));
                    }
                }
            }
            if let Some(m) = &c.manual {
                s.push_str(&format!("\nmanual part (attestation): {m}\n"));
            }
            if !c.anchors.is_empty() {
                s.push_str("\nwhat the established tools map here, and how safeguard answers:\n");
                for a in &c.anchors {
                    let tools: Vec<&str> = a.tools.iter().map(|t| t.title()).collect();
                    let answer = match &a.answer {
                        crate::catalog::AnchorAnswer::Check(id) => id.clone(),
                        crate::catalog::AnchorAnswer::Manual => "the manual part".into(),
                        crate::catalog::AnchorAnswer::Declined(why) => format!("declined: {why}"),
                    };
                    s.push_str(&format!(
                        "  {} ({}) → {answer}\n",
                        a.mapping,
                        tools.join(", ")
                    ));
                }
            }
        }
    }
    Ok(s)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}
