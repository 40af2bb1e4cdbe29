//! The workloads of the [`parallel`](super::parallel) harness: this project's ring
//! and three multi-CPU allocator benchmarks ported from their usual C versions.
//! Every CPU does the same work, so a CPU's cycles per operation stay level as CPUs
//! are added only if the allocator lets them run side by side.
//!
//! ```text
//!   parallel       (the ring) each CPU replaces random slots of a 64-block ring with
//!                  fresh blocks of 1..=1000 bytes, one free + one allocate a step, the
//!                  new block's first and last byte written (under TCG, writing every
//!                  byte would time the emulated memset, not the allocators)
//!   threadtest     (Hoard; Theseus' heap_eval) each CPU: ITERATIONS times, allocate
//!                  OBJECTS blocks of OBJECT_SIZE bytes, write each, free them all
//!   xmalloc        (xmalloc-test) CPU i allocates batches and posts each to CPU i+1's
//!                  mailbox; every CPU frees the batches it receives: cross-CPU frees
//!                  CPU 0 ─batch─► mailbox 1 ─► CPU 1 frees … CPU n-1 ─► mailbox 0 ─► CPU 0
//!   cache-scratch  (Hoard) CPU 0 hands each CPU one of n small blocks allocated side by
//!                  side; each frees it, then allocates a small block, writes it and
//!                  frees it, many times: an allocator that hands out neighbouring
//!                  bytes to different CPUs makes them share cache lines
//! ```

use super::parallel::Workload;
use crate::workload::Rng;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::null_mut;

mod scratch;
mod xmalloc;

/// The ring, then the three ported workloads.
pub const WORKLOADS: [Workload; 4] = [
    Workload {
        name: "parallel",
        prepare: nothing,
        share: ring,
    },
    Workload {
        name: "threadtest",
        prepare: nothing,
        share: threadtest,
    },
    Workload {
        name: "xmalloc",
        prepare: nothing,
        share: xmalloc::share,
    },
    Workload {
        name: "cache_scratch",
        prepare: scratch::hand_out,
        share: scratch::share,
    },
];

/// A `prepare` with nothing to do.
pub fn nothing(_: &dyn GlobalAlloc, _: usize) {}

const ITERATIONS: usize = 40;
const OBJECTS: usize = 512;
const OBJECT_SIZE: usize = 8;

/// One CPU's share of threadtest.
fn threadtest(heap: &dyn GlobalAlloc, _cpu: usize, _cpus: usize) -> u64 {
    let layout = Layout::from_size_align(OBJECT_SIZE, 8).expect("a small layout");
    let mut blocks = [null_mut(); OBJECTS];
    for _ in 0..ITERATIONS {
        for (i, block) in blocks.iter_mut().enumerate() {
            // SAFETY: the layout is non-zero; a block is written within its size.
            unsafe {
                *block = heap.alloc(layout);
                assert!(!block.is_null(), "threadtest ran out of memory");
                block.write(i as u8);
            }
        }
        for &block in &blocks {
            // SAFETY: each block came from `heap` with `layout` and is freed once.
            unsafe { heap.dealloc(block, layout) };
        }
    }
    (2 * ITERATIONS * OBJECTS) as u64
}

/// Largest block the ring asks for.
const MAX_SIZE: usize = 1000;
/// Blocks each CPU keeps alive in the ring.
const RING: usize = 64;
/// Replace steps on the ring, per CPU.
const RING_STEPS: usize = 100_000;

/// One CPU's share of the ring workload (module docs), the last frees included.
fn ring(heap: &dyn GlobalAlloc, cpu: usize, _cpus: usize) -> u64 {
    let mut rng = Rng::new(0xbe9c ^ cpu as u64);
    let mut ring: [Option<(*mut u8, Layout)>; RING] = [None; RING];
    let mut operations = 0;
    for _ in 0..RING_STEPS {
        let size = 1 + rng.below(MAX_SIZE);
        let layout = Layout::from_size_align(size, 8).expect("a small layout");
        let slot = &mut ring[rng.below(RING)];
        // SAFETY: blocks in the ring came from `heap` with their layouts and
        // are freed once; a new block is written only within its size.
        unsafe {
            if let Some((old, old_layout)) = slot.take() {
                heap.dealloc(old, old_layout);
                operations += 1;
            }
            let block = heap.alloc(layout);
            assert!(!block.is_null(), "the benchmark ran out of memory");
            block.write(size as u8);
            block.add(size - 1).write(size as u8);
            *slot = Some((block, layout));
            operations += 1;
        }
    }
    for (block, layout) in ring.into_iter().flatten() {
        // SAFETY: as above.
        unsafe { heap.dealloc(block, layout) };
        operations += 1;
    }
    operations
}
