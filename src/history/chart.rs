//! The trend chart: failing controls and failing findings, one panel each with its own scale,
//! over a time axis (each run at its collection time), drawn with plotters as SVG (text as text) and as PNG (text drawn with the embedded
//! DejaVu Sans). The same history gives the same bytes.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::History;
use crate::error::{Error, Result};

pub(crate) const WIDTH: u32 = 960;
pub(crate) const HEIGHT: u32 = 480;

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
pub(crate) fn rgb(h: &History) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        draw(h, &root)?;
    }
    Ok(buf)
}

pub(crate) fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
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
    // A time axis: each run at its collection time, in days since the first, so that a gap of
    // a month looks like one and two runs a day apart sit close.
    let times: Vec<chrono::DateTime<chrono::Utc>> = h
        .runs
        .iter()
        .filter_map(|r| chrono::DateTime::parse_from_rfc3339(&r.collected_at).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .collect();
    let first = times.first().copied().unwrap_or_default();
    let days: Vec<f64> = times
        .iter()
        .map(|t| (*t - first).num_seconds() as f64 / 86_400.0)
        .collect();
    let span = days.last().copied().unwrap_or(0.0);
    // Room either side of the first and last run (a single run, or runs at one instant, still
    // get an axis a day wide).
    let pad = (span * 0.04).max(0.5);
    let x_range = -pad..span + pad;
    let date_label = move |x: &f64| {
        let t = first + chrono::Duration::seconds((x * 86_400.0).round() as i64);
        t.format("%Y-%m-%d").to_string()
    };
    let title = format!(
        "Account {}: {} run(s), failing controls and failing findings",
        h.account,
        h.runs.len()
    );
    let (head, body) = root.split_vertically(34);
    head.titled(&title, ("sans-serif", 20)).map_err(plot_err)?;
    // One panel per measure, each with its own scale: two quantities never share an axis.
    let (upper, lower) = body.split_vertically((HEIGHT - 34) / 2);
    panel(
        &upper,
        &days,
        &failing_controls,
        x_range.clone(),
        &date_label,
        "Failing controls",
        CONTROLS,
        false,
    )?;
    panel(
        &lower,
        &days,
        &failing_findings,
        x_range,
        &date_label,
        "Failing findings",
        FINDINGS,
        true,
    )?;
    root.present().map_err(plot_err)?;
    Ok(())
}

/// One measure over time: its own y scale from zero, a marker per run while they stay apart,
/// the dates on the x axis (named only on the lower panel).
#[expect(
    clippy::too_many_arguments,
    reason = "one call per panel, each argument a different part of it"
)]
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    days: &[f64],
    values: &[usize],
    x_range: std::ops::Range<f64>,
    date_label: &dyn Fn(&f64) -> String,
    name: &str,
    colour: RGBColor,
    bottom: bool,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let top = (values.iter().copied().max().unwrap_or(0) as f64 * 1.15)
        .max(4.0)
        .ceil();
    let mut chart = ChartBuilder::on(area)
        .margin_left(14)
        .margin_right(24)
        .margin_top(6)
        .margin_bottom(4)
        .x_label_area_size(if bottom { 40 } else { 22 })
        .y_label_area_size(56)
        .build_cartesian_2d(x_range, 0f64..top)
        .map_err(plot_err)?;
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(6)
        .x_label_formatter(date_label)
        .y_labels(5)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .y_desc(name)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .light_line_style(WHITE);
    if bottom {
        mesh.x_desc("Collected (UTC date)");
    }
    mesh.draw().map_err(plot_err)?;
    let points: Vec<(f64, f64)> = days
        .iter()
        .zip(values)
        .map(|(d, v)| (*d, *v as f64))
        .collect();
    chart
        .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
        .map_err(plot_err)?;
    let radius = if points.len() <= 60 { 3 } else { 0 };
    chart
        .draw_series(
            points
                .iter()
                .map(|p| Circle::new(*p, radius, colour.filled())),
        )
        .map_err(plot_err)?;
    Ok(())
}
