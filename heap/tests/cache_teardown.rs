//! Teardowns (`heap/src/cache/teardown.rs`): a CPU that frees `TEARDOWN_FREES` cached blocks
//! in a row while the depot is full gives everything back to the heap and frees straight to
//! it until it allocates again; a CPU whose full magazines others take keeps caching.

mod common {
    pub mod cache;
    pub mod cpus;
    pub mod memory;
}

use common::cache::{allocate, cache_over, free, layout};
use common::cpus::Switch;
use common::memory::Memory;
use tagheap::{CacheCounters, TEARDOWN_FREES};

const MEMORY: usize = 1 << 17;

/// Frees the heap has seen: its allocations less its live ones.
fn heap_frees(counters: &CacheCounters) -> u64 {
    counters.heap.total_allocations - counters.heap.live_allocations as u64
}

#[test]
fn a_long_run_of_frees_gives_everything_back_to_the_heap() {
    let memory = Memory::new(MEMORY);
    let mut cache = cache_over(&memory, MEMORY);
    let small = allocate(&cache, layout(48), TEARDOWN_FREES + 64);
    let other = allocate(&cache, layout(200), 10);
    free(&cache, &small, layout(48));
    let counters = cache.counters();
    assert_eq!(
        (counters.cached_blocks(), counters.magazines),
        (0, 0),
        "the teardown gave this CPU's magazines and the depot back"
    );
    free(&cache, &other, layout(200));
    let counters = cache.counters();
    assert_eq!(
        counters.cached_blocks(),
        0,
        "during a teardown every class is freed to the heap"
    );
    assert_eq!(counters.heap.live_allocations, 0);
    assert_eq!(
        counters.heap.free_chunks, 1,
        "and everything merged into one free chunk"
    );
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn an_allocation_ends_the_teardown() {
    let memory = Memory::new(MEMORY);
    let mut cache = cache_over(&memory, MEMORY);
    let blocks = allocate(&cache, layout(48), TEARDOWN_FREES + 64);
    free(&cache, &blocks, layout(48));
    assert_eq!(cache.counters().cached_blocks(), 0);
    let again = allocate(&cache, layout(96), 1);
    free(&cache, &again, layout(96));
    free(&cache, &allocate(&cache, layout(48), 1), layout(48));
    assert_eq!(
        cache.counters().cpu_blocks,
        2,
        "after an allocation the CPU keeps what it frees again"
    );
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn a_short_run_of_frees_stays_cached() {
    let memory = Memory::new(MEMORY);
    let mut cache = cache_over(&memory, MEMORY);
    let blocks = allocate(&cache, layout(48), TEARDOWN_FREES - 1);
    free(&cache, &blocks, layout(48));
    let counters = cache.counters();
    assert_eq!(
        counters.depot_blocks, 16,
        "the depot keeps the four full magazines it may hold"
    );
    assert!(
        counters.cpu_blocks > 0,
        "and the CPU its own; the rest was drained"
    );
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn a_consumer_keeps_caching_while_others_take_its_magazines() {
    let memory = Memory::new(MEMORY);
    let mut cache = cache_over(&memory, MEMORY);
    let blocks = allocate(&cache, layout(48), TEARDOWN_FREES + 64);
    let before = heap_frees(&cache.counters());
    let mut taken = Vec::new();
    for batch in blocks.chunks(4) {
        Switch::set(1);
        free(&cache, batch, layout(48));
        Switch::set(2);
        taken.extend(allocate(&cache, layout(48), 4));
    }
    assert_eq!(
        heap_frees(&cache.counters()),
        before,
        "CPU 1 freed {} blocks in a row, but CPU 2 took its full magazines from the depot: \
         none went to the heap",
        blocks.len()
    );
    free(&cache, &taken, layout(48));
    assert_eq!(cache.check(), Ok(()));
}
