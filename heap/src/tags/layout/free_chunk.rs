//! The fields of a free chunk: its two list links and its two size words.
//!
//! ```text
//!   free chunk, at least MIN_CHUNK (four words)
//!   base                                         end
//!   | next | prev | size | ...unused...  | size |
//!
//!   the smallest one: | next | prev | size | size |
//! ```
//!
//! `next` is a word-aligned pointer, so bit 0 of a free chunk's first word is clear: that is
//! how the chunk below tells a free neighbour from an allocated one. The size at the top lets
//! the chunk above find this chunk's base; the size at `base + 2 WORD` lets the chunk below
//! find its end. The lists themselves are `free_list.rs`; the links are read and written
//! only through `links.rs` (with the `harden` feature they are stored mangled).

use crate::tags::layout::chunk::WORD;

/// Offset of the `next` link: the base of the next chunk in the bin, or null.
pub(crate) const NEXT: usize = 0;
/// Offset of the `prev` link: the base of the previous chunk in the bin, or for the first
/// chunk of a bin the bin's mark (`bin_mark`).
pub(crate) const PREV: usize = WORD;
/// Offset of the low size word.
const SIZE: usize = 2 * WORD;
/// The free-list node at the base of a free chunk: `next`, `prev` and the low size word.
/// The bytes from here to the top size word are never read or written while the chunk is
/// free ([`Chunk::idle`](crate::tags::Chunk::idle)).
pub(crate) const NODE: usize = SIZE + WORD;

/// What a bin's first chunk holds as its `prev` link: the bin number, shifted up, with bit 0
/// set, which no chunk base has. Unlinking a chunk then finds its bin's head without working
/// out the bin from the size, and the heap still stores no pointer to itself in its arenas.
/// An address without provenance: it is never dereferenced.
#[inline(always)]
pub(crate) fn bin_mark(bin: u8) -> *mut u8 {
    core::ptr::without_provenance_mut(usize::from(bin) << 1 | 1)
}

/// Whether the `prev` link `prev` is a bin's mark (its chunk comes first in its bin), and
/// the bin it names (a meaningless one when it is not a mark, to be picked without a branch).
#[inline(always)]
pub(crate) fn read_mark(prev: *mut u8) -> (bool, u8) {
    // Lossless for a mark, which holds a `u8` shifted up by one; otherwise any value will do.
    (prev.addr() & 1 != 0, (prev.addr() >> 1) as u8)
}

/// Writes the size words of a free chunk: `size` at both ends. Its links are written
/// through `index/links.rs`, which knows how they are stored.
///
/// # Safety
/// `[base, base + size)` must be the heap's to write: inside an arena, unused, starting at
/// a chunk boundary, a whole number of granules and at least `MIN_CHUNK`.
#[inline(always)]
pub(crate) unsafe fn write_size_words(base: *mut u8, size: usize) {
    // SAFETY: the caller hands over the range, which holds both words.
    unsafe {
        base.add(SIZE).cast::<usize>().write(size);
        base.add(size - WORD).cast::<usize>().write(size);
    }
}

/// The size of the free chunk at `base`, read from its low size word.
///
/// # Safety
/// `base` must be a free chunk.
#[inline(always)]
pub(crate) unsafe fn free_size(base: *mut u8) -> usize {
    // SAFETY: a free chunk keeps its size in its third word.
    unsafe { base.add(SIZE).cast::<usize>().read() }
}

/// The size of the free chunk that ends at `end`, read from its top size word.
///
/// # Safety
/// The chunk just below `end` must be free.
#[inline(always)]
pub(crate) unsafe fn free_size_below(end: *mut u8) -> usize {
    // SAFETY: a free chunk keeps its size in its last word.
    unsafe { end.sub(WORD).cast::<usize>().read() }
}
