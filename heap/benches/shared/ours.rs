//! The adapter for our `tagheap::Heap`, and the hook that grows its arena for the growth run.
//!
//! ```text
//!   over(region):     claim the whole region; hook: NeverGrow
//!   growing(region):  claim [base, base + initial); hook: ExtendWithin
//!                     on OOM: extend(arena, arena + growth_step) until the region's end
//! ```

use super::subject::{growth_step, Growing, Subject};
use std::alloc::Layout;
use std::ptr::NonNull;
use tagheap::{AllocError, Heap, HookHeap, NeverGrow, OutOfMemory, Span};

/// `tagheap::Heap` with the out-of-memory hook `G`.
pub struct Ours<G: Hook>(Heap<G>);

/// A hook that can be built for a region of the arena.
pub trait Hook: OutOfMemory + Send {
    /// The hook for a heap that starts with `arena` claimed, inside `region`.
    fn within(arena: Span, region: NonNull<[u8]>) -> Self;
}

impl Hook for NeverGrow {
    fn within(_: Span, _: NonNull<[u8]>) -> Self {
        NeverGrow
    }
}

/// Extends the arena at its top, a growth step at a time, up to the end of the region.
pub struct ExtendWithin {
    arena: Span,
    limit: usize,
}

// SAFETY: the spans only describe memory the heap owns; they move with the heap.
unsafe impl Send for ExtendWithin {}

impl Hook for ExtendWithin {
    fn within(arena: Span, region: NonNull<[u8]>) -> Self {
        let limit = region.cast::<u8>().as_ptr().addr() + region.len();
        Self { arena, limit }
    }
}

impl OutOfMemory for ExtendWithin {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, layout: Layout) -> Result<(), AllocError> {
        let old = heap.hook().arena;
        let room = heap.hook().limit - old.acme().addr();
        let step = growth_step(layout, room);
        if step == 0 {
            return Err(AllocError);
        }
        let new = Span::from_base_size(old.base(), old.size() + step);
        // SAFETY: the new bytes are the rest of the region handed to `growing`, whose base
        // pointer carries the provenance of all of it.
        heap.hook_mut().arena = unsafe { heap.extend(old, new) }.map_err(|_| AllocError)?;
        Ok(())
    }
}

impl<G: Hook> Ours<G> {
    /// A heap with the first `size` bytes of `region` claimed.
    ///
    /// # Safety
    /// As for [`Subject::over`].
    unsafe fn claiming(region: NonNull<[u8]>, size: usize) -> Self {
        let mut heap = Heap::new(G::within(Span::empty(), region));
        let span = Span::from_base_size(region.cast::<u8>().as_ptr(), size);
        // SAFETY: the caller hands over the region.
        let arena = unsafe { heap.claim(span) }.expect("the arena is a claimable region");
        heap.hook = G::within(arena, region);
        Self(heap)
    }
}

impl<G: Hook> Subject for Ours<G> {
    const NAME: &'static str = "ours";

    unsafe fn over(region: NonNull<[u8]>) -> Self {
        // SAFETY: forwarded contract.
        unsafe { Self::claiming(region, region.len()) }
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

impl Growing for Ours<ExtendWithin> {
    unsafe fn growing(region: NonNull<[u8]>, initial: usize) -> Self {
        // SAFETY: forwarded contract.
        unsafe { Self::claiming(region, initial) }
    }

    fn arena_bytes(&self) -> usize {
        self.0.hook.arena.size()
    }
}
