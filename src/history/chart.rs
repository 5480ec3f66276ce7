//! The trend chart: failing controls (left axis) and failing findings (right axis), one point
//! per run, drawn with plotters as SVG (text as text) and as PNG (text drawn with the embedded
//! DejaVu Sans). The same history gives the same bytes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::History;
use crate::error::{Error, Result};

pub const WIDTH: u32 = 960;
pub const HEIGHT: u32 = 480;

const CONTROLS: RGBColor = RGBColor(0xb0, 0x1e, 0x1e);
const FINDINGS: RGBColor = RGBColor(0x1f, 0x4e, 0x9a);

/// The chart as an SVG document.
pub fn svg(h: &History) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(h, &root)?;
    }
    Ok(out)
}

/// The chart as RGB pixels (8 bits per channel, rows top first), `WIDTH` × `HEIGHT`.
pub fn rgb(h: &History) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        draw(h, &root)?;
    }
    Ok(buf)
}

/// The chart as a PNG file.
pub fn png(h: &History) -> Result<Vec<u8>> {
    encode_png(&rgb(h)?, WIDTH, HEIGHT)
}

pub fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc
            .write_header()
            .map_err(|e| Error::Internal(format!("PNG header: {e}")))?;
        w.write_image_data(rgb)
            .map_err(|e| Error::Internal(format!("PNG data: {e}")))?;
    }
    Ok(out)
}

/// plotters draws raster text with fonts registered by family name, once per process.
fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The embedded font parses (the PDF writer loads the same bytes); if it ever did
        // not, drawing the text would fail with a clear error below.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            crate::render::fonts::REGULAR_TTF,
        );
    });
}

fn plot_err(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("drawing the trend chart: {e}"))
}

fn draw<DB: DrawingBackend>(h: &History, root: &DrawingArea<DB, Shift>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    // Both backends measure text with the registered font to lay the chart out.
    register_font();
    root.fill(&WHITE).map_err(plot_err)?;
    let n = h.runs.len();
    let failing_controls: Vec<usize> = h
        .runs
        .iter()
        .map(|r| {
            r.controls
                .get(&crate::results::ControlStatus::Fail)
                .copied()
                .unwrap_or(0)
        })
        .collect();
    let failing_findings: Vec<usize> = h.runs.iter().map(|r| r.failing_findings).collect();
    let top = |v: &[usize]| {
        (v.iter().copied().max().unwrap_or(0) as f64 * 1.15)
            .max(4.0)
            .ceil()
    };
    let x_max = (n.max(2) - 1) as f64;
    let dates: Vec<String> = h
        .runs
        .iter()
        .map(|r| {
            r.collected_at
                .get(..10)
                .unwrap_or(&r.collected_at)
                .to_string()
        })
        .collect();
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "Account {}: failing controls and findings per run",
                h.account
            ),
            ("sans-serif", 20),
        )
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .right_y_label_area_size(64)
        .build_cartesian_2d(-0.3f64..x_max + 0.3, 0f64..top(&failing_controls))
        .map_err(plot_err)?
        .set_secondary_coord(-0.3f64..x_max + 0.3, 0f64..top(&failing_findings));
    let label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        dates.get(i as usize).cloned().unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_labels(n.clamp(2, 8))
        .x_label_formatter(&label)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_desc("Collected (UTC date)")
        .y_desc("Failing controls")
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .light_line_style(WHITE)
        .draw()
        .map_err(plot_err)?;
    chart
        .configure_secondary_axes()
        .y_desc("Failing findings")
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .draw()
        .map_err(plot_err)?;
    let controls: Vec<(f64, f64)> = failing_controls
        .iter()
        .enumerate()
        .map(|(i, v)| (i as f64, *v as f64))
        .collect();
    let findings: Vec<(f64, f64)> = failing_findings
        .iter()
        .enumerate()
        .map(|(i, v)| (i as f64, *v as f64))
        .collect();
    chart
        .draw_series(LineSeries::new(controls.clone(), CONTROLS.stroke_width(2)))
        .map_err(plot_err)?
        .label("Failing controls (left)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], CONTROLS.stroke_width(2)));
    // A marker per run while they stay apart; past that the lines carry it.
    let radius = if n <= 60 { 3 } else { 0 };
    chart
        .draw_series(
            controls
                .iter()
                .map(|p| Circle::new(*p, radius, CONTROLS.filled())),
        )
        .map_err(plot_err)?;
    chart
        .draw_secondary_series(LineSeries::new(findings.clone(), FINDINGS.stroke_width(2)))
        .map_err(plot_err)?
        .label("Failing findings (right)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], FINDINGS.stroke_width(2)));
    chart
        .draw_secondary_series(
            findings
                .iter()
                .map(|p| Circle::new(*p, radius, FINDINGS.filled())),
        )
        .map_err(plot_err)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(plot_err)?;
    root.present().map_err(plot_err)?;
    Ok(())
}
