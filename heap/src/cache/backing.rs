//! What the cache asks of the heap, always under the heap's lock (taken by the caller, once
//! for a whole batch): magazines themselves, filling one, draining one.
//!
//! ```text
//!   new_magazine:  heap.allocate(Magazine<M>::LAYOUT)       counted in `magazines`
//!                  (for a free: without the hook, so that a free never grows the heap)
//!   fill:          stack ◄── heap.allocate(class layout), marked and pushed one at a time
//!                  (a hook that panics halfway loses nothing), until `want` or a failure
//!   drain:         slots [0, rounds)    ──► heap.deallocate(class layout) each
//!   free_magazine: heap.deallocate(Magazine<M>::LAYOUT)
//! ```

use super::classes::class_layout;
use super::debug;
use super::magazine::Magazine;
use super::stack::Stack;
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
        self.counted(unsafe { heap.allocate(Magazine::<M>::LAYOUT) }.ok())
    }

    /// A new, empty magazine from the free chunks of `heap` (the hook does not run), or `None`.
    ///
    /// # Safety
    /// As for [`CachedHeap::new_magazine`].
    pub(crate) unsafe fn new_magazine_in_room(
        &self,
        heap: &mut Heap<G>,
    ) -> Option<*mut Magazine<M>> {
        // SAFETY: forwarded contract.
        self.counted(unsafe { heap.allocate_in_room(Magazine::<M>::LAYOUT) })
    }

    /// Counts a magazine just allocated, if there is one.
    fn counted(&self, magazine: Option<NonNull<u8>>) -> Option<*mut Magazine<M>> {
        let magazine = magazine?;
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

    /// Fills the magazine loaded in `stack` with blocks of `class` from `heap` until it holds
    /// `want` (at most `M`), stopping early when the heap fails. The blocks of a run are
    /// written into the magazine's slots as they come and counted once the run returns: only
    /// the hook can panic, and only before a run hands out its first block, so whatever it
    /// does every block stays reachable.
    ///
    /// # Safety
    /// `heap` must be this cache's heap; the caller must hold the pin of `stack`'s CPU, and
    /// the stack a magazine of `class`; `want <= M`.
    pub(crate) unsafe fn fill(heap: &mut Heap<G>, stack: &Stack<M>, want: usize, class: usize) {
        // SAFETY: the pin makes the stack ours; it holds a magazine.
        let (magazine, mut rounds) = unsafe { stack.peek() };
        while rounds < want {
            let room = want - rounds;
            let put = |block: NonNull<u8>| {
                // SAFETY: the magazine is ours and has room (the run hands out at most
                // `room` blocks); the block is a fresh block of its class, now the cache's
                // (marked, so that a double free of it is caught like that of a block freed
                // into a magazine).
                unsafe {
                    debug::enter(block.as_ptr());
                    *Magazine::slot(magazine, rounds) = block.as_ptr();
                }
                rounds += 1;
            };
            // SAFETY: the arenas are valid by the caller's contract; class layouts are
            // aligned to 16 with chunks of at most 288 bytes.
            let run = unsafe { heap.allocate_run(class_layout(class), room, put) };
            // SAFETY: the run wrote `rounds` blocks into the magazine's first slots.
            unsafe { stack.grew_to(rounds) };
            if run.is_err() {
                break;
            }
        }
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
