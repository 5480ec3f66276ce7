//! The typeface of every document safeguard draws (the PDF reports, the trend chart): DejaVu
//! Sans, subset to the characters the reports use, embedded so no system font is needed.

pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-subset.ttf");
#[cfg(feature = "pdf")]
pub(crate) const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold-subset.ttf");
