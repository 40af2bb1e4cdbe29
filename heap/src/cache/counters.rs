//! What the cache holds, for logs, trim decisions and tests.
//!
//! ```text
//!   heap.live_allocations = user's blocks + cpu_blocks + depot_blocks + magazines
//!                           └ live_allocations() ┘ └── cached_blocks() ───┘
//! ```
//!
//! Each CPU's counts are read from its stacks' atomic round counts without stopping it, so
//! while other CPUs allocate the figures are a snapshot taken CPU by CPU; with them idle
//! (or through `&mut`), they are exact.

use super::classes::class_size;
use super::{CachedHeap, Cpu};
use crate::{Counters, OutOfMemory};
use core::sync::atomic::Ordering::Relaxed;
use lock_api::RawMutex;

/// A snapshot of the cache's figures and its heap's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheCounters {
    /// The heap's own counters: cached blocks and magazines count as allocated there.
    pub heap: Counters,
    /// Blocks in CPUs' loaded and previous magazines.
    pub cpu_blocks: usize,
    /// Blocks in the depot's full magazines.
    pub depot_blocks: usize,
    /// Bytes of all cached blocks (their classes' block sizes).
    pub cached_bytes: usize,
    /// Magazines allocated from the heap (each `16 + 8 M` bytes on a 64-bit target).
    pub magazines: usize,
}

impl CacheCounters {
    /// Blocks held by the cache, on CPUs and in the depot.
    pub fn cached_blocks(&self) -> usize {
        self.cpu_blocks + self.depot_blocks
    }

    /// Blocks the cache's users hold: the heap's live allocations less the cache's own.
    pub fn live_allocations(&self) -> usize {
        self.heap
            .live_allocations
            .saturating_sub(self.cached_blocks() + self.magazines)
    }
}

impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
    CachedHeap<R, G, C, CPUS, M>
{
    /// The cache's figures. Takes the depot's lock and the heap's (its free figures are
    /// counted from its bins: O(free chunks)).
    pub fn counters(&self) -> CacheCounters {
        let mut counters = CacheCounters::default();
        for cpu in &self.cpus {
            for (class, slot) in cpu.classes.iter().enumerate() {
                let rounds = slot.loaded.rounds() + slot.previous.rounds();
                counters.cpu_blocks += rounds;
                counters.cached_bytes += rounds * class_size(class);
            }
        }
        {
            let depot = self.depot.lock();
            for (class, list) in depot.full.iter().enumerate() {
                counters.depot_blocks += list.len * M;
                counters.cached_bytes += list.len * M * class_size(class);
            }
        }
        counters.magazines = self.magazines.load(Relaxed);
        counters.heap = self.heap.lock().counters();
        counters
    }
}
