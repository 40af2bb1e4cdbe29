//! `HookHeap`: the heap as its out-of-memory hook sees it. The hook gets this handle, never
//! the `&mut Heap` itself, so that it cannot replace or swap the heap under the operation that
//! called it (`allocate`, `grow`, a cache refill) and that still holds blocks of it.
//!
//! ```text
//!   Heap::allocate ──► G::out_of_memory(&mut HookHeap { heap: private }, layout)
//!                        hook, hook_mut                      the hook's own state (G)
//!                        claim, extend, truncate             add or give back arena memory
//!                        arenas, allocated_span, counters    look
//!                      ──► back in the heap: the blocks it held are still its own
//! ```

use crate::{
    Arenas, ClaimError, Counters, ExtendError, Heap, OutOfMemory, Span, TruncateError, Truncated,
};

/// What an [`OutOfMemory`] hook may do to the heap that called it: change its arenas and
/// read its state and figures, but not reach the `Heap` value itself.
///
/// A hook that could `core::mem::swap` the heap it is given with another one would leave the
/// operation that called it freeing and resizing blocks of one heap in the other; this
/// handle has no way to do that:
///
/// ```compile_fail,E0053
/// use core::alloc::Layout;
/// use tagheap::{AllocError, Heap, OutOfMemory};
///
/// struct Swapper;
/// impl OutOfMemory for Swapper {
///     fn out_of_memory(heap: &mut Heap<Self>, _: Layout) -> Result<(), AllocError> {
///         core::mem::swap(heap, &mut Heap::new(Swapper));
///         Ok(())
///     }
/// }
/// ```
///
/// ```compile_fail,E0308
/// use core::alloc::Layout;
/// use tagheap::{AllocError, Heap, HookHeap, OutOfMemory};
///
/// struct Swapper;
/// impl OutOfMemory for Swapper {
///     fn out_of_memory(heap: &mut HookHeap<'_, Self>, _: Layout) -> Result<(), AllocError> {
///         let other: &mut Heap<Self> = heap;
///         core::mem::swap(other, &mut Heap::new(Swapper));
///         Ok(())
///     }
/// }
/// ```
pub struct HookHeap<'a, G: OutOfMemory> {
    heap: &'a mut Heap<G>,
}

impl<'a, G: OutOfMemory> HookHeap<'a, G> {
    /// The handle a hook of `heap` is given.
    pub(crate) fn new(heap: &'a mut Heap<G>) -> Self {
        Self { heap }
    }

    /// The hook's own state ([`Heap::hook`]).
    pub fn hook(&self) -> &G {
        &self.heap.hook
    }

    /// The hook's own state, to change.
    pub fn hook_mut(&mut self) -> &mut G {
        &mut self.heap.hook
    }

    /// [`Heap::claim`]: adds a new arena.
    ///
    /// # Safety
    /// As for [`Heap::claim`].
    pub unsafe fn claim(&mut self, arena: Span) -> Result<Span, ClaimError> {
        // SAFETY: forwarded contract.
        unsafe { self.heap.claim(arena) }
    }

    /// [`Heap::extend`]: grows an arena.
    ///
    /// # Safety
    /// As for [`Heap::extend`].
    pub unsafe fn extend(&mut self, old: Span, new: Span) -> Result<Span, ExtendError> {
        // SAFETY: forwarded contract.
        unsafe { self.heap.extend(old, new) }
    }

    /// [`Heap::truncate`]: shrinks or releases an arena.
    pub fn truncate(&mut self, old: Span, new: Span) -> Result<Truncated, TruncateError> {
        self.heap.truncate(old, new)
    }

    /// [`Heap::arenas`]: the heap's arenas, most recently claimed first.
    pub fn arenas(&self) -> Arenas<'_> {
        self.heap.arenas()
    }

    /// [`Heap::allocated_span`]: the part of an arena that `truncate` cannot cut.
    pub fn allocated_span(&self, arena: Span) -> Result<Span, TruncateError> {
        self.heap.allocated_span(arena)
    }

    /// [`Heap::counters`]: the heap's figures.
    pub fn counters(&self) -> Counters {
        self.heap.counters()
    }
}
