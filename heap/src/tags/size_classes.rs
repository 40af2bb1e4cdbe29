//! The heap's size classes, for tools and teaching: the chunk a request takes, the bin a
//! free chunk falls in, the first bin whose every chunk fits, and a bin's smallest chunk.
//! The fit simulator of the graded exercises and the book's answer tables are computed
//! with these, so they cannot drift from the heap (`bins.rs` says how the bins are cut).
//!
//! ```text
//!   request ─ chunk_size ─▶ tag (one word) + bytes, in 16-byte granules, at least 32
//!   chunk   ─ bin_of ─────▶ its bin: one per granule below 512 bytes, then four per
//!                           power of two
//!   chunk   ─ first_fitting_bin ─▶ the first bin whose smallest chunk (bin_floor) fits it
//! ```
//!
//! ```
//! use tagheap::size_classes::{bin_floor, bin_of, chunk_size, first_fitting_bin};
//! let chunk = chunk_size(100); // 8 + 100 bytes, rounded up to 7 granules
//! assert_eq!((chunk, bin_of(chunk)), (112, 5));
//! let big = chunk_size(5000); // above 512 bytes a bin holds chunks of several sizes
//! assert!(bin_floor(first_fitting_bin(big)) >= big);
//! assert!(bin_floor(bin_of(big)) <= big);
//! ```

use super::index::bins;
use super::layout::block::chunk_need;
use super::layout::chunk;

/// Every chunk is a whole number of granules (two words: 16 bytes on x86_64).
pub const GRANULE: usize = chunk::GRANULE;
/// The smallest chunk, in bytes.
pub const MIN_CHUNK: usize = chunk::MIN_CHUNK;
/// How many bins there are.
pub const BIN_COUNT: usize = bins::BIN_COUNT;

/// The size of the chunk a block of `request` bytes (alignment at most [`GRANULE`]) takes.
///
/// Panics if `request` exceeds `isize::MAX`, which no `Layout` does.
pub fn chunk_size(request: usize) -> usize {
    assert!(
        request <= isize::MAX as usize,
        "a request of {request} bytes is larger than any Layout"
    );
    chunk_need(request)
}

/// Panics unless `chunk` is a chunk size: a multiple of [`GRANULE`], at least [`MIN_CHUNK`].
fn assert_chunk(chunk: usize) {
    assert!(
        chunk >= MIN_CHUNK && chunk.is_multiple_of(GRANULE),
        "{chunk} bytes is no chunk size (a multiple of {GRANULE}, at least {MIN_CHUNK})"
    );
}

/// The bin a free chunk of `chunk` bytes is kept in. Panics if `chunk` is no chunk size.
pub fn bin_of(chunk: usize) -> usize {
    assert_chunk(chunk);
    usize::from(bins::bin_of(chunk))
}

/// The first bin whose every chunk holds `chunk` bytes (may be [`BIN_COUNT`] for sizes no
/// chunk can have). Panics if `chunk` is no chunk size.
pub fn first_fitting_bin(chunk: usize) -> usize {
    assert_chunk(chunk);
    usize::from(bins::first_fitting_bin(chunk))
}

/// The smallest chunk bin `bin` holds, in bytes. Panics if `bin >= BIN_COUNT`.
pub fn bin_floor(bin: usize) -> usize {
    assert!(
        bin < BIN_COUNT,
        "there is no bin {bin} (there are {BIN_COUNT})"
    );
    bins::bin_floor(bin)
}
