//! `history`'s outputs: history.md (chart embedded), history.json, history.pdf, and the chart
//! as trend.svg and trend.png, in a folder hashed like every package.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{History, chart};
use crate::error::{Error, Result};
use crate::render::Format;
use crate::render::markdown::{code_span, escape_cell};
use crate::results::ControlStatus;

/// How many resolved and open findings the reports list (history.json keeps all).
pub(crate) const LISTED: usize = 50;

pub fn json(h: &History) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(h).expect("history serializes");
    bytes.push(b'\n');
    bytes
}

/// One line per fact for the terminal and the top of the report.
pub(crate) fn overview(h: &History) -> Vec<String> {
    let mut out = vec![format!(
        "account {}: {} run(s){}, {} package(s) left out",
        h.account,
        h.runs.len(),
        match (h.runs.first(), h.runs.last()) {
            (Some(a), Some(b)) => format!(" from {} to {}", a.collected_at, b.collected_at),
            _ => String::new(),
        },
        h.excluded.len()
    )];
    if let (Some(a), Some(b)) = (h.runs.first(), h.runs.last()) {
        let fail = |r: &super::Run| r.controls.get(&ControlStatus::Fail).copied().unwrap_or(0);
        out.push(format!(
            "failing controls {} → {}; failing findings {} → {}; gaps {} → {}",
            fail(a),
            fail(b),
            a.failing_findings,
            b.failing_findings,
            a.gaps,
            b.gaps
        ));
    }
    let undetermined = h.open.iter().filter(|o| o.undetermined).count();
    out.push(format!(
        "{} finding(s) resolved{}; {} still failing{}; {} control(s) flapped",
        h.resolved.len(),
        h.median_days_to_fix
            .map(|d| format!(" (median {d} days to fix)"))
            .unwrap_or_default(),
        h.open.len() - undetermined,
        if undetermined > 0 {
            format!(
                " and {undetermined} that the newest run cannot judge (its evidence is a gap; not fixed)"
            )
        } else {
            String::new()
        },
        h.flapping.len()
    ));
    out
}

pub fn markdown(h: &History) -> String {
    let mut s = String::new();
    // Every value escaped by this writer, whatever its reader checked.
    let e = escape_cell;
    let _ = writeln!(s, "# Compliance history of account {}\n", e(&h.account));
    for line in overview(h) {
        let _ = writeln!(s, "- {}", e(&line));
    }
    s.push_str("\n![Failing controls and failing findings per run](trend.svg)\n\n");
    s.push_str("(The same chart as a bitmap: [trend.png](trend.png).)\n\n");
    s.push_str("## Runs\n\n| Collected | Fail | Insufficient evidence | Risk accepted | Manual | Inherited | Pass | N/A | Failing findings | Gaps | Expired waivers | Package |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for r in &h.runs {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            e(&r.collected_at),
            crate::render::markdown::status_cells(&r.controls, &ControlStatus::ALL),
            r.failing_findings,
            r.gaps,
            r.waivers_expired,
            escape_cell(&r.package)
        );
    }
    s.push('\n');
    if !h.flapping.is_empty() {
        s.push_str("## Controls that flapped\n\nA control whose status changed more than once: a fix that did not hold, or evidence that comes and goes.\n\n| Control | Changes | Statuses, oldest first |\n|---|---|---|\n");
        for f in &h.flapping {
            let seq: Vec<&str> = f.statuses.iter().map(|s| s.as_str()).collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                e(&f.control),
                f.changes,
                seq.join(" → ")
            );
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "## Time to fix\n\n{} finding(s) stopped failing{}.\n",
        h.resolved.len(),
        h.median_days_to_fix
            .map(|d| format!("; the median time from first failing to fixed was {d} days"))
            .unwrap_or_default()
    );
    if !h.resolved.is_empty() {
        s.push_str("| Finding | Check | Resource | First failing | Fixed by | Days |\n|---|---|---|---|---|---|\n");
        for r in h.resolved.iter().rev().take(LISTED) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                code_span(&r.id),
                e(&r.check),
                e(&r.resource),
                e(&r.first_seen),
                e(&r.resolved_at),
                r.days
            );
        }
        if h.resolved.len() > LISTED {
            let _ = writeln!(
                s,
                "\nThe {LISTED} most recent are listed; history.json has all {}.",
                h.resolved.len()
            );
        }
        s.push('\n');
    }
    if !h.open.is_empty() {
        let _ = writeln!(
            s,
            "## Still failing in the newest run ({}), oldest first\n",
            h.open.len()
        );
        s.push_str("\"Cannot judge\" marks a finding the newest run could not decide (its evidence is a gap): its streak stays open, since a gap is not a fix.\n\n");
        s.push_str(
            "| Finding | Check | Resource | Failing since | Days | Now |\n|---|---|---|---|---|---|\n",
        );
        for o in h.open.iter().take(LISTED) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                code_span(&o.id),
                e(&o.check),
                e(&o.resource),
                e(&o.first_seen),
                o.days,
                if o.undetermined {
                    "cannot judge"
                } else {
                    "failing"
                }
            );
        }
        s.push('\n');
    }
    if !h.excluded.is_empty() {
        s.push_str("## Packages left out\n\n| Package | Why |\n|---|---|\n");
        for x in &h.excluded {
            let _ = writeln!(
                s,
                "| {} | {} |",
                escape_cell(&x.package),
                escape_cell(&x.reason)
            );
        }
        s.push('\n');
    }
    s.push_str("## Packages read\n\n| Package | manifest.json SHA-256 |\n|---|---|\n");
    for r in &h.runs {
        let _ = writeln!(s, "| {} | {} |", e(&r.package), e(&r.manifest_sha256));
    }
    s
}

/// The trend report as a package: the history and its chart, drawn once for the PNG and the PDF.
struct TrendReport<'a> {
    history: &'a History,
    rgb: Vec<u8>,
}

impl crate::package::Artifact for TrendReport<'_> {
    const KIND: crate::package::Kind = crate::package::Kind::History;

    fn file_name(&self, format: Format) -> Option<&'static str> {
        match format {
            Format::Json => Some("history.json"),
            Format::Md => Some("history.md"),
            Format::Pdf => Some("history.pdf"),
            Format::Csv | Format::Oscal | Format::Ocsf => None,
        }
    }

    fn render(&self, format: Format) -> Result<Vec<u8>> {
        Ok(match format {
            Format::Json => json(self.history),
            Format::Md => markdown(self.history).into_bytes(),
            #[cfg(feature = "pdf")]
            Format::Pdf => super::pdf::render(self.history, self.rgb.clone())?,
            _ => unreachable!("file_name names the formats a trend report has"),
        })
    }

    fn always(&self) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(vec![
            ("trend.svg".into(), chart::svg(self.history)?.into_bytes()),
            (
                "trend.png".into(),
                chart::encode_png(&self.rgb, chart::WIDTH, chart::HEIGHT)?,
            ),
        ])
    }

    fn parent(&self, out_root: &Path) -> Result<PathBuf> {
        let account = &self.history.account;
        if !crate::snapshot::valid_account_id(account) {
            return Err(Error::Internal(format!(
                "account id {account:?} in history"
            )));
        }
        Ok(out_root.join(account))
    }

    fn manifest(
        &self,
        files: Vec<crate::package::ManifestFile>,
        created_at: &str,
    ) -> crate::package::Manifest {
        crate::package::Manifest::History(crate::package::HistoryManifest {
            schema: crate::package::HISTORY_MANIFEST_SCHEMA.into(),
            tool: crate::results::Tool {
                name: "safeguard".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            created_at: created_at.into(),
            account: self.history.account.clone(),
            runs: self.history.runs.len(),
            files,
        })
    }
}

/// Writes `<out_root>/<account>/<UTC timestamp>/` with the report in `formats` and the chart,
/// and returns its path.
pub fn write(
    out_root: &Path,
    h: &History,
    formats: &BTreeSet<Format>,
    created_at: DateTime<Utc>,
) -> Result<PathBuf> {
    let report = TrendReport {
        history: h,
        rgb: chart::rgb(h)?,
    };
    crate::package::write_artifact(&report, out_root, formats, created_at, None)
}
