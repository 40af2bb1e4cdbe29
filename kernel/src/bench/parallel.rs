//! Throughput with 1, 2, … CPUs allocating at once from one shared allocator:
//! the kernel's heap with its per-CPU magazines, the same heap through its one
//! lock alone, and `linked_list_allocator` behind the same kind of lock.
//!
//! ```text
//!   run_on_all: CPUs 0..n each replace random slots of a 64-block ring with
//!               fresh blocks of 1..=MAX_SIZE bytes (one free + one allocate
//!               per step, the new block's first and last byte written); the
//!               others sit the round out (under TCG, writing every byte would
//!               time the emulated memset, not the allocators)
//!   result:     all CPUs' operations / the slowest CPU's cycles
//! ```

use super::{end_cycles, start_cycles, BenchHeap};
use crate::smp;
use crate::sync::{level, IrqMutex};
use crate::workload::Rng;
use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{null_mut, NonNull};
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Largest block the workload asks for.
const MAX_SIZE: usize = 1000;
/// Blocks each CPU keeps alive.
const RING: usize = 64;

static CPUS: AtomicUsize = AtomicUsize::new(0);
static STEPS: AtomicUsize = AtomicUsize::new(0);
static SLOWEST: AtomicU64 = AtomicU64::new(0);
/// The allocator of the current run (`run_on_all` takes a plain `fn`).
static TARGET: IrqMutex<level::Bench, Option<&'static (dyn GlobalAlloc + Sync)>> =
    IrqMutex::new(None);

/// A bench heap shared by every CPU behind the kernel's interrupt-safe lock, so
/// that it can stand where the global allocator does.
pub struct Shared<H>(pub IrqMutex<level::Bench, H>);

// SAFETY: every call takes the lock, and `BenchHeap` hands out disjoint blocks.
unsafe impl<H: BenchHeap + Send> GlobalAlloc for Shared<H> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.0
            .lock()
            .allocate(layout)
            .map_or(null_mut(), NonNull::as_ptr)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: GlobalAlloc's contract: `ptr` is a live block of `layout` from
        // `alloc`, so not null.
        unsafe { self.0.lock().free(NonNull::new_unchecked(ptr), layout) }
    }
}

/// Runs `steps` replace steps on each of the first `cpus` CPUs at once, all
/// allocating from `heap`; returns operations (allocations and frees) per
/// million cycles over all of them.
pub fn throughput(heap: &'static (dyn GlobalAlloc + Sync), cpus: usize, steps: usize) -> u64 {
    CPUS.store(cpus, Ordering::Relaxed);
    STEPS.store(steps, Ordering::Relaxed);
    SLOWEST.store(0, Ordering::Relaxed);
    *TARGET.lock() = Some(heap);
    smp::run_on_all(|cpu| {
        let heap = TARGET.lock().expect("a run's allocator is set first");
        if cpu < CPUS.load(Ordering::Relaxed) {
            replace_steps(heap, cpu);
        }
    });
    let operations = (2 * steps * cpus) as u64;
    operations * 1_000_000 / SLOWEST.load(Ordering::Relaxed).max(1)
}

/// One CPU's share of [`throughput`].
fn replace_steps(heap: &dyn GlobalAlloc, cpu: usize) {
    let mut rng = Rng::new(0xbe9c ^ cpu as u64);
    let mut ring: Vec<Option<(*mut u8, Layout)>> = alloc::vec![None; RING];
    let start = start_cycles();
    for _ in 0..STEPS.load(Ordering::Relaxed) {
        let size = 1 + rng.below(MAX_SIZE);
        let layout = Layout::from_size_align(size, 8).expect("a small layout");
        let slot = &mut ring[rng.below(RING)];
        // SAFETY: blocks in the ring came from `heap` with their layouts and
        // are freed once; a new block is written only within its size.
        unsafe {
            if let Some((old, old_layout)) = slot.take() {
                heap.dealloc(old, old_layout);
            }
            let block = heap.alloc(layout);
            assert!(!block.is_null(), "the benchmark ran out of memory");
            block.write(size as u8);
            block.add(size - 1).write(size as u8);
            *slot = Some((block, layout));
        }
    }
    SLOWEST.fetch_max(end_cycles() - start, Ordering::Relaxed);
    for (block, layout) in ring.into_iter().flatten() {
        // SAFETY: as above.
        unsafe { heap.dealloc(block, layout) };
    }
}
