//! A hook that panics while the cache is in the middle of a miss: during a refill (the CPU's
//! magazine is being filled) the magazine stays reachable, and a free never runs the hook at
//! all (a new magazine for a free comes from the heap's free chunks, or the block goes to the
//! heap). After the panic is caught, `check()` passes and every block is accounted for.

mod common {
    pub mod cpus;
    pub mod memory;
}

use common::cpus::Switch;
use common::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use std::panic::{catch_unwind, AssertUnwindSafe};
use tagheap::{AllocError, CachedHeap, HookHeap, OutOfMemory};

/// Fails quietly, or panics once armed.
struct PanicWhenArmed {
    armed: bool,
}

impl OutOfMemory for PanicWhenArmed {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, _: Layout) -> Result<(), AllocError> {
        assert!(!heap.hook().armed, "the armed hook panics");
        Err(AllocError)
    }
}

type Cache = CachedHeap<spin::mutex::SpinMutex<()>, PanicWhenArmed, Switch, 2, 4>;

/// A cached layout (a 64-byte class).
fn cached() -> Layout {
    Layout::from_size_align(64, 8).unwrap()
}

/// The smallest heap request: what fills the heap's last gaps.
fn tiny() -> Layout {
    Layout::new::<u8>()
}

/// A cache over 4 KiB whose heap is full: the cached blocks it handed out, and the tiny
/// blocks taken from its heap directly.
struct Full {
    cache: Box<Cache>,
    cached: Vec<NonNull<u8>>,
    tiny: Vec<NonNull<u8>>,
}

impl Full {
    fn new(memory: &Memory) -> Self {
        Switch::set(0);
        let cache = Box::new(Cache::new(PanicWhenArmed { armed: false }));
        // SAFETY: the test's memory, which outlives the cache.
        unsafe { cache.heap().lock().claim(memory.span(0, 4096)) }.unwrap();
        // SAFETY: as above; every block is freed once, at the end.
        let cached = std::iter::from_fn(|| unsafe { cache.allocate(cached()) }.ok()).collect();
        let mut heap = cache.heap().lock();
        // SAFETY: as above.
        let tiny = std::iter::from_fn(|| unsafe { heap.allocate(tiny()) }.ok()).collect();
        drop(heap);
        Full {
            cache,
            cached,
            tiny,
        }
    }

    /// `check()`, and every heap block is a user's, a cached one or a magazine.
    fn verify(&mut self, users: usize) {
        assert_eq!(self.cache.check(), Ok(()));
        let counters = self.cache.counters();
        assert_eq!(
            counters.heap.live_allocations,
            users + self.tiny.len() + counters.cached_blocks() + counters.magazines,
            "every heap block is accounted for"
        );
    }

    fn arm(&self, armed: bool) {
        self.cache.heap().lock().hook.armed = armed;
    }

    /// Frees every block and checks that the heap has them all back.
    fn finish(mut self, users: Vec<NonNull<u8>>) {
        self.arm(false);
        // SAFETY: live blocks of this cache, freed once with their layouts.
        unsafe {
            users
                .iter()
                .for_each(|&block| self.cache.deallocate(block, cached()));
            let blocks = std::mem::take(&mut self.tiny);
            let mut heap = self.cache.heap().lock();
            blocks
                .iter()
                .for_each(|&block| heap.deallocate(block, tiny()));
        }
        self.cache.flush_all();
        self.verify(0);
        assert_eq!(self.cache.counters().heap.live_allocations, 0);
    }
}

#[test]
fn a_free_into_a_full_heap_does_not_run_the_hook() {
    let memory = Memory::new(4096);
    let mut full = Full::new(&memory);
    let mut users = std::mem::take(&mut full.cached);
    full.arm(true);
    let freed = users.pop().unwrap();
    // SAFETY: a live block of this cache, freed once.
    let free = catch_unwind(AssertUnwindSafe(|| unsafe {
        full.cache.deallocate(freed, cached());
    }));
    assert!(free.is_ok(), "the free ran the hook");
    full.verify(users.len());
    full.finish(users);
}

#[test]
fn a_hook_that_panics_during_a_refill_loses_no_magazine() {
    let memory = Memory::new(4096);
    let mut full = Full::new(&memory);
    let mut users = std::mem::take(&mut full.cached);
    // SAFETY: live blocks of this cache, freed once; the allocations' blocks are the user's.
    unsafe {
        // The first goes to the heap (no room for a magazine); in its chunk the heap then
        // makes a magazine for the second, and the CPU allocates it again.
        full.cache.deallocate(users.pop().unwrap(), cached());
        full.cache.deallocate(users.pop().unwrap(), cached());
        assert_eq!(full.cache.counters().magazines, 1, "the CPU has a magazine");
        users.push(full.cache.allocate(cached()).unwrap());
        full.verify(users.len());
        // Its magazine is empty: the next allocation refills it from the full heap.
        full.arm(true);
        let refill = catch_unwind(AssertUnwindSafe(|| full.cache.allocate(cached())));
        assert!(refill.is_err(), "the refill ran the armed hook");
    }
    full.verify(users.len());
    assert_eq!(
        full.cache.counters().magazines,
        1,
        "the magazine is still the CPU's"
    );
    full.finish(users);
}
