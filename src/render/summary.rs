//! The one-screen summary the terminal shows after an assessment.

use std::path::Path;

use crate::results::{ControlStatus, Results};

/// The one-screen summary printed after an assessment.
pub fn summary_screen(results: &Results, dir: &Path) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "safeguard {} — account {} — evidence as of {}\n",
        results.tool.version, results.account.id, results.snapshot.collected_at
    ));
    s.push_str(&format!("snapshot sha256 {}\n\n", results.snapshot.sha256));
    for status in ControlStatus::ALL {
        s.push_str(&format!(
            "  {:<22} {:>3}\n",
            status.label(),
            results.count(status)
        ));
    }
    let attention: Vec<_> = results
        .controls
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                ControlStatus::Fail | ControlStatus::InsufficientEvidence | ControlStatus::Waived
            )
        })
        .collect();
    if !attention.is_empty() {
        s.push('\n');
        for c in attention {
            s.push_str(&format!(
                "  {:<22} {:<22} {} — {}\n",
                c.status.label(),
                c.id,
                crate::text::line(&c.title),
                crate::text::line(&c.status_reason)
            ));
        }
    }
    if !results.gaps.is_empty() {
        s.push_str(&format!(
            "\n  {} evidence gap(s) — see report.md, \"Evidence gaps\"\n",
            results.gaps.len()
        ));
    }
    s.push_str(&format!("\npackage: {}\n", dir.display()));
    // Text from the evidence or a catalog reaches the terminal: no escape sequence
    // (`\x1b[2J` clears the screen) gets through, and each value above stays on its line.
    crate::text::terminal(&s).into_owned()
}
