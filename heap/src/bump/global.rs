//! `GlobalAlloc` for `Bump`: stack-like reuse of the most recent block, leaks for the rest.
//!
//! ```text
//!  |== A ==|pad|===== B =====|.........free.........|
//!                            ^ consumed
//!  dealloc(B):  consumed -> start of B      (B's bytes reusable; A's padding stays used)
//!  dealloc(A):  leaked                      (A does not end at `consumed`)
//!  realloc(B):  grows / shrinks in place    (moves `consumed`, if B still ends at it)
//!  realloc(A):  new block after `consumed`, A's bytes copied, A leaked
//! ```
//!
//! Only the block that ends exactly at `consumed` can be resized in place or given back, and
//! only while no other thread moves `consumed` first; otherwise the operation falls back to
//! copying (realloc) or leaking (dealloc). Every leaked byte is reclaimed by `Bump::reset`.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{self, NonNull};

use super::alloc::dangling;
use super::{Bump, Level};
use crate::resized::resized;

// SAFETY: blocks come from `Bump::alloc`, which hands every byte to one caller at a time and
// honours the layout; `dealloc` and `realloc` only give back bytes of the block they are
// passed, which the caller owns, and only while that block is the last one.
unsafe impl<T> GlobalAlloc for Bump<T> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Bump::alloc(self, layout).map_or(ptr::null_mut(), NonNull::as_ptr)
    }

    /// Gives the block's bytes back if it is the most recent block; leaks it otherwise.
    ///
    /// `GlobalAlloc`'s contract makes `block` a block of this bump; a foreign pointer or a
    /// wrong layout may give back bytes that are still in use.
    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        if layout.size() == 0 {
            return;
        }
        let start = self.offset_of(block);
        self.give_back(start + layout.size(), start);
    }

    /// Resizes the most recent block in place when there is room; otherwise moves it into a new
    /// block (copying its bytes, leaking the old one). Returns null, leaving the block as it
    /// was, if the region has no room or `new_size` makes an invalid layout.
    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Some(new_layout) = resized(layout, new_size) else {
            return ptr::null_mut();
        };
        if layout.size() == 0 {
            // SAFETY: a valid layout; `alloc` of a bump has no other precondition.
            return unsafe { GlobalAlloc::alloc(self, new_layout) };
        }
        if new_size == 0 {
            // SAFETY: the caller's contract for `realloc` covers `dealloc` of the same block.
            unsafe { self.dealloc(block, layout) };
            return dangling(new_layout).as_ptr();
        }
        let start = self.offset_of(block);
        let old_end = start + layout.size();
        if new_size <= layout.size() {
            self.give_back(old_end, start + new_size);
            return block;
        }
        let Ok(tail) = Layout::from_size_align(new_size - layout.size(), 1) else {
            return ptr::null_mut();
        };
        if self.alloc_at(tail, Level(old_end)).is_ok() {
            return block;
        }
        let Some(moved) = Bump::alloc(self, new_layout) else {
            return ptr::null_mut();
        };
        // SAFETY: `block` is valid for `layout.size()` bytes (caller's contract), `moved` for
        // `new_size > layout.size()`, and the two blocks are disjoint. The old block lies
        // below `consumed`, not at its end, so it is leaked rather than given back.
        unsafe { ptr::copy_nonoverlapping(block, moved.as_ptr(), layout.size()) };
        moved.as_ptr()
    }
}

impl<T> Bump<T> {
    /// The offset of `block` from the start of the region; `block` must point into it.
    fn offset_of(&self, block: *mut u8) -> usize {
        block.addr() - self.region_start().addr().get()
    }
}
