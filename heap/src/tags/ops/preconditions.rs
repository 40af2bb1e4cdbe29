//! The checks a resize makes before it changes anything: the size moves the way the
//! operation says, and (with `debug-checks`) the block is live with its old layout.
//!
//! ```text
//!   grow, grow_in_place, Allocator::grow   new size >= old size, else a misuse naming them
//!   shrink, Allocator::shrink              new size <= old size, else a misuse
//!   every one, with debug-checks           verify_live (debug.rs), else a misuse
//!   every one                              the pointer lies in an arena, else a misuse
//! ```
//!
//! A misuse is returned, not raised (`checking/misuse.rs`): the public methods raise it, the
//! locked heap and the cache once they have let go of the heap's lock.

use crate::tags::checking::misuse::{Misused, Wrong};
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

/// The outcome of an operation that checks its input first: `Err` for a misuse, found before
/// anything changed (its details wait in the heap: `checking/misuse.rs`).
pub(crate) type Checked<T> = Result<T, Misused>;

impl<G: OutOfMemory> Heap<G> {
    /// A misuse, naming `operation`, if `new_size` is below the block's old size, or (with
    /// `debug-checks`) if `ptr` is not a live block allocated with `old`.
    pub(crate) fn check_grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
        operation: &'static str,
    ) -> Checked<()> {
        if new_size < old.size() {
            let wrong = Wrong::GrowsSmaller {
                new: new_size,
                old: old.size(),
            };
            return Err(self.misused(operation, ptr.as_ptr(), wrong));
        }
        self.verify_if_checking(ptr, old, operation)
    }

    /// A misuse if `new_size` is above the block's old size, or (with `debug-checks`) if `ptr`
    /// is not a live block allocated with `old`.
    pub(crate) fn check_shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Checked<()> {
        if new_size > old.size() {
            let wrong = Wrong::ShrinksLarger {
                new: new_size,
                old: old.size(),
            };
            return Err(self.misused("shrink", ptr.as_ptr(), wrong));
        }
        self.verify_if_checking(ptr, old, "shrink")
    }

    /// `verify_live` with `debug-checks` in a build with debug assertions; `Ok` otherwise.
    #[inline(always)]
    pub(crate) fn verify_if_checking(
        &self,
        ptr: NonNull<u8>,
        layout: Layout,
        operation: &'static str,
    ) -> Checked<()> {
        #[cfg(all(feature = "debug-checks", debug_assertions))]
        return self
            .verify_live(ptr, layout, operation)
            .and_then(|()| self.check_redzone(ptr, layout, operation));
        #[cfg(not(all(feature = "debug-checks", debug_assertions)))]
        {
            let _ = (ptr, layout, operation);
            Ok(())
        }
    }

    /// `ptr` with the provenance of the arena that holds it; a misuse, naming `operation`, if
    /// no arena does.
    #[inline(always)]
    pub(crate) fn lookup(&self, ptr: NonNull<u8>, operation: &'static str) -> Checked<NonNull<u8>> {
        self.arena_pointer(ptr)
            .ok_or_else(|| self.misused(operation, ptr.as_ptr(), Wrong::InNoArena))
    }
}
