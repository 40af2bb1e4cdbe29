//! Larson (server-style): every thread owns an array of slots holding blocks of 8..=1000
//! bytes, and repeatedly replaces a random slot's block with a new one. The arrays are
//! filled by the main thread before the start and emptied by it after the end, so the
//! first and last frees of every slot are cross-thread, as when a server hands a
//! connection's objects from thread to thread.
//!
//! ```text
//!   main:      fill slots[t][0..SLOTS] for every thread t
//!   thread t:  ops / 2 times: s = random slot; free slots[t][s]; slots[t][s] = allocate
//!   main:      free every slot;   ops counted = frees + allocations
//! ```

use super::contenders::Contender;
use super::harness::{layout, touch, Block};
use super::rng::Rng;
use std::sync::Mutex;

/// Slots per thread.
pub const SLOTS: usize = 1000;
/// Request sizes are 8..=MAX_SIZE bytes.
pub const MAX_SIZE: usize = 1000;

/// A random block of the workload's sizes.
fn block<A: Contender>(heap: &A, rng: &mut Rng) -> Block {
    let layout = layout(8 + rng.below(MAX_SIZE - 7));
    // SAFETY: the trial's region outlives the allocator; sizes are not zero.
    let ptr = unsafe { heap.alloc(layout) };
    assert!(!ptr.is_null(), "{} ran out of memory", A::NAME);
    // SAFETY: a fresh block.
    unsafe { touch(ptr, layout.size()) };
    Block(ptr, layout)
}

/// Every thread's slots, filled by the calling (main) thread.
pub fn fill<A: Contender>(heap: &A, threads: usize) -> Vec<Mutex<Vec<Block>>> {
    let mut rng = Rng::new(0x1a75_0000);
    let slots = |_| Mutex::new((0..SLOTS).map(|_| block(heap, &mut rng)).collect());
    (0..threads).map(slots).collect()
}

/// One thread's share: `ops / 2` replacements in its own slots.
pub fn thread<A: Contender>(heap: &A, slots: &Mutex<Vec<Block>>, index: usize, ops: usize) {
    let mut rng = Rng::new(0x1a75_1000 + index as u64);
    let mut slots = slots.lock().expect("no thread panics");
    for _ in 0..ops / 2 {
        let slot = rng.below(SLOTS);
        let Block(ptr, layout) = slots[slot];
        // SAFETY: a live block of this allocator.
        unsafe { heap.free(ptr, layout) };
        slots[slot] = block(heap, &mut rng);
    }
}

/// Frees every slot, on the calling (main) thread.
pub fn empty<A: Contender>(heap: &A, slots: Vec<Mutex<Vec<Block>>>) {
    for Block(ptr, layout) in slots
        .into_iter()
        .flat_map(|slots| slots.into_inner().expect("no thread panics"))
    {
        // SAFETY: a live block of this allocator.
        unsafe { heap.free(ptr, layout) };
    }
}
