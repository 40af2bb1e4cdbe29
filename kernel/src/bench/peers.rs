//! The allocators the benchmarks compare, each a [`BenchHeap`] over the same arena:
//! ours (the boundary-tag heap alone, no hook), talc 5, rlsf (TLSF) and
//! `linked_list_allocator`, all `no_std` builds, none of them growing.
//!
//! ```text
//!   arena (32 MiB, pre-touched) ─► over(arena) ─► one allocator at a time owns it
//!                                  (a fresh one for every run: nothing carries over)
//! ```

use super::BenchHeap;
use core::alloc::Layout;
use core::ptr::NonNull;
use heap::{Heap, NeverGrow, Span};
use talc::source::Manual;
use talc::DefaultBinning;

/// rlsf's TLSF with the first- and second-level sizes its host bench uses.
pub type Rlsf = rlsf::Tlsf<'static, u32, u32, 28, 32>;

/// talc's allocator with no memory source: it never grows past its arena.
pub type Talc = talc::base::Talc<Manual, DefaultBinning>;

impl BenchHeap for Heap<NeverGrow> {
    const NAME: &'static str = "ours";

    unsafe fn over(arena: Span) -> Self {
        let mut heap = Heap::new(NeverGrow);
        // SAFETY: the caller hands the arena over for the heap's life.
        unsafe { heap.claim(arena) }.expect("our heap claims the benchmark arena");
        heap
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        // SAFETY: the heap's one arena is valid for its life (`over`).
        unsafe { Heap::allocate(self, layout) }.ok()
    }

    unsafe fn free(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded from the caller.
        unsafe { self.deallocate(ptr, layout) }
    }
}

impl BenchHeap for Talc {
    const NAME: &'static str = "talc";

    unsafe fn over(arena: Span) -> Self {
        let mut talc = Talc::new(Manual);
        // SAFETY: the caller hands the arena over for talc's life.
        unsafe { talc.claim(arena.base(), arena.size()) }.expect("talc claims the benchmark arena");
        talc
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        // SAFETY: talc's arena is valid for its life (`over`); the layout is non-zero.
        unsafe { Talc::allocate(self, layout) }
    }

    unsafe fn free(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded from the caller.
        unsafe { self.deallocate(ptr.as_ptr(), layout) }
    }
}

impl BenchHeap for Rlsf {
    const NAME: &'static str = "rlsf";

    unsafe fn over(arena: Span) -> Self {
        let mut tlsf = Rlsf::new();
        let block = NonNull::slice_from_raw_parts(
            NonNull::new(arena.base()).expect("the arena is not at address 0"),
            arena.size(),
        );
        // SAFETY: the caller hands the arena over for the allocator's life.
        unsafe { tlsf.insert_free_block_ptr(block) }.expect("rlsf takes the benchmark arena");
        tlsf
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        Rlsf::allocate(self, layout)
    }

    unsafe fn free(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded from the caller.
        unsafe { self.deallocate(ptr, layout.align()) }
    }
}

impl BenchHeap for linked_list_allocator::Heap {
    const NAME: &'static str = "linked_list";

    unsafe fn over(arena: Span) -> Self {
        let mut heap = linked_list_allocator::Heap::empty();
        // SAFETY: the caller hands the arena over for the heap's life.
        unsafe { heap.init(arena.base(), arena.size()) };
        heap
    }

    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.allocate_first_fit(layout).ok()
    }

    unsafe fn free(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded from the caller.
        unsafe { self.deallocate(ptr, layout) }
    }
}
