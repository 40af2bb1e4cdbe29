//! A seeded randomized test: mixed allocate / free / grow / shrink / realloc / extend /
//! truncate against a shadow model of every live block. Each block is filled with its own
//! byte, verified before it is freed and after every resize; `check()` runs after every step.

mod common {
    pub mod memory;
    pub mod rng;
}

use common::memory::Memory;
use common::rng::Rng;
use core::alloc::Layout;
use core::ptr::NonNull;
use tagheap::{Heap, NeverGrow, Span};

#[cfg(not(miri))]
const SEEDS: u64 = 8;
#[cfg(not(miri))]
const STEPS: usize = 40_000;
#[cfg(miri)]
const SEEDS: u64 = 1;
#[cfg(miri)]
const STEPS: usize = 250;

/// Above this many live blocks, allocations turn into frees (keeps `check()` cheap).
const LIVE_LIMIT: usize = 256;

/// Room the moving arena may extend into (it starts in the middle).
const ROOM: usize = 1 << 20;

struct Block {
    ptr: NonNull<u8>,
    layout: Layout,
    fill: u8,
}

struct Run {
    heap: Heap<NeverGrow>,
    blocks: Vec<Block>,
    rng: Rng,
    room: Span,
    home: Span,
    moving: Span,
    next_fill: u8,
}

impl Run {
    fn random_layout(&mut self) -> Layout {
        let size = match self.rng.below(10) {
            0 => self.rng.below(4097),
            1..=3 => self.rng.below(257),
            _ => self.rng.below(65),
        };
        let align = if self.rng.below(5) == 0 {
            1 << self.rng.below(13)
        } else {
            1 << self.rng.below(4)
        };
        Layout::from_size_align(size, align).unwrap()
    }

    fn fill(&mut self, ptr: NonNull<u8>, layout: Layout) -> Block {
        self.next_fill = self.next_fill.wrapping_add(1);
        // SAFETY: a live block of `layout.size()` bytes.
        unsafe { ptr.as_ptr().write_bytes(self.next_fill, layout.size()) };
        Block {
            ptr,
            layout,
            fill: self.next_fill,
        }
    }

    fn verify(block: &Block, size: usize) {
        // SAFETY: a live block of at least `size` bytes.
        let bytes = unsafe { core::slice::from_raw_parts(block.ptr.as_ptr(), size) };
        if let Some(at) = bytes.iter().position(|&byte| byte != block.fill) {
            panic!(
                "block {:p} ({:?}) lost its fill {} at offset {at}",
                block.ptr, block.layout, block.fill
            );
        }
    }

    fn step(&mut self) {
        match self.rng.below(100) {
            0..=39 if self.blocks.len() < LIVE_LIMIT => self.allocate(),
            0..=39 => self.free(),
            40..=69 => self.free(),
            70..=89 => self.resize(),
            90..=94 => self.extend(),
            _ => self.truncate(),
        }
    }

    fn allocate(&mut self) {
        let layout = self.random_layout();
        // SAFETY: the arenas are the test's memory.
        if let Ok(ptr) = unsafe { self.heap.allocate(layout) } {
            assert_eq!(ptr.as_ptr().addr() % layout.align(), 0);
            let block = self.fill(ptr, layout);
            self.blocks.push(block);
        }
    }

    fn free(&mut self) {
        if self.blocks.is_empty() {
            return;
        }
        let block = self.blocks.swap_remove(self.rng.below(self.blocks.len()));
        Self::verify(&block, block.layout.size());
        // SAFETY: a live block with its layout.
        unsafe { self.heap.deallocate(block.ptr, block.layout) };
    }

    fn resize(&mut self) {
        if self.blocks.is_empty() {
            return;
        }
        let index = self.rng.below(self.blocks.len());
        let Block { ptr, layout, fill } = self.blocks[index];
        let new_size = self.random_layout().size();
        let kept = new_size.min(layout.size());
        // SAFETY: a live block with its layout; on error it stays live and unchanged.
        let result = unsafe {
            match self.rng.below(4) {
                0 if new_size >= layout.size() => self.heap.grow(ptr, layout, new_size),
                1 if new_size >= layout.size() => self.heap.grow_in_place(ptr, layout, new_size),
                2 if new_size <= layout.size() => Ok(self.heap.shrink(ptr, layout, new_size)),
                _ => self.heap.realloc(ptr, layout, new_size),
            }
        };
        if let Ok(ptr) = result {
            let block = Block {
                ptr,
                layout: Layout::from_size_align(new_size, layout.align()).unwrap(),
                fill,
            };
            Self::verify(&block, kept);
            // SAFETY: the block now holds `new_size` bytes.
            unsafe { ptr.as_ptr().add(kept).write_bytes(fill, new_size - kept) };
            self.blocks[index] = block;
        }
    }

    fn extend(&mut self) {
        let below = self
            .rng
            .below(self.moving.base().addr() - self.room.base().addr() + 1);
        let above = self
            .rng
            .below(self.room.acme().addr() - self.moving.acme().addr() + 1);
        let new = self.moving.extend(below & !7, above & !7);
        // SAFETY: `new` lies in the test's memory, next to nothing else the heap owns.
        let arena = unsafe { self.heap.extend(self.moving, new) }.unwrap();
        assert!(new.contains_span(arena) && arena.contains_span(self.moving));
        self.moving = arena;
    }

    fn truncate(&mut self) {
        let used = self.heap.allocated_span(self.moving).unwrap();
        let (low, high) = if used.is_empty() {
            (self.moving.base(), self.moving.base())
        } else {
            (used.base(), used.acme())
        };
        let base =
            self.moving.base().addr() + self.rng.below(low.addr() - self.moving.base().addr() + 1);
        let acme = high.addr() + self.rng.below(self.moving.acme().addr() - high.addr() + 1);
        let new = if used.is_empty() && self.rng.below(4) == 0 {
            Span::empty()
        } else {
            Span::new(low.with_addr(base), high.with_addr(acme.max(base + 1)))
                .fit_within(self.moving)
        };
        let truncated = self.heap.truncate(self.moving, new).unwrap();
        assert!(truncated.arena.contains_span(used));
        if truncated.arena.is_empty() {
            // SAFETY: the whole arena was released; claim its first home back.
            self.moving = unsafe { self.heap.claim(self.home) }.unwrap();
        } else {
            self.moving = truncated.arena;
        }
    }

    fn check_model(&self) {
        if let Err(error) = self.heap.check() {
            panic!("{error}");
        }
        let counters = self.heap.counters();
        assert_eq!(counters.live_allocations, self.blocks.len());
        assert_eq!(
            counters.allocated_bytes,
            self.blocks
                .iter()
                .map(|block| block.layout.size())
                .sum::<usize>()
        );
    }
}

fn run(seed: u64) {
    let memory = Memory::new(ROOM + 65536);
    let mut heap = Heap::new(NeverGrow);
    let home = memory.span(ROOM / 2, 32768);
    // SAFETY: two disjoint parts of the test's memory.
    let moving = unsafe {
        heap.claim(memory.span(ROOM, 65536)).unwrap();
        heap.claim(home).unwrap()
    };
    let mut run = Run {
        heap,
        blocks: Vec::new(),
        rng: Rng::new(seed),
        room: memory.span(0, ROOM),
        home,
        moving,
        next_fill: 0,
    };
    for _ in 0..STEPS {
        run.step();
        run.check_model();
    }
    while let Some(block) = run.blocks.pop() {
        Run::verify(&block, block.layout.size());
        // SAFETY: a live block with its layout.
        unsafe { run.heap.deallocate(block.ptr, block.layout) };
    }
    run.check_model();
    assert_eq!(
        run.heap.chunks().filter(|chunk| !chunk.allocated).count(),
        run.heap.arenas().count()
    );
}

/// Runs seeds `first..first + SEEDS`; four tests so that they share the cores.
fn run_seeds(first: u64) {
    for seed in first..first + SEEDS {
        run(seed);
    }
}

#[test]
fn random_operations_seeds_0() {
    run_seeds(0);
}

#[cfg(not(miri))]
#[test]
fn random_operations_seeds_1() {
    run_seeds(SEEDS);
}

#[cfg(not(miri))]
#[test]
fn random_operations_seeds_2() {
    run_seeds(2 * SEEDS);
}

#[cfg(not(miri))]
#[test]
fn random_operations_seeds_3() {
    run_seeds(3 * SEEDS);
}
