//! `safeguard controls [ID]`: the catalog, one control, or one check, as text for a terminal.

use super::Catalog;
use crate::checks;
use crate::error::{Error, Result};

/// `safeguard controls [ID]`.
pub fn describe(catalog: &Catalog, id: Option<&str>) -> Result<String> {
    let mut s = String::new();
    match id {
        None => {
            s.push_str(&format!(
                "{:<22} {:<12} {:<45} checks\n",
                "citation", "requirement", "title"
            ));
            for c in &catalog.controls {
                let extra = if c.inherited.is_some() {
                    "(inherited)".to_string()
                } else if c.checks.is_empty() {
                    "(manual)".to_string()
                } else {
                    c.checks.join(", ")
                };
                let manual = if c.manual.is_some() && !c.checks.is_empty() {
                    " + manual"
                } else {
                    ""
                };
                s.push_str(&format!(
                    "{:<22} {:<12} {:<45} {extra}{manual}\n",
                    c.id,
                    c.requirement.as_str(),
                    truncate(&c.title, 45)
                ));
            }
        }
        Some(id) if checks::find(id).is_some() => {
            let info = checks::find(id).expect("checked").info();
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
        Some(id) => {
            let c = catalog.get(id).ok_or_else(|| {
                Error::Usage(format!(
                    "no control or check {id:?} (run `safeguard controls` for the list)"
                ))
            })?;
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
