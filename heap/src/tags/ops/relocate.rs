//! Moving a live block to a new chunk: the loop `grow` and the `Allocator`'s resizes
//! (`realign.rs`) share.
//!
//! ```text
//!   resize_or_move:  in place allowed and the chunk above fits? ──► grow in place
//!                    else a free chunk fits `new`?              ──► copy, free the old chunk
//!                    else the hook helped?                      ──► again from the top
//! ```
//!
//! The hook may have extended or truncated arenas, so after every call the block is looked up
//! again from its address, in the heap as it is now (the hook gets a `HookHeap`, which cannot
//! replace the heap, so the block is still this heap's).

use crate::tags::errors::AllocError;
use crate::tags::layout::block::chunk_of;
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::{copy_nonoverlapping, NonNull};

impl<G: OutOfMemory> Heap<G> {
    /// Resizes the live block at `block` to `new`: in place when `in_place` and the chunk
    /// above allows it, else by moving; after the hook has helped, both again.
    ///
    /// # Safety
    /// `block` must be a live block allocated with `old`, with its arena's provenance;
    /// `in_place` only if `new.size() >= old.size()` and the block sits where `new.align()`
    /// puts it.
    pub(crate) unsafe fn resize_or_move(
        &mut self,
        mut block: NonNull<u8>,
        old: Layout,
        new: Layout,
        in_place: bool,
    ) -> Result<NonNull<u8>, AllocError> {
        loop {
            // SAFETY: `block` is live; a moved block is a different chunk, so the copy
            // cannot overlap.
            unsafe {
                if in_place && self.extend_chunk(block.as_ptr(), new.size()) {
                    self.stats.resized(old.size(), new.size());
                    return Ok(block);
                }
                if let Some(moved) = self.take_chunk(new) {
                    self.stats.allocated(new.size());
                    self.stats.freed(old.size());
                    let kept = old.size().min(new.size());
                    copy_nonoverlapping(block.as_ptr(), moved.as_ptr(), kept);
                    let (base, tag) = chunk_of(block.as_ptr());
                    self.free_chunk(base, tag);
                    return Ok(moved);
                }
            }
            self.grow_for(new)?;
            block = self
                .arena_pointer(block)
                .expect("a hook only adds arena memory or cuts free memory: the block stays");
        }
    }
}
