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

const MAPPED_LOG: &str = "\
heapmap begin grown
heapmap arena 0x10000 0x14000
heapmap chunk 0x10000 8192 used
heapmap chunk 0x12000 8168 free
heapmap mapped 0x10000 0x12000
heapmap mapped 0x13000 0x14000
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
    for entry in ["allocated block", "free space", "the heap's end marker"] {
        assert!(
            svg.contains(&format!(">{entry}</text>")),
            "legend lacks {entry}"
        );
    }
    assert!(svg.contains("arena 0x1000..0x1100 (256 B): 32 rows of 8 B"));
    assert!(
        svg.contains(">0 B</text>") && svg.contains(">32 B</text>"),
        "row offsets"
    );
    assert!(
        !svg.contains("memory behind"),
        "no page bands without mapped records"
    );
}

#[test]
fn page_bands_show_which_pages_have_memory_behind_them() {
    let svg = render(&parse(MAPPED_LOG).unwrap()[0]);
    assert!(
        svg.contains("; 3 of 4 pages have memory behind them"),
        "{svg}"
    );
    assert!(svg.contains(">memory behind the page (mapped)</text>"));
    let bands = |colour: &str| {
        svg.lines()
            .filter(|line| line.contains("height=\"2\"") && line.contains(colour))
            .count()
    };
    // 16 KiB in rows of 256 B: the unmapped band covers all 64 rows, the mapped runs 48.
    assert_eq!((bands(UNMAPPED), bands(MAPPED)), (64, 48));
}

#[test]
fn row_offsets_are_whole_numbers() {
    assert_eq!(whole(0), "0 B");
    assert_eq!(whole(576 << 10), "576 KiB");
    assert_eq!(whole(2 << 20), "2 MiB");
    assert_eq!(whole(1536), "1536 B");
}

#[test]
fn sizes_read_in_the_largest_whole_unit() {
    assert_eq!(human(1023), "1023 B");
    assert_eq!(human(4096), "4 KiB");
    assert_eq!(human(1536), "1.5 KiB");
    assert_eq!(human(36 << 20), "36 MiB");
    assert_eq!(human(18_827_656), "18 MiB");
}
