//! In-kernel benchmarks: our heap against talc, rlsf and `linked_list_allocator`
//! (`peers.rs`), on the same pre-touched block of the heap window, behind the same
//! interrupt-safe lock, fed the same seeded operations, timed in cycles with `rdtsc`.
//!
//! ```text
//!   mod.rs        one CPU: random actions, latency percentiles
//!   parallel.rs   n CPUs at once on one shared allocator: the harness and the ring
//!   workloads.rs  threadtest, xmalloc-test, cache-scratch on that harness
//! ```
//!
//! Results go over serial as lines `bench,<workload>,<param>,<allocator>,<metric>,<value>`
//! that the host (`make bench`) collects into `target/bench/kernel.csv`.

pub mod parallel;
pub mod peers;
pub mod workloads;

use crate::sync::{level, IrqMutex};
use crate::workload::Rng;
use core::alloc::Layout;
use core::arch::x86_64::{__rdtscp, _mm_lfence, _rdtsc};
use core::ptr::NonNull;
use heap::Span;

/// An allocator under test: the two calls every workload makes.
pub trait BenchHeap: Sized {
    /// Its name in the results.
    const NAME: &'static str;

    /// A fresh allocator over `arena`.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the allocator takes `arena` over: it must be
    /// writable, and nothing else may use it while the allocator lives.
    unsafe fn over(arena: Span) -> Self;

    /// A block for `layout`, or `None` when out of memory.
    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>>;

    /// Frees a block `allocate` returned for `layout`.
    ///
    /// # Safety
    ///
    /// This function is unsafe because `ptr` must come from `allocate` on this
    /// heap with the same `layout`, and must not be freed twice.
    unsafe fn free(&mut self, ptr: NonNull<u8>, layout: Layout);
}

/// Cycles now, with loads before it finished (`lfence; rdtsc`).
fn start_cycles() -> u64 {
    // SAFETY: rdtsc and lfence have no memory effects; x86_64 always has both.
    unsafe {
        _mm_lfence();
        let now = _rdtsc();
        _mm_lfence();
        now
    }
}

/// Cycles now, after everything before it finished (`rdtscp; lfence`).
fn end_cycles() -> u64 {
    let mut aux = 0;
    // SAFETY: as above; rdtscp only writes `aux`.
    unsafe {
        let now = __rdtscp(&mut aux);
        _mm_lfence();
        now
    }
}

/// A random layout: sizes up to `max_size`, alignment 8 mostly, up to 4096 rarely.
fn random_layout(rng: &mut Rng, max_size: usize) -> Layout {
    let align = match rng.below(100) {
        0 => 4096,
        1..=4 => 64,
        _ => 8,
    };
    Layout::from_size_align(1 + rng.below(max_size), align).expect("valid layout")
}

/// `ops` random allocations and frees with about `live` blocks alive; returns
/// the cycles per operation.
pub fn random_actions<H: BenchHeap>(
    heap: &IrqMutex<level::Bench, H>,
    max_size: usize,
    ops: usize,
    seed: u64,
) -> u64 {
    const LIVE: usize = 512;
    let mut rng = Rng::new(seed);
    let mut blocks: [Option<(NonNull<u8>, Layout)>; LIVE] = [None; LIVE];
    let start = start_cycles();
    for _ in 0..ops {
        let slot = &mut blocks[rng.below(LIVE)];
        match slot.take() {
            // SAFETY: the block came from this heap with this layout.
            Some((ptr, layout)) => unsafe { heap.lock().free(ptr, layout) },
            None => {
                let layout = random_layout(&mut rng, max_size);
                *slot = heap.lock().allocate(layout).map(|ptr| (ptr, layout));
            }
        }
    }
    let cycles = end_cycles() - start;
    for (ptr, layout) in blocks.into_iter().flatten() {
        // SAFETY: as above; each live block is freed once.
        unsafe { heap.lock().free(ptr, layout) };
    }
    cycles / ops as u64
}

/// Percentiles (1, 25, 50, 75, 99) of the cycles of one allocate + free pair
/// on a heap holding a few hundred live blocks, minus the timing overhead.
pub fn latency<H: BenchHeap>(
    heap: &IrqMutex<level::Bench, H>,
    samples: &mut [u64],
    seed: u64,
) -> [u64; 5] {
    let mut rng = Rng::new(seed);
    let mut live = [None; 300];
    for slot in live.iter_mut() {
        let layout = random_layout(&mut rng, 1000);
        *slot = heap.lock().allocate(layout).map(|ptr| (ptr, layout));
    }
    let overhead = (0..1000)
        .map(|_| {
            let start = start_cycles();
            end_cycles() - start
        })
        .min()
        .unwrap_or(0);
    for sample in samples.iter_mut() {
        let layout = random_layout(&mut rng, 1000);
        let start = start_cycles();
        let block = heap.lock().allocate(layout);
        if let Some(ptr) = block {
            // SAFETY: just allocated with `layout`.
            unsafe { heap.lock().free(ptr, layout) };
        }
        *sample = (end_cycles() - start).saturating_sub(overhead);
    }
    for (ptr, layout) in live.into_iter().flatten() {
        // SAFETY: each warm-up block is freed once, with its layout.
        unsafe { heap.lock().free(ptr, layout) };
    }
    samples.sort_unstable();
    [1, 25, 50, 75, 99].map(|p| samples[(samples.len() - 1) * p / 100])
}
