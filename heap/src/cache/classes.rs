//! The size classes the cache serves, and the class of a layout.
//!
//! ```text
//!   block size   24  40  56  72 … 248 264      16 classes, one per heap granule
//!   class         0   1   2   3 …  14  15      class = (max(size, 9) - 9) / 16
//!
//!   layout ──► size > 256 or align > 16? ──► yes: not cached (the heap serves it)
//!                                         └─► no:  class of the size, block of 24 + 16 class
//! ```
//!
//! Every block of a class is allocated from the heap with the class's size and alignment 16
//! (what `malloc` promises, and what every request of the traces asks for), so any layout
//! of the class can take any of its blocks. A block of `16 k + 8` bytes fills a chunk of
//! `k + 1` granules exactly, the chunk the heap would give any request of the class, so a
//! cached block costs the heap what the request alone would. INTERNALS.md gives the trace
//! figures behind the 256-byte limit: larger classes held blocks that cost the traces'
//! heap efficiency up to 5 points.

use core::alloc::Layout;

/// The largest request size the cache serves; larger ones go to the heap.
pub const MAX_CACHED_SIZE: usize = 256;
/// The alignment of every cached block; layouts asking for more go to the heap.
pub const CACHED_ALIGN: usize = 16;
/// How many classes there are.
pub(crate) const CLASSES: usize = (MAX_CACHED_SIZE - 9) / 16 + 1;

/// The class serving `layout`, or `None` if the heap must serve it (too big or too aligned).
#[inline(always)]
pub(crate) fn class_of(layout: Layout) -> Option<usize> {
    if (layout.size() > MAX_CACHED_SIZE) | (layout.align() > CACHED_ALIGN) {
        return None;
    }
    Some(layout.size().saturating_sub(9) / 16)
}

/// The block size of `class`.
#[inline(always)]
pub(crate) const fn class_size(class: usize) -> usize {
    24 + 16 * class
}

/// The layout every block of `class` is allocated from the heap with.
#[inline(always)]
pub(crate) fn class_layout(class: usize) -> Layout {
    // SAFETY: class sizes are small multiples of 8 and the alignment a power of two.
    unsafe { Layout::from_size_align_unchecked(class_size(class), CACHED_ALIGN) }
}

/// The size of the block the cache hands out for `layout` (its class's block size), or
/// `None` when the layout is not cached: a size above [`MAX_CACHED_SIZE`] or an alignment
/// above [`CACHED_ALIGN`]. A zero size gets the smallest class, 24 bytes.
pub fn size_class(layout: Layout) -> Option<usize> {
    class_of(layout).map(class_size)
}
