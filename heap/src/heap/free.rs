//! `deallocate`: free a chunk in O(1), merging it with free neighbours on both sides.
//!
//! ```text
//!   before   | free below | tag ... freed chunk | free above | tag of next |
//!            ^start  size^ (BELOW_FREE)          ^end         (BELOW_FREE)
//!   after    |             one free chunk                    | tag of next |
//! ```
//!
//! The chunk below is found through the tag's BELOW_FREE bit and the size word at its top;
//! the chunk above is the one at the tag's end: free if its first word has bit 0 clear.

use super::chunk::{below_is_free, chunk_of, end_of, first_word, is_allocated, set_below_free};
use super::free_chunk::{free_size, free_size_below};
use super::Heap;
use crate::Grow;
use core::alloc::Layout;
use core::ptr::NonNull;

impl<G: Grow> Heap<G> {
    /// Frees the block at `ptr`.
    ///
    /// With the `debug-checks` feature (in builds with debug assertions), a pointer this heap
    /// did not hand out, or one already freed, panics with its address instead of corrupting
    /// the heap.
    ///
    /// # Safety
    /// `ptr` must have come from this heap with `layout` and must not be used afterwards.
    #[inline]
    pub unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        #[cfg(all(feature = "debug-checks", debug_assertions))]
        self.verify_live(ptr, layout, "deallocate");
        // SAFETY: `ptr` is a live allocation of this heap, by the caller's contract.
        unsafe {
            let (base, tag) = chunk_of(ptr.as_ptr());
            self.free_chunk(base, tag);
        }
        self.stats.freed(layout.size());
    }

    /// Turns the allocated chunk at `base`, whose tag is `tag`, into free memory, merging
    /// with its neighbours.
    ///
    /// # Safety
    /// `base` must be an allocated chunk of this heap (not an end record) holding `tag`.
    #[inline(always)]
    pub(crate) unsafe fn free_chunk(&mut self, base: *mut u8, tag: *mut u8) {
        // SAFETY: `base` holds `tag`; its neighbours are chunks of the same arena.
        unsafe {
            let mut start = base;
            let mut end = end_of(tag);
            if below_is_free(tag) {
                let below = free_size_below(base);
                start = base.sub(below);
                self.unlink_free(start, below);
            }
            let above = first_word(end);
            if is_allocated(above) {
                set_below_free(end, true);
            } else {
                let size = free_size(end);
                self.unlink_free(end, size);
                end = end.add(size);
            }
            self.link_free(start, end.addr() - start.addr());
        }
    }
}
