//! The DMA pool: small DMA blocks (descriptors, request headers, status bytes, bounce
//! buffers) carved by a second instance of the boundary-tag heap out of physically
//! contiguous runs from the DMA window, so a 16-byte header does not cost a page.
//!
//! ```text
//!   DmaPool ── IrqMutex<level::DmaPool, Heap<RunGrowth>>        (Linux's dma_pool, one arena per run)
//!                 │ no chunk fits ─► RunGrowth: dma::allocate(one more run) ─► claim it
//!                 ▼
//!   run 0: | tag | block | tag | block |  free  | record |   frames f..f+n, contiguous
//!   run 1: | tag |        bounce buffer     | tag | record |   frames g..g+m, contiguous
//!          ^ DMA window (virtual)             physical = run.physical + (virt - run.virt)
//! ```
//!
//! A block never spans two runs (each run is an arena of its own), so every block is one
//! physical range and the device can be given its address as it is; runs lie below 4 GiB,
//! so 32-bit devices can use them too. The pool grows up to
//! its run limit; past it, an allocation returns [`PoolError`] and nothing changes.
//! [`DmaPool::shrink`] hands runs with no live block back to the frame allocator.

mod growth;

use crate::sync::{level, IrqMutex};
use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;
use growth::{physical_in, RunGrowth};
use heap::{Counters, Heap, Span};

/// Runs a pool may hold at most.
pub const MAX_RUNS: usize = 16;
/// The size of a run when the request that grows the pool is smaller: 16 KiB.
pub const RUN_BYTES: usize = 16 << 10;

/// Why the pool could not give a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolError {
    /// What was asked for.
    pub layout: Layout,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "the DMA pool has no block of {} bytes aligned to {} (run limit reached or no \
             contiguous frames left)",
            self.layout.size(),
            self.layout.align()
        )
    }
}

/// A pool of physically contiguous small blocks.
pub struct DmaPool {
    heap: IrqMutex<level::DmaPool, Heap<RunGrowth>>,
}

/// The kernel's pool: request headers, status bytes and bounce buffers of every driver.
pub static POOL: DmaPool = DmaPool::new(MAX_RUNS);

impl DmaPool {
    /// An empty pool that may grow to `runs` runs (at most [`MAX_RUNS`]).
    pub const fn new(runs: usize) -> Self {
        let limit = if runs < MAX_RUNS { runs } else { MAX_RUNS };
        Self {
            heap: IrqMutex::new(Heap::new(RunGrowth {
                runs: [const { None }; MAX_RUNS],
                limit,
            })),
        }
    }

    /// A block of `layout`, not zeroed, with its physical address.
    pub fn allocate(&self, layout: Layout) -> Result<(NonNull<u8>, u64), PoolError> {
        let mut heap = self.heap.lock();
        // SAFETY: the block is handed to the caller, who frees it with `deallocate`.
        let block = unsafe { heap.allocate(layout) }.map_err(|_| PoolError { layout })?;
        let physical = physical_in(&heap.hook, block).expect("a pool block lies in a run");
        Ok((block, physical))
    }

    /// Frees a block.
    ///
    /// # Safety
    ///
    /// This function is unsafe because `block` must come from [`Self::allocate`] on this pool
    /// with this `layout`, and nobody (the device included) may use it afterwards.
    pub unsafe fn deallocate(&self, block: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's promise.
        unsafe { self.heap.lock().deallocate(block, layout) }
    }

    /// The physical address of `virt` if it lies in one of the pool's runs.
    pub fn physical(&self, virt: NonNull<u8>) -> Option<u64> {
        physical_in(&self.heap.lock().hook, virt)
    }

    /// Where the pool maps physical address `physical`, if a run holds it.
    pub fn virtual_of(&self, physical: u64) -> Option<NonNull<u8>> {
        let heap = self.heap.lock();
        heap.hook.runs.iter().flatten().find_map(|run| {
            let offset = physical.checked_sub(run.buffer.physical())?;
            (offset < run.buffer.len() as u64)
                // SAFETY: the offset lies within the run.
                .then(|| unsafe { run.buffer.as_ptr().add(offset as usize) })
        })
    }

    /// Gives every run without a live block back to the frame allocator; returns how many.
    pub fn shrink(&self) -> usize {
        let mut heap = self.heap.lock();
        let mut released = 0;
        for slot in 0..MAX_RUNS {
            let Some(arena) = heap.hook.runs[slot].as_ref().map(|run| run.arena) else {
                continue;
            };
            if heap.truncate(arena, Span::empty()).is_ok() {
                heap.hook.runs[slot] = None;
                released += 1;
            }
        }
        released
    }

    /// Runs the pool holds now.
    pub fn runs(&self) -> usize {
        self.heap.lock().hook.runs.iter().flatten().count()
    }

    /// The pool heap's counters (allocations, bytes, peak).
    pub fn counters(&self) -> Counters {
        self.heap.lock().counters()
    }

    /// Checks the pool heap's invariants.
    pub fn check(&self) -> Result<(), heap::CheckError> {
        self.heap.lock().check()
    }
}
