//! What the cache asks of the heap, always under the heap's lock (taken by the caller, once
//! for a whole batch): magazines themselves, filling one, draining one.
//!
//! ```text
//!   new_magazine:  heap.allocate(Magazine<M>::LAYOUT)       counted in `magazines`
//!   fill:          slots [rounds, want) ◄── heap.allocate(class layout) each, until one fails
//!   drain:         slots [0, rounds)    ──► heap.deallocate(class layout) each
//!   free_magazine: heap.deallocate(Magazine<M>::LAYOUT)
//! ```

use super::classes::class_layout;
use super::debug;
use super::magazine::Magazine;
use super::{CachedHeap, Cpu};
use crate::{Heap, OutOfMemory};
use core::ptr::NonNull;
use core::sync::atomic::Ordering::Relaxed;
use lock_api::RawMutex;

impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
    CachedHeap<R, G, C, CPUS, M>
{
    /// A new, empty magazine from `heap`, or `None` when it has no room (or cannot grow).
    ///
    /// # Safety
    /// `heap` must be this cache's heap, its arenas valid.
    pub(crate) unsafe fn new_magazine(&self, heap: &mut Heap<G>) -> Option<*mut Magazine<M>> {
        // SAFETY: forwarded contract.
        let magazine = unsafe { heap.allocate(Magazine::<M>::LAYOUT) }.ok()?;
        self.magazines.fetch_add(1, Relaxed);
        Some(magazine.as_ptr().cast())
    }

    /// Gives `magazine` (its blocks already drained) back to `heap`.
    ///
    /// # Safety
    /// `heap` must be this cache's heap; `magazine` one of its magazines, used by no one else.
    pub(crate) unsafe fn free_magazine(&self, heap: &mut Heap<G>, magazine: *mut Magazine<M>) {
        self.magazines.fetch_sub(1, Relaxed);
        // SAFETY: magazines are allocated with this layout (`new_magazine`).
        unsafe {
            heap.deallocate(
                NonNull::new_unchecked(magazine.cast()),
                Magazine::<M>::LAYOUT,
            )
        }
    }

    /// Fills `magazine`, which holds `rounds` blocks, with blocks of `class` from `heap` up to
    /// `want` (at most `M`), stopping early when the heap fails; returns the new round count.
    ///
    /// # Safety
    /// As for [`CachedHeap::free_magazine`], and `rounds <= want <= M`.
    pub(crate) unsafe fn fill(
        heap: &mut Heap<G>,
        magazine: *mut Magazine<M>,
        mut rounds: usize,
        want: usize,
        class: usize,
    ) -> usize {
        while rounds < want {
            // SAFETY: the arenas are valid by the caller's contract.
            let Ok(block) = (unsafe { heap.allocate(class_layout(class)) }) else {
                break;
            };
            // SAFETY: `rounds < want <= M`, and the magazine is ours.
            unsafe { *Magazine::slot(magazine, rounds) = block.as_ptr() };
            rounds += 1;
        }
        rounds
    }

    /// Frees the `rounds` blocks of `magazine`, of `class`, into `heap`.
    ///
    /// # Safety
    /// As for [`CachedHeap::free_magazine`]; the magazine's first `rounds` slots hold blocks
    /// of `class` that nothing else holds.
    pub(crate) unsafe fn drain(
        heap: &mut Heap<G>,
        magazine: *mut Magazine<M>,
        rounds: usize,
        class: usize,
    ) {
        for index in 0..rounds {
            // SAFETY: by the caller's contract, slot `index` holds a live block of `class`.
            unsafe {
                let block = *Magazine::slot(magazine, index);
                debug::leave(block);
                heap.deallocate(NonNull::new_unchecked(block), class_layout(class));
            }
        }
    }
}
