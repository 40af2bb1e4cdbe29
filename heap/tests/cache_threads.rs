//! A randomized test of `CachedHeap` on several threads (`ThreadCpu`: each thread its own
//! CPU), against a shadow model: every live block is filled with its own byte and checked
//! before it is freed or resized (so overlapping blocks would show), blocks are passed
//! between threads and freed there, now and then a thread tears down a structure of small
//! blocks (a teardown flushes the depot the others use), and between rounds (threads exit,
//! their indices pass to the next round's threads) the cache's check and its count of the
//! user's blocks must agree with the model.

mod common {
    pub mod memory;
    pub mod rng;
}

use common::memory::Memory;
use common::rng::Rng;
use core::alloc::{GlobalAlloc, Layout};
use std::sync::Mutex;
use tagheap::{
    CachedHeap, Cpu, NeverGrow, ThreadCpu, MAX_CACHED_SIZE, TEARDOWN_FREES, THREAD_SLOTS,
};

/// Magazines of 8 blocks, so that the depot and its bound are in constant use.
type Cache = CachedHeap<spin::mutex::SpinMutex<()>, NeverGrow, ThreadCpu, 16, 8>;

const THREADS: usize = 4;
const ROUNDS: usize = 3;
#[cfg(not(miri))]
const STEPS: usize = 4000;
#[cfg(miri)]
const STEPS: usize = 40;

/// A live block of the model: where, its layout, and the byte it is filled with.
#[derive(Clone, Copy)]
struct Block(*mut u8, Layout, u8);

// SAFETY: a block is owned by whichever thread or mailbox holds it; moving it moves that.
unsafe impl Send for Block {}

impl Block {
    /// Panics unless every byte still holds the block's fill byte.
    fn verify(&self) {
        // SAFETY: a live block of `self.1.size()` bytes.
        let bytes = unsafe { core::slice::from_raw_parts(self.0, self.1.size()) };
        assert!(
            bytes.iter().all(|&b| b == self.2),
            "block {:p} ({:?}) was overwritten",
            self.0,
            self.1
        );
    }
}

fn random_layout(rng: &mut Rng) -> Layout {
    let size = match rng.below(10) {
        0 => rng.below(4000),
        1 => 0,
        _ => rng.below(1100),
    };
    let align = if rng.below(8) == 0 {
        1 << rng.below(7)
    } else {
        8
    };
    Layout::from_size_align(size, align).unwrap()
}

/// One thread's share of a round: `STEPS` random actions on its own blocks and mailbox.
fn work(
    cache: &Cache,
    mailboxes: &[Mutex<Vec<Block>>],
    me: usize,
    mut live: Vec<Block>,
    seed: u64,
) -> Vec<Block> {
    let mut rng = Rng::new(seed);
    for _ in 0..STEPS {
        live.append(&mut mailboxes[me].lock().unwrap());
        match rng.below(10) {
            0..=3 => {
                let layout = random_layout(&mut rng);
                // SAFETY: the cache's arena is valid for the whole test.
                let ptr = unsafe { cache.alloc(layout) };
                assert!(!ptr.is_null() && ptr.addr().is_multiple_of(layout.align()));
                let fill = rng.below(256) as u8;
                // SAFETY: a fresh block of `layout.size()` bytes.
                unsafe { ptr.write_bytes(fill, layout.size()) };
                live.push(Block(ptr, layout, fill));
            }
            4..=6 if !live.is_empty() => {
                let block = live.swap_remove(rng.below(live.len()));
                block.verify();
                // SAFETY: a live block of this cache, freed once, with its layout.
                unsafe { cache.dealloc(block.0, block.1) };
            }
            7 if !live.is_empty() => {
                let index = rng.below(live.len());
                let Block(ptr, layout, fill) = live[index];
                live[index].verify();
                let size = random_layout(&mut rng).size();
                // SAFETY: a live block of this cache with its layout.
                let moved = unsafe { GlobalAlloc::realloc(cache, ptr, layout, size) };
                assert!(!moved.is_null());
                let layout = Layout::from_size_align(size, layout.align()).unwrap();
                // SAFETY: the resized block has `size` bytes.
                unsafe { moved.write_bytes(fill, size) };
                live[index] = Block(moved, layout, fill);
            }
            9 if rng.below(100) == 0 => tear_down(cache, &mut rng),
            _ if !live.is_empty() => {
                let block = live.swap_remove(rng.below(live.len()));
                mailboxes[rng.below(THREADS)].lock().unwrap().push(block);
            }
            _ => {}
        }
    }
    live
}

/// Builds a structure of small blocks of one class and frees it all in a row: a teardown,
/// which flushes the depot while the other threads use it.
fn tear_down(cache: &Cache, rng: &mut Rng) {
    let layout = Layout::from_size_align(1 + rng.below(MAX_CACHED_SIZE), 8).unwrap();
    let blocks: Vec<Block> = (0..TEARDOWN_FREES + 64)
        .map(|index| {
            // SAFETY: the cache's arena is valid for the whole test.
            let ptr = unsafe { cache.alloc(layout) };
            assert!(!ptr.is_null());
            // SAFETY: a fresh block of `layout.size()` bytes.
            unsafe { ptr.write_bytes(index as u8, layout.size()) };
            Block(ptr, layout, index as u8)
        })
        .collect();
    for block in blocks {
        block.verify();
        // SAFETY: a live block of this cache, freed once, with its layout.
        unsafe { cache.dealloc(block.0, block.1) };
    }
}

#[test]
fn threads_agree_with_the_model() {
    let memory = Memory::new(16 << 20);
    let mut cache = Box::new(Cache::new(NeverGrow));
    // SAFETY: the test's memory, which outlives the cache.
    unsafe { cache.heap().lock().claim(memory.span(0, 16 << 20)) }.unwrap();
    let mailboxes: Vec<Mutex<Vec<Block>>> = (0..THREADS).map(|_| Mutex::new(Vec::new())).collect();
    let mut owned: Vec<Vec<Block>> = vec![Vec::new(); THREADS];
    for round in 0..ROUNDS {
        owned = std::thread::scope(|scope| {
            let workers: Vec<_> = owned
                .drain(..)
                .enumerate()
                .map(|(me, live)| {
                    let (cache, mailboxes) = (&*cache, &mailboxes[..]);
                    let seed = (round * THREADS + me) as u64;
                    scope.spawn(move || work(cache, mailboxes, me, live, seed))
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| worker.join().unwrap())
                .collect()
        });
        let in_mail: usize = mailboxes
            .iter()
            .map(|mailbox| mailbox.lock().unwrap().len())
            .sum();
        let model: usize = owned.iter().map(Vec::len).sum::<usize>() + in_mail;
        assert_eq!(cache.check(), Ok(()), "round {round}");
        assert_eq!(cache.counters().live_allocations(), model, "round {round}");
    }
    let leftovers = mailboxes
        .iter()
        .flat_map(|mailbox| mailbox.lock().unwrap().drain(..).collect::<Vec<_>>());
    for block in owned
        .into_iter()
        .flatten()
        .chain(leftovers.collect::<Vec<_>>())
    {
        block.verify();
        // SAFETY: a live block, freed once.
        unsafe { cache.dealloc(block.0, block.1) };
    }
    cache.flush_all();
    let counters = cache.counters();
    assert_eq!((counters.heap.live_allocations, counters.magazines), (0, 0));
    assert_eq!(counters.heap.free_chunks, 1, "everything merged back");
    assert_eq!(cache.check(), Ok(()));
}

#[test]
fn a_thread_gets_an_index_when_a_cache_finds_no_slot_for_its_first_pin() {
    std::thread::spawn(|| {
        let first = ThreadCpu::pin();
        assert!(
            ThreadCpu::index(&first) >= THREAD_SLOTS,
            "the first pin answers no slot"
        );
        assert!(
            ThreadCpu::index(&ThreadCpu::pin()) >= THREAD_SLOTS,
            "pinning alone claims nothing"
        );
        ThreadCpu::no_slot(&first);
        drop(first);
        let index = ThreadCpu::index(&ThreadCpu::pin());
        assert!(
            index < THREAD_SLOTS,
            "the next pins answer the claimed {index}"
        );
        ThreadCpu::no_slot(&ThreadCpu::pin());
        assert_eq!(
            ThreadCpu::index(&ThreadCpu::pin()),
            index,
            "a thread claims once"
        );
        assert!(
            ThreadCpu::adopt(index).is_none(),
            "a live thread's index is not adopted, not even by itself"
        );
    })
    .join()
    .unwrap();
}

#[test]
fn a_threads_first_allocation_comes_from_the_heap_and_claims_its_slot() {
    let memory = Memory::new(1 << 16);
    // A slot for every index, whichever one the thread claims.
    let cache = Box::new(CachedHeap::<
        spin::mutex::SpinMutex<()>,
        NeverGrow,
        ThreadCpu,
        THREAD_SLOTS,
    >::new(NeverGrow));
    // SAFETY: the test's memory, which outlives the cache.
    unsafe { cache.heap().lock().claim(memory.span(0, 1 << 16)) }.unwrap();
    let layout = Layout::from_size_align(40, 8).unwrap();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            // SAFETY: the arena is valid; each block is freed once with its layout.
            unsafe {
                let first = cache.alloc(layout);
                assert_eq!(cache.counters().magazines, 0, "served by the heap");
                let index = ThreadCpu::index(&ThreadCpu::pin());
                assert!(index < THREAD_SLOTS, "and the thread has an index now");
                let second = cache.alloc(layout);
                assert!(
                    cache.counters().magazines > 0,
                    "the next one fills a magazine"
                );
                cache.dealloc(first, layout);
                cache.dealloc(second, layout);
            }
        });
    });
}

#[test]
fn exiting_threads_give_their_index_back() {
    let threads = if cfg!(miri) { 8 } else { THREAD_SLOTS + 44 };
    for _ in 0..threads {
        let index = std::thread::spawn(|| {
            ThreadCpu::no_slot(&ThreadCpu::pin());
            ThreadCpu::index(&ThreadCpu::pin())
        })
        .join()
        .unwrap();
        assert!(
            index < THREAD_SLOTS,
            "a thread got no index ({index}): they are not recycled"
        );
    }
}

#[test]
fn threads_beyond_the_slots_use_the_heap() {
    let memory = Memory::new(1 << 20);
    let mut cache = Box::new(CachedHeap::<
        spin::mutex::SpinMutex<()>,
        NeverGrow,
        ThreadCpu,
        1,
    >::new(NeverGrow));
    // SAFETY: the test's memory, which outlives the cache.
    unsafe { cache.heap().lock().claim(memory.span(0, 1 << 20)) }.unwrap();
    std::thread::scope(|scope| {
        for thread in 0..3 {
            let cache = &*cache;
            scope.spawn(move || {
                let layout = Layout::from_size_align(24 + 8 * thread, 8).unwrap();
                for _ in 0..STEPS / 10 {
                    // SAFETY: the arena is valid; each block is freed once with its layout.
                    unsafe {
                        let block = cache.alloc(layout);
                        assert!(!block.is_null());
                        cache.dealloc(block, layout);
                    }
                }
            });
        }
    });
    assert_eq!(cache.check(), Ok(()));
    assert_eq!(cache.counters().live_allocations(), 0);
}
