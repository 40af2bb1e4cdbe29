//! A `LockedHeap` whose hook is `ClaimOnFirstUse` over its own 4 KiB: the first allocation
//! claims the region, later ones reuse it, and the region is never claimed twice.
//!
//! ```text
//!   before the first allocation: no arena      after it: exactly the hook's region
//! ```

use crate::model::arena_align_inward;
use std::alloc::{GlobalAlloc, Layout};
use tagheap::{ClaimOnFirstUse, Span, SpinLockedHeap};

/// The region's size.
const REGION: usize = 4096;

/// The heap, its region's memory, and the blocks it holds.
pub struct FirstUse {
    memory: Box<[u64; REGION / 8]>,
    heap: SpinLockedHeap<ClaimOnFirstUse>,
    blocks: Vec<(*mut u8, Layout)>,
}

impl FirstUse {
    pub fn new() -> Self {
        let mut memory = Box::new([0u64; REGION / 8]);
        let region = Span::from_base_size(memory.as_mut_ptr().cast(), REGION);
        // SAFETY: the region is this value's own memory, which outlives the heap.
        let heap = SpinLockedHeap::new(unsafe { ClaimOnFirstUse::new(region) });
        FirstUse {
            memory,
            heap,
            blocks: Vec::new(),
        }
    }

    /// Allocates `size % 512 + 1` bytes, or frees the newest block.
    pub fn run(&mut self, size: u16, free: bool) {
        if free {
            if let Some((ptr, layout)) = self.blocks.pop() {
                // SAFETY: a live block with its layout, freed once.
                unsafe { self.heap.dealloc(ptr, layout) };
            }
        } else {
            let layout = Layout::from_size_align(usize::from(size) % 512 + 1, 8).unwrap();
            // SAFETY: a layout of non-zero size.
            let ptr = unsafe { self.heap.alloc(layout) };
            if !ptr.is_null() {
                self.blocks.push((ptr, layout));
            }
        }
        let heap = self.heap.try_lock().expect("nobody else holds the lock");
        heap.check().unwrap();
        let arenas: Vec<Span> = heap.arenas().collect();
        let region = Span::from_base_size(self.memory.as_mut_ptr().cast(), REGION);
        assert!(
            arenas.is_empty() || arenas == [arena_align_inward(region)],
            "ClaimOnFirstUse arenas: {arenas:?}"
        );
        assert_eq!(heap.counters().live_allocations, self.blocks.len());
    }

    /// Frees every block.
    pub fn finish(mut self) {
        while !self.blocks.is_empty() {
            self.run(0, true);
        }
    }
}
