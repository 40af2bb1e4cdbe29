//! Where a block sits in its chunk: right above the tag, or (over-aligned) at the first
//! aligned address above it, with a back pointer to the tag when the gap is too small to be
//! a free chunk of its own; and the size arithmetic between a block and its chunk
//! (`chunk_need`, `block_room`, `search_size`).
//!
//! ```text
//!   align <= GRANULE, or gap = 0         | tag | user bytes ...                |
//!                                              ^ block = base + WORD, a multiple of GRANULE
//!   gap of one granule                   | tag | (gap) | back | user bytes ... |
//!                                                             ^ block, aligned; back = base
//!   gap >= MIN_CHUNK: the gap is a free chunk and the block's chunk starts at block - WORD
//! ```
//!
//! Chunks start one word past a granule boundary, so every gap is a whole number of
//! granules. The word below a block is its tag (bit 0 set) or the back pointer (bit 0
//! clear). Every live block sits at `block_start(base, align)` of its chunk for its layout's
//! alignment: `carve` puts it there, resizing in place keeps it, the `Allocator` methods move
//! a block whose new alignment would put it elsewhere, and the debug checks rely on it.

use crate::tags::layout::chunk::{first_word, is_allocated, Tag, GRANULE, MIN_CHUNK, WORD};
use core::alloc::Layout;

/// Where a block aligned to `align` starts in a chunk at `base`: the first multiple of
/// `align` at or above `base + WORD` (so `base + WORD` for every `align <= GRANULE`).
#[inline(always)]
pub(crate) fn block_start(base: *mut u8, align: usize) -> *mut u8 {
    base.map_addr(|addr| (addr + WORD + align - 1) & !(align - 1))
}

/// The base of the chunk holding the block that starts at `ptr`, and its tag.
///
/// For most blocks the word just below `ptr` is the tag itself; only an over-aligned block
/// with a small gap has its back pointer there, and its tag is one more load away. Returning
/// the tag spares the common case from reading the same word twice.
///
/// # Safety
/// `ptr` must be a pointer this heap returned and that is still allocated, carrying the
/// provenance of its arena (see `lookup.rs`), not only the caller's permission for the block.
#[inline(always)]
pub(crate) unsafe fn chunk_of(ptr: *mut u8) -> (*mut u8, Tag) {
    // SAFETY: the word below a returned pointer is its tag or its back pointer to the base.
    unsafe {
        let below = ptr.sub(WORD);
        let word = first_word(below);
        if is_allocated(word) {
            (below, Tag::from_word(word))
        } else {
            (word, Tag::read(word))
        }
    }
}

/// Records, just below `ptr`, that its chunk starts at `base` (for over-aligned pointers).
///
/// # Safety
/// `ptr - WORD` must be a writable word inside the chunk at `base`, above its tag.
#[inline(always)]
pub(crate) unsafe fn write_back_pointer(ptr: *mut u8, base: *mut u8) {
    // SAFETY: the caller guarantees the word is inside the chunk and writable.
    unsafe { ptr.sub(WORD).cast::<*mut u8>().write(base) }
}

/// The size of the chunk a block of `size` bytes needs: its tag and its bytes, rounded up
/// to whole granules, and at least `MIN_CHUNK` (room for a free chunk's fields once freed).
/// `size` must be at most `isize::MAX` (as every `Layout` size is), so nothing overflows.
#[inline(always)]
pub(crate) fn chunk_need(size: usize) -> usize {
    ((size + WORD + GRANULE - 1) & !(GRANULE - 1)).max(MIN_CHUNK)
}

/// The bytes a block of `size` keeps above its pointer: its chunk less the tag.
#[inline(always)]
pub(crate) fn block_room(size: usize) -> usize {
    chunk_need(size) - WORD
}

/// The chunk size a search must guarantee for `layout`: the block, its tag and, when
/// over-aligned, room to slide the pointer to any alignment.
#[inline(always)]
pub(crate) fn search_size(layout: Layout) -> usize {
    let need = chunk_need(layout.size());
    if layout.align() <= GRANULE {
        need
    } else {
        need + layout.align() - GRANULE
    }
}
