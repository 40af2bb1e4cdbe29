//! Running totals the heap keeps as it works, and the `Counters` snapshot it reports.
//!
//! Free bytes and free chunks change in `free_list.rs` (every link and unlink); claimed bytes
//! in `claim.rs`, `extend.rs` and `truncate.rs`; the allocation figures in `alloc.rs`,
//! `free.rs` and `resize.rs`. Each update is one add or subtract on the hot path.

use super::free_list::{free_size, next_free};
use super::Heap;
use crate::Grow;

/// The heap's running totals (internal; see [`Counters`] for their meaning).
pub(crate) struct Stats {
    pub(crate) allocated_bytes: usize,
    pub(crate) peak_allocated_bytes: usize,
    pub(crate) claimed_bytes: usize,
    pub(crate) free_bytes: usize,
    pub(crate) free_chunks: usize,
    pub(crate) live_allocations: usize,
    pub(crate) total_allocations: u64,
}

impl Stats {
    /// All totals zero.
    pub(crate) const fn new() -> Self {
        Self {
            allocated_bytes: 0,
            peak_allocated_bytes: 0,
            claimed_bytes: 0,
            free_bytes: 0,
            free_chunks: 0,
            live_allocations: 0,
            total_allocations: 0,
        }
    }

    /// Records a new allocation of `size` requested bytes.
    #[inline(always)]
    pub(crate) fn allocated(&mut self, size: usize) {
        self.allocated_bytes += size;
        if self.allocated_bytes > self.peak_allocated_bytes {
            self.peak_allocated_bytes = self.allocated_bytes;
        }
        self.live_allocations += 1;
        self.total_allocations += 1;
    }

    /// Records that a live allocation changed from `old` to `new` requested bytes.
    #[inline(always)]
    pub(crate) fn resized(&mut self, old: usize, new: usize) {
        self.allocated_bytes = self.allocated_bytes - old + new;
        if self.allocated_bytes > self.peak_allocated_bytes {
            self.peak_allocated_bytes = self.allocated_bytes;
        }
    }

    /// Records that an allocation of `size` requested bytes was freed.
    #[inline(always)]
    pub(crate) fn freed(&mut self, size: usize) {
        self.allocated_bytes -= size;
        self.live_allocations -= 1;
    }
}

/// A snapshot of the heap's figures, for logs, heap maps and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Bytes the live allocations asked for (their layouts' sizes).
    pub allocated_bytes: usize,
    /// The highest `allocated_bytes` has been.
    pub peak_allocated_bytes: usize,
    /// Bytes in all arenas, metadata included.
    pub claimed_bytes: usize,
    /// Bytes in free chunks.
    pub free_bytes: usize,
    /// Number of free chunks.
    pub free_chunks: usize,
    /// Size of the largest free chunk (0 if none): the largest block one allocation could get.
    pub largest_free_chunk: usize,
    /// Number of live allocations.
    pub live_allocations: usize,
    /// Number of allocations ever made (reallocations that moved count once more).
    pub total_allocations: u64,
}

impl<G: Grow> Heap<G> {
    /// The heap's current figures. Cheap: only the largest free chunk needs a look, at the
    /// list of the highest non-empty bin.
    pub fn counters(&self) -> Counters {
        let stats = &self.stats;
        Counters {
            allocated_bytes: stats.allocated_bytes,
            peak_allocated_bytes: stats.peak_allocated_bytes,
            claimed_bytes: stats.claimed_bytes,
            free_bytes: stats.free_bytes,
            free_chunks: stats.free_chunks,
            largest_free_chunk: self.largest_free_chunk(),
            live_allocations: stats.live_allocations,
            total_allocations: stats.total_allocations,
        }
    }

    /// The size of the largest chunk in the highest non-empty bin (0 if every bin is empty).
    fn largest_free_chunk(&self) -> usize {
        let Some(bin) = self.bitmap.last() else {
            return 0;
        };
        let mut largest = 0;
        let mut chunk = self.bins[bin];
        while !chunk.is_null() {
            // SAFETY: every node of a bin list is a linked free chunk.
            let size = unsafe { free_size(chunk) };
            largest = largest.max(size);
            // SAFETY: as above.
            chunk = unsafe { next_free(chunk) };
        }
        largest
    }
}
