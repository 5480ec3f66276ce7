//! `diff`'s outputs: Markdown for people, JSON for pipelines.

use std::fmt::Write;

use super::{Drift, FindingRef, GapRef};
use crate::render::markdown::escape_cell;

pub fn json(d: &Drift) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(d).expect("diff serializes");
    bytes.push(b'\n');
    bytes
}

pub fn markdown(d: &Drift) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Changes in account {}\n", d.account);
    let _ = writeln!(
        s,
        "From the package collected **{}** to the one collected **{}**.\n",
        d.old.collected_at, d.new.collected_at
    );
    for (name, side) in [("Old", &d.old), ("New", &d.new)] {
        let _ = writeln!(
            s,
            "- {name}: {} ({}; manifest SHA-256 {}): {} failing control(s), {} failing finding(s)",
            side.package.as_deref().unwrap_or("results.json"),
            if side.verified {
                "verified"
            } else {
                "NOT verified: a results.json outside a package"
            },
            side.manifest_sha256.as_deref().unwrap_or("none"),
            side.failing_controls,
            side.failing_findings
        );
    }
    s.push('\n');
    if d.worse.is_empty() {
        s.push_str("**Nothing got worse.**\n\n");
    } else {
        s.push_str("**Worse:**\n\n");
        for w in &d.worse {
            let _ = writeln!(s, "- {w}");
        }
        s.push('\n');
    }
    if !d.controls.is_empty() {
        s.push_str(
            "## Controls whose status changed\n\n| Control | Was | Now | |\n|---|---|---|---|\n",
        );
        for c in &d.controls {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                c.control,
                c.from.as_str(),
                c.to.as_str(),
                c.direction.as_str()
            );
        }
        s.push('\n');
    }
    findings(&mut s, "New admin-equivalent principals", &d.new_admins);
    findings(&mut s, "New escalation paths", &d.new_escalations);
    findings(&mut s, "New failing findings", &d.new_failing);
    findings(&mut s, "Resolved findings", &d.resolved);
    findings(
        &mut s,
        "Failed before, cannot be judged now (evidence missing: not resolved)",
        &d.undetermined,
    );
    findings(&mut s, "Still failing", &d.still_failing);
    if !d.waivers_expired.is_empty() {
        s.push_str("## Waivers that expired\n\n| Check | Resource | Expired | Approved by |\n|---|---|---|---|\n");
        for w in &d.waivers_expired {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                w.check,
                escape_cell(&w.resource),
                w.expires,
                escape_cell(&w.approved_by)
            );
        }
        s.push('\n');
    }
    if !d.attestations_expired.is_empty() {
        s.push_str("## Attestations that expired\n\n| Control | Statement | Attested by | Expired |\n|---|---|---|---|\n");
        for a in &d.attestations_expired {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                a.control,
                escape_cell(&a.statement),
                escape_cell(&a.attested_by),
                a.expires
            );
        }
        s.push('\n');
    }
    gaps(&mut s, "Evidence gaps that opened", &d.gaps_opened);
    gaps(&mut s, "Evidence gaps that closed", &d.gaps_closed);
    s
}

fn findings(s: &mut String, title: &str, list: &[FindingRef]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "## {title} ({})\n\n| Finding | Check | Resource | First seen failing | Message |\n|---|---|---|---|---|",
        list.len()
    );
    for f in list {
        let now = f
            .now
            .as_deref()
            .map(|n| format!(" (now {n})"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {}{now} | {} |",
            f.id,
            f.check,
            escape_cell(&f.resource),
            f.first_seen.as_deref().unwrap_or(""),
            escape_cell(&f.message)
        );
    }
    s.push('\n');
}

fn gaps(s: &mut String, title: &str, list: &[GapRef]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "## {title} ({})\n\n| Where | Evidence | Why |\n|---|---|---|",
        list.len()
    );
    for g in list {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            g.kind,
            escape_cell(&g.at),
            escape_cell(&g.reason)
        );
    }
    s.push('\n');
}
