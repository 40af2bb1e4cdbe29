//! The adapter for `rlsf`'s `Tlsf`: the whole region inserted as free blocks.
//!
//! ```text
//!   Tlsf<'static, u32, u32, 28, 32>   first level: 28 powers of two from the 32-byte
//!                                     granularity (blocks up to 8 GiB); second level: 32
//! ```

use super::subject::Subject;
use std::alloc::Layout;
use std::ptr::NonNull;

/// A TLSF with first- and second-level bitmaps wide enough for the 64 MiB arena.
pub struct Tlsf(rlsf::Tlsf<'static, u32, u32, 28, 32>);

impl Subject for Tlsf {
    const NAME: &'static str = "rlsf";

    unsafe fn over(region: NonNull<[u8]>) -> Self {
        let mut tlsf = rlsf::Tlsf::new();
        // SAFETY: the caller hands over the region for as long as the allocator lives.
        unsafe { tlsf.insert_free_block_ptr(region) }.expect("rlsf takes the arena");
        Self(tlsf)
    }

    #[inline(always)]
    unsafe fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.0.allocate(layout)
    }

    #[inline(always)]
    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.0.deallocate(ptr, layout.align()) }
    }

    #[inline(always)]
    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        layout: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let new = Layout::from_size_align(new_size, layout.align()).ok()?;
        // SAFETY: forwarded contract; the alignment is unchanged.
        unsafe { self.0.reallocate(ptr, new) }
    }
}
