//! The adapter for our `tagheap::CachedHeap`: the heap with per-CPU magazines in front, each
//! bench thread its own CPU (`ThreadCpu`), the whole region claimed by its heap.
//!
//! ```text
//!   over(region):  CachedHeap::new(NeverGrow); heap().claim(region)
//!   allocate / deallocate / reallocate: the cache's own (&self) methods; when the heap runs
//!   out, the cache flushes its magazines into it and retries (what makes the efficiency
//!   figure comparable: cached blocks are not counted against the arena at the peak)
//! ```

use super::subject::Subject;
use std::alloc::Layout;
use std::ptr::NonNull;
use tagheap::{CachedHeap, NeverGrow, Span, ThreadCpu};

/// CPU slots: enough for every bench thread (indices are recycled as threads exit).
pub const CPUS: usize = 16;

/// `tagheap::CachedHeap` with magazines of `M` blocks, held in place like every other
/// allocator (a box would cost every call a load that a global allocator, a `static`, does
/// not pay: one instruction per operation).
pub struct OursCached<const M: usize = 8>(
    CachedHeap<spin::mutex::SpinMutex<()>, NeverGrow, ThreadCpu, CPUS, M>,
);

impl<const M: usize> OursCached<M> {
    /// The name of the variant with magazines of `M` blocks.
    pub const fn name() -> &'static str {
        match M {
            8 => "ours+cache",
            16 => "ours+cache m16",
            32 => "ours+cache m32",
            64 => "ours+cache m64",
            128 => "ours+cache m128",
            _ => "ours+cache m?",
        }
    }
}

impl<const M: usize> Subject for OursCached<M> {
    const NAME: &'static str = Self::name();

    unsafe fn over(region: NonNull<[u8]>) -> Self {
        let cache = CachedHeap::new(NeverGrow);
        let span = Span::from_base_size(region.cast::<u8>().as_ptr(), region.len());
        // SAFETY: the caller hands over the region.
        unsafe { cache.heap().lock().claim(span) }.expect("the arena is a claimable region");
        Self(cache)
    }

    #[inline(always)]
    unsafe fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        // SAFETY: the region is valid, by the contract of `over`.
        unsafe { self.0.allocate(layout) }.ok()
    }

    #[inline(always)]
    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.0.deallocate(ptr, layout) }
    }

    #[inline(always)]
    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        layout: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: forwarded contract.
        unsafe { self.0.realloc(ptr, layout, new_size) }.ok()
    }
}
