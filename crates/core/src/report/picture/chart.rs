//! An indicator's small chart: the baseline, then each measurement, as bars, and the target as a
//! dashed line across them.

use std::fmt::Write;

use serde::Serialize;

use super::{escape, n, FONT_FAMILY};
use crate::report::french;

/// What an indicator's chart shows.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ChartInput {
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// `(YYYY-MM-DD, value)` in date order.
    pub measurements: Vec<(String, f64)>,
}

/// At most this many bars: the latest measurements are kept.
const MAX_MEASUREMENTS: usize = 8;
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 250.0;
const LEFT: f64 = 20.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 200.0;

/// The chart as SVG.
pub fn chart_svg(input: &ChartInput) -> String {
    let mut bars: Vec<(String, f64, &str)> = Vec::new();
    if let Some(b) = input.baseline.filter(|b| b.is_finite()) {
        bars.push(("Référence".into(), b, "#95a5a6"));
    }
    let skip = input.measurements.len().saturating_sub(MAX_MEASUREMENTS);
    let shown: Vec<&(String, f64)> = input.measurements.iter().skip(skip).filter(|(_, v)| v.is_finite()).collect();
    // Many bars: the year on two digits, so that the dates below them stay apart.
    let crowded = shown.len() > 4;
    for (date, value) in shown {
        let label = french::short_date(date);
        let label = if crowded && label.len() == 10 { format!("{}{}", &label[..6], &label[8..]) } else { label };
        bars.push((label, *value, "#1f5fa8"));
    }
    let target = input.target.filter(|t| t.is_finite());
    let values = bars.iter().map(|b| b.1).chain(target);
    let (mut lo, mut hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if (hi - lo).abs() < f64::EPSILON {
        hi = lo + 1.0;
    }
    hi += (hi - lo) * 0.12;
    if lo < 0.0 {
        lo -= (hi - lo) * 0.05;
    }
    let y = |v: f64| BOTTOM - (v - lo) / (hi - lo) * (BOTTOM - TOP);
    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}"><rect width="100%" height="100%" fill="#ffffff"/>"##,
        w = n(WIDTH),
        h = n(HEIGHT)
    );
    let _ = write!(
        svg,
        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#5d6d7e" stroke-width="1"/>"##,
        n(LEFT),
        n(y(0.0)),
        n(WIDTH - 20.0),
        n(y(0.0))
    );
    if bars.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="15" fill="#5d6d7e" text-anchor="middle">Ni référence ni mesure</text>"##,
            n(WIDTH / 2.0),
            n(HEIGHT / 2.0)
        );
    }
    let slot = (WIDTH - LEFT - 150.0) / bars.len().max(1) as f64;
    let bar_width = (slot * 0.6).min(60.0);
    for (i, (label, value, colour)) in bars.iter().enumerate() {
        let cx = LEFT + slot * (i as f64 + 0.5);
        let (top, bottom) = if *value >= 0.0 { (y(*value), y(0.0)) } else { (y(0.0), y(*value)) };
        let _ = write!(
            svg,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{colour}"/><text x="{}" y="{}" font-size="13" font-weight="600" fill="#1b2733" text-anchor="middle">{}</text><text x="{}" y="{}" font-size="12" fill="#5d6d7e" text-anchor="middle">{}</text>"##,
            n(cx - bar_width / 2.0),
            n(top),
            n(bar_width),
            n((bottom - top).max(0.5)),
            n(cx),
            n(top - 6.0),
            escape(&french::number(*value)),
            n(cx),
            n(BOTTOM + 20.0),
            escape(label)
        );
    }
    if let Some(t) = target {
        let _ = write!(
            svg,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c0392b" stroke-width="2" stroke-dasharray="8 5"/><text x="{}" y="{}" font-size="13" font-weight="600" fill="#c0392b">Cible : {}</text>"##,
            n(LEFT),
            n(y(t)),
            n(WIDTH - 140.0),
            n(y(t)),
            n(WIDTH - 132.0),
            n(y(t) + 5.0),
            escape(&french::number(t))
        );
    }
    if !input.unit.trim().is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="12" fill="#5d6d7e">Unité : {}</text>"##,
            n(LEFT),
            n(HEIGHT - 8.0),
            escape(&super::shorten(input.unit.trim(), 60))
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_shows_the_baseline_each_measurement_and_the_target() {
        let svg = chart_svg(&ChartInput {
            unit: "familles".into(),
            baseline: Some(12.0),
            target: Some(30.5),
            measurements: vec![("2026-03-01".into(), 18.0), ("2026-06-01".into(), 24.5)],
        });
        assert!(svg.contains("Référence"));
        assert!(svg.contains("01/06/2026"));
        assert!(svg.contains("24,5"), "decimal comma");
        assert!(svg.contains("Cible\u{a0}: 30,5"), "French colon");
        assert!(super::super::render_png(&svg, 1.0).is_ok());
    }

    #[test]
    fn a_chart_without_values_says_so() {
        let svg = chart_svg(&ChartInput::default());
        assert!(svg.contains("Ni référence ni mesure"));
        assert!(super::super::render_png(&svg, 1.0).is_ok());
    }
}
