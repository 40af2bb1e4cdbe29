//! A `CachedHeap` whose CPUs are host threads (`ThreadCpu`, `heap/src/cache/thread.rs`): each
//! step runs on a new, short-lived thread that allocates blocks of one class, frees all but a
//! few and hands those to this thread, which frees them on its own CPU. The exited thread's
//! slot keeps its magazines until a flush adopts it.
//!
//! ```text
//!   after every step:  check() ── the heap's live blocks are the magazines and what the
//!                      cache holds (nothing is live once the step is over)
//!   flush:             everything goes back: the depot, this CPU's and the exited thread's
//! ```

use crate::input::ThreadStep;
use std::alloc::Layout;
use std::ptr::NonNull;
use tagheap::{CachedHeap, NeverGrow, Span, ThreadCpu};

/// Magazines of 4 blocks on up to 8 threads' CPUs.
type Cache = CachedHeap<spin::mutex::SpinMutex<()>, NeverGrow, ThreadCpu, 8, 4>;

/// The arena's size.
const REGION: usize = 16 << 10;

/// The cache and its arena's memory.
pub struct ThreadOps {
    cache: Box<Cache>,
    /// Declared after the cache, so that it outlives it.
    memory: Box<[u64; REGION / 8]>,
}

impl ThreadOps {
    pub fn new() -> Self {
        let mut memory = Box::new([0u64; REGION / 8]);
        let cache = Box::new(Cache::new(NeverGrow));
        let region = Span::from_base_size(memory.as_mut_ptr().cast(), REGION);
        // SAFETY: the region is this value's own memory, which outlives the cache.
        unsafe { cache.heap().lock().claim(region) }.expect("the cache's arena");
        ThreadOps { cache, memory }
    }

    /// Runs `step` on a new thread, frees what it hands back, and checks the cache.
    pub fn run(&mut self, step: ThreadStep) {
        let layout = Layout::from_size_align(usize::from(step.size), 8).expect("a layout");
        let cache = &*self.cache;
        let handed: Vec<Handed> = std::thread::scope(|scope| {
            let thread = scope.spawn(|| {
                // SAFETY: the arena is valid; every block is freed once, here or by the caller.
                let blocks: Vec<NonNull<u8>> = (0..step.count.times())
                    .map_while(|_| unsafe { cache.allocate(layout) }.ok())
                    .collect();
                let kept = usize::from(step.kept).min(blocks.len());
                for &block in &blocks[kept..] {
                    // SAFETY: as above.
                    unsafe { cache.deallocate(block, layout) };
                }
                blocks[..kept].iter().map(|&block| Handed(block)).collect()
            });
            thread.join().expect("the thread's step")
        });
        for Handed(block) in handed {
            // SAFETY: a live block of this cache with its layout, handed over, freed once.
            unsafe { cache.deallocate(block, layout) };
        }
        if step.flush {
            self.cache.flush();
            let counters = self.cache.counters();
            assert_eq!(
                (counters.cached_blocks(), counters.magazines),
                (0, 0),
                "the flush left magazines (of an exited thread?) in the cache"
            );
        }
        self.compare();
    }

    fn compare(&mut self) {
        if let Err(error) = self.cache.check() {
            panic!("{error}");
        }
        let counters = self.cache.counters();
        assert_eq!(
            counters.heap.live_allocations,
            counters.cached_blocks() + counters.magazines,
            "blocks outside the cache are live"
        );
    }

    /// Empties the cache and checks that the heap has every block back.
    pub fn finish(mut self) {
        self.cache.flush_all();
        self.compare();
        assert_eq!(self.cache.counters().heap.live_allocations, 0);
        drop(self.cache);
        drop(self.memory);
    }
}

/// A live block on its way from the step's thread to this one.
struct Handed(NonNull<u8>);

// SAFETY: a block belongs to whichever thread holds it; handing it over moves that.
unsafe impl Send for Handed {}
