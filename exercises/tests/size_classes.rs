//! Exercise 2, the size-class front end, over our heap on host memory: hits, classes kept
//! apart, large requests passed through, the limit per class, and a flush that leaves the
//! heap as if the front end had never been there.

use core::alloc::Layout;
use core::ptr::NonNull;
use exercises::size_classes::{Backend, SizeClasses, LIMIT};
use heap::{Heap, NeverGrow, Span};

/// Our heap on 1 MiB of host memory, counting the calls it gets.
struct Counted {
    heap: Heap<NeverGrow>,
    _memory: Vec<u64>,
    allocations: usize,
    frees: usize,
}

impl Counted {
    fn new() -> Self {
        let mut memory = vec![0u64; 1 << 17];
        let mut heap = Heap::new(NeverGrow);
        let span = Span::from_base_size(memory.as_mut_ptr().cast(), memory.len() * 8);
        // SAFETY: the memory is ours, lives as long as the heap, and is used by nothing else.
        unsafe { heap.claim(span) }.expect("1 MiB is a valid arena");
        Self {
            heap,
            _memory: memory,
            allocations: 0,
            frees: 0,
        }
    }
}

impl Backend for Counted {
    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.allocations += 1;
        // SAFETY: the arena is valid for the heap's life.
        unsafe { self.heap.allocate(layout) }.ok()
    }

    unsafe fn deallocate(&mut self, block: NonNull<u8>, layout: Layout) {
        self.frees += 1;
        // SAFETY: the caller's promise: a live block of the heap with this layout.
        unsafe { self.heap.deallocate(block, layout) }
    }
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[test]
fn a_freed_small_block_serves_the_next_request_of_its_class() {
    let mut front = SizeClasses::new(Counted::new());
    let first = front.allocate(layout(40, 8)).unwrap();
    // SAFETY: allocated just above with this layout.
    unsafe { front.deallocate(first, layout(40, 8)) };
    assert_eq!(
        front.back.frees, 0,
        "a small block went back to the heap instead of its class"
    );
    let again = front.allocate(layout(48, 16)).unwrap();
    assert_eq!(
        again, first,
        "a 48-byte request did not reuse the freed 40-byte block (same class)"
    );
    assert_eq!(front.back.allocations, 1, "the hit still asked the heap");
}

#[test]
fn classes_stay_apart_and_large_requests_pass_through() {
    let mut front = SizeClasses::new(Counted::new());
    let small = front.allocate(layout(32, 8)).unwrap();
    // SAFETY: allocated just above with this layout.
    unsafe { front.deallocate(small, layout(32, 8)) };
    let other = front.allocate(layout(100, 8)).unwrap();
    assert_ne!(
        other, small,
        "a 100-byte request got a block of the 32-byte class"
    );
    assert_eq!(
        front.cached(),
        1,
        "the 32-byte block should still wait in its class"
    );
    for big in [layout(4096, 8), layout(64, 64)] {
        let block = front.allocate(big).unwrap();
        // SAFETY: allocated just above with this layout.
        unsafe { front.deallocate(block, big) };
    }
    assert_eq!(
        front.cached(),
        1,
        "a large or over-aligned block was cached"
    );
    assert_eq!((front.back.allocations, front.back.frees), (4, 2));
}

#[test]
fn a_class_keeps_at_most_limit_blocks() {
    let mut front = SizeClasses::new(Counted::new());
    let blocks: Vec<_> = (0..LIMIT + 10)
        .map(|_| front.allocate(layout(24, 8)).unwrap())
        .collect();
    for block in blocks {
        // SAFETY: each was allocated above with this layout.
        unsafe { front.deallocate(block, layout(24, 8)) };
    }
    assert_eq!(
        front.cached(),
        LIMIT,
        "the class should keep {LIMIT} blocks (the stub passes every block through)"
    );
    assert_eq!(
        front.back.frees, 10,
        "the blocks over the limit should go back to the heap"
    );
}

#[test]
fn a_flush_leaves_the_heap_as_if_the_front_end_had_never_been_there() {
    let mut front = SizeClasses::new(Counted::new());
    let mut live = Vec::new();
    let mut seed = 12345u64;
    for step in 0..20_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let size = (seed % 300) as usize + 1;
        if live.len() < 200 || seed.is_multiple_of(3) {
            let block = front.allocate(layout(size, 8)).unwrap();
            // SAFETY: `size` bytes are ours; stamp them to catch overlapping blocks.
            unsafe { block.as_ptr().write_bytes(step as u8, size) };
            live.push((block, size, step as u8));
        } else {
            let (block, size, stamp) = live.swap_remove(seed as usize % live.len());
            // SAFETY: a live block of `size` bytes, stamped when it was allocated.
            let bytes = unsafe { core::slice::from_raw_parts(block.as_ptr(), size) };
            assert!(
                bytes.iter().all(|&b| b == stamp),
                "a block was overwritten: two blocks overlap"
            );
            // SAFETY: allocated with this layout and freed once.
            unsafe { front.deallocate(block, layout(size, 8)) };
        }
    }
    for (block, size, _) in live {
        // SAFETY: allocated with this layout and freed once.
        unsafe { front.deallocate(block, layout(size, 8)) };
    }
    assert!(
        front.cached() > 0,
        "nothing was cached: the front end passes everything through"
    );
    front.flush();
    assert_eq!(front.cached(), 0, "the lists are not empty after a flush");
    let counters = front.back.heap.counters();
    assert_eq!(
        counters.live_allocations, 0,
        "blocks are missing after the flush"
    );
    assert_eq!(front.back.heap.check(), Ok(()));
}
