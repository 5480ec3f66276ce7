//! `diff`'s outputs: Markdown for people, JSON for pipelines.

use std::fmt::Write;

use super::{Drift, FindingRef, GapRef};
use crate::render::markdown::{code_span, escape_cell as e};

pub fn json(d: &Drift) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(d).expect("diff serializes");
    bytes.push(b'\n');
    bytes
}

pub fn markdown(d: &Drift) -> String {
    let mut s = String::new();
    // Every value is escaped here, whatever checked it on the way in: this writer does not
    // rely on its reader.
    let _ = writeln!(s, "# Changes in account {}\n", e(&d.account));
    let _ = writeln!(
        s,
        "From the package collected **{}** to the one collected **{}**.\n",
        e(&d.old.collected_at),
        e(&d.new.collected_at)
    );
    for (name, side) in [("Old", &d.old), ("New", &d.new)] {
        let _ = writeln!(
            s,
            "- {name}: {} ({}; manifest SHA-256 {}): {} failing control(s), {} failing finding(s)",
            e(side.package.as_deref().unwrap_or("results.json")),
            if side.verified {
                "verified"
            } else {
                "NOT verified: a results.json outside a package"
            },
            e(side.manifest_sha256.as_deref().unwrap_or("none")),
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
            let _ = writeln!(s, "- {}", e(w));
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
                e(&c.control),
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
        "Failed before, cannot be judged now (an evidence gap: not resolved)",
        &d.undetermined,
    );
    findings(&mut s, "Still failing", &d.still_failing);
    if !d.waivers_expired.is_empty() {
        s.push_str("## Waivers that expired\n\n| Check | Resource | Expired | Approved by |\n|---|---|---|---|\n");
        for w in &d.waivers_expired {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                e(&w.check),
                e(&w.resource),
                w.expires,
                e(&w.approved_by)
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
                e(&a.control),
                e(&a.statement),
                e(&a.attested_by),
                a.expires
            );
        }
        s.push('\n');
    }
    gaps(&mut s, "Evidence gaps that opened", &d.gaps_opened);
    gaps(&mut s, "Evidence gaps that closed", &d.gaps_closed);
    scope(&mut s, &d.scope);
    s
}

fn scope(s: &mut String, d: &super::ScopeDrift) {
    if d.is_empty() {
        return;
    }
    s.push_str(
        "## The PHI scope

",
    );
    if d.definition_changed() {
        let sha = |h: &Option<String>| {
            h.as_deref()
                .map(code_span)
                .unwrap_or_else(|| "none (every data store judged)".into())
        };
        let _ = writeln!(
            s,
            "The scope's definition changed: SHA-256 {} before, {} now.\n",
            sha(&d.old_sha256),
            sha(&d.new_sha256)
        );
    }
    for (title, list) in [
        ("Data stores that left the scope", &d.left),
        ("Data stores that entered the scope", &d.entered),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "### {title} ({})\n\n| Store | Now |\n|---|---|",
            list.len()
        );
        for c in list {
            let _ = writeln!(s, "| {} | {} |", e(&c.resource), e(&c.now));
        }
        s.push('\n');
    }
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
            .map(|n| format!(" (now {})", e(n)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {}{now} | {} |",
            code_span(&f.id),
            e(&f.check),
            e(&f.resource),
            e(f.first_seen.as_deref().unwrap_or("")),
            e(&f.message)
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
        let _ = writeln!(s, "| {} | {} | {} |", e(&g.kind), e(&g.at), e(&g.reason));
    }
    s.push('\n');
}
