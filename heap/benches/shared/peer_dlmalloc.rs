//! The adapter for `dlmalloc`, fed from the arena through its system interface: the first
//! request for system memory gets the whole region, every later one fails.
//!
//! ```text
//!   dlmalloc ──► ArenaOnce::alloc(size) ──► 1st call: (base, region.len(), 0)
//!                                           later:    null (out of memory)
//! ```

use super::subject::Subject;
use std::alloc::Layout;
use std::cell::Cell;
use std::ptr::{null_mut, NonNull};

/// dlmalloc's view of the system: one region, handed out once.
pub struct ArenaOnce {
    region: Cell<Option<NonNull<[u8]>>>,
}

// SAFETY: the region is handed out at most once and the allocator owning this value is
// only used by one thread at a time (behind the bench's lock).
unsafe impl Send for ArenaOnce {}

// SAFETY: `alloc` returns the region at most once; nothing is ever released or remapped.
unsafe impl dlmalloc::Allocator for ArenaOnce {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        match self.region.take() {
            Some(region) if region.len() >= size => (region.cast::<u8>().as_ptr(), region.len(), 0),
            _ => (null_mut(), 0, 0),
        }
    }
    fn remap(&self, _: *mut u8, _: usize, _: usize, _: bool) -> *mut u8 {
        null_mut()
    }
    fn free_part(&self, _: *mut u8, _: usize, _: usize) -> bool {
        false
    }
    fn free(&self, _: *mut u8, _: usize) -> bool {
        false
    }
    fn can_release_part(&self, _: u32) -> bool {
        false
    }
    fn allocates_zeros(&self) -> bool {
        false
    }
    fn page_size(&self) -> usize {
        4096
    }
}

/// dlmalloc over the arena.
pub struct Dlmalloc(dlmalloc::Dlmalloc<ArenaOnce>);

// SAFETY: the allocator exclusively owns its region; moving it moves that ownership.
unsafe impl Send for Dlmalloc {}

impl Subject for Dlmalloc {
    const NAME: &'static str = "dlmalloc";

    unsafe fn over(region: NonNull<[u8]>) -> Self {
        let system = ArenaOnce {
            region: Cell::new(Some(region)),
        };
        Self(dlmalloc::Dlmalloc::new_with_allocator(system))
    }

    #[inline(always)]
    unsafe fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        // SAFETY: a valid layout.
        NonNull::new(unsafe { self.0.malloc(layout.size(), layout.align()) })
    }

    #[inline(always)]
    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.0.free(ptr.as_ptr(), layout.size(), layout.align()) }
    }

    #[inline(always)]
    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        layout: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: forwarded contract.
        NonNull::new(unsafe {
            self.0
                .realloc(ptr.as_ptr(), layout.size(), layout.align(), new_size)
        })
    }
}
