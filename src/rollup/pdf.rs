//! `rollup.pdf`: the organization roll-up for the binder, laid out with the report's PDF writer
//! (A4, embedded DejaVu Sans, page N of M). The newest collection time dates it and the
//! packages' manifest hashes name it, so the same packages give the same bytes.

use crate::error::Result;
use crate::render::pdf::{Cell, DocMeta, Weight, Writer, finish, rgb, status_colour, status_label};
use crate::results::ControlStatus;

/// The roll-up as a PDF.
pub fn render(r: &super::Rollup, dated: &str) -> Result<Vec<u8>> {
    let mut w = Writer::new()?;
    let (dark, grey) = (rgb(0x1a, 0x1a, 0x1a), rgb(0x55, 0x55, 0x55));
    w.skip(20.0);
    w.paragraph(
        "HIPAA Security Rule evidence: organization roll-up",
        20.0,
        Weight::Bold,
        dark,
    );
    for line in super::render::overview(r) {
        w.paragraph(&line, 9.5, Weight::Regular, grey);
    }
    accounts(&mut w, r);
    left_out(&mut w, r);
    controls(&mut w, r);
    failing_checks(&mut w, r);
    packages(&mut w, r);
    let seed = crate::snapshot::sha256_hex(
        r.accounts
            .iter()
            .map(|a| a.manifest_sha256.as_str())
            .collect::<Vec<_>>()
            .join("")
            .as_bytes(),
    );
    w.footers_saying(&format!(
        "roll-up of {} account package(s) · {}",
        r.accounts.len(),
        r.organization.as_deref().unwrap_or("no organization")
    ));
    finish(
        w,
        &DocMeta {
            title: format!(
                "HIPAA Security Rule evidence — organization roll-up {}",
                r.organization.as_deref().unwrap_or("")
            ),
            dated,
            version: &r.tool.version,
            author: None,
            keywords: r.organization.iter().cloned().collect(),
            identifier: &seed,
            id_seed: seed.clone(),
        },
    )
}

/// A status as a badge; "—" where the account's catalog has no such control.
fn badge(s: Option<ControlStatus>) -> Cell {
    match s {
        Some(s) => Cell::badge(&status_label(s.as_str()), status_colour(s.as_str())),
        None => Cell::plain("—"),
    }
}

/// Every account, worst first.
fn accounts(w: &mut Writer, r: &super::Rollup) {
    w.heading("Accounts, worst first", 14.0, true);
    w.table(
        &[28.0, 52.0, 34.0, 64.0],
        &[
            "Account",
            "Name and OU path",
            "Worst status",
            "Controls (fail / insufficient / accepted / manual / pass)",
        ],
        r.accounts
            .iter()
            .map(|a| {
                let n = |s: ControlStatus| a.summary.get(&s).copied().unwrap_or(0);
                vec![
                    Cell::plain(&a.account),
                    Cell::plain(format!(
                        "{}{}",
                        a.name.as_deref().unwrap_or(""),
                        a.ou_path
                            .as_deref()
                            .map(|p| format!("\n{p}"))
                            .unwrap_or_default()
                    )),
                    badge(Some(a.worst)),
                    Cell::plain(format!(
                        "{} / {} / {} / {} / {}",
                        n(ControlStatus::Fail),
                        n(ControlStatus::InsufficientEvidence),
                        n(ControlStatus::Waived),
                        n(ControlStatus::Manual),
                        n(ControlStatus::Pass)
                    )),
                ]
            })
            .collect(),
    );
}

/// Accounts without a package, and packages left out, with why.
fn left_out(w: &mut Writer, r: &super::Rollup) {
    if !r.failed.is_empty() || !r.excluded.is_empty() {
        w.heading(
            "Accounts without a package, and packages left out",
            14.0,
            true,
        );
        w.table(
            &[40.0, 138.0],
            &["Account or package", "Why"],
            r.failed
                .iter()
                .map(|f| vec![Cell::plain(&f.account), Cell::plain(&f.reason)])
                .chain(
                    r.excluded
                        .iter()
                        .map(|x| vec![Cell::plain(&x.package), Cell::plain(&x.reason)]),
                )
                .collect(),
        );
    }
}

/// Each control's statuses across the accounts.
fn controls(w: &mut Writer, r: &super::Rollup) {
    w.heading("Controls across accounts", 14.0, true);
    w.table(
        &[30.0, 66.0, 14.0, 14.0, 14.0, 14.0, 14.0, 12.0],
        &[
            "Control", "Title", "Fail", "Insuff.", "Accepted", "Manual", "Inher.", "Pass",
        ],
        r.controls
            .iter()
            .map(|c| {
                let n = |s: ControlStatus| c.counts.get(&s).copied().unwrap_or(0).to_string();
                vec![
                    Cell::plain(format!("§{}", c.id)),
                    Cell::plain(&c.title),
                    Cell::plain(n(ControlStatus::Fail)),
                    Cell::plain(n(ControlStatus::InsufficientEvidence)),
                    Cell::plain(n(ControlStatus::Waived)),
                    Cell::plain(n(ControlStatus::Manual)),
                    Cell::plain(n(ControlStatus::Inherited)),
                    Cell::plain(n(ControlStatus::Pass)),
                ]
            })
            .collect(),
    );
}

/// The checks failing in most accounts.
fn failing_checks(w: &mut Writer, r: &super::Rollup) {
    if !r.failing_checks.is_empty() {
        w.heading("Most common failing checks", 14.0, true);
        w.table(
            &[90.0, 44.0, 44.0],
            &["Check", "Accounts failing", "Failing findings"],
            r.failing_checks
                .iter()
                .take(super::render::TOP_CHECKS)
                .map(|k| {
                    vec![
                        Cell::plain(&k.check),
                        Cell::plain(k.accounts.to_string()),
                        Cell::plain(k.findings.to_string()),
                    ]
                })
                .collect(),
        );
    }
}

/// The packages rolled up, each by its manifest's hash.
fn packages(w: &mut Writer, r: &super::Rollup) {
    w.heading("Packages included", 14.0, true);
    w.table(
        &[28.0, 60.0, 90.0],
        &["Account", "Package", "manifest.json SHA-256"],
        r.accounts
            .iter()
            .map(|a| {
                vec![
                    Cell::plain(&a.account),
                    Cell::plain(&a.package),
                    Cell::plain(&a.manifest_sha256),
                ]
            })
            .collect(),
    );
}
