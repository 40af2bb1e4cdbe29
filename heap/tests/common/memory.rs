//! Host memory for test arenas: one zeroed, page-aligned block per `Memory`, freed on drop.
//! Spans made from it carry the provenance of the whole block, so arenas may be extended
//! anywhere inside it.

use std::alloc::{alloc_zeroed, dealloc, Layout};
use tagheap::Span;

/// A zeroed, page-aligned block of host memory.
pub struct Memory {
    base: *mut u8,
    layout: Layout,
}

impl Memory {
    /// A block of `size` bytes.
    pub fn new(size: usize) -> Self {
        let layout = Layout::from_size_align(size, 4096).expect("test memory layout");
        // SAFETY: the layout has a non-zero size.
        let base = unsafe { alloc_zeroed(layout) };
        assert!(
            !base.is_null(),
            "the host could not allocate {size} bytes of test memory"
        );
        Self { base, layout }
    }

    /// `size` bytes at `offset` into the block.
    pub fn span(&self, offset: usize, size: usize) -> Span {
        assert!(
            offset + size <= self.layout.size(),
            "span {offset}+{size} is outside the test memory"
        );
        Span::from_base_size(self.base.wrapping_add(offset), size)
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.base, self.layout) }
    }
}
