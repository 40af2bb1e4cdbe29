//! The checks a resize makes before it changes anything: the size moves the way the
//! operation says, and (with `debug-checks`) the block is live with its old layout.
//!
//! ```text
//!   grow, grow_in_place, Allocator::grow   new size >= old size, else a panic naming them
//!   shrink, Allocator::shrink              new size <= old size, else a panic
//!   every one, with debug-checks           verify_live (debug.rs), else a panic
//! ```

use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

impl<G: OutOfMemory> Heap<G> {
    /// Panics, naming `operation`, if `new_size` is below the block's old size, or (with
    /// `debug-checks`) if `ptr` is not a live block allocated with `old`.
    pub(crate) fn check_grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
        operation: &str,
    ) {
        assert!(
            new_size >= old.size(),
            "{operation}: the new size {new_size} is below the old size {}",
            old.size()
        );
        self.verify_if_checking(ptr, old, operation);
    }

    /// Panics if `new_size` is above the block's old size, or (with `debug-checks`) if `ptr`
    /// is not a live block allocated with `old`.
    pub(crate) fn check_shrink(&self, ptr: NonNull<u8>, old: Layout, new_size: usize) {
        assert!(
            new_size <= old.size(),
            "shrink: the new size {new_size} is above the old size {}",
            old.size()
        );
        self.verify_if_checking(ptr, old, "shrink");
    }

    /// `verify_live` with `debug-checks` in a build with debug assertions; nothing otherwise.
    #[inline(always)]
    pub(crate) fn verify_if_checking(&self, ptr: NonNull<u8>, layout: Layout, operation: &str) {
        #[cfg(all(feature = "debug-checks", debug_assertions))]
        self.verify_live(ptr, layout, operation);
        #[cfg(not(all(feature = "debug-checks", debug_assertions)))]
        let _ = (ptr, layout, operation);
    }
}
