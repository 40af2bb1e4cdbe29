//! Throughput of the kernel's own heap (the global allocator behind its one
//! lock) with 1, 2, … CPUs allocating at once: the baseline that per-CPU
//! caches are measured against.
//!
//! ```text
//!   run_on_all: CPUs 0..n each replace random slots of a 64-block ring with
//!               fresh blocks of 1..=MAX_SIZE bytes (one free + one allocate
//!               per step); the others sit the round out
//!   result:     all CPUs' operations / the slowest CPU's cycles
//! ```

use super::{end_cycles, start_cycles};
use crate::smp;
use crate::workload::Rng;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Largest block the workload asks for.
const MAX_SIZE: usize = 1000;
/// Blocks each CPU keeps alive.
const RING: usize = 64;

static CPUS: AtomicUsize = AtomicUsize::new(0);
static STEPS: AtomicUsize = AtomicUsize::new(0);
static SLOWEST: AtomicU64 = AtomicU64::new(0);

/// Runs `steps` replace steps on each of the first `cpus` CPUs at once through
/// the global allocator; returns operations (allocations and frees) per
/// million cycles over all of them.
pub fn throughput(cpus: usize, steps: usize) -> u64 {
    CPUS.store(cpus, Ordering::Relaxed);
    STEPS.store(steps, Ordering::Relaxed);
    SLOWEST.store(0, Ordering::Relaxed);
    smp::run_on_all(|cpu| {
        if cpu >= CPUS.load(Ordering::Relaxed) {
            return;
        }
        let mut rng = Rng::new(0xbe9c ^ cpu as u64);
        let mut ring: Vec<Box<[u8]>> = (0..RING).map(|_| Box::from([])).collect();
        let start = start_cycles();
        for _ in 0..STEPS.load(Ordering::Relaxed) {
            let size = 1 + rng.below(MAX_SIZE);
            ring[rng.below(RING)] = alloc::vec![size as u8; size].into_boxed_slice();
        }
        SLOWEST.fetch_max(end_cycles() - start, Ordering::Relaxed);
        drop(ring);
    });
    let operations = (2 * steps * cpus) as u64;
    operations * 1_000_000 / SLOWEST.load(Ordering::Relaxed).max(1)
}
