//! The `Allocator`'s resizes, which may change a block's alignment (the `nightly` feature).
//!
//! ```text
//!   new alignment puts the block where it is?  ──► resize as `grow` / `shrink` do
//!   it would start elsewhere in its chunk       ──► move to a chunk for the new layout
//! ```
//!
//! A block keeps its place only if it sits where `block::block_start` puts a block of the
//! new alignment in its chunk, so every live block stays where `carve` would have put it.

use crate::tags::errors::AllocError;
use crate::tags::layout::block::{block_start, chunk_of};
use crate::tags::ops::preconditions::Checked;
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

/// Whether the live block at `ptr` sits where a block aligned to `align` starts in its chunk,
/// so that it may keep its place under a layout of that alignment.
///
/// # Safety
/// As for `chunk_of`.
#[inline(always)]
unsafe fn is_placed_for(ptr: *mut u8, align: usize) -> bool {
    // SAFETY: forwarded contract.
    let (base, _) = unsafe { chunk_of(ptr) };
    block_start(base, align) == ptr
}

impl<G: OutOfMemory> Heap<G> {
    /// `grow` to a layout of any alignment (the `Allocator` methods): in place only if the
    /// block already sits where a block of `new.align()` starts in its chunk. A misuse is
    /// returned (before anything changed), not raised.
    ///
    /// # Safety
    /// As for `grow`.
    pub(crate) unsafe fn checked_grow_to(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Checked<Result<NonNull<u8>, AllocError>> {
        self.check_grow(ptr, old, new.size(), "grow")?;
        let block = self.lookup(ptr, "grow")?;
        // SAFETY: `block` is the live block `ptr`, with its arena's provenance.
        unsafe {
            let in_place = is_placed_for(block.as_ptr(), new.align());
            let outcome = self.resize_or_move(block, old, new, in_place);
            Ok(self.painted(outcome, new.size()))
        }
    }

    /// `shrink` to a layout of any alignment (the `Allocator` methods): in place if the block
    /// sits where a block of `new.align()` starts in its chunk, else moved to a new chunk. A
    /// misuse is returned (before anything changed), not raised.
    ///
    /// # Safety
    /// As for `shrink`; on success, only the returned pointer may be used.
    pub(crate) unsafe fn checked_shrink_to(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Checked<Result<NonNull<u8>, AllocError>> {
        self.check_shrink(ptr, old, new.size())?;
        let block = self.lookup(ptr, "shrink")?;
        // SAFETY: `block` is the live block `ptr`, with its arena's provenance.
        unsafe {
            let outcome = if is_placed_for(block.as_ptr(), new.align()) {
                Ok(self.shrink_block(block, old.size(), new.size()))
            } else {
                self.resize_or_move(block, old, new, false)
            };
            Ok(self.painted(outcome, new.size()))
        }
    }
}
