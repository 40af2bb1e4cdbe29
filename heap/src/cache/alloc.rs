//! The entry points: `allocate`, `deallocate`, `realloc` and `GlobalAlloc`. A cached layout
//! takes the fast path; the rest is `miss.rs` (cached, slow) or the heap (not cached).
//!
//! ```text
//!   allocate:  class_of ─► pin ─► slot ─► loaded.pop ──► hit ──► block
//!                 │ None      │ no slot       │ empty
//!                 ▼           ▼               ▼
//!              heap        heap (class     allocate_miss
//!              (layout)    layout)
//!   free:      the same with loaded.push and free_miss (where a CPU in a teardown, whose
//!              magazines are gone, frees to the heap: `teardown.rs`)
//! ```
//!
//! A cached layout always gets a block of its class, even from the heap when the CPU has
//! no slot, so that any CPU may later put it in a magazine of that class.

use super::classes::{class_layout, class_of};
use super::debug;
use super::{CachedHeap, Cpu, PerCpu};
use crate::no_unwind::no_unwind;
use crate::{AllocError, OutOfMemory};
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{null_mut, NonNull};
use lock_api::RawMutex;

impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
    CachedHeap<R, G, C, CPUS, M>
{
    /// Allocates a block for `layout`: from this CPU's magazine when the layout is cached,
    /// else from the heap. When the heap runs out, the depot and this CPU's magazines are
    /// flushed into it and the request is tried once more before `AllocError`.
    ///
    /// A zero-size layout gets the smallest class's block, which must be deallocated.
    ///
    /// # Safety
    /// The heap's arenas must still be valid (the contract of `claim` and `extend`).
    #[inline]
    pub unsafe fn allocate(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        let Some(class) = class_of(layout) else {
            // SAFETY: forwarded contract.
            return unsafe { self.heap_allocate(layout) };
        };
        let pin = C::pin();
        let Some(cpu) = self.cpu(&pin) else {
            C::no_slot(&pin);
            // SAFETY: forwarded contract.
            return unsafe { self.heap_allocate(class_layout(class)) };
        };
        // SAFETY: pinned, and the arenas are valid by the caller's contract.
        unsafe { self.allocate_on(cpu, class) }
    }

    /// Allocates a block of `class` from the magazines of `cpu`.
    ///
    /// # Safety
    /// The caller must hold the pin of `cpu`; the heap's arenas must be valid.
    #[inline(always)]
    pub(crate) unsafe fn allocate_on(
        &self,
        cpu: &PerCpu<M>,
        class: usize,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: the pin makes this CPU's slot ours.
        match unsafe { cpu.class(class).loaded.pop() } {
            // SAFETY: magazines hold only blocks of their class, which are not null.
            Some(block) => unsafe {
                debug::leave(block);
                Ok(NonNull::new_unchecked(block))
            },
            // SAFETY: by the caller's contract.
            None => unsafe { self.allocate_miss(cpu, class) },
        }
    }

    /// Frees the block at `ptr`: into this CPU's magazine when the layout is cached (wherever
    /// the block came from) and the CPU is not tearing down (`teardown.rs`), else to the
    /// heap.
    ///
    /// With `debug-checks` (in builds with debug assertions) a pointer the heap did not hand
    /// out, or one freed twice (into a magazine or into the heap), panics with its address.
    /// Without them a cached layout's free checks nothing (it is a push onto a magazine): a
    /// pointer from no arena is handed out again, and panics only if it reaches the heap.
    ///
    /// # Safety
    /// `ptr` must have come from this cache with `layout` and must not be used afterwards.
    #[inline]
    pub unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        let Some(class) = class_of(layout) else {
            // SAFETY: forwarded contract.
            return unsafe { self.heap_deallocate(ptr, layout) };
        };
        let pin = C::pin();
        let Some(cpu) = self.cpu(&pin) else {
            C::no_slot(&pin);
            // SAFETY: a cached layout's block is a block of its class.
            return unsafe { self.heap_deallocate(ptr, class_layout(class)) };
        };
        // SAFETY: pinned; the block is a live block of its class.
        unsafe { self.deallocate_on(cpu, class, ptr) }
    }

    /// Frees the block at `ptr`, of `class`, into the magazines of `cpu`.
    ///
    /// # Safety
    /// The caller must hold the pin of `cpu`; `ptr` must be a live block of `class`, given
    /// up.
    #[inline(always)]
    pub(crate) unsafe fn deallocate_on(&self, cpu: &PerCpu<M>, class: usize, ptr: NonNull<u8>) {
        #[cfg(all(feature = "debug-checks", debug_assertions))]
        self.verify_cached(ptr, class, "deallocate");
        // SAFETY: the pin makes the slot ours; the block is a live block of its class.
        unsafe {
            debug::enter(ptr.as_ptr());
            if !cpu.class(class).loaded.push(ptr.as_ptr()) {
                self.free_miss(cpu, class, ptr.as_ptr());
            }
        }
    }

    /// Frees to the heap: out of line, so that the fast path saves no registers for it.
    ///
    /// # Safety
    /// `ptr` must be a live block of the heap allocated with `layout`.
    #[inline(never)]
    unsafe fn heap_deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded contract.
        self.heap
            .locked(|heap| unsafe { heap.checked_deallocate(ptr, layout) })
    }

    /// Allocates from the heap; on failure flushes the cache into it and tries once more.
    ///
    /// # Safety
    /// As for [`CachedHeap::allocate`].
    #[inline(never)]
    pub(crate) unsafe fn heap_allocate(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        let mut heap = self.heap.lock();
        // SAFETY: forwarded contract.
        match unsafe { heap.allocate_out_of_line(layout) } {
            Ok(block) => Ok(block),
            Err(AllocError) => {
                // The heap hands the layout back, so that it is not kept in saved registers
                // across every allocation for this rare retry.
                let refused = heap.refused();
                // Released before the flush, which takes the depot's lock and then the heap's.
                drop(heap);
                // SAFETY: as above.
                unsafe { self.allocate_after_flush(refused) }
            }
        }
    }

    /// The second try of `heap_allocate`, after a flush: out of line, so that the first
    /// try's inlined allocation is the only one there and saves few registers.
    ///
    /// # Safety
    /// As for [`CachedHeap::allocate`].
    #[cold]
    #[inline(never)]
    unsafe fn allocate_after_flush(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        self.flush();
        // SAFETY: forwarded contract.
        unsafe { self.heap.lock().allocate(layout) }
    }
}

// SAFETY: blocks come from the heap, which hands out disjoint blocks; a block sits in at most
// one magazine (or is live, or free in the heap), so no block is handed out twice.
unsafe impl<R: RawMutex + Sync, G: OutOfMemory + Send, C: Cpu, const CPUS: usize, const M: usize>
    GlobalAlloc for CachedHeap<R, G, C, CPUS, M>
{
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the heap's arenas are valid by the contract of `claim`.
        no_unwind(|| unsafe { self.allocate(layout) }).map_or(null_mut(), NonNull::as_ptr)
    }

    /// [`CachedHeap::deallocate`]; where that panics, the program aborts with the message (a
    /// global allocator must not unwind).
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: GlobalAlloc's contract: `ptr` came from `alloc` with `layout`, so it is not null.
        no_unwind(|| unsafe { self.deallocate(NonNull::new_unchecked(ptr), layout) })
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`.
        no_unwind(|| unsafe { self.realloc(NonNull::new_unchecked(ptr), layout, new_size) })
            .map_or(null_mut(), NonNull::as_ptr)
    }
}
