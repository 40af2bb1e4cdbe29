//! Random actions per thread: each thread allocates and frees its own blocks at random
//! (sizes 1..=256, every one a cached size), keeping 300 to 1000 live.
//!
//! ```text
//!   live < 300 ─► allocate;  live >= 1000 ─► free;  else allocate or free, even odds
//!   free picks a random live block; ops counted = actions
//! ```

use super::contenders::Contender;
use super::harness::{layout, touch};
use super::rng::Rng;

/// Largest request of this workload.
pub const MAX_SIZE: usize = 256;

/// One thread's share: `ops` random actions on `heap` with its own blocks.
pub fn thread<A: Contender>(heap: &A, index: usize, ops: usize) {
    let mut rng = Rng::new(0x5ca1_0000 + index as u64);
    let mut live: Vec<(*mut u8, usize)> = Vec::with_capacity(1000);
    for _ in 0..ops {
        let allocate = live.len() < 300 || (live.len() < 1000 && rng.below(2) == 0);
        if allocate {
            let size = 1 + rng.below(MAX_SIZE);
            // SAFETY: the trial's region outlives the allocator; sizes are not zero.
            let ptr = unsafe { heap.alloc(layout(size)) };
            assert!(!ptr.is_null(), "{} ran out of memory", A::NAME);
            // SAFETY: a fresh block of `size` bytes.
            unsafe { touch(ptr, size) };
            live.push((ptr, size));
        } else {
            let (ptr, size) = live.swap_remove(rng.below(live.len()));
            // SAFETY: a live block of this allocator with this layout.
            unsafe { heap.free(ptr, layout(size)) };
        }
    }
    for (ptr, size) in live {
        // SAFETY: as above.
        unsafe { heap.free(ptr, layout(size)) };
    }
}
