//! The adapter for `buddy_system_allocator`: a `Heap` with 32 orders (blocks up to 2 GiB)
//! initialised with the whole region. It has no reallocation, so resizing moves the block.

use super::subject::Subject;
use std::alloc::Layout;
use std::ptr::NonNull;

/// A buddy allocator with 32 orders.
pub struct Buddy(buddy_system_allocator::Heap<32>);

// SAFETY: the allocator exclusively owns its region; moving it moves that ownership.
unsafe impl Send for Buddy {}

impl Subject for Buddy {
    const NAME: &'static str = "buddy_system_allocator";

    unsafe fn over(region: NonNull<[u8]>) -> Self {
        let mut buddy = buddy_system_allocator::Heap::new();
        // SAFETY: the caller hands over the region. The crate takes addresses as integers.
        unsafe { buddy.init(region.cast::<u8>().as_ptr().addr(), region.len()) };
        Self(buddy)
    }

    #[inline(always)]
    unsafe fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.0.alloc(layout).ok()
    }

    #[inline(always)]
    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.0.dealloc(ptr, layout) }
    }
}
