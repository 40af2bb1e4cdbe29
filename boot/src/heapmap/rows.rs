//! Folding an arena's address range into rows, so that a 36 MiB arena with thousands of
//! chunks still fits on a page: at most [`MAX_ROWS`] rows, each one slice of the arena.
//!
//! ```text
//!   arena  base                                                          acme
//!          |chunk|  chunk  |ch|        big free chunk         |c| ... |rec|
//!
//!   row 0  |chunk|  chunk  |ch|        big f|                   one row = row_bytes
//!   row 1  |ree chunk                       |                   a chunk crossing a row
//!   row 2  |   |c| ... |rec|                                    end is split in segments
//! ```
//!
//! A row covers a whole number of pages (of words for arenas under 64 pages), so its
//! offset labels stay round. Positions are fractions of a row, turned into pixels by `svg`.

use super::format::{Arena, Chunk};

/// Most rows an arena is folded into.
pub const MAX_ROWS: u64 = 64;
const PAGE: u64 = 4096;
const WORD: u64 = 8;

/// How an arena is folded: the bytes one row covers and how many rows there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rows {
    /// Bytes per row.
    pub row_bytes: u64,
    /// Number of rows (the last may be partly past the arena's end).
    pub count: u64,
}

/// The part of one chunk that lies in one row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// The row.
    pub row: u64,
    /// Where the segment starts, as a fraction of the row (0.0 ..= 1.0).
    pub start: f64,
    /// How much of the row it covers, as a fraction.
    pub width: f64,
}

impl Rows {
    /// The folding of `arena`.
    pub fn of(arena: &Arena) -> Self {
        let size = arena.acme - arena.base;
        let grain = if size >= MAX_ROWS * PAGE { PAGE } else { WORD };
        let row_bytes = size.div_ceil(MAX_ROWS).next_multiple_of(grain);
        Self {
            row_bytes,
            count: size.div_ceil(row_bytes),
        }
    }

    /// The pieces of `[start, start + len)` (offsets from the arena base), row by row.
    pub fn segments(&self, start: u64, len: u64) -> Vec<Segment> {
        let mut segments = Vec::new();
        let (mut at, end) = (start, start + len);
        while at < end {
            let row = at / self.row_bytes;
            let row_end = ((row + 1) * self.row_bytes).min(end);
            segments.push(Segment {
                row,
                start: self.fraction(at - row * self.row_bytes),
                width: self.fraction(row_end - at),
            });
            at = row_end;
        }
        segments
    }

    /// The segments of `chunk` in `arena`.
    pub fn chunk_segments(&self, arena: &Arena, chunk: &Chunk) -> Vec<Segment> {
        self.segments(chunk.base - arena.base, chunk.size)
    }

    fn fraction(&self, bytes: u64) -> f64 {
        bytes as f64 / self.row_bytes as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arena(size: u64) -> Arena {
        Arena {
            base: 0xffff_a000_0000_0000,
            acme: 0xffff_a000_0000_0000 + size,
            chunks: Vec::new(),
            mapped: Vec::new(),
        }
    }

    #[test]
    fn a_large_arena_gets_64_rows_of_whole_pages() {
        let rows = Rows::of(&arena(36 << 20));
        assert_eq!(
            rows,
            Rows {
                row_bytes: 576 << 10,
                count: 64
            }
        );
        let rows = Rows::of(&arena(1156 << 10));
        assert_eq!(
            rows,
            Rows {
                row_bytes: 20 << 10,
                count: 58
            }
        );
    }

    #[test]
    fn a_small_arena_gets_rows_of_whole_words() {
        assert_eq!(
            Rows::of(&arena(4096)),
            Rows {
                row_bytes: 64,
                count: 64
            }
        );
        assert_eq!(
            Rows::of(&arena(48)),
            Rows {
                row_bytes: 8,
                count: 6
            }
        );
    }

    #[test]
    fn a_chunk_crossing_rows_is_split_where_the_rows_end() {
        let rows = Rows {
            row_bytes: 100,
            count: 4,
        };
        let segments = rows.segments(50, 200);
        let pieces: Vec<(u64, f64, f64)> =
            segments.iter().map(|s| (s.row, s.start, s.width)).collect();
        assert_eq!(pieces, [(0, 0.5, 0.5), (1, 0.0, 1.0), (2, 0.0, 0.5)]);
        assert_eq!(rows.segments(100, 100).len(), 1, "a chunk filling one row");
    }
}
