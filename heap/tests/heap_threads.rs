//! Several threads drive one `LockedHeap` at random through `GlobalAlloc` and, with the
//! `nightly` feature, `Allocator`: every allocate, free and resize path, with alignments that
//! change on resize and requests too large to succeed. Each thread keeps a shadow model of
//! its live blocks, filled with a pattern of their own that is verified before every free and
//! after every resize. At the end of each round all threads wait at a barrier while one runs
//! `check()` and compares the heap's counters with the sum of the models.
#![cfg_attr(feature = "nightly", feature(allocator_api))]

mod common {
    pub mod memory;
    pub mod pattern;
    pub mod rng;
}

use common::memory::Memory;
use common::pattern::{fill, first_difference};
use common::rng::Rng;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;
use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::Barrier;
use tagheap::{NeverGrow, SpinLockedHeap};

#[cfg(not(miri))]
const THREADS: usize = 4;
#[cfg(miri)]
const THREADS: usize = 2;
#[cfg(not(miri))]
const ROUNDS: usize = 40;
#[cfg(miri)]
const ROUNDS: usize = 2;
#[cfg(not(miri))]
const STEPS: usize = 400;
#[cfg(miri)]
const STEPS: usize = 25;
/// Above this many live blocks, a thread frees instead of allocating.
const LIVE_LIMIT: usize = 40;
/// The heap's one arena; a request larger than this must fail.
const ARENA: usize = 1 << 20;

type Heap = SpinLockedHeap<NeverGrow>;

/// A live block of the shadow model.
struct Block {
    ptr: NonNull<u8>,
    layout: Layout,
    tag: u64,
}

/// One thread's generator, shadow model and next block tag.
struct Worker<'a> {
    heap: &'a Heap,
    rng: Rng,
    live: Vec<Block>,
    next_tag: u64,
}

impl Worker<'_> {
    fn layout(&mut self) -> Layout {
        let size = match self.rng.below(40) {
            0 => ARENA + self.rng.below(ARENA),
            1..=4 => self.rng.below(8193),
            _ => self.rng.below(257),
        };
        let largest = if self.rng.below(5) == 0 { 13 } else { 5 };
        let align = 1 << self.rng.below(largest);
        Layout::from_size_align(size, align).unwrap()
    }

    /// Records a new block, filled from byte `from` on (the bytes below already hold its tag's
    /// pattern, or it is new).
    fn keep(&mut self, ptr: NonNull<u8>, layout: Layout, tag: u64, from: usize) {
        assert_eq!(
            ptr.addr().get() % layout.align(),
            0,
            "{layout:?} misaligned"
        );
        // SAFETY: a live block of `layout.size()` bytes.
        unsafe { fill(ptr.as_ptr(), from, layout.size(), tag) };
        self.live.push(Block { ptr, layout, tag });
    }

    fn new_tag(&mut self) -> u64 {
        self.next_tag += 1;
        self.next_tag
    }

    /// Takes a random live block out of the model, after verifying its bytes.
    fn take(&mut self) -> Option<Block> {
        if self.live.is_empty() {
            return None;
        }
        let block = self.live.swap_remove(self.rng.below(self.live.len()));
        verify(&block, block.layout.size());
        Some(block)
    }

    fn step(&mut self) {
        match self.rng.below(10) {
            0..=3 if self.live.len() < LIVE_LIMIT => self.allocate(),
            0..=5 => {
                if let Some(block) = self.take() {
                    self.free(block);
                }
            }
            _ => {
                if let Some(block) = self.take() {
                    self.resize(block);
                }
            }
        }
    }

    fn allocate(&mut self) {
        let layout = self.layout();
        let zeroed = self.rng.below(2) == 0;
        #[cfg(feature = "nightly")]
        if self.rng.below(2) == 0 {
            let ptr = allocator::allocate(self.heap, layout, zeroed);
            return self.accept(ptr, layout, zeroed);
        }
        if layout.size() == 0 {
            return; // GlobalAlloc callers may not ask for zero bytes.
        }
        // SAFETY: a layout of non-zero size.
        let ptr = unsafe {
            if zeroed {
                self.heap.alloc_zeroed(layout)
            } else {
                self.heap.alloc(layout)
            }
        };
        self.accept(NonNull::new(ptr), layout, zeroed);
    }

    /// Checks the outcome of an allocation (only a request larger than half the arena may
    /// fail, and every request larger than the arena must) and keeps the block.
    fn accept(&mut self, ptr: Option<NonNull<u8>>, layout: Layout, zeroed: bool) {
        let Some(ptr) = ptr else {
            assert!(
                layout.size() > ARENA / 2,
                "{layout:?} refused in a roomy heap"
            );
            return;
        };
        assert!(layout.size() <= ARENA, "{layout:?} cannot fit the arena");
        if zeroed {
            // SAFETY: a live block of `layout.size()` bytes.
            let bytes = unsafe { core::slice::from_raw_parts(ptr.as_ptr(), layout.size()) };
            assert!(bytes.iter().all(|&byte| byte == 0), "{layout:?} not zeroed");
        }
        let tag = self.new_tag();
        self.keep(ptr, layout, tag, 0);
    }

    fn free(&mut self, block: Block) {
        #[cfg(feature = "nightly")]
        if self.rng.below(2) == 0 {
            return allocator::deallocate(self.heap, &block);
        }
        // SAFETY: a live block with its layout, freed once.
        unsafe { self.heap.dealloc(block.ptr.as_ptr(), block.layout) };
    }

    fn resize(&mut self, block: Block) {
        let wanted = self.layout();
        #[cfg(feature = "nightly")]
        if self.rng.below(2) == 0 {
            let resized = allocator::resize(self.heap, &block, wanted, &mut self.rng);
            return self.resized(block, resized);
        }
        if wanted.size() == 0 {
            return self.resized(block, None); // GlobalAlloc callers may not ask for zero bytes.
        }
        // SAFETY: a live block with its layout; a non-zero new size.
        let ptr = unsafe {
            self.heap
                .realloc(block.ptr.as_ptr(), block.layout, wanted.size())
        };
        let layout = Layout::from_size_align(wanted.size(), block.layout.align()).unwrap();
        self.resized(block, NonNull::new(ptr).map(|ptr| (ptr, layout)));
    }

    /// Checks the outcome of a resize (the kept bytes moved with the block; a failed resize
    /// left it as it was) and keeps the block.
    fn resized(&mut self, block: Block, resized: Option<(NonNull<u8>, Layout)>) {
        match resized {
            Some((ptr, layout)) => {
                let kept = block.layout.size().min(layout.size());
                verify(&Block { ptr, ..block }, kept);
                self.keep(ptr, layout, block.tag, kept);
            }
            None => {
                verify(&block, block.layout.size());
                self.live.push(block);
            }
        }
    }

    /// One round: `STEPS` random steps, or for the last round, freeing every block.
    fn play(&mut self, last: bool) {
        if last {
            while let Some(block) = self.take() {
                self.free(block);
            }
        } else {
            for _ in 0..STEPS {
                self.step();
            }
        }
    }

    /// Live blocks and their bytes, as the heap's counters should count them.
    fn totals(&self) -> (usize, usize) {
        let bytes = self.live.iter().map(|block| block.layout.size()).sum();
        (self.live.len(), bytes)
    }
}

/// Panics unless the first `len` bytes of `block` hold its tag's pattern.
fn verify(block: &Block, len: usize) {
    // SAFETY: a live block of at least `len` bytes.
    if let Some(at) = unsafe { first_difference(block.ptr.as_ptr(), len, block.tag) } {
        panic!(
            "block {:p} ({:?}) lost its bytes at offset {at}",
            block.ptr, block.layout
        );
    }
}

/// The `Allocator` side (the `nightly` feature).
#[cfg(feature = "nightly")]
mod allocator {
    use super::{Block, Heap, Rng};
    use core::alloc::{Allocator, Layout};
    use core::ptr::NonNull;

    pub fn allocate(heap: &Heap, layout: Layout, zeroed: bool) -> Option<NonNull<u8>> {
        let block = if zeroed {
            heap.allocate_zeroed(layout)
        } else {
            heap.allocate(layout)
        };
        let block = block.ok()?;
        assert_eq!(block.len(), layout.size());
        Some(block.cast())
    }

    pub fn deallocate(heap: &Heap, block: &Block) {
        // SAFETY: a live block with its layout, freed once.
        unsafe { heap.deallocate(block.ptr, block.layout) };
    }

    /// Grows or shrinks `block` to `wanted`'s size with a random alignment (old or new).
    pub fn resize(
        heap: &Heap,
        block: &Block,
        wanted: Layout,
        rng: &mut Rng,
    ) -> Option<(NonNull<u8>, Layout)> {
        let align = if rng.below(2) == 0 {
            block.layout.align()
        } else {
            wanted.align()
        };
        let new = Layout::from_size_align(wanted.size(), align).unwrap();
        // SAFETY: a live block with its layout; the size moves the way each method needs.
        let result = unsafe {
            if new.size() >= block.layout.size() {
                if rng.below(2) == 0 {
                    heap.grow(block.ptr, block.layout, new)
                } else {
                    heap.grow_zeroed(block.ptr, block.layout, new)
                }
            } else {
                heap.shrink(block.ptr, block.layout, new)
            }
        };
        let ptr = result.ok()?;
        assert_eq!(ptr.len(), new.size());
        Some((ptr.cast(), new))
    }
}

#[test]
fn threads_drive_every_locked_path_against_a_shadow_model() {
    let memory = Memory::new(ARENA);
    let heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory, which outlives the heap.
    unsafe { heap.lock().claim(memory.span(0, ARENA)) }.unwrap();
    let round_end = Barrier::new(THREADS);
    let totals: [(AtomicUsize, AtomicUsize); THREADS] = Default::default();
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let (heap, round_end, totals, failed) = (&heap, &round_end, &totals, &failed);
            scope.spawn(move || {
                let mut worker = Worker {
                    heap,
                    rng: Rng::new(thread as u64),
                    live: Vec::new(),
                    next_tag: (thread as u64) << 48,
                };
                let mut panic = None;
                for round in 0..=ROUNDS {
                    guarded(failed, &mut panic, || {
                        worker.play(round == ROUNDS);
                        let (count, bytes) = worker.totals();
                        totals[thread].0.store(count, Relaxed);
                        totals[thread].1.store(bytes, Relaxed);
                    });
                    round_end.wait();
                    if thread == 0 {
                        guarded(failed, &mut panic, || check_against_models(heap, totals));
                    }
                    round_end.wait();
                }
                if let Some(payload) = panic {
                    resume_unwind(payload);
                }
            });
        }
    });
    let heap = heap.lock();
    assert_eq!(heap.chunks().count(), 1, "everything freed merges back");
}

/// Runs `work` unless a thread has failed; a panic in it marks the run failed and is kept in
/// `panic` (to be resumed after the last barrier), so that no thread waits forever for one
/// that died.
fn guarded(failed: &AtomicBool, panic: &mut Option<Box<dyn Any + Send>>, work: impl FnOnce()) {
    if failed.load(Relaxed) {
        return;
    }
    if let Err(payload) = catch_unwind(AssertUnwindSafe(work)) {
        failed.store(true, Relaxed);
        *panic = Some(payload);
    }
}

/// `check()`, then the heap's counters against the sum of every thread's model.
fn check_against_models(heap: &Heap, totals: &[(AtomicUsize, AtomicUsize); THREADS]) {
    let heap = heap.lock();
    if let Err(error) = heap.check() {
        panic!("{error}");
    }
    let counters = heap.counters();
    let count = totals.iter().map(|total| total.0.load(Relaxed)).sum();
    let bytes = totals.iter().map(|total| total.1.load(Relaxed)).sum();
    assert_eq!(
        (counters.live_allocations, counters.allocated_bytes),
        (count, bytes)
    );
}
