//! `core::alloc::Allocator` for [`LockedHeap`] (the `nightly` feature): allocate, deallocate,
//! and the resizing methods through the heap's in-place paths.
//!
//! ```text
//!   grow / shrink ──► the block already sits where the new alignment puts it?
//!                       ├─ yes ──► in place when the chunk allows (else moved, as below)
//!                       └─ no  ──► a new chunk for the new layout, copy, free the old one
//! ```
//!
//! Each call takes the lock once. A failed call leaves the block as it was.

use super::LockedHeap;
use crate::OutOfMemory;
use core::alloc::{AllocError, Allocator, Layout};
use core::ptr::NonNull;
use lock_api::RawMutex;

// SAFETY: blocks stay valid until deallocated through this allocator (the heap frees only
// what it handed out) and honour the requested layout, resized ones included; moving a
// `LockedHeap` is impossible while blocks borrow it.
unsafe impl<R: RawMutex, G: OutOfMemory> Allocator for LockedHeap<R, G> {
    /// [`Heap::allocate`](crate::Heap::allocate): `AllocError` when nothing fits and the hook does not help; the
    /// slice is exactly `layout.size()` long.
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the heap's arenas are valid by the contract of `claim`.
        let ptr = unsafe { self.lock().allocate(layout) }.map_err(|_| AllocError)?;
        Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    /// [`Heap::deallocate`](crate::Heap::deallocate): panics for a pointer in no arena (and, with `debug-checks`, for
    /// one that is not a live block with `layout`).
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the Allocator contract: `ptr` is a block of this allocator fitting `layout`.
        self.locked(|heap| unsafe { heap.checked_deallocate(ptr, layout) })
    }

    /// In place when the block already sits where `new.align()` puts it and the chunk above
    /// has room, else moved to a chunk for `new`. `AllocError` leaves the block unchanged and
    /// live. Panics as [`Heap::grow`](crate::Heap::grow) does (a smaller `new`, a pointer in no arena, and with
    /// `debug-checks` a block that is not live with `old`).
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: as for `deallocate`; `new.size() >= old.size()` by the Allocator contract.
        let ptr = self.locked(|heap| unsafe { heap.checked_grow_to(ptr, old, new) });
        Ok(NonNull::slice_from_raw_parts(
            ptr.map_err(|_| AllocError)?,
            new.size(),
        ))
    }

    /// `grow`, then the bytes past `old.size()` are zeroed.
    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: forwarded contract; the bytes past `old.size()` belong to the grown block.
        unsafe {
            let block = self.grow(ptr, old, new)?;
            block
                .cast::<u8>()
                .add(old.size())
                .write_bytes(0, new.size() - old.size());
            Ok(block)
        }
    }

    /// In place when the block already sits where `new.align()` puts it, else moved to a
    /// chunk for `new` (which may fail with `AllocError`, leaving the block unchanged). Panics
    /// as [`Heap::shrink`](crate::Heap::shrink) does.
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: as for `deallocate`; `new.size() <= old.size()` by the Allocator contract.
        let ptr = self.locked(|heap| unsafe { heap.checked_shrink_to(ptr, old, new) });
        Ok(NonNull::slice_from_raw_parts(
            ptr.map_err(|_| AllocError)?,
            new.size(),
        ))
    }
}
