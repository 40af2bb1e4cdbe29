//! The adapter for `linked_list_allocator`, the baseline: a first-fit `Heap` over the whole
//! region. It has no out-of-memory hook and no reallocation, so the adapter supplies both:
//!
//! ```text
//!   allocate fails ──► extend(growth_step) while the region has room ──► retry
//!   reallocate     ──► allocate, copy, deallocate
//! ```

use super::subject::{growth_step, Growing, Subject};
use std::alloc::Layout;
use std::ptr::NonNull;

/// A linked-list heap and the number of region bytes it may still extend into.
pub struct LinkedList {
    heap: linked_list_allocator::Heap,
    room: usize,
}

impl Subject for LinkedList {
    const NAME: &'static str = "linked_list_allocator";

    unsafe fn over(region: NonNull<[u8]>) -> Self {
        // SAFETY: forwarded contract.
        unsafe { Self::growing(region, region.len()) }
    }

    #[inline(always)]
    unsafe fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        loop {
            if let Ok(ptr) = self.heap.allocate_first_fit(layout) {
                return Some(ptr);
            }
            let step = growth_step(layout, self.room);
            if step == 0 {
                return None;
            }
            // SAFETY: the `step` bytes above the heap are the rest of the region.
            unsafe { self.heap.extend(step) };
            self.room -= step;
        }
    }

    #[inline(always)]
    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.heap.deallocate(ptr, layout) }
    }
}

impl Growing for LinkedList {
    unsafe fn growing(region: NonNull<[u8]>, initial: usize) -> Self {
        let mut heap = linked_list_allocator::Heap::empty();
        // SAFETY: the caller hands over the region.
        unsafe { heap.init(region.cast::<u8>().as_ptr(), initial) };
        Self {
            heap,
            room: region.len() - initial,
        }
    }

    fn arena_bytes(&self) -> usize {
        self.heap.size()
    }
}
