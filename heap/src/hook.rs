//! The out-of-memory hook: what a [`Heap`](crate::Heap) does when no free chunk fits a request.
//!
//! ```text
//!   allocate ──► no chunk fits ──► G::out_of_memory(&mut HookHeap(heap), layout)
//!                                    ├─ Ok  (and the heap changed) ──► retry
//!                                    └─ Err (or nothing changed)   ──► AllocError
//! ```
//!
//! A hook usually calls [`HookHeap::extend`] on an arena (a kernel maps nothing yet; pages
//! are faulted in on first touch) or [`HookHeap::claim`] on new memory. Its own state lives
//! in the public field [`Heap::hook`](crate::Heap::hook), which it reaches through
//! [`HookHeap::hook_mut`]; the handle cannot reach the heap itself (see `hook_heap.rs`).

use crate::{AllocError, HookHeap, Span};
use core::alloc::Layout;

/// The out-of-memory hook of a [`Heap`](crate::Heap).
pub trait OutOfMemory: Sized {
    /// Called when no free chunk fits `layout`. Return `Ok` after adding memory (the
    /// allocation is then retried) or `Err` to make it fail. Returning `Ok` without changing
    /// the heap's arenas (no claim, no arena end moved) also makes it fail,
    /// so a hook that does nothing cannot make `allocate` loop; one that changes the heap on
    /// every call without ever making room would.
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, layout: Layout) -> Result<(), AllocError>;
}

/// A hook that never adds memory: allocations fail as soon as no chunk fits.
#[derive(Clone, Copy, Debug, Default)]
pub struct NeverGrow;

impl OutOfMemory for NeverGrow {
    fn out_of_memory(_: &mut HookHeap<'_, Self>, _: Layout) -> Result<(), AllocError> {
        Err(AllocError)
    }
}

/// A hook that claims one region the first time the heap runs out, then never again:
/// handy on hosts and for a `static` heap over a `static` array.
///
/// The hook owns its region, so it is neither `Copy` nor `Clone`: a copy would hand the same
/// memory to a second heap. It gives the region away exactly once; if that claim fails (the
/// region is too small or in the null page), the allocation fails and the region is dropped.
///
/// ```compile_fail
/// # use tagheap::{ClaimOnFirstUse, Span};
/// let hook = unsafe { ClaimOnFirstUse::new(Span::empty()) };
/// let twin = hook.clone(); // error: no method `clone`
/// ```
#[derive(Debug)]
pub struct ClaimOnFirstUse {
    region: Span,
}

impl ClaimOnFirstUse {
    /// A hook that will claim `region` on first use. A region `claim` refuses (too small, in
    /// the null page) makes that first allocation fail, and every later one.
    ///
    /// # Safety
    /// `region` must satisfy the contract of [`Heap::claim`](crate::Heap::claim) for the heap
    /// this hook serves.
    pub const unsafe fn new(region: Span) -> Self {
        Self { region }
    }
}

impl OutOfMemory for ClaimOnFirstUse {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, _: Layout) -> Result<(), AllocError> {
        let region = core::mem::replace(&mut heap.hook_mut().region, Span::empty());
        if region.is_empty() {
            return Err(AllocError);
        }
        // SAFETY: `new`'s caller promised that the region may be claimed.
        unsafe { heap.claim(region) }
            .map(|_| ())
            .map_err(|_| AllocError)
    }
}
