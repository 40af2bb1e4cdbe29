//! Size classes: which bin a free chunk of a given size belongs to.
//!
//! Sizes are counted in granules (`g = size / GRANULE`, 16 bytes on x86_64, at least 2).
//! Small chunks get one bin per granule; from 32 granules (512 bytes) up, every power of two
//! is split into four equal bins:
//!
//! ```text
//!   granules  2   3   4  …  31 | 32‥39 40‥47 48‥55 56‥63 | 64‥79 80‥95 … | …
//!   bin       0   1   2  …  29 |  30    31    32    33   |  34    35   … | … 249
//!
//!   g < 32:   bin = g - 2
//!   g >= 32:  k = log2(g), quarter = (g >> (k - 2)) & 3, bin = 30 + 4 (k - 5) + quarter
//! ```
//!
//! Every chunk in bin `b` is at least `bin_floor(b)`. Rounding `n` bytes up to the next bin
//! floor gives `first_fitting_bin(n)`: every chunk from that bin on fits, so the first
//! non-empty bin at or above it (one bitmap search) always holds a chunk that fits. Up to
//! `EXACT_BYTES` that is `n`'s own bin (`exact_bin`); above, `allocate` first looks at the
//! first chunk of `n`'s own bin (`split_bin_of`), which may fit too (`alloc.rs`).

use crate::tags::layout::chunk::GRANULE;
use core::hint::select_unpredictable;

/// Chunks below this many granules each have a bin of their own.
const EXACT_GRANULES: usize = 32;
/// The smallest chunk, in granules (`MIN_CHUNK`).
const MIN_GRANULES: usize = 2;
/// Number of one-granule bins (sizes 2 to 31 granules).
const EXACT_BINS: usize = EXACT_GRANULES - MIN_GRANULES;
/// Chunks below this many bytes have an exact bin.
pub(crate) const EXACT_BYTES: usize = EXACT_GRANULES * GRANULE;
/// `log2(EXACT_GRANULES)`: the first power of two that is split into quarters.
const FIRST_SPLIT_LOG: u32 = EXACT_GRANULES.trailing_zeros();
/// Largest `log2` of a size in granules that a `usize` byte count can reach.
const LAST_LOG: u32 = usize::BITS - 1 - GRANULE.trailing_zeros();

/// Number of bins: enough for every chunk size a `usize` can express.
pub(crate) const BIN_COUNT: usize = EXACT_BINS + 4 * (LAST_LOG - FIRST_SPLIT_LOG + 1) as usize;

/// Number of bin slots: one per value of a `u8`, and one per bit of the bitmap. Bin numbers
/// are `u8`s, so indexing an array of `BIN_SLOTS` needs no bounds check; the slots from
/// `BIN_COUNT` up stay empty.
pub(crate) const BIN_SLOTS: usize = 1 << u8::BITS;
const _: () = assert!(
    BIN_COUNT < BIN_SLOTS,
    "every bin, and BIN_COUNT itself, is a u8"
);

/// What `split_bin` subtracts so that it needs one shift and one add (see there).
const SPLIT_BIAS: usize =
    4 * (FIRST_SPLIT_LOG + GRANULE.trailing_zeros()) as usize + 4 - EXACT_BINS;

/// The bin that holds a free chunk of `size` bytes (`size >= MIN_CHUNK`, a multiple of
/// GRANULE).
#[inline(always)]
pub(crate) fn bin_of(size: usize) -> u8 {
    // Both candidates are computed and one is picked without a branch: mixed request sizes
    // fall on either side of `EXACT_BYTES` at random, so a branch here would often be
    // mispredicted. `split_bin` is cheap and harmless for small sizes.
    let bin = select_unpredictable(
        size < EXACT_BYTES,
        size / GRANULE - MIN_GRANULES,
        split_bin(size),
    );
    // Lossless: every bin number is below `BIN_COUNT`, which is below 256.
    bin as u8
}

/// The bin of a chunk of `size` bytes, `MIN_CHUNK <= size <= EXACT_BYTES` (a multiple of
/// GRANULE): the exact bins, and the first split bin for `EXACT_BYTES` itself, whose
/// smallest chunk it is. Every chunk in or above that bin holds `size` bytes.
#[inline(always)]
pub(crate) fn exact_bin(size: usize) -> u8 {
    debug_assert!(size <= EXACT_BYTES, "{size} B has no exact bin");
    // Lossless: at most `EXACT_BYTES / GRANULE - MIN_GRANULES`, 30.
    (size / GRANULE - MIN_GRANULES) as u8
}

/// The bin of a chunk of `size >= EXACT_BYTES` bytes (a multiple of GRANULE): `bin_of`
/// without the exact case, for callers that have told the sizes apart already.
#[inline(always)]
pub(crate) fn split_bin_of(size: usize) -> u8 {
    debug_assert!(size >= EXACT_BYTES, "{size} B lies in an exact bin");
    // Lossless: every bin number is below `BIN_COUNT`, which is below 256.
    split_bin(size) as u8
}

/// The first bin whose every chunk is at least `size` bytes (`size >= MIN_CHUNK`, a
/// multiple of GRANULE; may be `BIN_COUNT` for sizes no chunk can have).
///
/// Above the exact bins this is the bin of `size - GRANULE`, plus one: if `size` is the
/// smallest size of its bin, `size - GRANULE` lies in the bin below and the next bin is that
/// of `size`; otherwise `size - GRANULE` shares the bin of `size` (which may hold smaller
/// chunks) and the next bin holds only larger ones.
#[inline(always)]
pub(crate) fn first_fitting_bin(size: usize) -> u8 {
    let bin = select_unpredictable(
        size <= EXACT_BYTES,
        size / GRANULE - MIN_GRANULES,
        split_bin(size - GRANULE) + 1,
    );
    // Lossless: at most `BIN_COUNT`, which is below 256.
    bin as u8
}

/// The bin of a chunk of `size >= EXACT_BYTES` bytes; for smaller sizes (at least one
/// granule), a meaningless value (the callers compute it anyway, to pick without a branch).
///
/// Written on bytes, `log = log2(size)`, the top three bits of `size` are
/// `top = size >> (log - 2)`, that is `4 + quarter`, and the bin is
///
/// ```text
///   EXACT_BINS + 4 (log - log2(GRANULE) - FIRST_SPLIT_LOG) + top - 4  =  4 log + top - SPLIT_BIAS
/// ```
///
/// which compiles to one bit scan, one shift and one `lea`. For the small sizes whose value
/// is thrown away the subtraction may wrap (with fewer exact bins it does), which is harmless.
#[inline(always)]
fn split_bin(size: usize) -> usize {
    // `| 1` changes no log of a multiple of GRANULE, and tells the compiler that the argument
    // is not zero, so `ilog2` needs no zero check.
    let log = (size | 1).ilog2();
    let top = size >> (log - 2);
    (4 * log as usize + top).wrapping_sub(SPLIT_BIAS)
}

/// Whether a chunk of `size` bytes that grows to `grown` (> `size`) bytes stays in its bin.
/// An exact bin holds one size; above them, a bin holds the sizes that share their top three
/// bits (see the module header): those that agree with `grown` above its lowest
/// `log2(grown) - 2` bits.
#[inline(always)]
pub(crate) fn stays_in_bin(size: usize, grown: usize) -> bool {
    debug_assert!(MIN_GRANULES * GRANULE <= size && size < grown);
    let low_bits = grown.ilog2() - 2;
    (size >= EXACT_BYTES) & (size >> low_bits == grown >> low_bits)
}

/// The smallest chunk size, in bytes, that bin `bin` holds (`bin < BIN_COUNT`).
pub(crate) fn bin_floor(bin: usize) -> usize {
    if bin < EXACT_BINS {
        (bin + MIN_GRANULES) * GRANULE
    } else {
        let log = (bin - EXACT_BINS) / 4 + FIRST_SPLIT_LOG as usize;
        let quarter = (bin - EXACT_BINS) % 4;
        ((4 + quarter) << (log - 2)) * GRANULE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_partition_sizes_in_order() {
        let mut previous = 0;
        let last = if cfg!(miri) { 5_000 } else { 100_000 };
        for granules in MIN_GRANULES..last {
            let size = granules * GRANULE;
            let bin = usize::from(bin_of(size));
            assert!(
                bin == previous || bin == previous + 1,
                "{size} B: bin {bin}"
            );
            assert!(bin_floor(bin) <= size);
            assert!(size < bin_floor(bin + 1), "{size} B: bin {bin}");
            let fitting = usize::from(first_fitting_bin(size));
            assert!(fitting >= bin);
            assert!(bin_floor(fitting) >= size);
            assert!(
                fitting == bin || bin_floor(fitting - 1) < size,
                "{size} B: bin {fitting} is not the first"
            );
            previous = bin;
        }
        assert_eq!(
            usize::from(bin_of(usize::MAX & !(GRANULE - 1))),
            BIN_COUNT - 1
        );
    }

    #[test]
    fn a_chunk_stays_in_its_bin_while_its_bin_holds_its_grown_size() {
        let last = if cfg!(miri) { 80 } else { 3_000 };
        for granules in MIN_GRANULES..last {
            let size = granules * GRANULE;
            for grown in (size + GRANULE..last * GRANULE).step_by(GRANULE) {
                assert_eq!(
                    stays_in_bin(size, grown),
                    bin_of(size) == bin_of(grown),
                    "{size} B grown to {grown} B"
                );
            }
        }
        let top = usize::MAX & !(GRANULE - 1);
        assert!(stays_in_bin(top - (1 << 40), top));
        assert!(!stays_in_bin(top >> 1, top));
    }
}
