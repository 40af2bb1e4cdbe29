//! The per-CPU cache of exercise 5 (the exercise itself is `trim.rs`). A small per-CPU
//! cache sits in front of the heap, the way a magazine layer does: each CPU keeps a few
//! freed small blocks per size class, touched only by that CPU with interrupts off, so
//! allocating from it takes no lock. Blocks waiting in a cache are allocated as far as the
//! heap knows, so they pin the arena: a trim must first make every CPU give its cached
//! blocks back, and only a CPU can empty its own cache ([`flush_this_cpu`]): the caches
//! are private to this module.
//!
//! ```text
//!   CPU 0: [class 0: b b] [class 1: b] …     CPU 1: [class 0: b] …      (no lock)
//!          │ flush_this_cpu (only the CPU itself can)
//!          ▼
//!   HEAP ◄─ every cached block ─ then allocator::trim()
//! ```

use crate::arch::irq_off;
use crate::arch::percpu::{self, MAX_CPUS};
use alloc::alloc::{alloc, dealloc};
use core::alloc::Layout;
use core::cell::UnsafeCell;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicUsize, Ordering};

/// Bytes between two classes; blocks up to `CLASSES * STEP` bytes, aligned to at most
/// `STEP`, are cached.
const STEP: usize = 16;
const CLASSES: usize = 8;
/// Blocks a CPU keeps per class.
const SLOTS: usize = 8;

/// One CPU's cached blocks.
struct Cache {
    blocks: [[*mut u8; SLOTS]; CLASSES],
    counts: [usize; CLASSES],
}

/// Every CPU's cache, each touched only by its own CPU with interrupts off.
struct Caches([UnsafeCell<Cache>; MAX_CPUS]);

// SAFETY: a CPU touches only its own cell, with interrupts off (`with_this_cpu`), so no two
// contexts ever use one cell at once.
unsafe impl Sync for Caches {}

static CACHES: Caches = Caches(
    [const {
        UnsafeCell::new(Cache {
            blocks: [[core::ptr::null_mut(); SLOTS]; CLASSES],
            counts: [0; CLASSES],
        })
    }; MAX_CPUS],
);

/// Blocks in each CPU's cache, readable by any CPU.
static CACHED: [AtomicUsize; MAX_CPUS] = [const { AtomicUsize::new(0) }; MAX_CPUS];

/// Runs `f` on the running CPU's cache, with interrupts off.
fn with_this_cpu<T>(f: impl FnOnce(&mut Cache, &AtomicUsize) -> T) -> T {
    let _off = irq_off::push_off();
    let cpu = percpu::current().index();
    // SAFETY: only this CPU touches its cell, and with interrupts off nothing else runs on
    // it until `f` returns.
    f(unsafe { &mut *CACHES.0[cpu].get() }, &CACHED[cpu])
}

fn class_of(layout: Layout) -> Option<usize> {
    (layout.size() <= CLASSES * STEP && layout.align() <= STEP)
        .then(|| layout.size().max(1).div_ceil(STEP) - 1)
}

fn class_layout(class: usize) -> Layout {
    Layout::from_size_align((class + 1) * STEP, STEP).expect("a valid class layout")
}

/// A block for `layout` (size non-zero): this CPU's cache first, else the heap.
pub fn allocate(layout: Layout) -> Option<NonNull<u8>> {
    let Some(class) = class_of(layout) else {
        // SAFETY: the caller gives a layout of non-zero size.
        return NonNull::new(unsafe { alloc(layout) });
    };
    let cached = with_this_cpu(|cache, count| {
        let slot = cache.counts[class].checked_sub(1)?;
        cache.counts[class] = slot;
        count.fetch_sub(1, Ordering::Relaxed);
        Some(cache.blocks[class][slot])
    });
    // SAFETY: a class layout has a non-zero size.
    NonNull::new(cached.unwrap_or_else(|| unsafe { alloc(class_layout(class)) }))
}

/// Gives back a block: into this CPU's cache while its class has room, else to the heap.
///
/// # Safety
/// `block` must come from [`allocate`] with this `layout`, and not be used afterwards.
pub unsafe fn free(block: NonNull<u8>, layout: Layout) {
    let Some(class) = class_of(layout) else {
        // SAFETY: the caller's promise: a heap block of this layout.
        return unsafe { dealloc(block.as_ptr(), layout) };
    };
    let kept = with_this_cpu(|cache, count| {
        let slot = cache.counts[class];
        (slot < SLOTS).then(|| {
            cache.blocks[class][slot] = block.as_ptr();
            cache.counts[class] = slot + 1;
            count.fetch_add(1, Ordering::Relaxed);
        })
    });
    if kept.is_none() {
        // SAFETY: small blocks come from the heap with their class layout.
        unsafe { dealloc(block.as_ptr(), class_layout(class)) };
    }
}

/// Gives every block in the running CPU's cache back to the heap; returns how many.
pub fn flush_this_cpu() -> usize {
    with_this_cpu(|cache, count| {
        let mut freed = 0;
        for class in 0..CLASSES {
            for slot in 0..cache.counts[class] {
                // SAFETY: a cached block came from the heap with its class layout and
                // leaves the cache now.
                unsafe { dealloc(cache.blocks[class][slot], class_layout(class)) };
                freed += 1;
            }
            cache.counts[class] = 0;
        }
        count.store(0, Ordering::Relaxed);
        freed
    })
}

/// Blocks waiting in CPU `cpu`'s cache.
pub fn cached_on(cpu: usize) -> usize {
    CACHED[cpu].load(Ordering::Relaxed)
}
