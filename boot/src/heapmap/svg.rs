//! Drawing one heap map as an SVG: each arena folded into rows (see `rows`), chunks as
//! rectangles along them, used and free in different colours, a thin band under each row
//! that says which pages have memory behind them, a `<title>` on every rectangle (its
//! address and size, shown on hover) and a legend in plain words.
//!
//! ```text
//!   heap map: fragmented                                        title
//!   1381 chunks: 809 used (7.9 MiB), 572 free (28.1 MiB); …      totals
//!   ■ allocated block  ■ the next one  ■ free space  ■ …        legend: chunks
//!   ▬ memory behind the page  ▬ no memory behind the page       legend: pages
//!   arena 0xffffa00000000000..0xffffa00002000000 …              one block per arena
//!    0 B |■■■ ■■■■ ■ ■■■■■■    ■■■■■ ■■ ■■■■■■■■■ ■■ ■■ ■■ |    MAX_ROWS rows at most,
//!        |▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬|    each with its page band;
//!        |■■ ■■■ ■■■■■      ■■■■ ■■■ ■■■ ■ ■■■■ ■■■■■■ ■■■|    every fourth labelled with
//!        |▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬          ▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬▬|    its offset, a whole number
//! ```
//!
//! Used chunks are drawn first and free ones over them, so a free chunk narrower than a
//! pixel still shows (every rectangle is at least 1 px wide). Neighbouring used chunks
//! alternate between two shades of blue so that their boundaries stay visible. A log
//! without `mapped` records (an older kernel) gets no page bands.

use super::format::{Arena, Chunk, HeapMap, PAGE};
use super::rows::Rows;
use std::fmt::Write;

const LEFT: f64 = 96.0;
const ROW_WIDTH: f64 = 1024.0;
const RIGHT: f64 = 16.0;
const ROW_HEIGHT: f64 = 10.0;
const ROW_PITCH: f64 = 13.0;
const HEADER: f64 = 112.0;
/// The page band: where it sits below a row's chunks, and how thick it is.
const BAND_GAP: f64 = 0.5;
const BAND_HEIGHT: f64 = 2.0;
const ARENA_HEADING: f64 = 28.0;
const ARENA_GAP: f64 = 12.0;
/// Colours of used chunks (alternating), free chunks, and arena bytes outside chunks.
const USED: [&str; 2] = ["#2f6fb3", "#6a9fd8"];
const FREE: &str = "#f39c12";
const NO_CHUNK: &str = "#c8c8c8";
/// Colours of the page band: a frame behind the page, or none.
const MAPPED: &str = "#222222";
const UNMAPPED: &str = "#f1a9a0";

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
    let bands = map.arenas.iter().any(|arena| !arena.mapped.is_empty());
    legend(&mut svg, 70.0, bands);
    let mut top = HEADER;
    for arena in &map.arenas {
        top = draw_arena(&mut svg, arena, top, bands);
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
    let mut line = format!(
        "{} chunks: {} used ({}), {} free ({}); largest free chunk {}",
        used.len() + free.len(),
        used.len(),
        human(bytes(&used)),
        free.len(),
        human(bytes(&free)),
        human(largest)
    );
    let pages =
        |arena: &Arena| (arena.acme.next_multiple_of(PAGE) - arena.base / PAGE * PAGE) / PAGE;
    let mapped: u64 = map
        .arenas
        .iter()
        .flat_map(|arena| &arena.mapped)
        .map(|(start, end)| (end - start) / PAGE)
        .sum();
    if map.arenas.iter().any(|arena| !arena.mapped.is_empty()) {
        let all: u64 = map.arenas.iter().map(pages).sum();
        let _ = write!(line, "; {mapped} of {all} pages have memory behind them");
    }
    line
}

/// The legend: what the colours of chunks mean, and, with `bands`, the page bands.
fn legend(svg: &mut String, y: f64, bands: bool) {
    let chunks = [
        (USED[0], "allocated block"),
        (USED[1], "the next allocated block"),
        (FREE, "free space"),
        (NO_CHUNK, "the heap's end marker"),
    ];
    legend_line(svg, y, 12.0, &chunks);
    if bands {
        let pages = [
            (MAPPED, "memory behind the page (mapped)"),
            (
                UNMAPPED,
                "no memory behind the page: never touched, or given back",
            ),
        ];
        legend_line(svg, y + 20.0, 4.0, &pages);
    }
}

/// One line of legend entries, each a swatch `height` px high and its text.
fn legend_line(svg: &mut String, y: f64, height: f64, entries: &[(&str, &str)]) {
    let mut x = 16.0;
    for (colour, text) in entries {
        let _ = writeln!(
            svg,
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"{height}\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{y}\">{text}</text>",
            y - 4.0 - height / 2.0,
            x + 18.0
        );
        x += 36.0 + 7.5 * text.len() as f64;
    }
}

/// Draws `arena` from `top` down, with page bands if `bands`; returns where the next
/// block starts.
fn draw_arena(svg: &mut String, arena: &Arena, top: f64, bands: bool) -> f64 {
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
    if bands {
        draw_bands(svg, arena, &rows, &y);
    }
    for row in (0..rows.count).step_by(4) {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{}</text>",
            LEFT - 6.0,
            y(row) + ROW_HEIGHT - 1.0,
            whole(row * rows.row_bytes)
        );
    }
    first_row + rows.count as f64 * ROW_PITCH + ARENA_GAP
}

/// The page band under every row: no memory behind the arena's pages, then the mapped
/// runs drawn over it (each clipped to the arena).
fn draw_bands(svg: &mut String, arena: &Arena, rows: &Rows, y: &dyn Fn(u64) -> f64) {
    let band = |svg: &mut String, start: u64, end: u64, colour: &str| {
        let (start, end) = (start.max(arena.base), end.min(arena.acme));
        if start >= end {
            return;
        }
        for segment in rows.segments(start - arena.base, end - start) {
            let x = LEFT + segment.start * ROW_WIDTH;
            let width = (segment.width * ROW_WIDTH).max(1.0);
            let _ = writeln!(
                svg,
                "<rect x=\"{x:.2}\" y=\"{}\" width=\"{width:.2}\" height=\"{BAND_HEIGHT}\" fill=\"{colour}\"/>",
                y(segment.row) + ROW_HEIGHT + BAND_GAP
            );
        }
    };
    band(svg, arena.base, arena.acme, UNMAPPED);
    for &(start, end) in &arena.mapped {
        band(svg, start, end, MAPPED);
    }
}

/// An offset as a whole number of the largest unit that divides it: `2 MiB`, `576 KiB`,
/// `24 B`.
fn whole(bytes: u64) -> String {
    match bytes {
        0 => "0 B".to_string(),
        _ if bytes.is_multiple_of(1 << 20) => format!("{} MiB", bytes >> 20),
        _ if bytes.is_multiple_of(1 << 10) => format!("{} KiB", bytes >> 10),
        _ => format!("{bytes} B"),
    }
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
