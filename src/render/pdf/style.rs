//! The report's colours and status labels: each status reads the same in every PDF, with a
//! symbol so that it reads without colour too.

use printpdf::{Color, Rgb};

/// An sRGB colour; converted to printpdf's (non-Copy) type only when drawn.
#[derive(Clone, Copy)]
pub(crate) struct Colour(u8, u8, u8);

/// Body text.
pub(crate) const DARK: Colour = Colour(0x1a, 0x1a, 0x1a);
/// Secondary text.
pub(crate) const GREY: Colour = Colour(0x55, 0x55, 0x55);
/// The example marking.
pub(crate) const MARK: Colour = Colour(0xb0, 0x1c, 0x1c);

impl Colour {
    pub(super) fn pdf(self) -> Color {
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
pub(super) fn status_label_plain(status: &str) -> &'static str {
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
