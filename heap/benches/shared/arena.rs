//! The arena every allocator is fed from: one page-aligned block of host memory, written
//! once before any timing so that no trial pays for first-touch page faults.
//!
//! ```text
//!   base (4096-aligned)                                          base + size
//!   |<------------------------- 64 MiB, pre-touched --------------------->|
//!   |<-- region(size): what one trial hands to one allocator -->|
//! ```
//!
//! Each trial builds a fresh allocator over a region of the arena, so the arena is
//! re-initialised by the allocator itself, never re-allocated from the host.

use std::alloc::{alloc, dealloc, Layout};
use std::ptr::NonNull;

/// The page size the arena is aligned to.
const PAGE: usize = 4096;

/// A page-aligned, pre-touched block of host memory, freed on drop.
pub struct Arena {
    base: NonNull<u8>,
    layout: Layout,
}

impl Arena {
    /// Allocates `size` bytes (a multiple of the page size) and writes every byte once.
    pub fn new(size: usize) -> Self {
        let layout =
            Layout::from_size_align(size, PAGE).expect("the arena size is a page multiple");
        // SAFETY: the layout has a non-zero size.
        let base = unsafe { alloc(layout) };
        let base = NonNull::new(base)
            .unwrap_or_else(|| panic!("the host could not allocate a {size}-byte arena"));
        // SAFETY: the block was just allocated with `size` bytes.
        unsafe { base.as_ptr().write_bytes(0xa5, size) };
        Self { base, layout }
    }

    /// The arena's size in bytes.
    pub fn size(&self) -> usize {
        self.layout.size()
    }

    /// The first `size` bytes of the arena, as a raw slice for an allocator to claim.
    pub fn region(&self, size: usize) -> NonNull<[u8]> {
        assert!(
            size <= self.size(),
            "a region of {size} bytes does not fit the {}-byte arena",
            self.size()
        );
        NonNull::slice_from_raw_parts(self.base, size)
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.base.as_ptr(), self.layout) }
    }
}
