//! Tests of `CachedHeap` driven from one thread that plays several CPUs (`Switch`): the fast
//! path, cross-CPU frees, the depot and its bound, flushing, the out-of-memory retry,
//! layouts that fall through to the heap, `realloc`, counters and `check`.

mod common {
    pub mod cache;
    pub mod cpus;
    pub mod memory;
}

use common::cache::{allocate, cache_over, free, layout};
use common::cpus::Switch;
use common::memory::Memory;
use core::alloc::{GlobalAlloc, Layout};
use tagheap::{size_class, CacheRule, Rule};

#[test]
fn size_classes_follow_the_table() {
    let class = |size, align| size_class(Layout::from_size_align(size, align).unwrap());
    let sizes = [
        (0, 24),
        (1, 24),
        (9, 24),
        (24, 24),
        (25, 40),
        (100, 104),
        (249, 264),
    ];
    for (size, block) in sizes.into_iter().chain([(256, 264)]) {
        assert_eq!(class(size, 8), Some(block), "size {size}");
    }
    assert_eq!(class(257, 8), None, "above MAX_CACHED_SIZE");
    assert_eq!(class(64, 16), Some(72), "align 16 is cached");
    assert_eq!(class(64, 32), None, "align above CACHED_ALIGN");
}

#[test]
fn a_freed_block_is_the_next_one_handed_out() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    let [a] = allocate(&cache, layout(40), 1)[..] else {
        unreachable!()
    };
    free(&cache, &[a], layout(40));
    assert_eq!(
        cache.counters().cpu_blocks,
        1,
        "a miss fills a quarter of a magazine (1 of 4), hands it out, and it comes back"
    );
    let again = allocate(&cache, layout(33), 1)[0];
    assert_eq!(
        again, a,
        "33 and 40 bytes share the 40-byte class; last in, first out"
    );
    assert_eq!(cache.check(), Ok(()));
    free(&cache, &[again], layout(33));
}

#[test]
fn a_block_freed_on_another_cpu_stays_there() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    // Refills of 1 and then 2 blocks (a quarter magazine, then half: `ramp.rs`).
    let blocks = allocate(&cache, layout(24), 3);
    Switch::set(1);
    free(&cache, &blocks, layout(24));
    assert_eq!(
        cache.counters().cpu_blocks,
        3,
        "CPU 0 handed out every block it filled; CPU 1 holds them"
    );
    let again = allocate(&cache, layout(24), 3);
    assert_eq!(
        again,
        [blocks[2], blocks[1], blocks[0]],
        "CPU 1 hands out what was freed on it"
    );
    free(&cache, &again, layout(24));
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn refills_grow_from_a_quarter_to_a_whole_magazine_until_a_free_misses() {
    let memory = Memory::new(1 << 16);
    let cache = cache_over(&memory, 1 << 16);
    let held = || cache.counters().cpu_blocks;
    let mut blocks = allocate(&cache, layout(40), 1);
    assert_eq!(
        held(),
        0,
        "the first refill takes a quarter magazine: 1 block"
    );
    blocks.extend(allocate(&cache, layout(40), 1));
    assert_eq!(held(), 1, "the second takes twice as many: 2");
    blocks.extend(allocate(&cache, layout(40), 2));
    assert_eq!(held(), 1, "and so does the third: half a magazine");
    blocks.extend(allocate(&cache, layout(40), 2));
    assert_eq!(held(), 1, "and the fourth");
    blocks.extend(allocate(&cache, layout(40), 2));
    assert_eq!(
        held(),
        3,
        "after four refills and no free miss, a whole magazine: 4"
    );
    blocks.extend(allocate(&cache, layout(40), 3));
    // Eleven out: the loaded stack takes four back and the fifth free misses, swapping in
    // the previous one (empty) and starting the ramp again.
    free(&cache, &blocks[..5], layout(40));
    let rest = allocate(&cache, layout(40), held());
    assert_eq!(held(), 0, "the five freed blocks are handed out again");
    let last = allocate(&cache, layout(40), 1);
    assert_eq!(held(), 0, "after a free miss, a quarter magazine again");
    for some in [&blocks[5..], &rest, &last] {
        free(&cache, some, layout(40));
    }
    let mut cache = cache;
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn full_magazines_travel_through_the_depot() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    // Refills of 1, 2, 2 and 2 blocks, then whole magazines of 4: the sixth refill leaves
    // three on CPU 0.
    let blocks = allocate(&cache, layout(72), 12);
    Switch::set(1);
    free(&cache, &blocks, layout(72));
    let counters = cache.counters();
    assert_eq!(
        counters.depot_blocks, 4,
        "loaded and previous full, one magazine in the depot"
    );
    assert_eq!(
        (counters.cpu_blocks, counters.cached_bytes),
        (8 + 3, 72 * 15)
    );
    Switch::set(2);
    let taken = allocate(&cache, layout(72), 4);
    assert_eq!(
        cache.counters().depot_blocks,
        0,
        "CPU 2 took the full magazine"
    );
    assert!(taken.iter().all(|block| blocks.contains(block)));
    free(&cache, &taken, layout(72));
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn the_depot_keeps_a_bounded_number_of_full_magazines() {
    let memory = Memory::new(1 << 18);
    let mut cache = cache_over(&memory, 1 << 18);
    let blocks = allocate(&cache, layout(100), 200);
    free(&cache, &blocks, layout(100));
    let counters = cache.counters();
    assert_eq!(
        counters.depot_blocks,
        4 * 4,
        "four full magazines of a class, no more"
    );
    assert!(
        counters.cpu_blocks <= 8,
        "{} blocks on the CPU",
        counters.cpu_blocks
    );
    assert_eq!(counters.live_allocations(), 0);
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn flush_returns_the_depot_and_this_cpus_blocks() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    let blocks = allocate(&cache, layout(48), 20);
    let (on_0, on_1) = blocks.split_at(10);
    free(&cache, on_0, layout(48));
    Switch::set(1);
    free(&cache, on_1, layout(48));
    Switch::set(0);
    cache.flush();
    let counters = cache.counters();
    assert_eq!(
        (counters.depot_blocks, counters.cpu_blocks),
        (0, 6),
        "CPU 1 keeps its own six"
    );
    assert_eq!(cache.check(), Ok(()));
    cache.flush_all();
    let counters = cache.counters();
    assert_eq!((counters.cached_blocks(), counters.magazines), (0, 0));
    assert_eq!(
        counters.heap.live_allocations, 0,
        "the heap has everything back"
    );
    assert_eq!(
        counters.heap.free_chunks, 1,
        "and it merged into one free chunk"
    );
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn running_out_flushes_this_cpu_and_retries() {
    let memory = Memory::new(1 << 14);
    let mut cache = cache_over(&memory, 1 << 14);
    let big = Layout::from_size_align(12 << 10, 8).unwrap();
    let blocks = allocate(&cache, layout(200), 40);
    free(&cache, &blocks, layout(200));
    assert!(
        cache.counters().cached_bytes >= 4096,
        "the cache holds the memory"
    );
    // SAFETY: the test's memory is valid.
    let block = unsafe { cache.allocate(big) }.expect("the flush made room");
    assert_eq!(cache.counters().cached_blocks(), 0);
    // SAFETY: allocated just above with `big`.
    unsafe { cache.deallocate(block, big) };
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn the_retry_after_a_flush_serves_the_refused_request_itself() {
    let memory = Memory::new(1 << 14);
    let mut cache = cache_over(&memory, 1 << 14);
    // SAFETY: the test's memory is valid.
    let too_big = unsafe { cache.heap().lock().allocate(layout(1 << 20)) };
    assert!(too_big.is_err(), "an earlier refusal, of another layout");
    let blocks = allocate(&cache, layout(200), 40);
    free(&cache, &blocks, layout(200));
    let aligned = Layout::from_size_align(10 << 10, 512).unwrap();
    // SAFETY: the test's memory is valid.
    let block = unsafe { cache.allocate(aligned) }.expect("the flush made room");
    assert_eq!(
        block.as_ptr().addr() % 512,
        0,
        "the request's own alignment"
    );
    assert_eq!(
        cache.counters().heap.allocated_bytes,
        10 << 10,
        "the request's own size, the only live block"
    );
    // SAFETY: allocated just above with `aligned`.
    unsafe { cache.deallocate(block, aligned) };
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn running_out_leaves_other_cpus_magazines_alone() {
    let memory = Memory::new(4096);
    let cache = cache_over(&memory, 4096);
    let blocks = allocate(&cache, layout(256), 8);
    Switch::set(1);
    free(&cache, &blocks, layout(256));
    Switch::set(0);
    let big = Layout::from_size_align(3000, 8).unwrap();
    assert!(
        // SAFETY: the test's memory is valid.
        unsafe { cache.alloc(big) }.is_null(),
        "GlobalAlloc fails with null"
    );
    assert_eq!(
        cache.counters().cpu_blocks,
        8,
        "CPU 1's blocks were not taken"
    );
}

#[test]
fn a_realloc_that_runs_out_flushes_and_retries() {
    let memory = Memory::new(1 << 14);
    let mut cache = cache_over(&memory, 1 << 14);
    let [block] = allocate(&cache, layout(300), 1)[..] else {
        unreachable!()
    };
    let blocks = allocate(&cache, layout(200), 40);
    free(&cache, &blocks, layout(200));
    // SAFETY: a live block of this cache with its layout.
    let grown =
        unsafe { cache.realloc(block, layout(300), 12 << 10) }.expect("the flush made room");
    assert_eq!(cache.counters().cached_blocks(), 0);
    free(&cache, &[grown], layout(12 << 10));
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn a_cached_allocation_fails_only_when_nothing_fits() {
    let memory = Memory::new(4096);
    let mut cache = cache_over(&memory, 4096);
    let mut blocks = Vec::new();
    // SAFETY: the test's memory is valid.
    while let Ok(block) = unsafe { cache.allocate(layout(16)) } {
        blocks.push(block);
    }
    assert!(
        blocks.len() >= 4096 / 32 - 4,
        "only {} blocks of 16 bytes fit",
        blocks.len()
    );
    assert_eq!(cache.counters().cached_blocks(), 0, "nothing is held back");
    free(&cache, &blocks, layout(16));
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn layouts_beyond_the_classes_go_to_the_heap() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    for layout in [
        layout(1025),
        Layout::from_size_align(64, 32).unwrap(),
        Layout::from_size_align(8, 4096).unwrap(),
    ] {
        let [block] = allocate(&cache, layout, 1)[..] else {
            unreachable!()
        };
        assert!(block.as_ptr().addr().is_multiple_of(layout.align()));
        assert_eq!(
            cache.counters().heap.live_allocations,
            1,
            "{layout:?} is the heap's"
        );
        free(&cache, &[block], layout);
        assert_eq!(
            cache.counters().heap.live_allocations,
            0,
            "and goes straight back"
        );
    }
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn zero_sizes_get_the_smallest_class() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    let blocks = allocate(&cache, layout(0), 3);
    assert!(
        blocks.windows(2).all(|pair| pair[0] != pair[1]),
        "distinct blocks"
    );
    // SAFETY: a zero-size block still has its class's 24 bytes.
    unsafe { blocks[0].as_ptr().write_bytes(0xee, 24) };
    free(&cache, &blocks, layout(0));
    assert_eq!(
        cache.counters().cached_bytes,
        3 * 24,
        "three 24-byte blocks come back"
    );
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn a_cpu_without_a_slot_uses_the_heap() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    Switch::set(4);
    let blocks = allocate(&cache, layout(30), 3);
    assert_eq!(cache.counters().cached_blocks(), 0);
    Switch::set(0);
    free(&cache, &blocks, layout(30));
    assert_eq!(
        cache.counters().cpu_blocks,
        3,
        "its blocks are class blocks: CPU 0 caches them"
    );
    assert_eq!(cache.check(), Ok(()));
    Switch::set(7);
    free(&cache, &allocate(&cache, layout(30), 1), layout(30));
    cache.flush();
    assert_eq!(
        cache.counters().depot_blocks,
        0,
        "flush from a CPU without a slot empties the depot"
    );
}

#[test]
fn realloc_moves_between_classes_and_resizes_in_place_into_and_out_of_them() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    // SAFETY: live blocks of this cache, each resized with its current layout.
    unsafe {
        let block = cache.allocate(layout(20)).unwrap();
        block.as_ptr().write_bytes(7, 20);
        assert_eq!(
            cache.realloc(block, layout(20), 24),
            Ok(block),
            "9..=24 share a class"
        );
        let grown = cache.realloc(block, layout(24), 100).unwrap();
        assert_ne!(
            grown, block,
            "a grow into a larger class moves, though the chunk above is free"
        );
        assert_eq!(core::slice::from_raw_parts(grown.as_ptr(), 20), [7; 20]);
        assert_eq!(
            cache.allocate(layout(20)),
            Ok(block),
            "the old block went into its class's magazine"
        );
        cache.deallocate(block, layout(20));
        let shrunk = cache.realloc(grown, layout(100), 30).unwrap();
        assert_ne!(shrunk, grown, "a shrink into a smaller class moves too");
        assert_eq!(core::slice::from_raw_parts(shrunk.as_ptr(), 20), [7; 20]);
        let moved = cache.realloc(shrunk, layout(30), 500).unwrap();
        let big = cache.realloc(moved, layout(500), 3000).unwrap();
        let bigger = cache.realloc(big, layout(3000), 3500).unwrap();
        assert_eq!(bigger, big, "the heap grew it in place");
        let back = cache.realloc(bigger, layout(3500), 10).unwrap();
        assert_eq!(back, bigger, "shrinking into a class never moves");
        assert_eq!(core::slice::from_raw_parts(back.as_ptr(), 10), [7; 10]);
        assert!(
            cache.realloc(back, layout(10), usize::MAX).is_err(),
            "an impossible size"
        );
        let raw = GlobalAlloc::realloc(&*cache, back.as_ptr(), layout(10), 12);
        assert_eq!(raw, back.as_ptr());
        let held = cache.counters().cpu_blocks;
        cache.dealloc(raw, layout(12));
        assert_eq!(
            cache.counters().cpu_blocks,
            held + 1,
            "the shrunk block went into the magazine of its new class"
        );
    }
    assert_eq!(cache.counters().live_allocations(), 0);
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn check_reports_a_cached_block_the_heap_took_back() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    let [block] = allocate(&cache, layout(64), 1)[..] else {
        unreachable!()
    };
    free(&cache, &[block], layout(64));
    // The layout the cache took the block from the heap with (a freed redzone check would
    // see the class's bytes above 64 as an overflow otherwise).
    let class = Layout::from_size_align(size_class(layout(64)).unwrap(), 16).unwrap();
    // SAFETY: deliberately wrong: the block belongs to the cache now.
    unsafe { cache.heap().lock().deallocate(block, class) };
    let error = cache.check().unwrap_err();
    assert_eq!(
        (error.rule, error.address),
        (CacheRule::BlockLive, block.as_ptr().addr())
    );
}

#[test]
fn check_reports_a_block_held_twice() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    let [block] = allocate(&cache, layout(64), 1)[..] else {
        unreachable!()
    };
    free(&cache, &[block], layout(64));
    // SAFETY: deliberately wrong: a use after free wipes the mark, then a second free on
    // another CPU, which the debug checks cannot tell from a first one.
    unsafe { block.as_ptr().write_bytes(0, 64) };
    Switch::set(1);
    free(&cache, &[block], layout(64));
    let error = cache.check().unwrap_err();
    assert_eq!(
        (error.rule, error.address),
        (CacheRule::HeldOnce, block.as_ptr().addr())
    );
}

#[test]
fn check_reports_the_heaps_own_errors() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    let [block] = allocate(&cache, layout(1500), 1)[..] else {
        unreachable!()
    };
    // SAFETY: deliberately wrong: overwrite the chunk's tag.
    unsafe { block.as_ptr().sub(8).write_bytes(0, 8) };
    let error = cache.check().unwrap_err();
    assert!(matches!(error.rule, CacheRule::Heap(_)), "{error}");
    let _ = Rule::ChunkBounds;
}

#[test]
fn a_cpu_without_a_slot_moves_a_block_between_classes_through_the_heap() {
    let memory = Memory::new(1 << 16);
    let mut cache = cache_over(&memory, 1 << 16);
    Switch::set(7);
    // SAFETY: each block is freed once, with its layout; the bytes written are the block's.
    unsafe {
        let block = cache.allocate(layout(24)).unwrap();
        block.as_ptr().write_bytes(0x5a, 24);
        let moved = cache.realloc(block, layout(24), 100).unwrap();
        assert_ne!(moved, block, "24 and 100 bytes are different classes");
        assert!((0..24).all(|at| *moved.as_ptr().add(at) == 0x5a));
        let counters = cache.counters();
        assert_eq!(
            (counters.cached_blocks(), counters.heap.live_allocations),
            (0, 1),
            "a CPU with no slot puts nothing in a magazine: the old block is the heap's again"
        );
        cache.deallocate(moved, layout(100));
    }
    Switch::set(0);
    assert_eq!(cache.counters().heap.live_allocations, 0);
    assert_eq!(cache.check(), Ok(()));
}
