//! Producer/consumer with cross-thread frees (after xmalloc-test): thread `i` allocates a
//! batch, hands it to thread `i + 1` (in a ring), and frees the batch thread `i - 1` handed
//! it, so every block is freed by another thread than the one that allocated it.
//!
//! ```text
//!   thread i:  allocate BATCH blocks (8..=256 B) ──► queue[i + 1 mod n]
//!              queue[i] ──► (wait for a batch) ──► free its BATCH blocks
//!   ops counted = allocations + frees; batch vectors are reused, so the loop itself does
//!   not allocate from the system allocator
//! ```

use super::contenders::Contender;
use super::harness::{layout, touch, Block};
use super::rng::Rng;
use std::sync::Mutex;

/// Blocks per batch.
pub const BATCH: usize = 64;

/// One queue of batches per thread.
pub type Queues = Vec<Mutex<Vec<Vec<Block>>>>;

/// Empty queues for `threads` threads.
pub fn queues(threads: usize) -> Queues {
    (0..threads).map(|_| Mutex::new(Vec::new())).collect()
}

/// One thread's share: `ops / (2 BATCH)` rounds of producing and consuming a batch.
pub fn thread<A: Contender>(heap: &A, queues: &Queues, index: usize, ops: usize) {
    let mut rng = Rng::new(0xc0de_0000 + index as u64);
    let next = (index + 1) % queues.len();
    let mut batch: Vec<Block> = Vec::with_capacity(BATCH);
    for _ in 0..ops / (2 * BATCH) {
        for _ in 0..BATCH {
            let layout = layout(8 + rng.below(249));
            // SAFETY: the trial's region outlives the allocator; sizes are not zero.
            let ptr = unsafe { heap.alloc(layout) };
            assert!(!ptr.is_null(), "{} ran out of memory", A::NAME);
            // SAFETY: a fresh block.
            unsafe { touch(ptr, layout.size()) };
            batch.push(Block(ptr, layout));
        }
        queues[next].lock().expect("no thread panics").push(batch);
        batch = loop {
            if let Some(batch) = queues[index].lock().expect("no thread panics").pop() {
                break batch;
            }
            std::thread::yield_now();
        };
        for Block(ptr, layout) in batch.drain(..) {
            // SAFETY: a live block of this allocator, handed over by its owner.
            unsafe { heap.free(ptr, layout) };
        }
    }
}
