//! `Chunk::idle`: the bytes of a free chunk the heap never reads or writes while the chunk
//! stays free. A kernel may throw their contents away (unmap the pages); this test throws
//! them away by scribbling over them after every step of a random workload, and the heap
//! must not notice: `check()` passes and every live block keeps its contents.

mod common {
    pub mod memory;
    pub mod rng;
}

use common::memory::Memory;
use common::rng::Rng;
use core::alloc::Layout;
use core::ptr::NonNull;
use tagheap::{Heap, NeverGrow};

#[cfg(not(miri))]
const STEPS: usize = 20_000;
#[cfg(miri)]
const STEPS: usize = 200;

#[test]
fn idle_is_empty_for_allocated_and_tiny_chunks_and_inside_free_ones() {
    let memory = Memory::new(4096);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: `memory` outlives the heap and nothing else uses it.
    unsafe { heap.claim(memory.span(0, 4096)) }.unwrap();
    let layout = Layout::from_size_align(64, 8).unwrap();
    // SAFETY: the block is freed below with its own layout.
    let block = unsafe { heap.allocate(layout) }.unwrap();
    for chunk in heap.chunks() {
        let idle = chunk.idle();
        if chunk.allocated {
            assert!(idle.is_empty(), "allocated chunk {chunk:?} has idle bytes");
        } else {
            assert!(chunk.span().contains_span(idle));
            // With the debug checks (test builds with debug assertions) the free chunk's
            // first 128 bytes after its node hold the poison a reuse checks.
            let poisoned = if cfg!(debug_assertions) { 128 } else { 0 };
            assert_eq!(
                idle.base().addr() - chunk.base.addr(),
                24 + poisoned,
                "after the list node and the poison"
            );
            assert_eq!(
                chunk.span().acme().addr() - idle.acme().addr(),
                8,
                "below the size word"
            );
        }
    }
    // SAFETY: allocated above with `layout`.
    unsafe { heap.deallocate(block, layout) };
}

#[test]
fn scribbling_over_idle_bytes_changes_nothing() {
    const ARENA: usize = 1 << 20;
    let memory = Memory::new(ARENA);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: `memory` outlives the heap and nothing else uses it.
    unsafe { heap.claim(memory.span(0, ARENA)) }.unwrap();
    let mut rng = Rng::new(0x1d1e);
    let mut live: Vec<(NonNull<u8>, Layout, u8)> = Vec::new();
    for step in 0..STEPS {
        if live.len() < 64 && rng.below(3) != 0 {
            let largest = if rng.below(8) == 0 { 20_000 } else { 300 };
            let size = 1 + rng.below(largest);
            let layout = Layout::from_size_align(size, 1 << rng.below(7)).unwrap();
            // SAFETY: the arena is valid; the block is freed once, with `layout`.
            if let Ok(ptr) = unsafe { heap.allocate(layout) } {
                let fill = step as u8;
                // SAFETY: the block has `size` bytes.
                unsafe { ptr.as_ptr().write_bytes(fill, size) };
                live.push((ptr, layout, fill));
            }
        } else if !live.is_empty() {
            let (ptr, layout, fill) = live.swap_remove(rng.below(live.len()));
            // SAFETY: live block of `layout.size()` bytes.
            let bytes = unsafe { core::slice::from_raw_parts(ptr.as_ptr(), layout.size()) };
            assert!(
                bytes.iter().all(|&b| b == fill),
                "block corrupted at step {step}"
            );
            // SAFETY: allocated with `layout`, freed once.
            unsafe { heap.deallocate(ptr, layout) };
        }
        let idle: Vec<_> = heap.chunks().map(|c| c.idle()).collect();
        for span in idle {
            // SAFETY: idle bytes lie inside a free chunk of the arena, which the heap owns
            // and does not read while the chunk stays free.
            unsafe { span.base().write_bytes(0xa5, span.size()) };
        }
        assert_eq!(heap.check(), Ok(()), "step {step}");
    }
    for (ptr, layout, _) in live {
        // SAFETY: allocated with `layout`, freed once.
        unsafe { heap.deallocate(ptr, layout) };
    }
}
