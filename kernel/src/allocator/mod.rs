//! The kernel's global allocator: per-CPU magazines of small blocks in front
//! of the boundary-tag heap behind an interrupt-safe lock, grown through the
//! heap window.
//!
//! ```text
//!   Box::new ─► GlobalAlloc::alloc ─► small? this CPU's magazine (interrupts off,
//!            │                        no lock) ─► hit: done
//!            └─ miss or large ─► IrqSpinLock (interrupts off) ─► Heap::allocate
//!            ─► no fit? WindowGrow commits more window
//!            ─► tags written ─► first touch of a new page faults
//!            ─► memory::fault maps a zeroed frame ─► the write retries
//! ```
//!
//! A failed allocation returns null, so `try_reserve` and friends see an
//! error. An infallible one then panics (Rust's allocation-error path); the
//! panic handler prints the failed layout, recorded here, and the counters.
//!
//! With `debug-heap` the magazines are bypassed, as Linux's `slub_debug` turns
//! off the per-CPU fast path: every free then reaches the heap, whose checks
//! see it and whose idle bytes are poisoned, including the first words that a
//! magazine would mark.
//!
//! Two things happen outside the heap lock, because the lock keeps interrupts
//! off: zeroing for `alloc_zeroed` (which skips pages that will fault in
//! zeroed anyway), and the copy when `realloc` has to move a block.

use crate::arch::backtrace;
use crate::arch::percpu::MAX_CPUS;
use crate::memory;
use crate::sync::{level, IrqSpinLock};
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicUsize, Ordering};
use heap::{size_class, CachedHeap};
use pin::KernelCpu;

mod calls;
pub mod flush;
mod grow;
pub mod kfence;
mod pin;
#[cfg(feature = "debug-heap")]
pub mod poison;
mod trim;

pub use calls::{calls, Calls};
pub use grow::WindowGrow;
pub use trim::{trim, Trimmed};

/// The heap with its per-CPU caches. The kernel's memory code reaches the
/// boundary-tag heap itself through [`CachedHeap::heap`].
pub type KernelHeap = CachedHeap<IrqSpinLock<level::Heap>, WindowGrow, KernelCpu, MAX_CPUS>;

/// The one heap every kernel allocation comes from.
pub static HEAP: KernelHeap = CachedHeap::new(WindowGrow::new());

/// Gives the heap its first arena at the start of the heap window and the
/// guard pool its pages. Call once, after `memory::init`.
pub fn init() {
    grow::claim_initial_arena();
    kfence::init();
}

/// The `#[global_allocator]`: forwards to [`HEAP`] and remembers the last
/// layout it could not serve.
pub struct GlobalHeap;

#[global_allocator]
static GLOBAL: GlobalHeap = GlobalHeap;

static FAILED_SIZE: AtomicUsize = AtomicUsize::new(0);
static FAILED_ALIGN: AtomicUsize = AtomicUsize::new(0);

/// Whether blocks of `layout` go through the per-CPU magazines.
fn cached(layout: Layout) -> bool {
    !cfg!(feature = "debug-heap") && size_class(layout).is_some()
}

impl GlobalHeap {
    fn record(layout: Layout, ptr: *mut u8) -> *mut u8 {
        if ptr.is_null() {
            FAILED_SIZE.store(layout.size(), Ordering::Relaxed);
            FAILED_ALIGN.store(layout.align(), Ordering::Relaxed);
        }
        ptr
    }
}

/// The last layout the heap could not serve, if any.
pub fn last_failure() -> Option<Layout> {
    let align = FAILED_ALIGN.load(Ordering::Relaxed);
    (align != 0)
        .then(|| Layout::from_size_align(FAILED_SIZE.load(Ordering::Relaxed), align).ok())?
}

// SAFETY: every call forwards to the locked heap's `GlobalAlloc`, which upholds
// the contract; recording a failure does not touch the returned memory.
unsafe impl GlobalAlloc for GlobalHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        calls::allocated();
        if let Some(sampled) = kfence::sample(layout, backtrace::this_frame()) {
            return sampled;
        }
        // The cache picks its own path by size; only debug builds bypass it.
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe {
            if cfg!(feature = "debug-heap") {
                HEAP.heap().alloc(layout)
            } else {
                HEAP.alloc(layout)
            }
        };
        Self::record(layout, ptr)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { self.alloc(layout) };
        if !ptr.is_null() {
            // SAFETY: the block was just allocated, with `layout.size()` bytes:
            // in the heap arena, or a guard-pool object of at most a page, which
            // `zero_block` simply overwrites (it looks pages up from 4 pages on).
            unsafe { memory::zeroed::zero_block(ptr, layout.size()) };
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        calls::freed();
        // SAFETY: GlobalAlloc's contract: `ptr` is a live block (so not null)
        // allocated with `layout`.
        let block = unsafe { NonNull::new_unchecked(ptr) };
        if kfence::owns(ptr) {
            return kfence::free(ptr, backtrace::this_frame());
        }
        if cached(layout) {
            // SAFETY: as above; cached layouts go back through the cache.
            return unsafe { HEAP.deallocate(block, layout) };
        }
        let mut heap = HEAP.heap().lock();
        // SAFETY: as above; other layouts came straight from the heap.
        unsafe { heap.deallocate(block, layout) };
        #[cfg(feature = "debug-heap")]
        poison::freed(&heap, ptr.addr()..ptr.addr() + layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: GlobalAlloc's contract: `ptr` is a live block (so not null)
        // and `new_size` with the old alignment is a valid layout.
        let (block, new_layout) = unsafe {
            (
                NonNull::new_unchecked(ptr),
                Layout::from_size_align_unchecked(new_size, layout.align()),
            )
        };
        if kfence::owns(ptr) {
            let size = kfence::size_of(ptr, backtrace::this_frame());
            // SAFETY: as above; a pool object always moves.
            return unsafe { self.realloc_moving(ptr, size, new_layout) };
        }
        if cached(layout) || cached(new_layout) {
            // SAFETY: as above; the cache keeps small blocks in their classes.
            let resized = unsafe { HEAP.realloc(block, layout, new_size) };
            return Self::record(
                new_layout,
                resized.map_or(core::ptr::null_mut(), NonNull::as_ptr),
            );
        }
        {
            let mut heap = HEAP.heap().lock();
            if new_size <= layout.size() {
                // SAFETY: `block` is live with `layout`, the caller's promise.
                return unsafe { heap.shrink(block, layout, new_size) }.as_ptr();
            }
            // SAFETY: as above.
            if let Ok(grown) = unsafe { heap.grow_in_place(block, layout, new_size) } {
                return grown.as_ptr();
            }
        }
        // SAFETY: the caller's guarantees; the new size is the larger.
        unsafe { self.realloc_moving(ptr, layout.size(), new_layout) }
    }
}

impl GlobalHeap {
    /// Moves the live block at `ptr` (of `size` bytes, allocated with the
    /// alignment of `new_layout`) into a new block of `new_layout`.
    ///
    /// # Safety
    ///
    /// This function is unsafe because `ptr` must be a live block of this
    /// allocator with `size` bytes and `new_layout`'s alignment, which it frees.
    unsafe fn realloc_moving(&self, ptr: *mut u8, size: usize, new_layout: Layout) -> *mut u8 {
        // SAFETY: `new_layout` is valid and not zero-sized (GlobalAlloc's contract).
        let moved = unsafe { self.alloc(new_layout) };
        if !moved.is_null() {
            let old =
                Layout::from_size_align(size, new_layout.align()).expect("a live block's layout");
            // SAFETY: both blocks are live and distinct; the old one has
            // `size` bytes. Then the old one goes.
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, moved, size.min(new_layout.size()));
                self.dealloc(ptr, old);
            }
        }
        moved
    }
}
