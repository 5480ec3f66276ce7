//! `history.pdf`: the trend for the binder, with the chart, laid out with the report's PDF
//! writer. The newest run dates it and the packages' manifest hashes name it.

use super::History;
use crate::error::Result;
use crate::render::pdf::{Cell, DocMeta, Weight, Writer, finish, rgb};
use crate::results::ControlStatus;

pub fn render(h: &History, chart_rgb: Vec<u8>) -> Result<Vec<u8>> {
    let mut w = Writer::new()?;
    w.skip(20.0);
    w.paragraph(
        &format!("Compliance history of account {}", h.account),
        20.0,
        Weight::Bold,
        rgb(0x1a, 0x1a, 0x1a),
    );
    for line in super::render::overview(h) {
        w.paragraph(&line, 9.5, Weight::Regular, rgb(0x55, 0x55, 0x55));
    }
    w.image(
        chart_rgb,
        super::chart::WIDTH as usize,
        super::chart::HEIGHT as usize,
        178.0,
    );
    w.heading("Runs", 14.0, true);
    w.table(
        &[40.0, 13.0, 16.0, 18.0, 15.0, 13.0, 22.0, 13.0, 28.0],
        &[
            "Collected",
            "Fail",
            "Insuff.",
            "Accepted",
            "Manual",
            "Pass",
            "Failing findings",
            "Gaps",
            "Expired waivers",
        ],
        h.runs
            .iter()
            .map(|r| {
                let n = |s: ControlStatus| r.controls.get(&s).copied().unwrap_or(0).to_string();
                vec![
                    Cell::plain(&r.collected_at),
                    Cell::plain(n(ControlStatus::Fail)),
                    Cell::plain(n(ControlStatus::InsufficientEvidence)),
                    Cell::plain(n(ControlStatus::Waived)),
                    Cell::plain(n(ControlStatus::Manual)),
                    Cell::plain(n(ControlStatus::Pass)),
                    Cell::plain(r.failing_findings.to_string()),
                    Cell::plain(r.gaps.to_string()),
                    Cell::plain(r.waivers_expired.to_string()),
                ]
            })
            .collect(),
    );
    if !h.flapping.is_empty() {
        w.heading("Controls that flapped", 14.0, true);
        w.table(
            &[30.0, 18.0, 130.0],
            &["Control", "Changes", "Statuses, oldest first"],
            h.flapping
                .iter()
                .map(|f| {
                    let seq: Vec<&str> = f.statuses.iter().map(|s| s.as_str()).collect();
                    vec![
                        Cell::plain(format!("§{}", f.control)),
                        Cell::plain(f.changes.to_string()),
                        Cell::plain(seq.join(" → ")),
                    ]
                })
                .collect(),
        );
    }
    w.heading("Time to fix", 14.0, true);
    w.paragraph(
        &format!(
            "{} finding(s) stopped failing{}.",
            h.resolved.len(),
            h.median_days_to_fix
                .map(|d| format!("; median {d} days from first failing to fixed"))
                .unwrap_or_default()
        ),
        9.5,
        Weight::Regular,
        rgb(0x1a, 0x1a, 0x1a),
    );
    if !h.resolved.is_empty() {
        w.table(
            &[56.0, 66.0, 40.0, 16.0],
            &["Check", "Resource", "Fixed by", "Days"],
            h.resolved
                .iter()
                .rev()
                .take(super::render::LISTED)
                .map(|r| {
                    vec![
                        Cell::plain(&r.check),
                        Cell::plain(&r.resource),
                        Cell::plain(&r.resolved_at),
                        Cell::plain(r.days.to_string()),
                    ]
                })
                .collect(),
        );
    }
    if !h.excluded.is_empty() {
        w.heading("Packages left out", 14.0, true);
        w.table(
            &[60.0, 118.0],
            &["Package", "Why"],
            h.excluded
                .iter()
                .map(|x| vec![Cell::plain(&x.package), Cell::plain(&x.reason)])
                .collect(),
        );
    }
    let dated = h
        .runs
        .last()
        .map(|r| r.collected_at.clone())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let seed = crate::snapshot::sha256_hex(
        h.runs
            .iter()
            .map(|r| r.manifest_sha256.as_str())
            .collect::<Vec<_>>()
            .join("")
            .as_bytes(),
    );
    w.footers_saying(&format!(
        "history of account {} · {} run(s)",
        h.account,
        h.runs.len()
    ));
    finish(
        w,
        &DocMeta {
            title: format!(
                "HIPAA Security Rule evidence — history of account {}",
                h.account
            ),
            dated: &dated,
            version: env!("CARGO_PKG_VERSION"),
            author: None,
            keywords: vec![h.account.clone()],
            identifier: &seed,
            id_seed: seed.clone(),
        },
    )
}
