//! `LockedHeap`: a [`Heap`] behind a lock, usable as the `#[global_allocator]` (and, with the
//! `nightly` feature, as a `core::alloc::Allocator`).
//!
//! ```text
//!   GlobalAlloc::alloc ──► lock (R: lock_api::RawMutex) ──► Heap::allocate ──► unlock
//! ```
//!
//! The raw mutex is a type parameter so that a kernel can use one that disables interrupts
//! while held; [`SpinLockedHeap`] uses a spin lock. Failure is a null pointer (GlobalAlloc)
//! or `AllocError` (Allocator); a zero-size layout gets a minimal chunk, like any other.
//!
//! A misuse (a bad pointer or size; `checking/misuse.rs`) panics only after the lock is
//! released: the panic allocates, from this very heap when it is the global allocator. As
//! the global allocator, which must not unwind, it then aborts (`no_unwind.rs`).

use crate::no_unwind::no_unwind;
use crate::tags::Misused;
use crate::{Heap, OutOfMemory};
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{null_mut, NonNull};
use lock_api::{Mutex, MutexGuard, RawMutex};

/// A [`Heap`] behind the raw mutex `R`.
///
/// Every method takes the lock once. The lock is not reentrant: a [`OutOfMemory`] hook (which runs
/// with the lock held) must not allocate from the same `LockedHeap`, or it waits for itself
/// forever. Bad input to the trait methods behaves as for the [`Heap`] methods they call
/// (listed on each), except that the panic comes once the lock is released, so that a program
/// whose global allocator this is aborts with the message instead of waiting for the lock.
///
/// A `static` one can be a program's `#[global_allocator]`; here it serves a few blocks from
/// a static array, which it claims the first time it runs out:
///
/// ```
/// use core::alloc::{GlobalAlloc, Layout};
/// use tagheap::{ClaimOnFirstUse, Span, SpinLockedHeap};
///
/// static mut ARENA: [u64; 512] = [0; 512]; // 4 KiB, word-aligned
/// const REGION: Span = Span::from_slice(&raw mut ARENA as *mut [u8; 4096]);
/// // SAFETY: nothing but this heap ever touches `ARENA`.
/// static HEAP: SpinLockedHeap<ClaimOnFirstUse> =
///     SpinLockedHeap::new(unsafe { ClaimOnFirstUse::new(REGION) });
///
/// let layout = Layout::new::<[u64; 4]>();
/// // SAFETY: the layout has a non-zero size; the block is freed with the same layout.
/// unsafe {
///     let block = HEAP.alloc(layout);
///     assert!(!block.is_null(), "the first allocation claims ARENA");
///     block.cast::<[u64; 4]>().write([1, 2, 3, 4]);
///     HEAP.dealloc(block, layout);
/// }
/// let counters = HEAP.lock().counters();
/// // One word at an end goes to aligning every block to 16 bytes (see `Heap::claim`).
/// assert_eq!((counters.claimed_bytes, counters.live_allocations), (4088, 0));
/// ```
pub struct LockedHeap<R: RawMutex, G: OutOfMemory> {
    heap: Mutex<R, Heap<G>>,
}

/// A [`LockedHeap`] behind a spin lock.
pub type SpinLockedHeap<G> = LockedHeap<spin::mutex::SpinMutex<()>, G>;

impl<R: RawMutex, G: OutOfMemory> LockedHeap<R, G> {
    /// An unlocked heap with no arenas, whose out-of-memory hook is `hook`.
    pub const fn new(hook: G) -> Self {
        Self {
            heap: Mutex::const_new(R::INIT, Heap::new(hook)),
        }
    }

    /// Locks the heap (to claim, extend, read counters, or allocate directly).
    pub fn lock(&self) -> MutexGuard<'_, R, Heap<G>> {
        self.heap.lock()
    }

    /// Locks the heap if nobody holds it (for reports from a panic handler,
    /// which must not wait on a lock the panicking code may hold).
    pub fn try_lock(&self) -> Option<MutexGuard<'_, R, Heap<G>>> {
        self.heap.try_lock()
    }

    /// Runs `op` on the locked heap; a misuse it reports is raised once the lock is released.
    #[inline(always)]
    pub(crate) fn locked<T>(&self, op: impl FnOnce(&mut Heap<G>) -> Result<T, Misused>) -> T {
        let mut heap = self.lock();
        match op(&mut heap) {
            Ok(value) => value,
            Err(token) => raise_unlocked(heap, token),
        }
    }
}

/// Takes the misuse `token` stands for out of the `heap`, lets go of the lock and panics.
/// Out of line, so that `locked`'s callers hold nothing for it.
#[cold]
#[inline(never)]
fn raise_unlocked<R: RawMutex, G: OutOfMemory>(
    heap: MutexGuard<'_, R, Heap<G>>,
    token: Misused,
) -> ! {
    let misuse = heap.take_misuse(token);
    drop(heap);
    misuse.raise()
}

// SAFETY: the lock serialises every use of the heap; `Heap` hands out disjoint blocks that
// stay valid until freed, and frees only what it handed out.
unsafe impl<R: RawMutex, G: OutOfMemory + Send> GlobalAlloc for LockedHeap<R, G> {
    /// [`Heap::allocate`]: null when nothing fits and the hook does not help. A zero-size
    /// layout (which `GlobalAlloc` callers may not pass) gets a real block.
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the heap's arenas are valid by the contract of `claim`.
        no_unwind(|| unsafe { self.lock().allocate(layout) }).map_or(null_mut(), NonNull::as_ptr)
    }

    /// [`Heap::deallocate`]: for a pointer in no arena (and, with `debug-checks`, for one
    /// that is not a live block with `layout`) the program aborts with the panic's message.
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: GlobalAlloc's contract: `ptr` came from `alloc` with `layout`, so it is not null.
        let ptr = unsafe { NonNull::new_unchecked(ptr) };
        // SAFETY: as above.
        no_unwind(|| self.locked(|heap| unsafe { heap.checked_deallocate(ptr, layout) }))
    }

    /// [`Heap::realloc`]: null, with the block unchanged and still live, when no memory fits
    /// or `new_size` makes no valid `Layout`; aborts as `dealloc` does for a bad pointer.
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`.
        let ptr = unsafe { NonNull::new_unchecked(ptr) };
        // SAFETY: as above.
        no_unwind(|| self.locked(|heap| unsafe { heap.checked_realloc(ptr, layout, new_size) }))
            .map_or(null_mut(), NonNull::as_ptr)
    }
}

#[cfg(feature = "nightly")]
mod allocator;
