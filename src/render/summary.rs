//! The one-screen summary the terminal shows after an assessment: status counts, the failing
//! checks with their next step (worst severity first), the evidence gaps with their reason, and
//! what the waivers cover. Each line is cut to the terminal's width; `-v` lists everything,
//! with the controls that need action.

use std::path::Path;

use crate::results::{CheckResult, ControlStatus, Results};
use crate::verdict::FindingStatus;

/// How much the summary shows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Screen {
    /// Columns a line may take (cut with "…" past it).
    pub width: usize,
    /// Everything, and the controls that need action.
    pub verbose: bool,
}

/// Failing checks and gaps listed before "… and N more".
const LISTED: usize = 8;

impl Screen {
    /// The terminal's width when standard output is one, else `$COLUMNS`, else 120.
    pub(crate) fn detect(verbose: bool) -> Screen {
        use std::io::IsTerminal;
        let width = std::io::stdout()
            .is_terminal()
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(w, _)| usize::from(w.0))
            .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
            .unwrap_or(120)
            .clamp(40, 1000);
        Screen { width, verbose }
    }
}

/// The summary printed after an assessment.
pub(crate) fn summary_screen(results: &Results, dir: &Path, screen: Screen) -> String {
    let mut lines: Vec<String> = Vec::new();
    lines.push(format!(
        "safeguard {} — account {} — evidence as of {}",
        results.tool.version, results.account.id, results.snapshot.collected_at
    ));
    let counts: Vec<String> = ControlStatus::ALL
        .iter()
        .map(|s| format!("{} {}", results.count(*s), s.label().to_lowercase()))
        .collect();
    // Two short lines, so that every count shows on a narrow terminal too.
    let (worse, better) = counts.split_at(4);
    lines.push(format!(
        "{} controls: {}",
        results.controls.len(),
        worse.join(" · ")
    ));
    lines.push(format!("    {}", better.join(" · ")));

    let failing = failing_checks(results);
    if !failing.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "failing checks ({}), worst first — next step:",
            failing.len()
        ));
        let shown = listed(failing.len(), screen);
        for k in &failing[..shown] {
            let n = k.findings.iter().filter(|f| f.fails()).count();
            lines.push(format!(
                "  {:<6} {} ({n}): {}",
                k.severity.map_or("—", |s| s.as_str()),
                k.id,
                k.remediation
            ));
        }
        more(&mut lines, failing.len() - shown);
    }

    let gaps = &results.evidence_gaps;
    if !gaps.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "evidence gaps ({}): findings they leave undecided are not judged, never passed",
            gaps.len()
        ));
        let shown = listed(gaps.len(), screen);
        for g in &gaps[..shown] {
            lines.push(format!(
                "  {:<10} {}: {}",
                g.kind.as_str(),
                g.evidence,
                g.reason
            ));
            // The next step is what to do: wrapped, never cut.
            lines.extend(wrap(&g.next_step, "             → ", screen.width));
        }
        more(&mut lines, gaps.len() - shown);
    }

    let waived: usize = results
        .checks
        .iter()
        .flat_map(|k| &k.findings)
        .filter(|f| f.is_waived())
        .count();
    let covering = results
        .waivers
        .iter()
        .filter(|w| w.status == crate::inputs::Validity::Valid && w.findings > 0)
        .count();
    let expired = results
        .waivers
        .iter()
        .filter(|w| w.status == crate::inputs::Validity::Expired)
        .count();
    if !results.waivers.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "waivers: {waived} finding(s) waived by {covering} waiver(s){}",
            match expired {
                0 => String::new(),
                n => format!("; {n} waiver(s) expired, so their findings fail"),
            }
        ));
    }

    if screen.verbose {
        let attention: Vec<_> = results
            .controls
            .iter()
            .filter(|c| {
                matches!(
                    c.status,
                    ControlStatus::Fail
                        | ControlStatus::InsufficientEvidence
                        | ControlStatus::Waived
                )
            })
            .collect();
        if !attention.is_empty() {
            lines.push(String::new());
            lines.push("controls that need action:".into());
            for c in attention {
                lines.push(format!(
                    "  {:<22} {:<22} {} — {}",
                    c.status.label(),
                    c.id,
                    c.title,
                    c.status_reason
                ));
            }
        }
    }

    if !screen.verbose && (failing.len() > LISTED || gaps.len() > LISTED) {
        // Name a file the package has: --format may have left report.md out.
        let all = ["report.md", "report.pdf", "results.json", "results.csv"]
            .into_iter()
            .find(|f| dir.join(f).is_file())
            .unwrap_or("the package");
        lines.push(format!(
            "(-v lists every failing check and gap; {all} has them all)"
        ));
    }
    lines.push(String::new());
    lines.push(format!("package: {}", dir.display()));
    let mut s = String::new();
    for l in lines {
        // Text from the evidence or a catalog reaches the terminal: no escape sequence
        // (`\x1b[2J` clears the screen) gets through, and each value stays on its line.
        s.push_str(&cut(&crate::text::line(&l), screen.width));
        s.push('\n');
    }
    s
}

/// How many of `n` items are listed.
fn listed(n: usize, screen: Screen) -> usize {
    if screen.verbose { n } else { n.min(LISTED) }
}

fn more(lines: &mut Vec<String>, n: usize) {
    if n > 0 {
        lines.push(format!("  … and {n} more"));
    }
}

/// `text` wrapped at spaces into lines of at most `width` characters, the first starting with
/// `lead` and the rest indented as deep. The lines are then short enough not to be cut.
fn wrap(text: &str, lead: &str, width: usize) -> Vec<String> {
    let indent = " ".repeat(lead.chars().count());
    let room = width.saturating_sub(indent.len()).max(20);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word: String = word.chars().take(room).collect();
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    out.push(line);
    out.into_iter()
        .enumerate()
        .map(|(i, l)| format!("{}{l}", if i == 0 { lead } else { &indent }))
        .collect()
}

/// `s` cut to `width` characters, the last one "…" when anything was cut. The package path
/// line is never cut: it is what a script or a person copies.
fn cut(s: &str, width: usize) -> String {
    if s.starts_with("package: ") || s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The failing checks, worst severity first (a check without one last), then the most failing
/// findings (what a screen leaves out is the least of its severity), then by id.
fn failing_checks(results: &Results) -> Vec<&CheckResult> {
    let mut failing: Vec<_> = results
        .checks
        .iter()
        .filter(|k| k.status == FindingStatus::Fail)
        .collect();
    failing.sort_by_key(|k| {
        let n = k.findings.iter().filter(|f| f.fails()).count();
        (
            k.severity.is_none(),
            k.severity,
            std::cmp::Reverse(n),
            k.id.as_str(),
        )
    });
    failing
}

#[cfg(test)]
mod tests {
    use super::{cut, wrap};

    #[test]
    fn next_steps_wrap_within_the_width() {
        let lines = wrap("one two three four five six", "  → ", 24);
        assert_eq!(lines, ["  → one two three four", "    five six"]);
        assert!(lines.iter().all(|l| l.chars().count() <= 24));
    }

    #[test]
    fn lines_are_cut_to_the_width() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        assert_eq!(
            cut("package: a/very/long/path", 4),
            "package: a/very/long/path"
        );
    }
}
