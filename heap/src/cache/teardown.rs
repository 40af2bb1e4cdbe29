//! Teardowns: a CPU that frees many cached blocks and allocates none, while the depot has
//! no room for more, is taking a structure apart (a tree, a list, a request's objects).
//! Blocks kept in magazines then only wait there; in the heap they would merge with their
//! neighbours. So the CPU gives its magazines and the depot back to the heap, and frees
//! straight to the heap until it next allocates a cached block.
//!
//! ```text
//!   allocate_miss:  free_misses = 0                     (a teardown ends)
//!   free_miss:      free_misses += 1
//!     >= IN_TEARDOWN             ──► heap (merges)
//!     depot refuses a full magazine and free_misses x M >= TEARDOWN_FREES
//!                                ──► free_misses = IN_TEARDOWN; flush this CPU and the
//!                                    depot; the block ──► heap
//! ```
//!
//! Only the slow paths count: in a run of frees every M-th one misses, and a flushed CPU has
//! no magazines, so each of its frees and its next allocation miss. The fast path is as it
//! was. A consumer CPU that only frees what others allocate hands its full magazines to the
//! depot, where the allocating CPUs take them: the depot has room, and the CPU keeps
//! caching. Why 256 and what it saves: `heap/INTERNALS.md`, "Teardowns".

use super::{CachedHeap, Cpu, MissCounts, PerCpu};
use crate::OutOfMemory;
use lock_api::RawMutex;

/// Cached frees on one CPU, counted in magazines (free misses times `M`, the count reset by
/// each of the CPU's allocation misses), after which, once the depot refuses that CPU a full
/// magazine, its frees count as a teardown: its magazines and the depot go back to the heap,
/// and its frees go straight there until it allocates a cached block.
pub const TEARDOWN_FREES: usize = 256;

/// `free_misses` from the start of a teardown: no count of misses reaches it otherwise.
pub(crate) const IN_TEARDOWN: usize = usize::MAX / 2;

impl MissCounts {
    /// Notes an allocation miss: a run of free misses, and any teardown, ends.
    ///
    /// # Safety
    /// The caller must hold this CPU's pin.
    pub(crate) unsafe fn allocation_missed(&self) {
        // SAFETY: the pin makes the cell ours.
        unsafe { *self.free_misses.get() = 0 }
    }

    /// Notes a free miss; returns the free misses in a row, this one included
    /// (`IN_TEARDOWN` or more during a teardown).
    ///
    /// # Safety
    /// As for [`MissCounts::allocation_missed`].
    pub(crate) unsafe fn free_missed(&self) -> usize {
        // SAFETY: the pin makes the cell ours.
        unsafe {
            let misses = *self.free_misses.get() + 1;
            *self.free_misses.get() = misses;
            misses
        }
    }
}

impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
    CachedHeap<R, G, C, CPUS, M>
{
    /// Free misses in a row after which a refused full magazine starts a teardown.
    pub(crate) const TEARDOWN_MISSES: usize = TEARDOWN_FREES.div_ceil(M);

    /// Starts a teardown on `cpu`: gives its magazines and the depot back to the heap, then
    /// frees `block` of `class` there.
    ///
    /// # Safety
    /// The caller must hold the pin of `cpu`; `block` must be a live block of `class`, given
    /// up.
    #[cold]
    pub(crate) unsafe fn start_teardown(&self, cpu: &PerCpu<M>, class: usize, block: *mut u8) {
        // SAFETY: the pin makes the cell and the CPU's magazines ours.
        unsafe {
            *self.misses(cpu).free_misses.get() = IN_TEARDOWN;
            self.flush_cpu(Some(cpu));
            self.free_to_heap(class, block);
        }
    }
}
