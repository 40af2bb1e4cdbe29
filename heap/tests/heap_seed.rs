//! The seed kernel's heap test, kept as a regression: 1000 rounds of 1000 allocations of
//! 1243 bytes, the first half freed forwards and the second half backwards; every round must
//! end with an empty heap (one free chunk spanning the arena). Under Miri, 2 rounds of 100.

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use tagheap::{Heap, NeverGrow};

#[cfg(not(miri))]
const ROUNDS: usize = 1000;
#[cfg(not(miri))]
const BLOCKS: usize = 1000;
#[cfg(miri)]
const ROUNDS: usize = 2;
#[cfg(miri)]
const BLOCKS: usize = 100;
const SIZE: usize = 1243;

#[test]
fn rounds_of_equal_blocks_free_back_to_an_empty_heap() {
    let memory = Memory::new(2 << 20);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory.
    let arena = unsafe { heap.claim(memory.span(0, 2 << 20)) }.unwrap();
    let layout = Layout::from_size_align(SIZE, 8).unwrap();
    let mut blocks = Vec::with_capacity(BLOCKS);
    for round in 0..ROUNDS {
        for index in 0..BLOCKS {
            // SAFETY: the arena is the test's memory.
            let ptr = unsafe { heap.allocate(layout) }
                .unwrap_or_else(|error| panic!("round {round}, block {index}: {error}"));
            // SAFETY: the block holds SIZE bytes.
            unsafe { ptr.as_ptr().write_bytes(index as u8, SIZE) };
            blocks.push(ptr);
        }
        let (forwards, backwards) = blocks.split_at(BLOCKS / 2);
        for (index, &ptr) in forwards.iter().enumerate().chain(
            backwards
                .iter()
                .enumerate()
                .map(|(i, p)| (i + BLOCKS / 2, p))
                .rev(),
        ) {
            // SAFETY: a live block of SIZE bytes, freed once.
            unsafe {
                assert_eq!(
                    ptr.as_ptr().add(SIZE - 1).read(),
                    index as u8,
                    "round {round}, block {index} lost its bytes"
                );
                heap.deallocate(ptr, layout);
            }
        }
        blocks.clear();
        let chunks: Vec<_> = heap.chunks().collect();
        assert_eq!(
            chunks.len(),
            1,
            "round {round} left {} chunks",
            chunks.len()
        );
        assert!(!chunks[0].allocated && chunks[0].arena == arena);
    }
    heap.check().unwrap();
    assert_eq!(heap.counters().total_allocations, (ROUNDS * BLOCKS) as u64);
}
