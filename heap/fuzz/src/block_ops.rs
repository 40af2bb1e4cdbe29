//! Allocating and freeing blocks through every entry point: `Heap` itself, `GlobalAlloc` and
//! `Allocator` on the `LockedHeap`. A refused allocation is checked against the heap's own
//! chunks: it may fail only if no free chunk can hold the block where it would start.
//!
//! ```text
//!   Ok   ──► aligned, inside an arena, clear of every live block, zeroed when asked
//!   Err  ──► no free chunk fits the exact placement (memory that is there is never missing)
//! ```

use crate::input::{AllocVia, FreeVia};
use crate::model::Model;
use crate::Fuzzed;
use std::alloc::{Allocator, GlobalAlloc, Layout};
use std::ptr::NonNull;
use tagheap::{Heap, OutOfMemory};

/// Allocates a block for `layout` through `via` and records it, or checks why it was refused.
pub fn allocate(heap: &Fuzzed, model: &mut Model, layout: Layout, via: AllocVia) {
    let zeroed = matches!(via, AllocVia::GlobalZeroed | AllocVia::AllocatorZeroed);
    // SAFETY: the heap's arenas are the room's memory; GlobalAlloc gets non-zero sizes only.
    let ptr = unsafe {
        match via {
            AllocVia::Heap => heap.lock().allocate(layout).ok(),
            AllocVia::Global | AllocVia::GlobalZeroed if layout.size() == 0 => return,
            AllocVia::Global => NonNull::new(heap.alloc(layout)),
            AllocVia::GlobalZeroed => NonNull::new(heap.alloc_zeroed(layout)),
            AllocVia::Allocator => heap.allocate(layout).ok().map(NonNull::cast),
            AllocVia::AllocatorZeroed => heap.allocate_zeroed(layout).ok().map(NonNull::cast),
        }
    };
    let mut locked = heap.lock();
    model.apply_hook_log(&mut locked);
    match ptr {
        Some(ptr) => {
            if zeroed {
                // SAFETY: a live block of `layout.size()` bytes.
                let bytes = unsafe { core::slice::from_raw_parts(ptr.as_ptr(), layout.size()) };
                assert!(bytes.iter().all(|&byte| byte == 0), "{layout:?} not zeroed");
            }
            model.add(ptr, layout);
        }
        None => {
            assert!(!tagheap::AllocError.to_string().is_empty());
            assert_no_chunk_fits(&locked, layout);
        }
    }
}

/// Frees a live block through `via`.
pub fn free(heap: &Fuzzed, model: &mut Model, pick: u16, via: FreeVia) {
    let Some(index) = model.pick(pick) else {
        return;
    };
    let block = model.remove(index);
    // SAFETY: a live block with its layout, freed once.
    unsafe {
        match via {
            FreeVia::Heap => heap.lock().deallocate(block.ptr, block.layout),
            FreeVia::Global => heap.dealloc(block.ptr.as_ptr(), block.layout),
            FreeVia::Allocator => heap.deallocate(block.ptr, block.layout),
        }
    }
}

/// Panics if some free chunk of `heap` could hold a block for `layout` where it would start:
/// the heap should have found it.
pub fn assert_no_chunk_fits<G: OutOfMemory>(heap: &Heap<G>, layout: Layout) {
    let word = size_of::<usize>();
    let room = layout
        .size()
        .div_ceil(word)
        .saturating_mul(word)
        .max(2 * word);
    for chunk in heap.chunks().filter(|chunk| !chunk.allocated) {
        let base = chunk.base.addr();
        let start = base
            .checked_add(word + layout.align() - 1)
            .map(|start| start & !(layout.align() - 1));
        let fits = start
            .and_then(|start| start.checked_add(room))
            .is_some_and(|top| top <= base + chunk.size);
        assert!(
            !fits,
            "{layout:?} refused, but the free chunk {:?} holds it",
            chunk.span()
        );
    }
}
