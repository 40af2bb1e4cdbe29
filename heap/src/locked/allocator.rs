//! `core::alloc::Allocator` for [`LockedHeap`] (the `nightly` feature): allocate, deallocate,
//! and the resizing methods through the heap's in-place paths.
//!
//! ```text
//!   grow / shrink ──► same alignment (or the block happens to satisfy the new one)?
//!                       ├─ yes ──► Heap::grow / Heap::shrink (in place when possible)
//!                       └─ no  ──► allocate new layout, copy, deallocate
//! ```

use super::LockedHeap;
use crate::Grow;
use core::alloc::{AllocError, Allocator, Layout};
use core::ptr::{copy_nonoverlapping, NonNull};
use lock_api::RawMutex;

// SAFETY: blocks stay valid until deallocated through this allocator (the heap frees only
// what it handed out); moving a `LockedHeap` is impossible while blocks borrow it.
unsafe impl<R: RawMutex, G: Grow> Allocator for LockedHeap<R, G> {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the heap's arenas are valid by the contract of `claim`.
        let ptr = unsafe { self.lock().allocate(layout) }.map_err(|_| AllocError)?;
        Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the Allocator contract: `ptr` is a block of this allocator fitting `layout`.
        unsafe { self.lock().deallocate(ptr, layout) }
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if !ptr.as_ptr().addr().is_multiple_of(new.align()) {
            // SAFETY: forwarded contract.
            return unsafe { self.move_block(ptr, old, new) };
        }
        // SAFETY: as for `deallocate`; `new.size() >= old.size()` by the Allocator contract.
        let ptr = unsafe { self.lock().grow(ptr, old, new.size()) }.map_err(|_| AllocError)?;
        Ok(NonNull::slice_from_raw_parts(ptr, new.size()))
    }

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

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if !ptr.as_ptr().addr().is_multiple_of(new.align()) {
            // SAFETY: forwarded contract.
            return unsafe { self.move_block(ptr, old, new) };
        }
        // SAFETY: as for `deallocate`; `new.size() <= old.size()` by the Allocator contract.
        let ptr = unsafe { self.lock().shrink(ptr, old, new.size()) };
        Ok(NonNull::slice_from_raw_parts(ptr, new.size()))
    }
}

impl<R: RawMutex, G: Grow> LockedHeap<R, G> {
    /// Moves a block to a fresh one for `new` (an alignment the old block does not meet).
    ///
    /// # Safety
    /// `ptr` must be a live block of this heap allocated with `old`.
    unsafe fn move_block(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        let block = self.allocate(new)?;
        // SAFETY: distinct live blocks; the copy stays within both.
        unsafe {
            copy_nonoverlapping(
                ptr.as_ptr(),
                block.cast::<u8>().as_ptr(),
                old.size().min(new.size()),
            );
            self.deallocate(ptr, old);
        }
        Ok(block)
    }
}
