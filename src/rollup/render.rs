//! The roll-up package: `rollup.json`, `rollup.md`, `rollup.csv` (the account × control
//! matrix), `rollup.pdf`, and `manifest.json` (`safeguard.rollup-manifest.v1`) hashing them,
//! which `safeguard verify` checks like an account package's.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::Rollup;
use crate::error::Result;
use crate::render::Format;
use crate::results::ControlStatus;

pub use crate::package::{Manifest, ROLLUP_MANIFEST_SCHEMA as MANIFEST_SCHEMA, RollupManifest};

/// How many failing checks the reports list (rollup.json lists all).
pub(crate) const TOP_CHECKS: usize = 20;

/// The one-paragraph overview every format opens with.
pub(crate) fn overview(r: &Rollup) -> Vec<String> {
    let mut lines = vec![format!(
        "Organization {}: {} account package(s) rolled up, each verified against its manifest.",
        r.organization
            .as_deref()
            .unwrap_or("(not named by the packages)"),
        r.accounts.len()
    )];
    if let Some(w) = r.worst() {
        let n = |s: ControlStatus| r.accounts.iter().filter(|a| a.worst == s).count();
        lines.push(format!(
            "Worst status per account: {} fail, {} insufficient evidence, {} risk accepted, {} manual, {} inherited, {} pass (worst overall: {}).",
            n(ControlStatus::Fail),
            n(ControlStatus::InsufficientEvidence),
            n(ControlStatus::Waived),
            n(ControlStatus::Manual),
            n(ControlStatus::Inherited),
            n(ControlStatus::Pass),
            w.as_str()
        ));
    }
    if r.failed.is_empty() && r.excluded.is_empty() {
        lines.push("Every planned account has an intact package.".into());
    } else {
        lines.push(format!(
            "GAPS: {} account(s) without a package and {} package(s) left out; they are listed with why, and nothing of theirs is counted.",
            r.failed.len(),
            r.excluded.len()
        ));
    }
    lines
}

/// Short status codes for the matrix.
fn code(s: Option<ControlStatus>) -> &'static str {
    match s {
        Some(ControlStatus::Fail) => "F",
        Some(ControlStatus::InsufficientEvidence) => "IE",
        Some(ControlStatus::Waived) => "W",
        Some(ControlStatus::Manual) => "M",
        Some(ControlStatus::Inherited) => "I",
        Some(ControlStatus::Pass) => "P",
        Some(ControlStatus::NotApplicable) => "NA",
        None => "—",
    }
}

/// Markdown-safe cell text: no raw HTML, links or code spans from the evidence.
fn cell(s: &str) -> String {
    crate::render::markdown::escape_cell(s)
}

use crate::render::markdown::{code_span, status_cells, status_headers, table};

/// The statuses an account's row counts (its controls' worst status is its own column).
const ACCOUNT_COLUMNS: [ControlStatus; 5] = [
    ControlStatus::Fail,
    ControlStatus::InsufficientEvidence,
    ControlStatus::Waived,
    ControlStatus::Manual,
    ControlStatus::Pass,
];

pub fn markdown(r: &Rollup) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# HIPAA Security Rule evidence — organization roll-up{}\n",
        r.organization
            .as_deref()
            .map(|o| format!(" {}", cell(o)))
            .unwrap_or_default()
    );
    for line in overview(r) {
        let _ = writeln!(md, "{}\n", cell(&line));
    }
    for section in [
        accounts_md,
        left_out_md,
        gaps_md,
        controls_md,
        failing_checks_md,
        matrix_md,
        packages_md,
    ] {
        section(&mut md, r);
    }
    md
}

/// Every account, worst first, with its status counts.
fn accounts_md(md: &mut String, r: &Rollup) {
    let _ = writeln!(md, "## Accounts, worst first\n");
    let mut header = vec!["Account", "Name", "OU path", "Worst"];
    header.extend(status_headers(&ACCOUNT_COLUMNS));
    header.push("Gaps");
    table(
        md,
        &header,
        r.accounts.iter().map(|a| {
            vec![
                cell(&a.account),
                cell(a.name.as_deref().unwrap_or("")),
                cell(a.ou_path.as_deref().unwrap_or("")),
                a.worst.as_str().to_string(),
                status_cells(&a.summary, &ACCOUNT_COLUMNS),
                a.gaps.to_string(),
            ]
        }),
    );
}

/// Accounts whose collection failed, and packages left out, with why.
fn left_out_md(md: &mut String, r: &Rollup) {
    if r.failed.is_empty() && r.excluded.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "\n## Accounts without a package, and packages left out\n"
    );
    let failed = r.failed.iter().map(|f| {
        let name = f.name.as_deref().map(|n| format!(" ({})", cell(n)));
        vec![
            format!("{}{}", cell(&f.account), name.unwrap_or_default()),
            cell(&f.reason),
        ]
    });
    let excluded = r
        .excluded
        .iter()
        .map(|x| vec![code_span(&x.package), cell(&x.reason)]);
    table(md, &["Account or package", "Why"], failed.chain(excluded));
}

/// Accounts with evidence gaps, with examples.
fn gaps_md(md: &mut String, r: &Rollup) {
    let gapped: Vec<_> = r.accounts.iter().filter(|a| a.gaps > 0).collect();
    if gapped.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## Accounts with evidence gaps\n");
    table(
        md,
        &["Account", "Gaps", "For example"],
        gapped.into_iter().map(|a| {
            vec![
                cell(&a.account),
                a.gaps.to_string(),
                cell(&a.gap_examples.join("; ")),
            ]
        }),
    );
}

/// Each control's statuses across the accounts.
fn controls_md(md: &mut String, r: &Rollup) {
    let _ = writeln!(md, "\n## Controls across accounts\n");
    let mut header = vec!["Control", "Title"];
    header.extend(status_headers(&ControlStatus::ALL));
    table(
        md,
        &header,
        r.controls.iter().map(|c| {
            vec![
                format!("§{}", cell(&c.id)),
                cell(&c.title),
                status_cells(&c.counts, &ControlStatus::ALL),
            ]
        }),
    );
}

/// The checks failing in most accounts.
fn failing_checks_md(md: &mut String, r: &Rollup) {
    if r.failing_checks.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## Most common failing checks\n");
    table(
        md,
        &["Check", "Accounts failing", "Failing findings"],
        r.failing_checks.iter().take(TOP_CHECKS).map(|k| {
            vec![
                code_span(&k.check),
                k.accounts.to_string(),
                k.findings.to_string(),
            ]
        }),
    );
    if r.failing_checks.len() > TOP_CHECKS {
        let _ = writeln!(
            md,
            "\n{} more in rollup.json.",
            r.failing_checks.len() - TOP_CHECKS
        );
    }
}

/// The account × control matrix (as rollup.csv).
fn matrix_md(md: &mut String, r: &Rollup) {
    let _ = writeln!(
        md,
        "\n## Account × control matrix\n\nF fail · IE insufficient evidence · W risk accepted (waived) · M manual · I inherited · P pass · NA not applicable · — not in that package's catalog. The same matrix is rollup.csv.\n"
    );
    let _ = write!(md, "| Account |");
    for c in &r.controls {
        let _ = write!(md, " {} |", cell(&c.id));
    }
    let _ = write!(md, "\n|---|");
    for _ in &r.controls {
        let _ = write!(md, "---|");
    }
    let _ = writeln!(md);
    for a in &r.accounts {
        let _ = write!(md, "| {} |", cell(&a.account));
        for s in &a.statuses {
            let _ = write!(md, " {} |", code(*s));
        }
        let _ = writeln!(md);
    }
}

/// The packages rolled up, each by its manifest's hash.
fn packages_md(md: &mut String, r: &Rollup) {
    let _ = writeln!(md, "\n## Packages included\n");
    let _ = writeln!(
        md,
        "Each package's `manifest.json` hashes every file in it; its SHA-256 here ties this roll-up to exactly those packages (`safeguard verify` re-checks each).\n"
    );
    table(
        md,
        &[
            "Account",
            "Collected at",
            "Package",
            "manifest.json SHA-256",
        ],
        r.accounts.iter().map(|a| {
            vec![
                cell(&a.account),
                cell(&a.collected_at),
                code_span(&a.package),
                code_span(&a.manifest_sha256),
            ]
        }),
    );
    if !r.superseded.is_empty() {
        let _ = writeln!(
            md,
            "\n{} older package(s) of the same accounts were found and not counted (rollup.json lists them).",
            r.superseded.len()
        );
    }
}

/// The matrix: one row per account, one column per control.
pub fn csv(r: &Rollup) -> Vec<u8> {
    // Every cell defused, the header's control ids too (they come from the packages).
    let mut w = crate::render::csv::Sheet::default();
    let mut header: Vec<&str> = vec![
        "account_id",
        "account_name",
        "ou_path",
        "worst_status",
        "gaps",
        "manifest_sha256",
    ];
    header.extend(r.controls.iter().map(|c| c.id.as_str()));
    w.row(header);
    for a in &r.accounts {
        let gaps = a.gaps.to_string();
        let mut row = vec![
            a.account.as_str(),
            a.name.as_deref().unwrap_or(""),
            a.ou_path.as_deref().unwrap_or(""),
            a.worst.as_str(),
            gaps.as_str(),
            a.manifest_sha256.as_str(),
        ];
        row.extend(
            a.statuses
                .iter()
                .map(|s| s.map(|s| s.as_str()).unwrap_or("")),
        );
        w.row(row);
    }
    w.into_bytes()
}

pub fn json(r: &Rollup) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(r).expect("roll-up serializes");
    bytes.push(b'\n');
    bytes
}

impl crate::package::Artifact for Rollup {
    const KIND: crate::package::Kind = crate::package::Kind::Rollup;

    fn file_name(&self, format: Format) -> Option<&'static str> {
        match format {
            Format::Json => Some("rollup.json"),
            Format::Csv => Some("rollup.csv"),
            Format::Md => Some("rollup.md"),
            Format::Pdf => Some("rollup.pdf"),
            // OSCAL is per account: each package has its own.
            Format::Oscal | Format::Ocsf => None,
        }
    }

    fn render(&self, format: Format) -> Result<Vec<u8>> {
        Ok(match format {
            Format::Json => json(self),
            Format::Csv => csv(self),
            Format::Md => markdown(self).into_bytes(),
            #[cfg(feature = "pdf")]
            Format::Pdf => {
                // The newest collection time dates the PDF, so the same packages give the
                // same bytes.
                let dated = self
                    .accounts
                    .iter()
                    .map(|a| a.collected_at.as_str())
                    .max()
                    .unwrap_or("1970-01-01T00:00:00Z");
                super::pdf::render(self, dated)?
            }
            _ => unreachable!("file_name names the formats a roll-up has"),
        })
    }

    fn parent(&self, out_root: &Path) -> Result<PathBuf> {
        Ok(out_root.to_path_buf())
    }

    fn manifest(&self, files: Vec<crate::package::ManifestFile>, created_at: &str) -> Manifest {
        Manifest::Rollup(RollupManifest {
            schema: MANIFEST_SCHEMA.into(),
            tool: self.tool.clone(),
            created_at: created_at.into(),
            organization: self.organization.clone(),
            accounts: self.accounts.len(),
            files,
        })
    }
}

/// Writes the roll-up package as `<out_root>/<UTC timestamp>/` and returns its path.
pub fn write(
    out_root: &Path,
    r: &Rollup,
    formats: &BTreeSet<Format>,
    created_at: DateTime<Utc>,
) -> Result<PathBuf> {
    crate::package::write_artifact(r, out_root, formats, created_at, None)
}
