//! `CachedHeap`: per-CPU magazines of small blocks in front of a locked boundary-tag heap
//! (Bonwick and Adams, "Magazines and Vmem", USENIX 2001).
//!
//! ```text
//!   allocate / free of a cached layout (size <= 256, align <= 16: `classes.rs`)
//!     │  pin the CPU (C: Cpu), find its slot: no lock, no atomic read-modify-write
//!     ▼
//!   CPU i, class k:  loaded magazine ──► hit: pop / push a block, done (`alloc.rs`)
//!                    previous magazine ─► loaded empty / full: swap the two (`miss.rs`)
//!     │ both empty / both full
//!     ▼
//!   depot (lock):    full magazines per class, empty magazines (`depot.rs`)
//!     │ no full one / no room
//!     ▼
//!   heap (lock):     fill a quarter to a whole magazine (`ramp.rs`) in one run of blocks
//!                    carved back to back (`tags/ops/run.rs`), drain a full one,
//!                    make one (`backing.rs`)
//!     │ out of memory
//!     ▼
//!   flush the depot and this CPU's magazines into the heap, retry once (`flush.rs`)
//! ```
//!
//! Other layouts go straight to the heap. A CPU that frees many cached blocks, allocating
//! none, while the depot is full is tearing something down: it flushes, and frees straight
//! to the heap until it allocates again (`teardown.rs`). Magazines are blocks of the same
//! heap, so the cache needs no other allocator; `counters.rs` counts what it holds,
//! `check.rs` proves it.

mod alloc;
mod backing;
mod check;
mod check_error;
mod classes;
mod counters;
mod cpu;
mod debug;
mod depot;
mod flush;
mod magazine;
mod miss;
mod ramp;
mod resize;
mod stack;
mod teardown;
#[cfg(feature = "std")]
mod thread;
mod visit;

pub use check_error::{CacheCheckError, CacheRule};
pub use classes::{size_class, CACHED_ALIGN, MAX_CACHED_SIZE};
pub use counters::CacheCounters;
pub use cpu::Cpu;
pub use teardown::TEARDOWN_FREES;
#[cfg(feature = "std")]
pub use thread::{ThreadCpu, ThreadPin, THREAD_SLOTS};

use crate::{LockedHeap, OutOfMemory};
use classes::CLASSES;
use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::sync::atomic::AtomicUsize;
use depot::Depot;
use lock_api::{Mutex, RawMutex};
use stack::Stack;

/// A heap with per-CPU magazine caches: `CPUS` slots for CPUs (indices from `C`), magazines
/// of `M` blocks, the depot and the heap behind the raw mutex `R`, `G` the heap's hook.
///
/// A CPU whose index is `CPUS` or more is served by the heap directly. The heap is reached
/// through [`CachedHeap::heap`] to claim and extend arenas; allocating from it directly is
/// fine too, as long as blocks are freed the way they were allocated.
///
/// A machine with one CPU that nothing interrupts, and a `static` cache over a static array
/// as its global allocator would be:
///
/// ```
/// use core::alloc::{GlobalAlloc, Layout};
/// use tagheap::{ClaimOnFirstUse, Cpu, Span, SpinCachedHeap};
///
/// /// The only CPU; nothing interrupts it, so pinning has nothing to do.
/// struct OneCpu;
/// // SAFETY: one CPU and one thread, never interrupted: one pin at a time, always index 0.
/// unsafe impl Cpu for OneCpu {
///     type Pin = ();
///     fn pin() {}
///     fn index(_: &()) -> usize {
///         0
///     }
/// }
///
/// static mut ARENA: [u64; 1024] = [0; 1024]; // 8 KiB, word-aligned
/// const REGION: Span = Span::from_slice(&raw mut ARENA as *mut [u8; 8192]);
/// // SAFETY: nothing but this heap ever touches `ARENA`.
/// static HEAP: SpinCachedHeap<ClaimOnFirstUse, OneCpu, 1> =
///     SpinCachedHeap::new(unsafe { ClaimOnFirstUse::new(REGION) });
///
/// let layout = Layout::new::<[u64; 4]>();
/// // SAFETY: each block is freed once, with its layout.
/// unsafe {
///     let block = HEAP.alloc(layout);
///     HEAP.dealloc(block, layout);
///     assert_eq!(HEAP.alloc(layout), block, "the magazine hands the block straight back");
///     HEAP.dealloc(block, layout);
/// }
/// let counters = HEAP.counters();
/// assert_eq!((counters.live_allocations(), counters.cpu_blocks), (0, 2));
/// HEAP.flush();
/// assert_eq!(HEAP.counters().heap.live_allocations, 0, "the heap has every block back");
/// ```
pub struct CachedHeap<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize = 8> {
    heap: LockedHeap<R, G>,
    depot: Mutex<R, Depot<M>>,
    cpus: [PerCpu<M>; CPUS],
    /// Each CPU's counts for its slow paths, apart from its magazines so that a slot of
    /// magazines is 512 bytes and found with one shift.
    misses: [MissCounts; CPUS],
    /// Magazines allocated from the heap and not yet freed.
    magazines: AtomicUsize,
    cpu: PhantomData<fn() -> C>,
}

/// A [`CachedHeap`] whose depot and heap sit behind spin locks.
pub type SpinCachedHeap<G, C, const CPUS: usize> =
    CachedHeap<spin::mutex::SpinMutex<()>, G, C, CPUS>;

/// One CPU's magazines, on cache lines of their own.
#[repr(align(64))]
pub(crate) struct PerCpu<const M: usize> {
    classes: [Class<M>; CLASSES],
}

const _: () = assert!(
    size_of::<PerCpu<8>>() == 512,
    "a CPU's slot is found with one shift by a power of two"
);

/// One CPU's counts for its slow paths, on a cache line of its own; touched only under the
/// CPU's pin.
#[repr(align(64))]
pub(crate) struct MissCounts {
    /// Free misses since this CPU's last allocation miss, or a teardown (`teardown.rs`).
    free_misses: UnsafeCell<usize>,
    /// Refills of each class since its last free miss, up to `SUSTAINED` (`ramp.rs`).
    refills: [UnsafeCell<u8>; CLASSES],
}

/// A CPU's two magazines of one class.
pub(crate) struct Class<const M: usize> {
    loaded: Stack<M>,
    previous: Stack<M>,
}

// SAFETY: slot `i` is only touched under a pin answering `i`, which the `Cpu` contract gives
// one context at a time (or through `&mut self`); other CPUs read only its atomic counts. The
// depot and the heap are behind their locks and own what they point to.
unsafe impl<R: RawMutex + Sync, G: OutOfMemory + Send, C: Cpu, const CPUS: usize, const M: usize>
    Sync for CachedHeap<R, G, C, CPUS, M>
{
}
// SAFETY: the cache owns its magazines and blocks (heap memory); moving it moves them.
unsafe impl<R: RawMutex + Send, G: OutOfMemory + Send, C: Cpu, const CPUS: usize, const M: usize>
    Send for CachedHeap<R, G, C, CPUS, M>
{
}

impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
    CachedHeap<R, G, C, CPUS, M>
{
    /// An empty cache over a heap with no arenas, whose out-of-memory hook is `hook`.
    ///
    /// Fails to compile (a `const` assertion) when `M` is 0.
    pub const fn new(hook: G) -> Self {
        const { assert!(M > 0, "a magazine must hold at least one block") };
        Self {
            heap: LockedHeap::new(hook),
            depot: Mutex::const_new(R::INIT, Depot::new()),
            cpus: [const {
                PerCpu {
                    classes: [const {
                        Class {
                            loaded: Stack::new(),
                            previous: Stack::new(),
                        }
                    }; CLASSES],
                }
            }; CPUS],
            misses: [const {
                MissCounts {
                    free_misses: UnsafeCell::new(0),
                    refills: [const { UnsafeCell::new(0) }; CLASSES],
                }
            }; CPUS],
            magazines: AtomicUsize::new(0),
            cpu: PhantomData,
        }
    }

    /// The backing heap (to claim, extend or truncate arenas, or read its own counters).
    pub fn heap(&self) -> &LockedHeap<R, G> {
        &self.heap
    }

    /// This CPU's magazines, or `None` if its index has no slot here.
    #[inline(always)]
    fn cpu<'a>(&'a self, pin: &'a C::Pin) -> Option<&'a PerCpu<M>> {
        self.cpus.get(C::index(pin))
    }

    /// The slow paths' counts of `cpu`, a slot of this cache.
    #[inline(always)]
    fn misses(&self, cpu: &PerCpu<M>) -> &MissCounts {
        // SAFETY: every `PerCpu` is an element of `self.cpus` (`cpu` above hands them out).
        let index = unsafe { core::ptr::from_ref(cpu).offset_from(self.cpus.as_ptr()) };
        debug_assert!(
            (0..CPUS as isize).contains(&index),
            "a slot of another cache"
        );
        // SAFETY: as above, `index` is below CPUS.
        unsafe { self.misses.get_unchecked(index as usize) }
    }
}

impl<const M: usize> PerCpu<M> {
    /// The CPU's magazines of `class`.
    #[inline(always)]
    fn class(&self, class: usize) -> &Class<M> {
        debug_assert!(class < CLASSES, "class {class} out of range");
        // SAFETY: classes come from `class_of`, which yields only indices below CLASSES.
        unsafe { self.classes.get_unchecked(class) }
    }
}
