//! Drawing one heap map as an SVG: each arena folded into rows (see `rows`), chunks as
//! rectangles along them, used and free in different colours, a `<title>` on every
//! rectangle (its address and size, shown on hover) and a legend.
//!
//! ```text
//!   heap map: fragmented                                        title
//!   1381 chunks: 809 used (7.9 MiB), 572 free (28.1 MiB); …      totals
//!   ■ used  ■ used (next)  ■ free  ■ no chunk (end record)      legend
//!   arena 0xffffa00000000000..0xffffa00002400000 …              one block per arena
//!     +0x0 |■■■ ■■■■ ■ ■■■■■■    ■■■■■ ■■ ■■■■■■■■■ ■■ ■■ ■■ |  MAX_ROWS rows at most,
//!          |■■ ■■■ ■■■■■      ■■■■ ■■■ ■■■ ■ ■■■■ ■■■■■■ ■■■|  every fourth labelled with
//!          |■■■■■■■■■■■■■■■■■■■■■■■■ ■■■■■    ■■■■■ ■ ■ ■■■■■|  its offset in the arena
//! ```
//!
//! Used chunks are drawn first and free ones over them, so a free chunk narrower than a
//! pixel still shows (every rectangle is at least 1 px wide). Neighbouring used chunks
//! alternate between two shades of blue so that their boundaries stay visible.

use super::format::{Arena, Chunk, HeapMap};
use super::rows::Rows;
use std::fmt::Write;

const LEFT: f64 = 96.0;
const ROW_WIDTH: f64 = 1024.0;
const RIGHT: f64 = 16.0;
const ROW_HEIGHT: f64 = 10.0;
const ROW_PITCH: f64 = 13.0;
const HEADER: f64 = 96.0;
const ARENA_HEADING: f64 = 28.0;
const ARENA_GAP: f64 = 12.0;
/// Colours of used chunks (alternating), free chunks, and arena bytes outside chunks.
const USED: [&str; 2] = ["#2f6fb3", "#6a9fd8"];
const FREE: &str = "#f39c12";
const NO_CHUNK: &str = "#c8c8c8";

/// The SVG document for `map`.
pub fn render(map: &HeapMap) -> String {
    let height = HEADER
        + map
            .arenas
            .iter()
            .map(|arena| ARENA_HEADING + Rows::of(arena).count as f64 * ROW_PITCH + ARENA_GAP)
            .sum::<f64>();
    let width = LEFT + ROW_WIDTH + RIGHT;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"monospace\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"16\" y=\"24\" font-size=\"16\" font-weight=\"bold\">heap map: {}</text>\n\
         <text x=\"16\" y=\"46\">{}</text>\n",
        map.label,
        totals(map)
    );
    legend(&mut svg, 70.0);
    let mut top = HEADER;
    for arena in &map.arenas {
        top = draw_arena(&mut svg, arena, top);
    }
    svg.push_str("</svg>\n");
    svg
}

/// One line of totals: chunk counts, bytes used and free, the largest free chunk.
fn totals(map: &HeapMap) -> String {
    let (used, free): (Vec<&Chunk>, Vec<&Chunk>) = map
        .arenas
        .iter()
        .flat_map(|arena| &arena.chunks)
        .partition(|chunk| chunk.used);
    let bytes = |list: &[&Chunk]| list.iter().map(|c| c.size).sum::<u64>();
    let largest = free.iter().map(|c| c.size).max().unwrap_or(0);
    format!(
        "{} chunks: {} used ({}), {} free ({}); largest free chunk {}",
        used.len() + free.len(),
        used.len(),
        human(bytes(&used)),
        free.len(),
        human(bytes(&free)),
        human(largest)
    )
}

fn legend(svg: &mut String, y: f64) {
    let entries = [
        (USED[0], "used chunk"),
        (USED[1], "used chunk (next one)"),
        (FREE, "free chunk"),
        (NO_CHUNK, "no chunk (end record)"),
    ];
    let mut x = 16.0;
    for (colour, text) in entries {
        let _ = writeln!(
            svg,
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{y}\">{text}</text>",
            y - 10.0,
            x + 18.0
        );
        x += 36.0 + 8.0 * text.len() as f64;
    }
}

/// Draws `arena` from `top` down; returns where the next block starts.
fn draw_arena(svg: &mut String, arena: &Arena, top: f64) -> f64 {
    let rows = Rows::of(arena);
    let size = arena.acme - arena.base;
    let _ = writeln!(
        svg,
        "<text x=\"16\" y=\"{}\">arena {:#x}..{:#x} ({}): {} rows of {}, 1 px = {}</text>",
        top + 16.0,
        arena.base,
        arena.acme,
        human(size),
        rows.count,
        human(rows.row_bytes),
        human((rows.row_bytes as f64 / ROW_WIDTH).ceil() as u64)
    );
    let first_row = top + ARENA_HEADING;
    let y = |row: u64| first_row + row as f64 * ROW_PITCH;
    for segment in rows.segments(0, size) {
        rect(
            svg,
            segment.start,
            segment.width,
            y(segment.row),
            NO_CHUNK,
            "",
        );
    }
    for pass_used in [true, false] {
        for (index, chunk) in arena.chunks.iter().enumerate() {
            if chunk.used != pass_used {
                continue;
            }
            let (colour, state) = if chunk.used {
                (USED[index % 2], "used")
            } else {
                (FREE, "free")
            };
            let title = format!(
                "{state} chunk at {:#x}: {} bytes ({})",
                chunk.base,
                chunk.size,
                human(chunk.size)
            );
            for segment in rows.chunk_segments(arena, chunk) {
                rect(
                    svg,
                    segment.start,
                    segment.width,
                    y(segment.row),
                    colour,
                    &title,
                );
            }
        }
    }
    for row in (0..rows.count).step_by(4) {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">+{:#x}</text>",
            LEFT - 6.0,
            y(row) + ROW_HEIGHT - 1.0,
            row * rows.row_bytes
        );
    }
    first_row + rows.count as f64 * ROW_PITCH + ARENA_GAP
}

/// A rectangle at a fraction of a row, at least 1 px wide, with an optional hover title.
fn rect(svg: &mut String, start: f64, width: f64, y: f64, colour: &str, title: &str) {
    let x = LEFT + start * ROW_WIDTH;
    let width = (width * ROW_WIDTH).max(1.0);
    let _ = write!(
        svg,
        "<rect x=\"{x:.2}\" y=\"{y}\" width=\"{width:.2}\" height=\"{ROW_HEIGHT}\" fill=\"{colour}\""
    );
    if title.is_empty() {
        svg.push_str("/>\n");
    } else {
        let _ = writeln!(svg, "><title>{title}</title></rect>");
    }
}

/// `bytes` in B, KiB or MiB, with at most one decimal.
fn human(bytes: u64) -> String {
    let (value, unit) = match bytes {
        0..1024 => return format!("{bytes} B"),
        1024..1_048_576 => (bytes as f64 / 1024.0, "KiB"),
        _ => (bytes as f64 / 1_048_576.0, "MiB"),
    };
    let text = format!("{value:.1}");
    format!("{} {unit}", text.trim_end_matches(".0"))
}

#[cfg(test)]
mod tests;
