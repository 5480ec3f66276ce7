//! The account's `report.pdf`, section by section, in the order an auditor reads it.

use super::style::{DARK, GREY, MARK, status_colour, status_label, status_label_plain};
use super::writer::{Cell, DocMeta, MARGIN, PAGE_W, Weight, Writer, finish};
use crate::error::Result;
use crate::render::Cover;
use crate::render::view::Detail;
use crate::results::{ControlStatus, Results};

/// Renders the PDF. `results` alone decides the bytes.
pub fn render(results: &Results, detail: Detail, cover: &Cover) -> Result<Vec<u8>> {
    let mut w = Writer::new()?;
    cover_page(&mut w, results, cover);
    summary(&mut w, results);
    changes(&mut w, results);
    need_action(&mut w, results);
    data_stores(&mut w, results);
    control_index(&mut w, results);
    controls(&mut w, results);
    findings(&mut w, results, detail);
    gaps(&mut w, results);
    waivers(&mut w, results);
    methodology(&mut w, results);
    limitations(&mut w, results);
    sign_off(&mut w, results);
    w.footers_marked(
        &format!("snapshot sha256 {}", results.snapshot.sha256),
        results.example.then_some(crate::render::EXAMPLE_MARK),
    );
    finish(
        w,
        &DocMeta {
            title: format!(
                "HIPAA Security Rule evidence — account {}",
                results.account.id
            ),
            dated: &cover.generated_at,
            version: &results.tool.version,
            author: results.preparer.prepared_by.as_deref(),
            keywords: results.preparer.organization.iter().cloned().collect(),
            identifier: &results.snapshot.sha256,
            id_seed: format!("{}{}", results.snapshot.sha256, results.catalog.sha256),
        },
    )
}

/// The cover: what was assessed, when, from which evidence, by whom, and its hashes.
fn cover_page(w: &mut Writer, results: &Results, cover: &Cover) {
    w.skip(20.0);
    if results.example {
        w.paragraph(crate::render::EXAMPLE_MARK, 13.0, Weight::Bold, MARK);
    }
    w.paragraph(
        "HIPAA Security Rule evidence report",
        22.0,
        Weight::Bold,
        DARK,
    );
    let sections = results
        .scope
        .as_ref()
        .map(|s| {
            s.sections
                .iter()
                .map(|x| format!("§{x}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    w.paragraph(
        &format!(
            "45 CFR Part 164 Subpart C ({sections}): every standard and implementation specification, for the AWS account's identity and audit configuration and its S3 buckets within the PHI scope"
        ),
        10.0,
        Weight::Regular,
        GREY,
    );
    w.skip(6.0);
    let mut facts = Vec::new();
    if let Some(org) = &results.preparer.organization {
        facts.push(vec![Cell::plain("Organization"), Cell::plain(org)]);
    }
    facts.push(vec![
        Cell::plain("Prepared by"),
        Cell::plain(
            results
                .preparer
                .prepared_by
                .as_deref()
                .unwrap_or("(not named: pass --prepared-by)"),
        ),
    ]);
    if let Some(p) = &results.period {
        facts.push(vec![
            Cell::plain("Period covered"),
            Cell::plain(format!(
                "configuration as of {}; activity from {} to {}",
                p.collected_at,
                p.events_from.as_deref().unwrap_or("an unrecorded start"),
                p.events_to
            )),
        ]);
    }
    facts.extend(vec![vec![
        Cell::plain("Account"),
        Cell::plain(format!(
            "{} (partition {})",
            results.account.id, results.account.partition
        )),
    ]]);
    if let Some(org) = &results.account.organization {
        let scps = if org.scps_applied {
            "its service control policies bound every effective permission judged here"
        } else if org.management_account_id == results.account.id {
            "the management account, which no service control policy binds"
        } else {
            "no service control policy applied (see the gaps)"
        };
        facts.push(vec![
            Cell::plain("AWS Organization"),
            Cell::plain(format!(
                "{}{}, OU path {}; {scps}",
                org.id,
                org.account_name
                    .as_deref()
                    .map(|n| format!(", account {n}"))
                    .unwrap_or_default(),
                org.ou_path.as_deref().unwrap_or("unknown (a gap)"),
            )),
        ]);
    }
    if let Some(phi) = results.scope.as_ref().and_then(|s| s.phi.as_ref()) {
        facts.push(vec![Cell::plain("PHI scope"), Cell::plain(&phi.summary)]);
    }
    facts.extend(vec![
        vec![
            Cell::plain("Report generated at"),
            Cell::plain(&cover.generated_at),
        ],
        vec![
            Cell::plain("Evidence collected at"),
            Cell::plain(format!(
                "{} — verdicts are as of this instant",
                results.snapshot.collected_at
            )),
        ],
        vec![
            Cell::plain("Evidence source"),
            Cell::plain(provenance_text(results)),
        ],
        vec![
            Cell::plain("Evidence gathered by"),
            Cell::plain(
                results
                    .provenance
                    .as_ref()
                    .and_then(|p| p.caller_arn.as_deref())
                    .unwrap_or("not in the evidence (a gap)"),
            ),
        ],
        vec![
            Cell::plain("Signature"),
            Cell::plain(cover.signature_line()),
        ],
        vec![
            Cell::plain("Snapshot SHA-256"),
            Cell::plain(&results.snapshot.sha256),
        ],
        vec![
            Cell::plain("Catalog SHA-256"),
            Cell::plain(&results.catalog.sha256),
        ],
        vec![
            Cell::plain("Tool"),
            Cell::plain(format!("{} {}", results.tool.name, results.tool.version)),
        ],
    ]);
    w.table(
        &[45.0, PAGE_W - 2.0 * MARGIN - 45.0],
        &["Fact", "Value"],
        facts,
    );
}

/// Status counts, failing findings by severity, counts by safeguard, and the scope.
fn summary(w: &mut Writer, results: &Results) {
    w.heading("Summary", 14.0, true);
    let summary_rows = ControlStatus::ALL
        .iter()
        .map(|s| {
            vec![
                Cell::badge(&status_label(s.as_str()), status_colour(s.as_str())),
                Cell::plain(results.count(*s).to_string()),
            ]
        })
        .collect();
    w.table(&[55.0, 25.0], &["Status", "Controls"], summary_rows);
    let by_severity: Vec<String> = crate::render::view::failing_by_severity(results)
        .into_iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    w.paragraph(
        &format!(
            "Failing findings by severity (waived ones aside): {}.",
            by_severity.join(", ")
        ),
        9.0,
        Weight::Regular,
        DARK,
    );
    let categories = crate::render::view::categories(results);
    let mut header = vec!["Safeguard"];
    header.extend(
        ControlStatus::ALL
            .iter()
            .map(|s| status_label_plain(s.as_str())),
    );
    let rows = categories
        .iter()
        .map(|k| {
            let mut row = vec![Cell::plain(capitalize(k.safeguard))];
            row.extend(
                ControlStatus::ALL
                    .iter()
                    .map(|s| Cell::plain(k.counts[s.as_str()].to_string())),
            );
            row
        })
        .collect();
    let mut widths = vec![38.0];
    // One column per status, however many there are, within the page.
    widths.extend(vec![
        (PAGE_W - 2.0 * MARGIN - 38.0)
            / ControlStatus::ALL.len() as f32;
        ControlStatus::ALL.len()
    ]);
    w.table(&widths, &header, rows);
    if let Some(scope) = &results.scope {
        w.heading("Scope", 12.0, true);
        let regions = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        let mut lines = vec![
            format!(
                "Account {} in partition {}. Regions evidenced: {}.{}{}",
                results.account.id,
                results.account.partition,
                regions(&scope.regions_evidenced),
                if scope.regions_not_evidenced.is_empty() {
                    String::new()
                } else {
                    format!(
                        " Not evidenced (gaps): {}.",
                        scope.regions_not_evidenced.join(", ")
                    )
                },
                if scope.regions_complete {
                    ""
                } else {
                    " The list of enabled regions is not in the evidence: other regions may exist unassessed."
                }
            ),
            format!("Services evidenced: {}.", scope.services.join("; ")),
            format!("Not covered: {}.", scope.exclusions.join("; ")),
        ];
        for line in lines.drain(..) {
            w.paragraph(&line, 9.0, Weight::Regular, DARK);
        }
    }
    w.paragraph(
        "Every finding points into snapshot.json (a JSON pointer), the raw evidence kept in this package; manifest.json holds the SHA-256 of every file so that `safeguard verify` can show nothing was altered. Missing evidence is never shown as a pass.",
        8.5,
        Weight::Regular,
        GREY,
    );
}

/// What changed since the previous package (`--previous`/`--history`).
fn changes(w: &mut Writer, results: &Results) {
    if let Some(ch) = &results.changes {
        w.ensure(40.0);
        w.heading(&format!("Changes since {}", ch.since), 14.0, true);
        w.paragraph(
            &format!(
                "Compared with this account's previous {}: {} new failing finding(s), {} still failing, {} resolved, {} that cannot be judged now (an evidence gap: not resolved); {} evidence gap(s) opened and {} closed.",
                match &ch.previous_manifest_sha256 {
                    Some(sha) => format!("package (manifest.json SHA-256 {sha})"),
                    None => "results (a results.json outside any package, not verified)".into(),
                },
                ch.new_failing,
                ch.recurring,
                ch.resolved.len(),
                ch.undetermined,
                ch.gaps_opened,
                ch.gaps_closed
            ),
            9.5,
            Weight::Regular,
            DARK,
        );
        if !ch.controls.is_empty() {
            w.table(
                &[60.0, 42.0, 42.0, 34.0],
                &["Control", "Was", "Now", "Change"],
                ch.controls
                    .iter()
                    .map(|c| {
                        vec![
                            Cell::plain(&c.control),
                            Cell::badge(
                                &status_label(c.from.as_str()),
                                status_colour(c.from.as_str()),
                            ),
                            Cell::badge(&status_label(c.to.as_str()), status_colour(c.to.as_str())),
                            Cell::plain(c.direction.as_str()),
                        ]
                    })
                    .collect(),
            );
        }
        if !ch.resolved.is_empty() {
            w.table(
                &[50.0, 70.0, 36.0, 22.0],
                &["Resolved (check)", "Resource", "Failing since", "Now"],
                ch.resolved
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::plain(&r.check),
                            Cell::plain(&r.resource),
                            Cell::plain(&r.first_seen),
                            Cell::plain(&r.now),
                        ]
                    })
                    .collect(),
            );
        }
        if !ch.undetermined_findings.is_empty() {
            w.table(
                &[50.0, 70.0, 36.0, 22.0],
                &[
                    "Cannot be judged now (check)",
                    "Resource",
                    "Failing since",
                    "Now",
                ],
                ch.undetermined_findings
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::plain(&r.check),
                            Cell::plain(&r.resource),
                            Cell::plain(&r.first_seen),
                            Cell::plain(if r.now == "not_judged" {
                                "not judged (a gap covers it)"
                            } else {
                                "an evidence gap"
                            }),
                        ]
                    })
                    .collect(),
            );
        }
    }
}

/// What needs action, the worst failing severity first, with each failing check's next step.
fn need_action(w: &mut Writer, results: &Results) {
    let attention: Vec<Vec<Cell>> = crate::render::view::need_action(results)
        .into_iter()
        .map(|a| {
            let c = a.control;
            let failing: Vec<&str> = c
                .checks
                .iter()
                // Only the checks that decide the control (supporting ones are observations).
                .filter(|k| {
                    k.role == crate::catalog::Role::Primary
                        && matches!(
                            k.status,
                            crate::verdict::FindingStatus::Fail
                                | crate::verdict::FindingStatus::Error
                                | crate::verdict::FindingStatus::Waived
                        )
                })
                .map(|k| k.id.as_str())
                .collect();
            vec![
                Cell::plain(format!("{} {}", c.id, c.title)),
                Cell::badge(
                    &status_label(c.status.as_str()),
                    status_colour(c.status.as_str()),
                ),
                Cell::plain(a.severity.unwrap_or("—")),
                // A standard held by its specifications says so, as its reason does.
                Cell::plain(if failing.is_empty() {
                    c.status_reason.clone()
                } else {
                    failing.join(", ")
                }),
            ]
        })
        .collect();
    if !attention.is_empty() {
        w.ensure(60.0);
        w.heading("Controls that need action", 14.0, true);
        w.table(
            &[56.0, 32.0, 18.0, 72.0],
            &[
                "Control",
                "Status",
                "Severity",
                "Deciding checks that fail, lack evidence or are waived",
            ],
            attention,
        );
        let steps = crate::render::view::checks(results)
            .into_iter()
            .filter(|v| v.check.status == crate::verdict::FindingStatus::Fail)
            .map(|v| {
                vec![
                    Cell::plain(&v.check.id),
                    Cell::plain(&v.check.remediation),
                    Cell::plain(v.counts_text.clone()),
                ]
            })
            .chain(results.evidence_gaps.iter().map(|g| {
                vec![
                    Cell::plain(format!(
                        "Evidence gap ({}): {}",
                        g.kind.as_str(),
                        g.evidence
                    )),
                    Cell::plain(&g.next_step),
                    Cell::plain(format!("{} undecided", g.findings)),
                ]
            }))
            .collect();
        w.heading("Next steps, by failing check and evidence gap", 12.0, false);
        w.table(
            &[50.0, 98.0, 30.0],
            &["Check", "Next step", "Findings"],
            steps,
        );
    }
}

/// The stores in the PHI scope, each with what every data-plane check found of it.
fn data_stores(w: &mut Writer, results: &Results) {
    let tables = crate::render::view::data_stores(results);
    w.ensure(40.0);
    w.heading("Data stores in scope", 14.0, true);
    let scope = results
        .scope
        .as_ref()
        .and_then(|s| s.phi.as_ref())
        .map(|p| format!(" ({})", p.summary))
        .unwrap_or_default();
    let outside: Vec<String> = tables
        .iter()
        .filter(|t| t.outside > 0)
        .map(|t| format!("{} {}", t.title, t.outside))
        .collect();
    let others = if outside.is_empty() {
        String::new()
    } else {
        format!(
            " Outside the scope, each not applicable with the reason: {}.",
            outside.join("; ")
        )
    };
    if tables.iter().all(|t| t.rows.is_empty()) {
        w.paragraph(
            &format!("No data store is in the PHI scope{scope}, or none was in the evidence (see the evidence gaps).{others}"),
            9.0,
            Weight::Regular,
            DARK,
        );
        return;
    }
    w.paragraph(
        &format!("The stores in the PHI scope{scope}, one table per kind, each store with what every data-plane check found of it.{others} scope.unscoped_data_stores lists the stores left out."),
        9.0,
        Weight::Regular,
        DARK,
    );
    for t in tables.iter().filter(|t| !t.rows.is_empty()) {
        // Room for the heading, the table's header and a first row of wrapped messages: a
        // heading alone at the foot of a page says nothing.
        w.ensure(70.0);
        w.heading(t.title, 11.0, false);
        let mut header = vec!["Store"];
        header.extend(t.columns.iter().copied());
        let rows = t
            .rows
            .iter()
            .map(|s| {
                let mut row = vec![Cell::plain(s.resource)];
                row.extend(s.judged.iter().map(|j| match j {
                    Some((status, message)) => {
                        Cell::plain(format!("{}: {message}", status_label(status)))
                    }
                    None => Cell::plain("—"),
                }));
                row
            })
            .collect();
        // The store column, then the rest of the 178 mm shared by the checks.
        let each = 140.0 / t.columns.len() as f32;
        let mut widths = vec![38.0];
        widths.extend(std::iter::repeat_n(each, t.columns.len()));
        w.table(&widths, &header, rows);
    }
}

/// Every control in one table.
fn control_index(w: &mut Writer, results: &Results) {
    w.ensure(60.0);
    w.heading("Controls", 14.0, true);
    let index = results
        .controls
        .iter()
        .map(|c| {
            vec![
                Cell::plain(&c.id),
                Cell::plain(&c.title),
                Cell::plain(c.requirement.as_str()),
                Cell::badge(
                    &status_label(c.status.as_str()),
                    status_colour(c.status.as_str()),
                ),
                Cell::plain(c.basis.label()),
            ]
        })
        .collect();
    w.table(
        &[36.0, 66.0, 22.0, 30.0, 24.0],
        &["Citation", "Title", "Requirement", "Status", "Basis"],
        index,
    );
}

/// One section per control, one after another; their findings follow, once per check.
fn controls(w: &mut Writer, results: &Results) {
    w.section_break();
    for c in &results.controls {
        w.ensure(40.0);
        w.heading(&format!("§{} — {}", c.id, c.title), 12.0, true);
        w.table(
            &[40.0, 138.0],
            &["Status", "Why"],
            vec![vec![
                Cell::badge(
                    &status_label(c.status.as_str()),
                    status_colour(c.status.as_str()),
                ),
                // The status reason already says an addressable specification's decision.
                Cell::plain(format!(
                    "Basis: {}. {} ({} safeguard, {}){}",
                    c.basis.label(),
                    c.status_reason,
                    c.safeguard.as_str(),
                    c.requirement.as_str(),
                    c.held
                        .as_ref()
                        .map(|h| format!(
                            ". Held in {} of {} snapshots since {}",
                            h.held, h.of, h.since
                        ))
                        .unwrap_or_default(),
                )),
            ]],
        );
        w.paragraph(&c.summary, 8.5, Weight::Regular, DARK);
        if let Some(na) = &c.inherited {
            w.paragraph(&format!("Inherited: {na}"), 8.5, Weight::Regular, DARK);
        }
        if let Some(manual) = &c.manual {
            let attested = c
                .attestations
                .iter()
                .any(|a| a.status == crate::verdict::Validity::Valid);
            w.paragraph(
                &format!(
                    "Manual part ({}): {manual}",
                    if attested {
                        "attested"
                    } else {
                        "needs an attestation"
                    }
                ),
                8.5,
                Weight::Regular,
                DARK,
            );
        }
        for a in &c.attestations {
            w.paragraph(
                &attestation_line(a, &results.preparer),
                9.0,
                Weight::Regular,
                DARK,
            );
        }
        if !c.checks.is_empty() {
            let rows = c
                .checks
                .iter()
                .map(|m| {
                    vec![
                        Cell::plain(&m.id),
                        Cell::plain(format!("{}: {}", m.role.as_str(), m.why)),
                        Cell::badge(
                            &status_label(m.status.as_str()),
                            status_colour(m.status.as_str()),
                        ),
                        Cell::plain(m.counts.text()),
                    ]
                })
                .collect();
            w.table(
                &[48.0, 70.0, 28.0, 32.0],
                &["Check", "Role and why", "Status", "Findings"],
                rows,
            );
        }
    }
}

/// Each check's findings, printed once.
fn findings(w: &mut Writer, results: &Results, detail: Detail) {
    w.section_break();
    w.heading("Findings by check", 14.0, true);
    for view in crate::render::view::checks(results) {
        let check = view.check;
        w.heading(
            &format!("{} — {}", check.id, status_label(check.status.as_str())),
            10.0,
            false,
        );
        let params = if check.parameters.is_empty() {
            String::new()
        } else {
            let p: Vec<String> = check
                .parameters
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            format!(" Parameters: {}.", p.join(", "))
        };
        w.paragraph(
            &format!(
                "{}. Serves {}. Findings: {}.{params}",
                check.description,
                view.serves.join(", "),
                view.counts_text
            ),
            8.5,
            Weight::Regular,
            GREY,
        );
        let hidden = check.findings.iter().filter(|f| !detail.shows(f)).count();
        if hidden > 0 {
            w.paragraph(
                &format!(
                    "{hidden} passing or not-applicable finding(s) counted, not printed ({}); results.json and results.csv list them.",
                    detail.why_counted().replace('`', "")
                ),
                8.5,
                Weight::Regular,
                GREY,
            );
        }
        let rows = check
            .findings
            .iter()
            .filter(|f| detail.shows(f))
            .map(|f| {
                let (label, message) = match &f.waiver {
                    Some(wv) if f.is_waived() => (
                        "– Waived".to_string(),
                        format!(
                            "{} — waived until {} by {}: {}",
                            f.message, wv.expires, wv.approved_by, wv.justification
                        ),
                    ),
                    Some(wv) => (
                        status_label(f.status.as_str()),
                        format!(
                            "{} — waiver by {} expired {} and is ignored",
                            f.message, wv.approved_by, wv.expires
                        ),
                    ),
                    None if f.gap_kind().is_some() => {
                        (format!("? {}", f.label()), f.message.clone())
                    }
                    None => (status_label(f.status.as_str()), f.message.clone()),
                };
                let message = match (f.change, &f.first_seen) {
                    (Some(crate::verdict::Change::New), _) => format!("{message} [new]"),
                    (Some(crate::verdict::Change::Recurring), Some(since)) => {
                        format!("{message} [failing since {since}]")
                    }
                    _ => message,
                };
                // A waived finding wears the waived colour, not its `fail` status's.
                let colour = if f.is_waived() {
                    "waived"
                } else {
                    f.status.as_str()
                };
                vec![
                    Cell::badge(&label, status_colour(colour)),
                    Cell::plain(&f.resource),
                    Cell::plain(message),
                    Cell::plain(&f.evidence),
                ]
            })
            .collect();
        w.table(
            &[26.0, 52.0, 62.0, 38.0],
            &["Status", "Resource", "Finding", "Evidence"],
            rows,
        );
    }
}

/// The evidence gaps, each once, with what they leave undecided and the next step.
fn gaps(w: &mut Writer, results: &Results) {
    w.section_break();
    w.heading("Evidence gaps", 14.0, true);
    if results.evidence_gaps.is_empty() {
        w.paragraph(
            "None: every expected piece of evidence was gathered and could be relied on.",
            9.0,
            Weight::Regular,
            DARK,
        );
    } else {
        w.paragraph("Evidence the assessment needed and could not rely on: missing, stale, incomplete, unreadable, or unrecorded (AWS itself has no record of it). Checks that need it cannot decide their findings, and controls those checks decide are Insufficient evidence, never Pass. Each gap is counted once however many checks it leaves undecided.", 9.0, Weight::Regular, DARK);
        let rows = results
            .evidence_gaps
            .iter()
            .map(|g| {
                vec![
                    Cell::plain(match &g.source {
                        Some(source) => format!("{} ({source})", g.evidence),
                        None => g.evidence.clone(),
                    }),
                    Cell::badge(g.kind.as_str(), status_colour("error")),
                    Cell::plain(&g.reason),
                    Cell::plain(if g.checks.is_empty() {
                        "no check".to_string()
                    } else {
                        format!("{} finding(s) of {}", g.findings, g.checks.join(", "))
                    }),
                    Cell::plain(&g.next_step),
                ]
            })
            .collect();
        w.table(
            &[34.0, 20.0, 44.0, 38.0, 42.0],
            &["Evidence", "Gap", "Reason", "Leaves undecided", "Next step"],
            rows,
        );
    }
}

/// The waivers handed in, valid or not; one of every resource stands out.
fn waivers(w: &mut Writer, results: &Results) {
    w.heading("Waivers", 14.0, true);
    if results.waivers.is_empty() {
        w.paragraph("None were handed in.", 9.0, Weight::Regular, DARK);
    } else {
        let rows = results
            .waivers
            .iter()
            .map(|wv| {
                let mut what = Cell::plain(format!(
                    "{} on {}{} ({} finding(s))",
                    wv.check,
                    wv.resource,
                    if wv.all_resources {
                        " (all resources)"
                    } else {
                        ""
                    },
                    wv.findings
                ));
                // A waiver of every resource of its check stands out.
                if wv.all_resources {
                    what = what.bold();
                }
                vec![
                    Cell::plain(wv.status.as_str()),
                    what,
                    Cell::plain(wv.risk.map_or("—", |r| r.as_str())),
                    Cell::plain(format!(
                        "{}{}{}",
                        wv.justification,
                        wv.ticket
                            .as_ref()
                            .map(|t| format!(" Ticket: {t}."))
                            .unwrap_or_default(),
                        wv.compensating_control
                            .as_ref()
                            .map(|c| format!(" Compensating control: {c}"))
                            .unwrap_or_default()
                    )),
                    Cell::plain(format!(
                        "{}{}{}, until {}",
                        wv.approved_by,
                        if results.preparer.is(&wv.approved_by) {
                            " (self-approved)"
                        } else {
                            ""
                        },
                        wv.approved_on
                            .map(|d| format!(", on {d}"))
                            .unwrap_or_default(),
                        wv.expires
                    )),
                ]
            })
            .collect();
        w.table(
            &[18.0, 52.0, 16.0, 56.0, 36.0],
            &[
                "Status",
                "Check and resources",
                "Risk",
                "Justification",
                "Approved",
            ],
            rows,
        );
    }
}

/// How the verdicts were reached.
fn methodology(w: &mut Writer, results: &Results) {
    w.heading("Methodology", 14.0, true);
    let checks_run = crate::render::view::checks(results).len();
    for line in [
        format!(
            "Evidence: the account's configuration was read ({}) into snapshot.json. Evidence that could not be read is a gap, never an empty result.",
            provenance_text(results)
        ),
        format!(
            "Checks: {checks_run} automated checks ran once each, as of the collection time ({}); time limits are measured from that instant. Each finding names a resource, a verdict, its check's severity and the JSON pointer of its evidence.",
            results.snapshot.collected_at
        ),
        "Mappings: a check is primary for a citation when it decides it, supporting when it evidences a part or a precondition. Only primary checks and the manual part decide a control; supporting findings are observations and never change its status. A control with no primary check is decided by its manual part.".to_string(),
        "Control status, worst first: an unwaived failing primary finding makes it Fail; else an undecided primary finding Insufficient evidence; else failures covered only by valid waivers Risk accepted (never Pass); else a manual part without a counted attestation Manual; else a control AWS operates under the BAA Inherited until attested; else Pass. Not applicable: every check found nothing to judge.".to_string(),
        "Standards roll up: a standard is never better than its required implementation specifications, nor than its addressable ones whose decision is \"implemented\" (§164.306(d)).".to_string(),
        "Basis: tested (primary checks passed on present evidence), attested (the manual part vouched for, with evidence in the package), tested + attested, inherited from AWS, risk accepted, or no basis.".to_string(),
        "Attestations count when dated, by a named person with their role, valid on the collection day (at most 365 days by default) and backed by an evidence file copied into the package; a URL alone is \"attested without evidence\". Addressable specifications record their decision: implemented, an equivalent alternative, or not reasonable and appropriate, with the rationale and measure.".to_string(),
        "Waivers are governed: approver and role, approval date, risk (low, medium, high) and an expiry at most 365 days (by default) after approval. Waivers and attestations are judged on the day the evidence was collected; an expired one counts as absent, and a waived finding stays listed.".to_string(),
        "Integrity: manifest.json holds the SHA-256 and size of every file; safeguard verify recomputes them.".to_string(),
    ] {
        w.paragraph(&line, 9.0, Weight::Regular, DARK);
    }
}

/// What the package does not show.
fn limitations(w: &mut Writer, results: &Results) {
    w.heading("Limitations", 14.0, true);
    let attested_only = results
        .controls
        .iter()
        .filter(|c| c.basis == crate::verdict::Basis::Attested)
        .count();
    let mut limits = vec![
        format!(
            "A point in time: the configuration is as of {}; activity covers only the CloudTrail event-history window{}. A setting changed before or after is not seen.",
            results.snapshot.collected_at,
            results
                .period
                .as_ref()
                .and_then(|p| p.events_from.as_ref())
                .map(|f| format!(" from {f}"))
                .unwrap_or_default()
        ),
        format!(
            "Services not examined: {}.",
            results
                .scope
                .as_ref()
                .map(|s| s.exclusions.join("; "))
                .unwrap_or_default()
        ),
        format!(
            "Controls decided by people: {} control(s) wait for an attestation and {attested_only} rest on attestations alone; this package records what people vouched for and the evidence they gave, and does not test it.",
            results.count(ControlStatus::Manual)
        ),
        "The catalog paraphrases 45 CFR Part 164 Subpart C as amended in 2013 (78 FR 5566). The January 2025 proposed rule (90 FR 898) is not applied.".to_string(),
    ];
    if results.example {
        limits.push(format!("{}.", crate::render::EXAMPLE_MARK));
    }
    for line in limits {
        w.paragraph(&line, 9.0, Weight::Regular, DARK);
    }
}

/// The reviewers' sign-off table.
fn sign_off(w: &mut Writer, results: &Results) {
    w.section_break();
    w.heading("Sign-off", 14.0, true);
    w.paragraph(
        &format!(
            "Prepared by: {}{}",
            results
                .preparer
                .prepared_by
                .as_deref()
                .unwrap_or("______________________________"),
            results
                .preparer
                .organization
                .as_ref()
                .map(|o| format!(", for {o}"))
                .unwrap_or_default()
        ),
        10.0,
        Weight::Regular,
        DARK,
    );
    let blank = || {
        vec![
            Cell::plain("\n\n"),
            Cell::plain(""),
            Cell::plain(""),
            Cell::plain(""),
        ]
    };
    w.table(
        &[50.0, 44.0, 30.0, 54.0],
        &["Reviewed by", "Title", "Date", "Signature"],
        vec![blank(), blank(), blank()],
    );
}

/// How the evidence was gathered, as the cover says it.
fn provenance_text(results: &Results) -> String {
    let Some(p) = &results.provenance else {
        return results.snapshot.source.clone();
    };
    if p.method == "collect" {
        return "read live with the AWS SDK".into();
    }
    let mut s = "an AWS CLI export".to_string();
    if let Some(by) = &p.export.exported_by {
        s.push_str(&format!(" made by {by}"));
    }
    if let Some(cli) = &p.export.aws_cli {
        s.push_str(&format!(" with {cli}"));
    }
    if let Some(at) = &p.export.collected_at {
        s.push_str(&format!(
            "; the export says it was taken at {at} (its own claim)"
        ));
    }
    s
}

fn attestation_line(
    a: &crate::results::AttestationResult,
    preparer: &crate::results::Preparer,
) -> String {
    let evidence: Vec<String> = a
        .evidence
        .iter()
        .map(|e| match e {
            crate::inputs::EvidenceRef::Url(u) => u.clone(),
            crate::inputs::EvidenceRef::File {
                path,
                sha256,
                outside,
            } => match outside {
                Some(from) => format!(
                    "{path} (sha256 {sha256}; copied from outside the attestations folder: {from})"
                ),
                None => format!("{path} (sha256 {sha256})"),
            },
        })
        .collect();
    let decision = a
        .decision
        .as_ref()
        .map(|d| {
            format!(
                " Decision: {}; rationale: \"{}\"{}.",
                d.decision.label(),
                d.rationale,
                d.measure
                    .as_ref()
                    .map(|m| format!("; equivalent measure: \"{m}\""))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!(
        "Attestation ({}): \"{}\" — {}, {}, valid until {}.{decision}{}",
        a.status.as_str(),
        a.statement,
        if preparer.is(&a.attested_by) {
            format!("{} (self-attested: the package's preparer)", a.attested_by)
        } else {
            a.attested_by.clone()
        },
        a.date,
        a.expires,
        if evidence.is_empty() {
            String::new()
        } else {
            format!(" Evidence: {}.", evidence.join(", "))
        }
    )
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
