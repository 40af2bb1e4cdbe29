//! Draws a view as a grouped bar chart in hand-written SVG: one group per column, one bar
//! per allocator, the value printed above each bar. The axis reaches at most `CLIP` times
//! ours' tallest bar; taller bars are cut there. Its ticks are round numbers (whole ones
//! once the axis reaches 5), at a step of 1, 2 or 5 times a power of ten.
//!
//! ```text
//!         title (unit, higher/lower is better)
//!   unit │ ▇ 25.1
//!        │ █ ▇          ▇
//!        │ █ █ ▆ ▂      █ ▇ ...
//!        └──────────────────────
//!          max 200      max 1000
//!   ■ ours ■ talc ■ rlsf ...          legend
//! ```

use super::figures::{Figures, View};
use super::table::{number, REFERENCE};
use std::fmt::Write;

const BAR: f64 = 22.0;
const GROUP_GAP: f64 = 28.0;
const LEFT: f64 = 80.0;
const TOP: f64 = 60.0;
const PLOT_HEIGHT: f64 = 320.0;
/// Bars taller than this many times ours' tallest are cut at the top of the axis (their
/// label still gives the value), so that one slow allocator does not flatten the others.
const CLIP: f64 = 4.0;
const COLOURS: [&str; 8] = [
    "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#7f7f7f", "#8c564b", "#17becf",
];

/// The SVG document for `view`.
pub fn chart(figures: &Figures, view: &View) -> String {
    let allocators = figures.allocators(view);
    let group_width = allocators.len() as f64 * BAR + GROUP_GAP;
    let width = LEFT + view.columns.len() as f64 * group_width + 20.0;
    let height = TOP + PLOT_HEIGHT + 50.0 + 22.0 * allocators.len().div_ceil(3) as f64;
    let values = |column| {
        allocators
            .iter()
            .map(move |name| figures.get(view, column, name))
    };
    let largest_of = |name: Option<&str>| {
        let columns = view.columns.iter();
        columns
            .flat_map(|column| allocators.iter().map(move |&a| (column, a)))
            .filter(|(_, allocator)| name.is_none_or(|name| name == *allocator))
            .filter_map(|(column, allocator)| figures.get(view, column, allocator))
            .fold(0.0, f64::max)
            / view.scale
    };
    let reference = largest_of(Some(REFERENCE));
    let largest = largest_of(None);
    let shown = if reference > 0.0 {
        largest.min(CLIP * reference)
    } else {
        largest
    };
    let (step, top) = axis(shown * 1.3);
    let y = |value: f64| TOP + PLOT_HEIGHT * (1.0 - value.min(top) / top);
    let better = if view.higher_is_better {
        "higher"
    } else {
        "lower"
    };

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="24" text-anchor="middle" font-size="16" font-weight="bold">{}</text>"#,
        width / 2.0,
        escape(&view.title)
    );
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="42" text-anchor="middle" fill="#555">{} — {better} is better</text>"##,
        width / 2.0,
        escape(view.unit)
    );
    let ticks = (top / step).round() as u32;
    for tick in 0..=ticks {
        let value = step * f64::from(tick);
        let (right, level, label_x) = (width - 20.0, y(value), LEFT - 6.0);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" x2="{right}" y1="{level:.1}" y2="{level:.1}" stroke="#ddd"/><text x="{label_x}" y="{:.1}" text-anchor="end">{}</text>"##,
            level + 4.0,
            tick_label(value, step)
        );
    }
    let middle = TOP + PLOT_HEIGHT / 2.0;
    let _ = writeln!(
        svg,
        r#"<text x="18" y="{middle}" text-anchor="middle" transform="rotate(-90 18 {middle})">{}</text>"#,
        escape(view.unit)
    );
    for (group, column) in view.columns.iter().enumerate() {
        let left = LEFT + group as f64 * group_width + GROUP_GAP / 2.0;
        for (index, value) in values(column).enumerate() {
            let Some(value) = value.map(|value| value / view.scale) else {
                continue;
            };
            let x = left + index as f64 * BAR;
            let _ = writeln!(
                svg,
                r#"<rect x="{x:.1}" y="{:.1}" width="{}" height="{:.1}" fill="{}"/>"#,
                y(value),
                BAR - 3.0,
                TOP + PLOT_HEIGHT - y(value),
                COLOURS[index % COLOURS.len()]
            );
            // Above the bar; inside it (white, reading down from the top) if it was cut.
            let cut = value > top;
            let label_x = x + BAR / 2.0 + 2.0;
            let (label_y, style) = if cut {
                (TOP + 4.0, r#" text-anchor="end" fill="white""#)
            } else {
                (y(value) - 4.0, "")
            };
            let _ = writeln!(
                svg,
                r#"<text x="{label_x:.1}" y="{label_y:.1}" font-size="10"{style} transform="rotate(-90 {label_x:.1} {label_y:.1})">{}</text>"#,
                number(value)
            );
        }
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            left + allocators.len() as f64 * BAR / 2.0,
            TOP + PLOT_HEIGHT + 20.0,
            escape(&column.label)
        );
    }
    let _ = writeln!(
        svg,
        r#"<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{0}" stroke="black"/><line x1="{LEFT}" x2="{1}" y1="{0}" y2="{0}" stroke="black"/>"#,
        TOP + PLOT_HEIGHT,
        width - 20.0
    );
    for (index, name) in allocators.iter().enumerate() {
        let x = LEFT + (index % 3) as f64 * 220.0;
        let y = TOP + PLOT_HEIGHT + 44.0 + (index / 3) as f64 * 22.0;
        let _ = writeln!(
            svg,
            r#"<rect x="{x}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{y}">{name}</text>"#,
            y - 10.0,
            COLOURS[index % COLOURS.len()],
            x + 18.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The value axis for values up to `value`: a round step (1, 2 or 5 times a power of ten)
/// that gives at most five ticks above zero, and the top, the first multiple of the step at
/// or above `value`. Ticks are then whole numbers whenever the axis reaches 5 or more.
fn axis(value: f64) -> (f64, f64) {
    if value <= 0.0 || !value.is_finite() {
        return (0.2, 1.0);
    }
    let rough = value / 5.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|multiple| multiple * power)
        .find(|&step| step >= rough)
        .unwrap_or(10.0 * power);
    (step, (value / step).ceil() * step)
}

/// A tick's label: no decimals for a step of 1 or more, else as many as the step has.
fn tick_label(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    format!("{value:.decimals$}")
}

/// `text` with the characters XML reserves escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
