//! `realloc` on the cache: a block stays where it is while its class does not change.
//!
//! ```text
//!   old class == new class   ──► the same block (it already has the class's bytes)
//!   neither layout cached    ──► Heap::realloc (in place when it can), flush and retry
//!   otherwise                ──► allocate the new layout, copy, deallocate the old one
//! ```

use super::classes::class_of;
use super::{CachedHeap, Cpu};
use crate::{AllocError, Grow};
use core::alloc::Layout;
use core::ptr::NonNull;
use lock_api::RawMutex;

impl<R: RawMutex, G: Grow, C: Cpu, const CPUS: usize, const M: usize> CachedHeap<R, G, C, CPUS, M> {
    /// Resizes the block at `ptr` to `new_size` bytes, keeping its alignment. On error (no
    /// memory, even after a flush, or a size that overflows the layout) the old block is
    /// unchanged and still live.
    ///
    /// # Safety
    /// `ptr` must be a live block of this cache allocated with `layout`.
    pub unsafe fn realloc(
        &self,
        ptr: NonNull<u8>,
        layout: Layout,
        new_size: usize,
    ) -> Result<NonNull<u8>, AllocError> {
        let new = Layout::from_size_align(new_size, layout.align()).map_err(|_| AllocError)?;
        match (class_of(layout), class_of(new)) {
            (Some(old), Some(new)) if old == new => Ok(ptr),
            // SAFETY: a block the heap handed out with `layout`, by the caller's contract.
            (None, None) => unsafe {
                let first = self.heap.lock().realloc(ptr, layout, new_size);
                first.or_else(|_| {
                    self.flush();
                    self.heap.lock().realloc(ptr, layout, new_size)
                })
            },
            // SAFETY: the new block is distinct from the live old one; the copy stays
            // within both.
            _ => unsafe {
                let moved = self.allocate(new)?;
                moved.copy_from_nonoverlapping(ptr, layout.size().min(new_size));
                self.deallocate(ptr, layout);
                Ok(moved)
            },
        }
    }
}
