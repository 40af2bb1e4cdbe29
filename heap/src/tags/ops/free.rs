//! `deallocate`: free a chunk in O(1), merging it with free neighbours on both sides.
//!
//! ```text
//!   before   | free below | tag ... freed chunk | free above | tag of next |
//!            ^start  size^ (BELOW_FREE)          ^end         (BELOW_FREE)
//!   after    |             one free chunk                    | tag of next |
//! ```
//!
//! The chunk below is found through the tag's BELOW_FREE bit and the size word at its top;
//! the chunk above is the one at the tag's end: free if its first word has bit 0 clear. When
//! either is the designated victim (`victim.rs`), the merged chunk stays the victim instead of
//! going to a bin. When only the chunk below is free and the merged chunk stays in its bin,
//! that chunk grows where it lies in its list (a program freeing a structure it built block
//! after block: nearly half the merges with the chunk below on python3's trace).

use crate::tags::checking::misuse::Wrong;
use crate::tags::index::bins::stays_in_bin;
use crate::tags::layout::block::chunk_of;
use crate::tags::layout::chunk::{first_word, is_allocated, set_below_free, Tag};
use crate::tags::layout::free_chunk::FreeChunk;
use crate::tags::ops::preconditions::Checked;
use crate::tags::ops::victim::VICTIM;
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

impl<G: OutOfMemory> Heap<G> {
    /// Frees the block at `ptr`.
    ///
    /// The heap reaches the block's tag through its own arena pointer (`lookup.rs`), never
    /// through `ptr`, so `ptr` needs permission for the block's bytes only (a `Box`'s pointer
    /// will do). Every panic below comes before anything changes.
    ///
    /// # Safety
    /// `ptr` must have come from this heap with `layout` and must not be used afterwards.
    ///
    /// # Panics
    /// If `ptr` lies in no arena of this heap; with `debug-checks` (in builds with debug
    /// assertions), if it is not a live block allocated with `layout` (see
    /// `heap/INTERNALS.md`, "Checking", for what the checks can tell). Without them, any
    /// other breach of the contract corrupts the heap.
    #[inline]
    pub unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded contract.
        if let Err(misuse) = unsafe { self.checked_deallocate(ptr, layout) } {
            self.raise(misuse);
        }
    }

    /// `deallocate`, with a misuse returned (before anything changed) instead of raised.
    ///
    /// # Safety
    /// As for `deallocate`.
    #[inline(always)]
    pub(crate) unsafe fn checked_deallocate(
        &mut self,
        ptr: NonNull<u8>,
        layout: Layout,
    ) -> Checked<()> {
        self.verify_if_checking(ptr, layout, "deallocate")?;
        match self.in_newest_arena(ptr) {
            // SAFETY: `block` is the live block `ptr`, with its arena's provenance.
            Some(block) => unsafe { self.free_block(block, layout.size()) },
            // SAFETY: as above, by the caller's contract.
            None => unsafe { self.deallocate_in_older_arena(ptr, layout.size())? },
        }
        Ok(())
    }

    /// `deallocate` for a block outside the newest arena: out of line and reached by a tail
    /// call, so that the common case saves no registers for it.
    ///
    /// # Safety
    /// As for `deallocate`.
    #[cold]
    #[inline(never)]
    unsafe fn deallocate_in_older_arena(&mut self, ptr: NonNull<u8>, size: usize) -> Checked<()> {
        let Some(block) = self.in_older_arena(ptr) else {
            return Err(self.misused("deallocate", ptr.as_ptr(), Wrong::InNoArena));
        };
        // SAFETY: `block` is the live block `ptr`, with its arena's provenance.
        unsafe { self.free_block(block, size) };
        Ok(())
    }

    /// Frees the live block at `block` (a pointer with its arena's provenance), which was
    /// allocated with `size` bytes.
    ///
    /// # Safety
    /// `block` must be a live block of this heap, carrying its arena's provenance.
    #[inline(always)]
    unsafe fn free_block(&mut self, block: NonNull<u8>, size: usize) {
        // The counters first: if they are wrong (a wrong size underflows them in a debug
        // build), the panic comes before the heap changes.
        self.stats.freed(size);
        // SAFETY: forwarded contract.
        unsafe {
            let (base, tag) = chunk_of(block.as_ptr());
            self.free_chunk(base, tag);
        }
    }

    /// Turns the allocated chunk at `base`, whose tag is `tag`, into free memory, merging
    /// with its neighbours.
    ///
    /// # Safety
    /// `base` must be an allocated chunk of this heap (not an end record) holding `tag`.
    #[inline(always)]
    pub(crate) unsafe fn free_chunk(&mut self, base: *mut u8, tag: Tag) {
        #[cfg(feature = "harden")]
        // SAFETY: `base` is an allocated chunk of this heap.
        unsafe {
            self.check_freed_chunk(base, tag);
        }
        // SAFETY: `base` holds `tag`; its neighbours are chunks of the same arena.
        unsafe {
            if tag.below_is_free() {
                return self.free_chunk_above_free_one(base, tag);
            }
            self.merge_above_and_place(base, tag.end(), false);
        }
    }

    /// `free_chunk` when the chunk below is free: out of line, so that a free with an
    /// allocated chunk below saves no registers for this path.
    ///
    /// # Safety
    /// As for `free_chunk`; the chunk below `base` is free.
    #[inline(never)]
    unsafe fn free_chunk_above_free_one(&mut self, base: *mut u8, tag: Tag) {
        // SAFETY: as for `free_chunk`.
        unsafe {
            let (below, below_size) = FreeChunk::ending_at(base);
            let (start, end) = (below.base(), tag.end());
            if start == self.bins[usize::from(VICTIM)] {
                return self.merge_above_and_place(start, end, true);
            }
            let size = end.addr() - start.addr();
            if is_allocated(first_word(end)) && stays_in_bin(below_size, size) {
                set_below_free(end, true);
                return self.grow_in_bin(start, size);
            }
            self.unlink_free(start);
            self.merge_above_and_place(start, end, false);
        }
    }

    /// Makes `[start, end)` free memory, merged with the chunk at `end` if that is free, as
    /// the designated victim if `joins_victim` or the chunk above is the victim, else binned.
    ///
    /// # Safety
    /// `[start, end)` must be memory of an arena given up by the caller (no linked chunk
    /// starts in it), between an allocated chunk below and the chunk at `end`.
    #[inline(always)]
    unsafe fn merge_above_and_place(
        &mut self,
        start: *mut u8,
        mut end: *mut u8,
        mut joins_victim: bool,
    ) {
        // SAFETY: by the caller's contract; the chunk at `end` is a chunk of the same arena.
        unsafe {
            let above = first_word(end);
            if is_allocated(above) {
                set_below_free(end, true);
            } else {
                let size = FreeChunk::at(end).size();
                if end == self.bins[usize::from(VICTIM)] {
                    joins_victim = true;
                } else {
                    self.unlink_free(end);
                }
                end = end.add(size);
            }
            let size = end.addr() - start.addr();
            if joins_victim {
                self.grow_victim(start, size);
            } else {
                self.link_free(start, size);
            }
        }
    }
}
