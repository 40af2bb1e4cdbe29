//! Carving: making a free chunk, just taken out of its bin, the block for a request, and
//! giving back what the block does not need.
//!
//! ```text
//!   align <= GRANULE                    over-aligned, gap >= MIN_CHUNK
//!   | tag | user ...  | free tail |     | free gap | tag | user ...  | free tail |
//!   ^base      used_end^         ^end                      ^ aligned pointer
//!
//!   over-aligned, gap of one granule: | tag | .. | back | user ... | free tail |
//! ```
//!
//! A tail or gap of at least `MIN_CHUNK` goes back to the bins; a smaller one (one granule)
//! stays in the chunk. `place` is shared with growing in place, which also ends with a chunk to keep
//! whole or split.

use crate::tags::layout::block::{block_room, block_start, chunk_need, write_back_pointer};
use crate::tags::layout::chunk::{set_below_free, write_tag, GRANULE, MIN_CHUNK, WORD};
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

impl<G: OutOfMemory> Heap<G> {
    /// Makes the chunk `[base, base + size)`, just taken out of its bin, the block for
    /// `layout`, giving back what it does not need; returns the block's pointer.
    ///
    /// # Safety
    /// The chunk must be an unlinked free chunk in which the block for `layout` fits at the
    /// place it starts (`block::block_start`); every chunk of the search size for `layout`
    /// does (`alloc.rs`).
    #[inline(always)]
    pub(crate) unsafe fn carve(
        &mut self,
        base: *mut u8,
        size: usize,
        layout: Layout,
    ) -> NonNull<u8> {
        if layout.align() > GRANULE {
            // SAFETY: forwarded contract.
            return unsafe { self.carve_aligned(base, size, layout) };
        }
        // SAFETY: forwarded contract; `chunk_need` is the chunk of a block of this size.
        unsafe { self.carve_from_front(base, size, chunk_need(layout.size())) }
    }

    /// `carve` for an alignment up to `GRANULE`, whose block takes the first `need` bytes.
    ///
    /// # Safety
    /// `[base, base + size)` must be an unlinked free chunk of at least `need` bytes, `need`
    /// a chunk size (`chunk_need`).
    #[inline(always)]
    pub(crate) unsafe fn carve_from_front(
        &mut self,
        base: *mut u8,
        size: usize,
        need: usize,
    ) -> NonNull<u8> {
        // SAFETY: `[base, base + size)` is an unlinked free chunk of at least `need` bytes;
        // arenas lie above the null page, so no chunk pointer is null.
        unsafe {
            self.place(base, base.add(size), base.add(need), false);
            NonNull::new_unchecked(base.add(WORD))
        }
    }

    /// `carve` for an over-aligned `layout`. Out of line, and reached by a tail call: inlined,
    /// its extra live values made every allocation save and restore more registers.
    ///
    /// # Safety
    /// As for `carve`.
    #[inline(never)]
    unsafe fn carve_aligned(&mut self, base: *mut u8, size: usize, layout: Layout) -> NonNull<u8> {
        let ptr = block_start(base, layout.align());
        let gap = ptr.addr() - WORD - base.addr();
        // SAFETY: `[base, base + size)` is an unlinked free chunk with room for the gap and
        // the block; arenas lie above the null page.
        unsafe {
            let (chunk, below_free) = if gap >= MIN_CHUNK {
                self.link_free(base, gap);
                (ptr.sub(WORD), true)
            } else {
                if gap != 0 {
                    write_back_pointer(ptr, base);
                }
                (base, false)
            };
            let used_end = ptr.add(block_room(layout.size()));
            self.place(chunk, base.add(size), used_end, below_free);
            NonNull::new_unchecked(ptr)
        }
    }

    /// Makes `[base, end)`, just taken out of its bin, an allocated chunk that keeps at least
    /// `[base, used_end)` and gives the tail back if it can hold a chunk.
    ///
    /// # Safety
    /// `[base, end)` must be an unlinked former free chunk; `used_end` a chunk boundary in it.
    #[inline(always)]
    pub(crate) unsafe fn place(
        &mut self,
        base: *mut u8,
        end: *mut u8,
        used_end: *mut u8,
        below_free: bool,
    ) {
        let tail = end.addr() - used_end.addr();
        // SAFETY: the chunk is the heap's; `end` is the next chunk's tag (it was above a
        // free chunk, and free chunks never touch).
        unsafe {
            if tail >= MIN_CHUNK {
                self.link_free(used_end, tail);
                write_tag(base, used_end, below_free);
            } else {
                set_below_free(end, false);
                write_tag(base, end, below_free);
            }
        }
    }
}
