//! Running totals the heap keeps as it works, and the `Counters` snapshot it reports.
//!
//! ```text
//!   kept as running totals          computed by `counters()` from the bins
//!   allocated bytes, their peak     free bytes, free chunks, largest free chunk
//!   claimed bytes
//!   allocations and frees
//!   (live allocations: the difference)
//! ```
//!
//! Claimed bytes change in `claim.rs`, `extend.rs` and `truncate.rs`; the allocation figures
//! in `alloc.rs`, `free.rs` and `resize.rs`, a few adds per call, and only with the
//! `counters` feature (on by default; the benchmarks turn it off, as talc's is). The free-chunk figures are
//! not kept: every link and unlink would have to update them, and allocate and free link
//! and unlink up to four chunks between them. `counters()` walks the bin lists instead, in
//! O(free chunks): it is for logs, heap maps and benchmarks, not for the hot path.

use crate::tags::layout::free_chunk::FreeChunk;
use crate::tags::Heap;
use crate::OutOfMemory;

/// The heap's running totals (internal; see [`Counters`] for their meaning). The allocation
/// figures are kept only with the `counters` feature; the arena figures always (they change
/// only when an arena does).
pub(crate) struct Stats {
    #[cfg(feature = "counters")]
    allocated_bytes: usize,
    #[cfg(feature = "counters")]
    peak_allocated_bytes: usize,
    #[cfg(feature = "counters")]
    total_allocations: u64,
    /// Frees: the live allocations are `total_allocations - frees`, so that an allocation
    /// adds to one count and a free to the other (one increment each, not two).
    #[cfg(feature = "counters")]
    frees: u64,
    pub(crate) claimed_bytes: usize,
    /// Claims, and extensions and truncations that moved an end of an arena: how the
    /// out-of-memory loop tells that a hook rearranged the arenas even when the claimed
    /// bytes came out the same.
    pub(crate) arena_changes: u64,
}

impl Stats {
    /// All totals zero.
    pub(crate) const fn new() -> Self {
        Self {
            #[cfg(feature = "counters")]
            allocated_bytes: 0,
            #[cfg(feature = "counters")]
            peak_allocated_bytes: 0,
            #[cfg(feature = "counters")]
            total_allocations: 0,
            #[cfg(feature = "counters")]
            frees: 0,
            claimed_bytes: 0,
            arena_changes: 0,
        }
    }

    /// Records a new allocation of `size` requested bytes.
    #[inline(always)]
    pub(crate) fn allocated(&mut self, size: usize) {
        #[cfg(feature = "counters")]
        {
            self.allocated_bytes += size;
            self.peak_allocated_bytes = self.peak_allocated_bytes.max(self.allocated_bytes);
            self.total_allocations += 1;
        }
        let _ = size;
    }

    /// Records that a live allocation changed from `old` to `new` requested bytes.
    #[inline(always)]
    pub(crate) fn resized(&mut self, old: usize, new: usize) {
        #[cfg(feature = "counters")]
        {
            self.allocated_bytes = self.allocated_bytes - old + new;
            self.peak_allocated_bytes = self.peak_allocated_bytes.max(self.allocated_bytes);
        }
        let _ = (old, new);
    }

    /// Records that an allocation of `size` requested bytes was freed.
    #[inline(always)]
    pub(crate) fn freed(&mut self, size: usize) {
        #[cfg(feature = "counters")]
        {
            self.allocated_bytes -= size;
            self.frees += 1;
        }
        let _ = size;
    }

    /// The allocation figures `(allocated bytes, their peak, live allocations, allocations
    /// ever made)`, or `None` without the `counters` feature.
    pub(crate) fn allocations(&self) -> Option<(usize, usize, usize, u64)> {
        #[cfg(feature = "counters")]
        {
            // Lossless: at most as many allocations are live as fit in the address space.
            let live = (self.total_allocations - self.frees) as usize;
            let bytes = self.allocated_bytes;
            Some((
                bytes,
                self.peak_allocated_bytes,
                live,
                self.total_allocations,
            ))
        }
        #[cfg(not(feature = "counters"))]
        None
    }
}

/// A snapshot of the heap's figures, for logs, heap maps and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counters {
    /// Bytes the live allocations asked for (their layouts' sizes); 0 without the
    /// `counters` feature, like the other allocation figures.
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

/// What the bins hold: the free-chunk half of [`Counters`].
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FreeTotals {
    pub(crate) bytes: usize,
    pub(crate) chunks: usize,
    pub(crate) largest: usize,
}

impl<G: OutOfMemory> Heap<G> {
    /// The heap's current figures. The free-chunk figures are counted from the bins, so this
    /// takes O(free chunks).
    ///
    /// Without the `counters` feature the allocation figures (allocated bytes, their peak,
    /// live and total allocations) are not kept and read 0.
    pub fn counters(&self) -> Counters {
        let (allocated_bytes, peak_allocated_bytes, live_allocations, total_allocations) =
            self.stats.allocations().unwrap_or_default();
        let free = self.free_totals();
        Counters {
            allocated_bytes,
            peak_allocated_bytes,
            claimed_bytes: self.stats.claimed_bytes,
            free_bytes: free.bytes,
            free_chunks: free.chunks,
            largest_free_chunk: free.largest,
            live_allocations,
            total_allocations,
        }
    }

    /// Walks every bin list and adds up the free chunks.
    pub(crate) fn free_totals(&self) -> FreeTotals {
        let mut totals = FreeTotals::default();
        for &head in &self.bins {
            let mut chunk = head;
            while !chunk.is_null() {
                // SAFETY: every node of a bin list is a linked free chunk.
                let size = unsafe { FreeChunk::at(chunk).size() };
                totals.bytes += size;
                totals.chunks += 1;
                totals.largest = totals.largest.max(size);
                // SAFETY: as above.
                chunk = unsafe { self.next_free(chunk) };
            }
        }
        totals
    }
}
