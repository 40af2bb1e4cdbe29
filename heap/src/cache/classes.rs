//! The size classes the cache serves, and the class of a layout.
//!
//! ```text
//!   block size  16 24 32 … 256 | 272 288 … 512 | 544 576 … 1024     63 classes
//!   step         8 bytes       | 16 bytes      | 32 bytes
//!   class        0  1  2 …  30 |  31  32 …  46 |  47  48 …   62
//!
//!   layout ──► size > 1024 or align > 16? ──► yes: not cached (the heap serves it)
//!                                          └─► no:  OF_WORDS[ceil(size / 8)] = class
//! ```
//!
//! Every block of a class is `SIZES[class]` bytes aligned to 16 (what `malloc` promises, and
//! what every request in the traces asks for), so any layout of the class can take any of
//! its blocks. Up to 256 bytes the step is the heap's own rounding (a word), so a cached
//! block costs the heap exactly what the request alone would; INTERNALS.md gives the
//! trace figures behind the choice.

use core::alloc::Layout;

/// The largest request size the cache serves; larger ones go to the heap.
pub const MAX_CACHED_SIZE: usize = 1024;
/// The alignment of every cached block; layouts asking for more go to the heap.
pub const CACHED_ALIGN: usize = 16;
/// How many classes there are.
pub(crate) const CLASSES: usize = 63;

/// `(step, last size)` of each tier of classes, from 16 bytes up.
const TIERS: [(usize, usize); 3] = [(8, 256), (16, 512), (32, MAX_CACHED_SIZE)];

/// The block size of each class.
pub(crate) const SIZES: [usize; CLASSES] = {
    let mut sizes = [0; CLASSES];
    let (mut class, mut size, mut tier) = (0, 16, 0);
    loop {
        sizes[class] = size;
        class += 1;
        if size == TIERS[tier].1 {
            tier += 1;
            if tier == TIERS.len() {
                break;
            }
        }
        size += TIERS[tier].0;
    }
    assert!(class == CLASSES, "the tiers make CLASSES classes");
    sizes
};

/// The class of every request size rounded up to words (index = words, 0..=128).
const OF_WORDS: [u8; MAX_CACHED_SIZE / 8 + 1] = {
    let mut of_words = [0; MAX_CACHED_SIZE / 8 + 1];
    let (mut words, mut class) = (0, 0);
    while words < of_words.len() {
        if SIZES[class] < words * 8 {
            class += 1;
        }
        of_words[words] = class as u8;
        words += 1;
    }
    of_words
};

/// The class serving `layout`, or `None` if the heap must serve it (too big or too aligned).
#[inline(always)]
pub(crate) fn class_of(layout: Layout) -> Option<usize> {
    if (layout.size() > MAX_CACHED_SIZE) | (layout.align() > CACHED_ALIGN) {
        return None;
    }
    Some(usize::from(OF_WORDS[layout.size().div_ceil(8)]))
}

/// The layout every block of `class` is allocated from the heap with.
#[inline(always)]
pub(crate) fn class_layout(class: usize) -> Layout {
    // SAFETY: class sizes are small multiples of 8 and the alignment a power of two.
    unsafe { Layout::from_size_align_unchecked(SIZES[class], CACHED_ALIGN) }
}

/// The size of the block the cache hands out for `layout` (its class's block size), or
/// `None` when the layout is not cached: a size above [`MAX_CACHED_SIZE`] or an alignment
/// above [`CACHED_ALIGN`]. A zero size gets the smallest class, 16 bytes.
pub fn size_class(layout: Layout) -> Option<usize> {
    class_of(layout).map(|class| SIZES[class])
}
