//! The harness of the runs on 1, 2, … CPUs at once, all allocating from one
//! shared allocator: the kernel's heap with its per-CPU magazines, the same heap
//! through its one lock alone, and every [`BenchHeap`] behind the kernel's
//! interrupt-safe lock over the benchmark arena, fresh for each run.
//!
//! ```text
//!   run(contender, cpus, workload):
//!     the allocator is made fresh over the arena (peers) ─► every CPU is sent the
//!     work ─► CPUs 0..cpus meet at a start line, run their share, note their cycles
//!     and operations (the others sit the run out) ─► a Run: the slowest CPU's
//!     cycles and everyone's operations
//! ```
//!
//! The workloads are in `workloads/`.

use super::{end_cycles, start_cycles, BenchHeap};
use crate::smp;
use crate::sync::{level, IrqMutex};
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{null_mut, NonNull};
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use heap::Span;

/// One CPU's share of a workload: `(heap, cpu, cpus)` to the operations it did.
pub type Share = fn(&dyn GlobalAlloc, usize, usize) -> u64;

/// A workload of the parallel runs.
#[derive(Clone, Copy)]
pub struct Workload {
    /// Its name in the results.
    pub name: &'static str,
    /// Runs once on the boot CPU before the CPUs start: `(heap, cpus)`.
    pub prepare: fn(&dyn GlobalAlloc, usize),
    /// Each CPU's share.
    pub share: Share,
}

/// An allocator of the parallel runs.
pub struct Contender {
    /// Its name in the results.
    pub name: &'static str,
    /// What the CPUs allocate from.
    pub heap: &'static (dyn GlobalAlloc + Sync),
    /// Makes it fresh over the arena before a run; `None` for the kernel's own heap.
    pub fresh: Option<&'static (dyn Refresh + Sync)>,
}

/// An allocator that a run can start afresh over an arena.
pub trait Refresh {
    /// Replaces the allocator by a fresh one over `arena`.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the allocator takes `arena` over, and every
    /// block of the one it replaces must have been freed.
    unsafe fn refresh(&self, arena: Span);
}

/// A [`BenchHeap`] behind the kernel's interrupt-safe lock, so that every CPU can
/// allocate from it as from the global allocator; empty until refreshed.
pub struct Fresh<H>(IrqMutex<level::Bench, Option<H>>);

impl<H> Fresh<H> {
    /// No allocator yet: every allocation fails until the first refresh.
    pub const fn new() -> Self {
        Self(IrqMutex::new(None))
    }
}

impl<H> Default for Fresh<H> {
    fn default() -> Self {
        Self::new()
    }
}

impl<H: BenchHeap> Refresh for Fresh<H> {
    unsafe fn refresh(&self, arena: Span) {
        // SAFETY: forwarded from the caller.
        *self.0.lock() = Some(unsafe { H::over(arena) });
    }
}

// SAFETY: every call takes the lock, and a `BenchHeap` hands out disjoint blocks.
unsafe impl<H: BenchHeap + Send> GlobalAlloc for Fresh<H> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut heap = self.0.lock();
        heap.as_mut()
            .and_then(|heap| heap.allocate(layout))
            .map_or(null_mut(), NonNull::as_ptr)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let mut heap = self.0.lock();
        let heap = heap
            .as_mut()
            .expect("a block is freed to the heap it came from");
        // SAFETY: GlobalAlloc's contract: `ptr` is a live block of `layout` from
        // `alloc`, so not null.
        unsafe { heap.free(NonNull::new_unchecked(ptr), layout) }
    }
}

/// What one run measured.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    /// The slowest CPU's cycles from the start line to the end of its share.
    pub cycles: u64,
    /// Operations (allocations and frees) of all CPUs together.
    pub operations: u64,
    /// CPUs that took part.
    pub cpus: usize,
}

impl Run {
    /// Cycles one operation takes a CPU: the slowest CPU's cycles over one CPU's
    /// share of the operations (every CPU does the same work).
    pub fn cycles_per_op(&self) -> u64 {
        self.cycles * self.cpus as u64 / self.operations.max(1)
    }

    /// Operations of all CPUs per million cycles.
    pub fn ops_per_mcycle(&self) -> u64 {
        self.operations * 1_000_000 / self.cycles.max(1)
    }
}

static CPUS: AtomicUsize = AtomicUsize::new(0);
static ARRIVED: AtomicUsize = AtomicUsize::new(0);
static SLOWEST: AtomicU64 = AtomicU64::new(0);
static OPERATIONS: AtomicU64 = AtomicU64::new(0);
/// The allocator and workload of the current run (`run_on_all` takes a plain `fn`).
static CURRENT: IrqMutex<level::Bench, Option<(&'static (dyn GlobalAlloc + Sync), Share)>> =
    IrqMutex::new(None);

/// Runs `workload` on each of the first `cpus` CPUs at once, all allocating from
/// `contender` (made fresh over `arena` first).
pub fn run(contender: &Contender, arena: Span, cpus: usize, workload: &Workload) -> Run {
    if let Some(fresh) = contender.fresh {
        // SAFETY: the arena is the benchmark's alone, and every run frees all it allocated.
        unsafe { fresh.refresh(arena) };
    }
    (workload.prepare)(contender.heap, cpus);
    CPUS.store(cpus, Ordering::Relaxed);
    ARRIVED.store(0, Ordering::Relaxed);
    SLOWEST.store(0, Ordering::Relaxed);
    OPERATIONS.store(0, Ordering::Relaxed);
    *CURRENT.lock() = Some((contender.heap, workload.share));
    smp::run_on_all(|cpu| {
        let cpus = CPUS.load(Ordering::Relaxed);
        if cpu >= cpus {
            return;
        }
        let (heap, share) = CURRENT.lock().expect("a run's allocator is set first");
        ARRIVED.fetch_add(1, Ordering::AcqRel);
        while ARRIVED.load(Ordering::Acquire) < cpus {
            crate::sync::relax();
        }
        let start = start_cycles();
        let operations = share(heap, cpu, cpus);
        SLOWEST.fetch_max(end_cycles() - start, Ordering::Relaxed);
        OPERATIONS.fetch_add(operations, Ordering::Relaxed);
    });
    Run {
        cycles: SLOWEST.load(Ordering::Relaxed),
        operations: OPERATIONS.load(Ordering::Relaxed),
        cpus,
    }
}
