//! The designated victim: the remainder of a chunk split from the later bitmap words is kept
//! out of the bins and the requests after it are carved from it, ahead of smaller free chunks
//! there; a block growing into it leaves the rest as the victim, a block freed or shrunk
//! next to it gives it what it frees; a victim too small goes back to its bin; the slow path
//! finds it before reporting no memory. `check()` after every step.

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use tagheap::{Heap, NeverGrow};

const WORD: usize = size_of::<usize>();
/// An arena large enough that its free chunks lie beyond the first bitmap word (192 KiB).
const ARENA: usize = 1 << 20;
/// A free chunk, beyond the first bitmap word too, but smaller than the victim.
const LOWER: usize = 300 << 10;

/// The chunk a block of `size` bytes takes (its tag and bytes, whole 16-byte granules).
fn chunk_for(size: usize) -> usize {
    (size + WORD).next_multiple_of(16).max(4 * WORD)
}

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 16).unwrap()
}

/// A heap over `memory` whose bins hold a free chunk of about `LOWER` bytes at the arena's
/// base, under a small block `guard`; the victim is the rest of the arena, above `guard`.
/// Returns the heap, `guard`, and the address of the first block in the arena.
fn victim_above_a_lower_free_chunk(memory: &Memory) -> (Heap<NeverGrow>, NonNull<u8>, usize) {
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the memory is the test's own and outlives the heap; every block is freed once
    // with its own layout.
    unsafe {
        heap.claim(memory.span(0, ARENA)).unwrap();
        let lower = heap.allocate(layout(LOWER)).unwrap();
        let guard = heap.allocate(layout(24)).unwrap();
        heap.check().unwrap();
        heap.deallocate(lower, layout(LOWER));
        heap.check().unwrap();
        (heap, guard, lower.addr().get())
    }
}

#[test]
fn requests_are_carved_in_turn_from_the_victim_ahead_of_a_smaller_free_chunk() {
    let memory = Memory::new(ARENA);
    let (mut heap, guard, _) = victim_above_a_lower_free_chunk(&memory);
    // SAFETY: as in `victim_above_a_lower_free_chunk`.
    unsafe {
        let mut expected = guard.addr().get() + chunk_for(24);
        let mut blocks = Vec::new();
        for size in [24, 100, 40, 1000, 24] {
            let block = heap.allocate(layout(size)).unwrap();
            assert_eq!(
                block.addr().get(),
                expected,
                "{size} B carved from the victim"
            );
            heap.check().unwrap();
            expected += chunk_for(size);
            blocks.push((block, size));
        }
        for (block, size) in blocks {
            heap.deallocate(block, layout(size));
            heap.check().unwrap();
        }
        heap.deallocate(guard, layout(24));
    }
    heap.check().unwrap();
    assert_eq!(
        heap.chunks().count(),
        1,
        "everything merged back into one free chunk"
    );
}

#[test]
fn a_block_growing_into_the_victim_leaves_the_rest_as_the_victim() {
    let memory = Memory::new(ARENA);
    let (mut heap, guard, _) = victim_above_a_lower_free_chunk(&memory);
    // SAFETY: as in `victim_above_a_lower_free_chunk`.
    unsafe {
        let block = heap.allocate(layout(100)).unwrap();
        assert_eq!(block.addr().get(), guard.addr().get() + chunk_for(24));
        let grown = heap.grow(block, layout(100), 5000).unwrap();
        assert_eq!(grown, block, "grown in place into the victim");
        heap.check().unwrap();
        let next = heap.allocate(layout(24)).unwrap();
        assert_eq!(
            next.addr().get(),
            block.addr().get() + chunk_for(5000),
            "the rest of the victim, not the lower free chunk, serves the next request"
        );
        heap.check().unwrap();
        heap.deallocate(next, layout(24));
        heap.deallocate(grown, layout(5000));
        heap.deallocate(guard, layout(24));
    }
    heap.check().unwrap();
    assert_eq!(heap.chunks().count(), 1);
}

#[test]
fn a_block_shrinking_next_to_the_victim_gives_its_tail_to_the_victim() {
    let memory = Memory::new(ARENA);
    let (mut heap, guard, _) = victim_above_a_lower_free_chunk(&memory);
    // SAFETY: as in `victim_above_a_lower_free_chunk`.
    unsafe {
        let block = heap.allocate(layout(5000)).unwrap();
        assert_eq!(block.addr().get(), guard.addr().get() + chunk_for(24));
        let same = heap.shrink(block, layout(5000), 4990);
        assert_eq!(
            same, block,
            "a shrink within the same chunk changes nothing"
        );
        heap.check().unwrap();
        let shrunk = heap.shrink(block, layout(4990), 100);
        assert_eq!(shrunk, block);
        heap.check().unwrap();
        let next = heap.allocate(layout(24)).unwrap();
        assert_eq!(
            next.addr().get(),
            block.addr().get() + chunk_for(100),
            "the tail joined the victim, which still comes before the lower chunk"
        );
        heap.check().unwrap();
        heap.deallocate(next, layout(24));
        heap.deallocate(shrunk, layout(100));
        heap.deallocate(guard, layout(24));
    }
    heap.check().unwrap();
    assert_eq!(heap.chunks().count(), 1);
}

#[test]
fn a_free_next_to_the_victim_merges_into_it() {
    let memory = Memory::new(ARENA);
    let (mut heap, guard, _) = victim_above_a_lower_free_chunk(&memory);
    // SAFETY: as in `victim_above_a_lower_free_chunk`.
    unsafe {
        let below = heap.allocate(layout(100)).unwrap();
        assert_eq!(below.addr().get(), guard.addr().get() + chunk_for(24));
        heap.deallocate(below, layout(100));
        heap.check().unwrap();
        let next = heap.allocate(layout(24)).unwrap();
        assert_eq!(
            next, below,
            "the freed block joined the victim, which still comes before the lower chunk"
        );
        heap.check().unwrap();
        heap.deallocate(next, layout(24));
        heap.deallocate(guard, layout(24));
    }
    heap.check().unwrap();
    assert_eq!(heap.chunks().count(), 1);
}

#[test]
fn a_victim_too_small_for_a_request_goes_back_to_its_bin() {
    let memory = Memory::new(ARENA);
    let (mut heap, guard, first) = victim_above_a_lower_free_chunk(&memory);
    let victim = ARENA - 4 * WORD - chunk_for(LOWER) - chunk_for(24);
    // Leave a victim of 1 KiB.
    let fill = victim - 1024 - WORD;
    // SAFETY: as in `victim_above_a_lower_free_chunk`.
    unsafe {
        let filler = heap.allocate(layout(fill)).unwrap();
        assert_eq!(filler.addr().get(), guard.addr().get() + chunk_for(24));
        heap.check().unwrap();
        // 2 KiB: not in the victim, so the lower free chunk is split and its rest becomes
        // the victim; the old victim goes to its bin, where a small request finds it.
        let split = heap.allocate(layout(2048)).unwrap();
        assert_eq!(split.addr().get(), first, "split from the lower free chunk");
        heap.check().unwrap();
        let small = heap.allocate(layout(24)).unwrap();
        assert_eq!(small.addr().get(), filler.addr().get() + chunk_for(fill));
        heap.check().unwrap();
        for (block, size) in [(small, 24), (split, 2048), (filler, fill), (guard, 24)] {
            heap.deallocate(block, layout(size));
            heap.check().unwrap();
        }
    }
    assert_eq!(heap.chunks().count(), 1);
}

#[test]
fn the_slow_path_finds_the_victim_before_reporting_no_memory() {
    let memory = Memory::new(ARENA);
    let (mut heap, guard, _) = victim_above_a_lower_free_chunk(&memory);
    // SAFETY: as in `victim_above_a_lower_free_chunk`.
    unsafe {
        // Take the lower free chunk, so that only the victim is left.
        let lower = heap.allocate(layout(LOWER)).unwrap();
        let aligned = Layout::from_size_align(4096, 4096).unwrap();
        let block = heap.allocate(aligned).unwrap();
        assert_eq!(block.addr().get() % 4096, 0);
        assert!(block.addr().get() > guard.addr().get());
        heap.check().unwrap();
        heap.deallocate(guard, layout(24));
        heap.deallocate(block, aligned);
        heap.deallocate(lower, layout(LOWER));
    }
    heap.check().unwrap();
    assert_eq!(heap.chunks().count(), 1);
}
