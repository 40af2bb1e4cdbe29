//! The renderer: one titled rectangle per chunk segment, free drawn over used, a legend.

use super::*;
use crate::heapmap::format::parse;

const MAP: &str = "\
heapmap begin fragmented
heapmap arena 0x1000 0x1100
heapmap chunk 0x1000 24 used
heapmap chunk 0x1018 24 used
heapmap chunk 0x1030 160 free
heapmap chunk 0x10d0 24 used
heapmap end
";

fn rendered() -> String {
    render(&parse(MAP).unwrap()[0])
}

#[test]
fn every_chunk_has_titled_rectangles_at_least_a_pixel_wide() {
    let svg = rendered();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("<title>used chunk at 0x1000: 24 bytes (24 B)</title>"));
    assert!(svg.contains("<title>free chunk at 0x1030: 160 bytes (160 B)</title>"));
    // 256 bytes in rows of 8: the 160-byte free chunk covers 20 rows.
    assert_eq!(svg.matches("<title>free chunk").count(), 20);
    let row_rects = svg.lines().filter(|line| line.contains("height=\"10\""));
    for rect in row_rects {
        let width = rect
            .split(" width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(width.parse::<f64>().unwrap() >= 1.0, "{rect}");
    }
}

#[test]
fn free_chunks_are_drawn_over_used_ones_and_used_neighbours_alternate() {
    let svg = rendered();
    let last_used = svg.rfind("used chunk at").unwrap();
    let first_free = svg.find("free chunk at").unwrap();
    assert!(
        first_free > last_used,
        "a used chunk is drawn over a free one"
    );
    assert!(svg.contains(&format!("fill=\"{}\"><title>used chunk at 0x1000", USED[0])));
    assert!(svg.contains(&format!("fill=\"{}\"><title>used chunk at 0x1018", USED[1])));
}

#[test]
fn the_header_gives_the_totals_and_the_legend() {
    let svg = rendered();
    assert!(svg.contains("heap map: fragmented"));
    assert!(svg.contains("4 chunks: 3 used (72 B), 1 free (160 B); largest free chunk 160 B"));
    for entry in ["used chunk", "free chunk", "no chunk (end record)"] {
        assert!(
            svg.contains(&format!(">{entry}</text>")),
            "legend lacks {entry}"
        );
    }
    assert!(svg.contains("arena 0x1000..0x1100 (256 B): 32 rows of 8 B"));
    assert!(
        svg.contains(">+0x0</text>") && svg.contains(">+0x20</text>"),
        "row offsets"
    );
}

#[test]
fn sizes_read_in_the_largest_whole_unit() {
    assert_eq!(human(1023), "1023 B");
    assert_eq!(human(4096), "4 KiB");
    assert_eq!(human(1536), "1.5 KiB");
    assert_eq!(human(36 << 20), "36 MiB");
    assert_eq!(human(18_827_656), "18 MiB");
}
