//! Teardowns (`heap/src/cache/teardown.rs`): a CPU that frees `TEARDOWN_FREES` cached blocks
//! in a row while the depot is full gives everything back to the heap and frees straight to
//! it until it allocates again; a CPU whose full magazines others take keeps caching.

mod common {
    pub mod cpus;
    pub mod memory;
}

use common::cpus::Switch;
use common::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use heap::{CacheCounters, CachedHeap, NeverGrow, TEARDOWN_FREES};

/// Four CPUs, magazines of 4 blocks (small, so that the depot fills quickly).
type Cache = CachedHeap<spin::mutex::SpinMutex<()>, NeverGrow, Switch, 4, 4>;

const MEMORY: usize = 1 << 17;

fn cache_over(memory: &Memory) -> Box<Cache> {
    Switch::set(0);
    let cache = Box::new(Cache::new(NeverGrow));
    // SAFETY: the test's memory, which outlives the cache.
    unsafe { cache.heap().lock().claim(memory.span(0, MEMORY)) }.unwrap();
    cache
}

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

/// Allocates `count` blocks of `layout` on the current CPU.
fn allocate(cache: &Cache, layout: Layout, count: usize) -> Vec<NonNull<u8>> {
    // SAFETY: the test's memory is valid.
    (0..count)
        .map(|_| unsafe { cache.allocate(layout) }.unwrap())
        .collect()
}

/// Frees `blocks` (of `layout`) on the current CPU.
fn free(cache: &Cache, blocks: &[NonNull<u8>], layout: Layout) {
    for &block in blocks {
        // SAFETY: live blocks of this cache with this layout, freed once.
        unsafe { cache.deallocate(block, layout) };
    }
}

/// Frees the heap has seen: its allocations less its live ones.
fn heap_frees(counters: &CacheCounters) -> u64 {
    counters.heap.total_allocations - counters.heap.live_allocations as u64
}

#[test]
fn a_long_run_of_frees_gives_everything_back_to_the_heap() {
    let memory = Memory::new(MEMORY);
    let mut cache = cache_over(&memory);
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
    let mut cache = cache_over(&memory);
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
    let mut cache = cache_over(&memory);
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
    let mut cache = cache_over(&memory);
    let blocks = allocate(&cache, layout(48), 2 * TEARDOWN_FREES);
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
