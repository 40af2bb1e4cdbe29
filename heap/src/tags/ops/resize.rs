//! Shrinking live blocks in place, and `realloc`, which picks shrinking or growing.
//!
//! ```text
//!   | tag  new ... old ...  | allocated |  →  | tag  new | free tail | allocated |
//!   | tag  new ... old ...  | free      |  →  | tag  new | free (merged)         |
//! ```
//!
//! A tail under `MIN_CHUNK` with an allocated chunk above stays in the block; the chunk never
//! goes below `MIN_CHUNK`. A free chunk above that is the designated victim stays the victim,
//! grown by the tail (`victim.rs`). A shrink that keeps the chunk's size changes nothing.
//! Shrinking never moves a block.

use crate::tags::errors::AllocError;
use crate::tags::layout::block::{block_room, chunk_of};
use crate::tags::layout::chunk::{first_word, is_allocated, set_below_free, write_tag, MIN_CHUNK};
use crate::tags::layout::free_chunk::FreeChunk;
use crate::tags::ops::preconditions::Checked;
use crate::tags::ops::victim::VICTIM;
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

impl<G: OutOfMemory> Heap<G> {
    /// Resizes the block at `ptr` to `new_size` bytes: `shrink` or `grow` (which copies only
    /// if it cannot grow in place). On error (no memory, or a size no `Layout` can have) the
    /// old block is unchanged and still live.
    ///
    /// # Safety
    /// As for [`Heap::grow`].
    ///
    /// # Panics
    /// If `ptr` lies in no arena; with `debug-checks`, as [`Heap::deallocate`] does for a block
    /// that is not live with `old`.
    pub unsafe fn realloc(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: forwarded contract.
        unsafe { self.checked_realloc(ptr, old, new_size) }.unwrap_or_else(|m| self.raise(m))
    }

    /// `realloc`, with a misuse returned (before anything changed) instead of raised.
    ///
    /// # Safety
    /// As for `realloc`.
    pub(crate) unsafe fn checked_realloc(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Checked<Result<NonNull<u8>, AllocError>> {
        if new_size <= old.size() {
            // SAFETY: forwarded contract.
            unsafe { self.checked_shrink(ptr, old, new_size) }.map(Ok)
        } else {
            // SAFETY: forwarded contract.
            unsafe { self.checked_grow(ptr, old, new_size) }
        }
    }

    /// Shrinks the block at `ptr` to `new_size` bytes in place; never fails, never moves.
    ///
    /// # Safety
    /// `ptr` must be a live block of this heap allocated with `old`.
    ///
    /// # Panics
    /// If `new_size > old.size()`, or if `ptr` lies in no arena; with `debug-checks`, as
    /// [`Heap::deallocate`] does for a block that is not live with `old`.
    pub unsafe fn shrink(&mut self, ptr: NonNull<u8>, old: Layout, new_size: usize) -> NonNull<u8> {
        // SAFETY: forwarded contract.
        unsafe { self.checked_shrink(ptr, old, new_size) }.unwrap_or_else(|m| self.raise(m))
    }

    /// `shrink`, with a misuse returned (before anything changed) instead of raised.
    ///
    /// # Safety
    /// As for `shrink`.
    pub(crate) unsafe fn checked_shrink(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Checked<NonNull<u8>> {
        self.check_shrink(ptr, old, new_size)?;
        let block = self.lookup(ptr, "shrink")?;
        // SAFETY: `block` is the live block `ptr`, with its arena's provenance.
        let block = unsafe { self.shrink_block(block, old.size(), new_size) };
        self.paint_redzone(block, new_size);
        Ok(block)
    }

    /// Shrinks the live block at `block` from `old_size` to `new_size` bytes in place.
    ///
    /// # Safety
    /// `block` must be a live block with its arena's provenance; `new_size <= old_size`.
    pub(crate) unsafe fn shrink_block(
        &mut self,
        block: NonNull<u8>,
        old_size: usize,
        new_size: usize,
    ) -> NonNull<u8> {
        // SAFETY: forwarded contract.
        unsafe { self.shrink_chunk(block.as_ptr(), new_size) };
        self.stats.resized(old_size, new_size);
        block
    }

    /// Frees the part of the live block's chunk beyond `ptr + new_size` where it can.
    ///
    /// # Safety
    /// `ptr` must be a live block of this heap, with its arena's provenance.
    unsafe fn shrink_chunk(&mut self, ptr: *mut u8, new_size: usize) {
        // SAFETY: the block is live, so its tag and the chunk above are valid.
        unsafe {
            let (base, tag) = chunk_of(ptr);
            let end = tag.end();
            let kept = ptr.add(block_room(new_size));
            if kept == end {
                return;
            }
            let above = first_word(end);
            if !is_allocated(above) {
                let size = end.addr() + FreeChunk::at(end).size() - kept.addr();
                if end == self.bins[usize::from(VICTIM)] {
                    self.grow_victim(kept, size);
                } else {
                    self.unlink_free(end);
                    self.link_free(kept, size);
                }
            } else if end.addr() - kept.addr() >= MIN_CHUNK {
                self.link_free(kept, end.addr() - kept.addr());
                set_below_free(end, true);
            } else {
                return;
            }
            write_tag(base, kept, tag.below_is_free());
        }
    }
}
