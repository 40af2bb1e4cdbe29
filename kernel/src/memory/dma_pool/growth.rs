//! How the pool grows: its out-of-memory hook claims one more physically contiguous run of
//! DMA frames as a new arena, and finds which run holds an address.
//!
//! ```text
//!   Heap::allocate finds no chunk ─► RunGrowth::out_of_memory(layout)
//!     a free slot below the limit? ─► dma::allocate(max(RUN_BYTES, size + align + 128))
//!     ─► Heap::claim(the run) ─► kept in `runs` (dropped, frames back, when shrunk)
//! ```

use super::{MAX_RUNS, RUN_BYTES};
use crate::memory::dma::{self, DmaBuffer, BELOW_4_GIB};
use core::alloc::Layout;
use core::ptr::NonNull;
use heap::{AllocError, HookHeap, OutOfMemory, Span};

/// Bytes a run keeps for the heap's own words (alignment, end record) besides a block.
const RUN_OVERHEAD: usize = 128;

/// One physically contiguous run, claimed as an arena.
pub(super) struct Run {
    pub(super) buffer: DmaBuffer,
    pub(super) arena: Span,
}

/// The pool's out-of-memory hook: claims one more contiguous run, up to the limit.
pub struct RunGrowth {
    pub(super) runs: [Option<Run>; MAX_RUNS],
    pub(super) limit: usize,
}

// SAFETY: the runs are owned DMA buffers; their spans point into them and move with them.
unsafe impl Send for RunGrowth {}

impl OutOfMemory for RunGrowth {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, layout: Layout) -> Result<(), AllocError> {
        let limit = heap.hook().limit;
        let slot = heap.hook().runs[..limit]
            .iter()
            .position(Option::is_none)
            .ok_or(AllocError)?;
        let bytes = RUN_BYTES.max(layout.size() + layout.align() + RUN_OVERHEAD);
        let buffer = dma::allocate(bytes, BELOW_4_GIB).map_err(|_| AllocError)?;
        let region = Span::from_base_size(buffer.as_ptr().as_ptr(), buffer.len());
        // SAFETY: the run was just allocated for the pool and is kept in `runs` until the
        // heap releases its arena (`shrink`) or the pool is dropped.
        let arena = unsafe { heap.claim(region) }.map_err(|_| AllocError)?;
        heap.hook_mut().runs[slot] = Some(Run { buffer, arena });
        Ok(())
    }
}

/// The physical address of `virt` if one of `growth`'s runs holds it.
pub(super) fn physical_in(growth: &RunGrowth, virt: NonNull<u8>) -> Option<u64> {
    let address = virt.as_ptr().addr();
    growth.runs.iter().flatten().find_map(|run| {
        let offset = address.checked_sub(run.buffer.as_ptr().as_ptr().addr())?;
        (offset < run.buffer.len()).then(|| run.buffer.physical() + offset as u64)
    })
}
