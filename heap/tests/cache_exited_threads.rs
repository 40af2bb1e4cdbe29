//! Threads that exit leave their `ThreadCpu` slots holding magazines; a `flush` from any
//! thread gives those back to the heap, and so does the out-of-memory retry; a live thread's
//! slot and index are left alone. Its own test
//! program, its tests one at a time: a thread of another test could otherwise take over an
//! exited thread's index (and its magazines) and keep them from the flush.

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use std::sync::{Barrier, Mutex, PoisonError};
use tagheap::{CachedHeap, Cpu, NeverGrow, ThreadCpu};

/// Held by each test for its whole run.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

type Cache = CachedHeap<spin::mutex::SpinMutex<()>, NeverGrow, ThreadCpu, 16, 4>;

const THREADS: usize = 4;
/// Per thread: enough blocks of each layout to fill both its magazines and reach the depot.
const BLOCKS: usize = 12;

/// Runs `THREADS` threads at once (each its own CPU), each allocating and freeing `BLOCKS`
/// blocks of two cached layouts, and returns once they have all exited (and given back
/// their indices).
fn short_lived_threads(cache: &Cache) {
    let layouts = [Layout::new::<[u64; 2]>(), Layout::new::<[u64; 9]>()];
    let all_pinned = Barrier::new(THREADS);
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    for layout in layouts {
                        // SAFETY: the test's memory is valid; each block is freed once.
                        unsafe {
                            let blocks: Vec<_> = (0..BLOCKS)
                                .map(|_| cache.allocate(layout).unwrap())
                                .collect();
                            blocks
                                .iter()
                                .for_each(|&block| cache.deallocate(block, layout));
                        }
                    }
                    // Every thread holds its index until all have cached their blocks.
                    all_pinned.wait();
                })
            })
            .collect();
        // Joined one by one: only a join waits for the thread's exit, where it gives its
        // index back (the end of the scope waits for the closures alone).
        threads
            .into_iter()
            .for_each(|thread| thread.join().unwrap());
    });
}

#[test]
fn a_flush_gives_back_the_magazines_of_exited_threads() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let memory = Memory::new(1 << 16);
    let mut cache = Box::new(Cache::new(NeverGrow));
    // SAFETY: the test's memory, which outlives the cache.
    unsafe { cache.heap().lock().claim(memory.span(0, 1 << 16)) }.unwrap();
    short_lived_threads(&cache);
    assert!(
        cache.counters().cpu_blocks > 0,
        "the exited threads' slots hold blocks"
    );
    cache.flush();
    let counters = cache.counters();
    assert_eq!(
        (counters.cached_blocks(), counters.magazines),
        (0, 0),
        "the flush gave back every magazine of the exited threads"
    );
    assert_eq!(counters.heap.live_allocations, 0);
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn the_out_of_memory_retry_reaches_the_magazines_of_exited_threads() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let memory = Memory::new(1 << 16);
    let mut cache = Box::new(Cache::new(NeverGrow));
    // SAFETY: the test's memory, which outlives the cache.
    unsafe { cache.heap().lock().claim(memory.span(0, 1 << 16)) }.unwrap();
    short_lived_threads(&cache);
    let largest = cache.counters().heap.largest_free_chunk;
    let held = cache.counters().heap.allocated_bytes;
    assert!(held > 0, "the exited threads' slots hold blocks");
    // A request only the memory in those slots can serve.
    let big = Layout::from_size_align(largest + 16, 16).unwrap();
    // SAFETY: as above; the block is freed once.
    unsafe {
        let block = cache
            .allocate(big)
            .expect("served after the flush of the exited threads");
        cache.deallocate(block, big);
    }
    cache.flush();
    assert_eq!(cache.counters().heap.live_allocations, 0);
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn a_flush_leaves_the_slot_and_index_of_a_live_thread_alone() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let memory = Memory::new(1 << 16);
    let cache = Box::new(Cache::new(NeverGrow));
    // SAFETY: the test's memory, which outlives the cache.
    unsafe { cache.heap().lock().claim(memory.span(0, 1 << 16)) }.unwrap();
    let (cached, done) = (Barrier::new(2), Barrier::new(2));
    let layout = Layout::new::<[u64; 2]>();
    std::thread::scope(|scope| {
        let holder = scope.spawn(|| {
            // SAFETY: the test's memory is valid; the block is freed once, into a magazine.
            unsafe { cache.deallocate(cache.allocate(layout).unwrap(), layout) };
            cached.wait();
            done.wait();
            ThreadCpu::index(&ThreadCpu::pin())
        });
        cached.wait();
        cache.flush();
        let newcomer = std::thread::spawn(|| ThreadCpu::index(&ThreadCpu::pin()));
        let newcomer = newcomer.join().unwrap();
        assert!(
            cache.counters().cpu_blocks > 0,
            "the live thread's magazine was flushed"
        );
        done.wait();
        let holder = holder.join().unwrap();
        assert_ne!(
            holder, newcomer,
            "the flush gave a live thread's index away"
        );
    });
}
