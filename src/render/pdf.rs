//! `report.pdf` for the auditor's binder, laid out directly with printpdf (no HTML engine).
//!
//! A4; a cover page with the run's identifying facts and the summary; a table of every control;
//! one section per control with its findings; the evidence gaps. Tables wrap long ARNs and repeat
//! their header row after a page break; every footer carries "page N of M" and the snapshot hash.
//! DejaVu Sans is embedded (subset) so §, ≥ and ✓ render and the text is extractable.
//!
//! Determinism: printpdf names fonts and document ids randomly, so we name the fonts ourselves,
//! derive the document id from the snapshot and catalog hashes, and date the file with the
//! report's generation time (`SOURCE_DATE_EPOCH` when set). The same results and time give the
//! same bytes.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PageAnnotId, PageAnnotation, PaintMode, ParsedFont,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};

use crate::error::{Error, Result};
use crate::results::{ControlStatus, Results};

use super::fonts::{BOLD_TTF, REGULAR_TTF};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 16.0;
const CONTENT_TOP: f32 = PAGE_H - MARGIN;
const CONTENT_BOTTOM: f32 = 20.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

struct Font {
    id: FontId,
    parsed: ParsedFont,
    /// Advance width of each character in font units per em (1.0 = one em); characters the
    /// subset lacks are drawn as "?" and measured as such.
    widths: std::collections::HashMap<char, f32>,
    fallback: f32,
}

impl Font {
    fn load(name: &str, bytes: &[u8]) -> Result<Self> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| Error::Internal(format!("embedded font {name} did not parse")))?;
        let upem = f32::from(parsed.units_per_em.max(1));
        let widths: std::collections::HashMap<char, f32> = parsed
            .codepoint_to_glyph
            .iter()
            .filter_map(|(cp, gid)| {
                Some((
                    char::from_u32(*cp)?,
                    f32::from(parsed.get_glyph_width(*gid)?) / upem,
                ))
            })
            .collect();
        let fallback = widths.get(&'?').copied().unwrap_or(0.6);
        Ok(Font {
            id: FontId(name.to_string()),
            parsed,
            widths,
            fallback,
        })
    }

    /// Width of one character in ems.
    fn char_em(&self, c: char) -> f32 {
        self.widths.get(&c).copied().unwrap_or(self.fallback)
    }
}

const CELL_PAD: f32 = 1.2;
/// The most lines a table cell shows; at the table font a row of them still fits a page.
const MAX_CELL_LINES: usize = 40;

fn line_height(size: f32) -> f32 {
    size * 0.45
}

struct RowLayout {
    height: f32,
    lines: Vec<Vec<String>>,
}

/// A cell of a table: text, optionally drawn as a coloured status badge.
pub(crate) struct Cell {
    text: String,
    badge: Option<Colour>,
    weight: Weight,
}

impl Cell {
    pub(crate) fn plain(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            badge: None,
            weight: Weight::Regular,
        }
    }
    pub(crate) fn badge(label: &str, colour: Colour) -> Self {
        Cell {
            text: label.to_string(),
            badge: Some(colour),
            weight: Weight::Bold,
        }
    }
}

pub(crate) struct Writer {
    regular: Font,
    bold: Font,
    /// Raster images placed with [`Writer::image`], by XObject name.
    images: Vec<(String, printpdf::RawImage)>,
    pages: Vec<Vec<Op>>,
    /// The page being drawn on.
    current: usize,
    /// Distance of the next line's top from the page bottom, in mm.
    y: f32,
    bookmarks: Vec<(String, usize)>,
    /// The latest heading, repeated above a table that continues on the next page.
    last_heading: Option<String>,
}

/// An sRGB colour; converted to printpdf's (non-Copy) type only when drawn.
#[derive(Clone, Copy)]
pub(crate) struct Colour(u8, u8, u8);

impl Colour {
    fn pdf(self) -> Color {
        Color::Rgb(Rgb::new(
            f32::from(self.0) / 255.0,
            f32::from(self.1) / 255.0,
            f32::from(self.2) / 255.0,
            None,
        ))
    }
}

pub(crate) fn rgb(r: u8, g: u8, b: u8) -> Colour {
    Colour(r, g, b)
}

pub(crate) fn status_colour(status: &str) -> Colour {
    match status {
        "fail" => rgb(0xb4, 0x23, 0x18),
        "insufficient_evidence" | "error" => rgb(0xb8, 0x6e, 0x00),
        "waived" => rgb(0x7a, 0x3e, 0x9d),
        "manual" => rgb(0x1f, 0x5f, 0xa8),
        "inherited" => rgb(0x4a, 0x5a, 0x8a),
        "pass" => rgb(0x1e, 0x7b, 0x34),
        _ => rgb(0x6b, 0x6b, 0x6b),
    }
}

/// The shared label without a symbol, for table headers.
fn status_label_plain(status: &str) -> &'static str {
    crate::verdict::label(status).unwrap_or("Not applicable")
}

/// The shared label with a symbol, so a status reads without colour too.
pub(crate) fn status_label(status: &str) -> String {
    let symbol = match status {
        "fail" => "✗",
        "insufficient_evidence" | "error" => "?",
        "waived" => "!",
        "manual" => "✎",
        "inherited" => "~",
        "pass" => "✓",
        _ => "–",
    };
    let label = crate::verdict::label(status).unwrap_or("Not applicable");
    format!("{symbol} {label}")
}

impl Writer {
    pub(crate) fn new() -> Result<Self> {
        Ok(Writer {
            regular: Font::load("F1", REGULAR_TTF)?,
            bold: Font::load("F2", BOLD_TTF)?,
            images: Vec::new(),
            pages: vec![Vec::new()],
            current: 0,
            y: CONTENT_TOP,
            bookmarks: Vec::new(),
            last_heading: None,
        })
    }

    fn font(&self, w: Weight) -> &Font {
        match w {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        &mut self.pages[self.current]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.current = self.pages.len() - 1;
        self.y = CONTENT_TOP;
    }

    /// Between major sections: a new page only when less than a third of this one is left, so
    /// no page is left mostly empty before a short section.
    pub(crate) fn section_break(&mut self) {
        if self.y - CONTENT_BOTTOM < (CONTENT_TOP - CONTENT_BOTTOM) / 3.0 {
            self.new_page();
        } else {
            self.y -= 6.0;
        }
    }

    /// Starts a new page unless `height` mm still fit on this one.
    fn ensure(&mut self, height: f32) -> bool {
        if self.y - height < CONTENT_BOTTOM {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn text_at(
        &mut self,
        x: f32,
        baseline: f32,
        text: &str,
        size: f32,
        weight: Weight,
        colour: Colour,
    ) {
        let font = self.font(weight);
        // The embedded subset lacks some scripts; show "?" rather than an invisible .notdef box.
        let text: String = text
            .chars()
            .map(|c| {
                if font.parsed.lookup_glyph_index(c as u32).is_some() {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        let id = font.id.clone();
        let ops = self.ops();
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFillColor { col: colour.pdf() });
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(id),
            size: Pt(size),
        });
        ops.push(Op::SetTextCursor {
            pos: Point {
                x: Pt(x * PT_PER_MM),
                y: Pt(baseline * PT_PER_MM),
            },
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(text)],
        });
        ops.push(Op::EndTextSection);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        let ops = self.ops();
        ops.push(Op::SetFillColor { col: colour.pdf() });
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x * PT_PER_MM),
                y: Pt(y * PT_PER_MM),
                width: Pt(w * PT_PER_MM),
                height: Pt(h * PT_PER_MM),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32, colour: Colour) {
        let pt = |x: f32| LinePoint {
            p: Point {
                x: Pt(x * PT_PER_MM),
                y: Pt(y * PT_PER_MM),
            },
            bezier: false,
        };
        let ops = self.ops();
        ops.push(Op::SetOutlineColor { col: colour.pdf() });
        ops.push(Op::SetOutlineThickness { pt: Pt(0.4) });
        ops.push(Op::DrawLine {
            line: Line {
                points: vec![pt(x1), pt(x2)],
                is_closed: false,
            },
        });
    }

    /// Wraps `text` to lines no wider than `width` mm; over-long words (ARNs) break anywhere,
    /// preferring after `/`, `:` or `-`. Linear in the length of the text.
    fn wrap(&self, text: &str, width: f32, size: f32, weight: Weight) -> Vec<String> {
        let font = self.font(weight);
        let max_em = width * PT_PER_MM / size;
        let space = font.char_em(' ');
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_em = 0.0;
            for word in paragraph.split_whitespace() {
                let word_em: f32 = word.chars().map(|c| font.char_em(c)).sum();
                let joined = if line.is_empty() {
                    word_em
                } else {
                    line_em + space + word_em
                };
                if joined <= max_em {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_em = joined;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // Break the word into pieces that fit, preferring a soft break point.
                let chars: Vec<char> = word.chars().collect();
                let mut start = 0;
                loop {
                    let mut em = 0.0;
                    let mut end = start;
                    while end < chars.len()
                        && (end == start || em + font.char_em(chars[end]) <= max_em)
                    {
                        em += font.char_em(chars[end]);
                        end += 1;
                    }
                    if end == chars.len() {
                        line = chars[start..].iter().collect();
                        line_em = em;
                        break;
                    }
                    let soft = chars[start..end]
                        .iter()
                        // Ids, ARNs and JSON pointers break after a separator, never mid-word,
                        // unless a word has none within a line.
                        .rposition(|c| matches!(c, '/' | '.' | '_' | ':' | '-' | '#' | ','))
                        .filter(|p| *p > 0);
                    let cut = soft.map_or(end, |p| start + p + 1);
                    lines.push(chars[start..cut].iter().collect());
                    start = cut;
                }
            }
            lines.push(line);
        }
        lines
    }

    /// Places an RGB image (8 bits per channel, rows top first) `width_mm` wide, keeping its
    /// aspect ratio, on a new page when it does not fit.
    pub(crate) fn image(&mut self, rgb: Vec<u8>, px_w: usize, px_h: usize, width_mm: f32) {
        let width_mm = width_mm.min(PAGE_W - 2.0 * MARGIN);
        let height_mm = width_mm * px_h as f32 / px_w.max(1) as f32;
        self.ensure(height_mm + 2.0);
        self.y -= height_mm;
        // Named by position, not at random, so the same chart gives the same bytes.
        let name = format!("Im{}", self.images.len() + 1);
        self.images.push((
            name.clone(),
            printpdf::RawImage {
                pixels: printpdf::RawImageData::U8(rgb),
                width: px_w,
                height: px_h,
                data_format: printpdf::RawImageFormat::RGB8,
                tag: Vec::new(),
            },
        ));
        // An image XObject is drawn into a 1 × 1 unit square scaled to its pixel size at the
        // given dpi: the dpi that makes `px_w` pixels `width_mm` wide.
        let dpi = px_w as f32 / (width_mm / 25.4);
        let y = self.y;
        self.ops().push(Op::UseXobject {
            id: printpdf::XObjectId(name),
            transform: printpdf::XObjectTransform {
                translate_x: Some(printpdf::Pt(MARGIN * PT_PER_MM)),
                translate_y: Some(printpdf::Pt(y * PT_PER_MM)),
                dpi: Some(dpi),
                ..Default::default()
            },
        });
        self.y -= 2.0;
    }

    /// Leaves `mm` of blank space.
    pub(crate) fn skip(&mut self, mm: f32) {
        self.y -= mm;
    }

    pub(crate) fn paragraph(&mut self, text: &str, size: f32, weight: Weight, colour: Colour) {
        let lh = size * 0.5;
        for line in self.wrap(text, PAGE_W - 2.0 * MARGIN, size, weight) {
            self.ensure(lh);
            self.y -= lh;
            self.text_at(MARGIN, self.y + lh * 0.25, &line, size, weight, colour);
        }
        self.y -= lh * 0.4;
    }

    pub(crate) fn heading(&mut self, text: &str, size: f32, bookmark: bool) {
        // Keep a heading with at least a few lines of what follows.
        self.ensure(size * 0.6 + 22.0);
        self.last_heading = Some(text.to_string());
        self.y -= 3.0;
        if bookmark {
            let page = self.pages.len();
            self.bookmarks.push((text.to_string(), page));
        }
        self.paragraph(text, size, Weight::Bold, rgb(0x1a, 0x1a, 0x1a));
    }

    /// A table with a header row repeated after every page break.
    pub(crate) fn table(&mut self, widths: &[f32], header: &[&str], rows: Vec<Vec<Cell>>) {
        let size = 7.5;
        let header_cells: Vec<Cell> = header
            .iter()
            .map(|h| Cell {
                text: h.to_string(),
                badge: None,
                weight: Weight::Bold,
            })
            .collect();
        let header = self.layout_row(widths, &header_cells, size);
        let laid: Vec<RowLayout> = rows
            .iter()
            .map(|row| self.layout_row(widths, row, size))
            .collect();
        // A short table is kept on one page rather than leaving a row or two behind.
        let whole = header.height + laid.iter().map(|r| r.height).sum::<f32>();
        let moved = if whole <= (CONTENT_TOP - CONTENT_BOTTOM) / 3.0 {
            self.ensure(whole + 2.0)
        } else {
            self.ensure(2.0 * header.height + 2.0)
        };
        if moved {
            self.continued();
        }
        self.draw_row(widths, &header_cells, &header, size, true);
        for (row, laid) in rows.iter().zip(laid) {
            if self.ensure(laid.height) {
                self.continued();
                self.draw_row(widths, &header_cells, &header, size, true);
            }
            self.draw_row(widths, row, &laid, size, false);
        }
        self.y -= 3.0;
    }

    /// On a new page, a table names what it belongs to again: "<heading> (continued)".
    fn continued(&mut self) {
        if let Some(h) = self.last_heading.clone() {
            self.paragraph(
                &format!("{h} (continued)"),
                8.5,
                Weight::Bold,
                rgb(0x55, 0x55, 0x55),
            );
        }
    }

    /// Wraps every cell of a row once; drawing reuses the lines. A cell longer than
    /// [`MAX_CELL_LINES`] (a 30,000-character name) is cut there with an ellipsis and a pointer
    /// to results.json, so no row outgrows a page and no text is drawn off it.
    fn layout_row(&self, widths: &[f32], row: &[Cell], size: f32) -> RowLayout {
        let lines: Vec<Vec<String>> = row
            .iter()
            .zip(widths)
            .map(|(c, w)| {
                let mut lines = self.wrap(&c.text, w - 2.0 * CELL_PAD, size, c.weight);
                if lines.len() > MAX_CELL_LINES {
                    lines.truncate(MAX_CELL_LINES - 1);
                    if let Some(last) = lines.last_mut() {
                        last.push_str("...");
                    }
                    lines.push("(cut; full text in results.json)".into());
                }
                lines
            })
            .collect();
        let count = lines.iter().map(Vec::len).max().unwrap_or(1);
        RowLayout {
            height: count as f32 * line_height(size) + 2.0 * CELL_PAD,
            lines,
        }
    }

    fn draw_row(
        &mut self,
        widths: &[f32],
        row: &[Cell],
        laid: &RowLayout,
        size: f32,
        is_header: bool,
    ) {
        let lh = line_height(size);
        let top = self.y;
        let total: f32 = widths.iter().sum();
        if is_header {
            self.rect(
                MARGIN,
                top - laid.height,
                total,
                laid.height,
                rgb(0xe8, 0xec, 0xf1),
            );
        }
        let mut x = MARGIN;
        for ((cell, w), lines) in row.iter().zip(widths).zip(&laid.lines) {
            let colour = match cell.badge {
                Some(badge) => {
                    let badge_h = lines.len() as f32 * lh + 0.8;
                    self.rect(
                        x + CELL_PAD * 0.5,
                        top - CELL_PAD - badge_h + 0.4,
                        w - CELL_PAD,
                        badge_h,
                        badge,
                    );
                    rgb(0xff, 0xff, 0xff)
                }
                None => rgb(0x1a, 0x1a, 0x1a),
            };
            for (i, line) in lines.iter().enumerate() {
                let baseline = top - CELL_PAD - (i as f32 + 1.0) * lh + lh * 0.22;
                self.text_at(x + CELL_PAD, baseline, line, size, cell.weight, colour);
            }
            x += w;
        }
        self.y = top - laid.height;
        self.hline(MARGIN, MARGIN + total, self.y, rgb(0xc8, 0xcc, 0xd2));
    }

    /// Footers go on last, when the page count is known.
    pub(crate) fn footers_saying(&mut self, what: &str) {
        self.footers_marked(what, None);
    }

    /// Footers with, under them, a marking every page carries (example data) in red.
    pub(crate) fn footers_marked(&mut self, what: &str, mark: Option<&str>) {
        let total = self.pages.len();
        for n in 0..total {
            self.current = n;
            self.hline(MARGIN, PAGE_W - MARGIN, 13.0, rgb(0xc8, 0xcc, 0xd2));
            let text = format!("safeguard · {what} · page {} of {total}", n + 1);
            self.text_at(
                MARGIN,
                9.0,
                &text,
                6.5,
                Weight::Regular,
                rgb(0x55, 0x55, 0x55),
            );
            if let Some(mark) = mark {
                self.text_at(MARGIN, 5.0, mark, 7.0, Weight::Bold, rgb(0xb0, 0x1c, 0x1c));
            }
        }
    }
}

/// Renders the PDF. `results` alone decides the bytes.
pub fn render(
    results: &Results,
    detail: super::view::Detail,
    cover: &super::Cover,
) -> Result<Vec<u8>> {
    let mut w = Writer::new()?;
    let dark = rgb(0x1a, 0x1a, 0x1a);
    let grey = rgb(0x55, 0x55, 0x55);

    // Cover page.
    w.y -= 20.0;
    if results.example {
        w.paragraph(
            super::EXAMPLE_MARK,
            13.0,
            Weight::Bold,
            rgb(0xb0, 0x1c, 0x1c),
        );
    }
    w.paragraph(
        "HIPAA Security Rule evidence report",
        22.0,
        Weight::Bold,
        dark,
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
            "45 CFR Part 164 Subpart C ({sections}): every standard and implementation specification, for the AWS account's identity and audit configuration"
        ),
        10.0,
        Weight::Regular,
        grey,
    );
    w.y -= 6.0;
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
    let by_severity: Vec<String> = super::view::failing_by_severity(results)
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
        dark,
    );
    let categories = super::view::categories(results);
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
            w.paragraph(&line, 9.0, Weight::Regular, dark);
        }
    }
    w.paragraph(
        "Every finding points into snapshot.json (a JSON pointer), the raw evidence kept in this package; manifest.json holds the SHA-256 of every file so that `safeguard verify` can show nothing was altered. Missing evidence is never shown as a pass.",
        8.5,
        Weight::Regular,
        grey,
    );

    // What needs action, the worst failing severity first, with each failing check's next step.
    let attention: Vec<Vec<Cell>> = super::view::need_action(results)
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
            rgb(0x1a, 0x1a, 0x1a),
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
        let steps = super::view::checks(results)
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

    // Control index.
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

    // One section per control, one after another; their findings follow, once per check.
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
        w.paragraph(&c.summary, 8.5, Weight::Regular, dark);
        if let Some(na) = &c.inherited {
            w.paragraph(&format!("Inherited: {na}"), 8.5, Weight::Regular, dark);
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
                dark,
            );
        }
        for a in &c.attestations {
            w.paragraph(
                &attestation_line(a, &results.preparer),
                9.0,
                Weight::Regular,
                dark,
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

    // Each check's findings, printed once.
    w.section_break();
    w.heading("Findings by check", 14.0, true);
    for view in super::view::checks(results) {
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
            grey,
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
                grey,
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

    // Gaps.
    w.section_break();
    w.heading("Evidence gaps", 14.0, true);
    if results.evidence_gaps.is_empty() {
        w.paragraph(
            "None: every expected piece of evidence was gathered and could be relied on.",
            9.0,
            Weight::Regular,
            dark,
        );
    } else {
        w.paragraph("Evidence the assessment needed and could not rely on: missing, stale, incomplete, unreadable, or unrecorded (AWS itself has no record of it). Checks that need it cannot decide their findings, and controls those checks decide are Insufficient evidence, never Pass. Each gap is counted once however many checks it leaves undecided.", 9.0, Weight::Regular, dark);
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

    w.heading("Waivers", 14.0, true);
    if results.waivers.is_empty() {
        w.paragraph("None were handed in.", 9.0, Weight::Regular, dark);
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
                    what.weight = Weight::Bold;
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

    // Methodology: how the verdicts were reached.
    w.heading("Methodology", 14.0, true);
    let checks_run = super::view::checks(results).len();
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
        w.paragraph(&line, 9.0, Weight::Regular, dark);
    }

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
        limits.push(format!("{}.", super::EXAMPLE_MARK));
    }
    for line in limits {
        w.paragraph(&line, 9.0, Weight::Regular, dark);
    }

    // Sign-off.
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
        dark,
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

    w.footers_marked(
        &format!("snapshot sha256 {}", results.snapshot.sha256),
        results.example.then_some(super::EXAMPLE_MARK),
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

/// What the PDF's metadata says, all derived from the content so the bytes are deterministic.
pub(crate) struct DocMeta<'a> {
    pub(crate) title: String,
    /// RFC 3339: the instant the document is dated.
    pub(crate) dated: &'a str,
    pub(crate) version: &'a str,
    pub(crate) author: Option<&'a str>,
    pub(crate) keywords: Vec<String>,
    pub(crate) identifier: &'a str,
    /// Hashed into the document id.
    pub(crate) id_seed: String,
}

/// One attestation as a sentence, evidence references included.
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

pub(crate) fn finish(w: Writer, meta: &DocMeta<'_>) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(&meta.title);
    let dated = chrono::DateTime::parse_from_rfc3339(meta.dated)
        .map(|t| t.timestamp())
        .unwrap_or(0);
    let when = printpdf::OffsetDateTime::from_unix_timestamp(dated)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let info = &mut doc.metadata.info;
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;
    info.creator = format!("safeguard {}", meta.version);
    info.producer = format!("safeguard {} (printpdf)", meta.version);
    info.subject = "HIPAA Security Rule evidence".into();
    if let Some(by) = meta.author {
        info.author = by.to_string();
    }
    if !meta.keywords.is_empty() {
        info.keywords = meta.keywords.clone();
    }
    info.identifier = meta.identifier.to_string();
    for font in [&w.regular, &w.bold] {
        doc.resources
            .fonts
            .map
            .insert(font.id.clone(), PdfFont::new(font.parsed.clone()));
    }
    for (name, image) in &w.images {
        doc.resources.xobjects.map.insert(
            printpdf::XObjectId(name.clone()),
            printpdf::XObject::Image(image.clone()),
        );
    }
    for (i, (name, page)) in w.bookmarks.iter().enumerate() {
        doc.bookmarks.map.insert(
            PageAnnotId(format!("bm{i:05}")),
            PageAnnotation {
                name: name.clone(),
                page: *page,
            },
        );
    }
    let pages = w
        .pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
        .collect();
    doc.with_pages(pages);
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
    // printpdf draws the document id at random; derive it from what the report is about.
    let id = crate::snapshot::sha256_hex(meta.id_seed.as_bytes());
    let id_bytes = id.as_bytes()[..32].to_vec();
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(id_bytes.clone(), lopdf::StringFormat::Literal),
            lopdf::Object::String(id_bytes, lopdf::StringFormat::Literal),
        ]),
    );
    lo.compress();
    let mut out = Vec::new();
    lo.save_to(&mut out)
        .map_err(|e| Error::Internal(format!("writing the PDF: {e}")))?;
    Ok(out)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
