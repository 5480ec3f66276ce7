//! The PDF engine: A4 pages, wrapped text, tables that repeat their header after a page break,
//! bookmarks, footers, embedded fonts, and deterministic bytes. The account report, the trend
//! report and the roll-up are all laid out with it.

use printpdf::{
    FontId, Line, LinePoint, Mm, Op, PageAnnotId, PageAnnotation, PaintMode, ParsedFont,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};

use super::style::{Colour, rgb};
use crate::error::{Error, Result};
use crate::render::fonts::{BOLD_TTF, REGULAR_TTF};

pub(crate) const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
pub(crate) const MARGIN: f32 = 16.0;
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
    /// The same cell in bold (a row that must stand out).
    pub(crate) fn bold(mut self) -> Self {
        self.weight = Weight::Bold;
        self
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
    pub(crate) fn ensure(&mut self, height: f32) -> bool {
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
