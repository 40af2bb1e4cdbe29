//! The random actions every workload is made of: allocate, free or resize, with sizes and
//! alignments drawn from one seeded generator, so every allocator gets the same sequence.
//!
//! ```text
//!   live < min_live ──► allocate
//!   otherwise      ──► weights [allocate, free, reallocate], e.g. [1, 1, 1] steady,
//!                      [1, 1, 0] without realloc, [2, 1, 1] filling up
//!   size  Uniform(max): uniform in 1..=max;  Traces: as the traced programs ask
//!   align Mixed: 8 nine times in ten, else 16, 32, ... 4096 (equally likely); Fixed(a): a;
//!         Malloc: 8 or 16, equally likely (Rust types and C's malloc)
//! ```

use super::rng::Rng;
use super::subject::{Locked, Subject};
use super::trace_sizes;
use std::alloc::Layout;
use std::ptr::NonNull;

/// How alignments are drawn.
#[derive(Clone, Copy)]
pub enum Align {
    /// Mostly 8, with a tail of larger powers of two up to 4096.
    Mixed,
    /// Always this alignment.
    Fixed(usize),
    /// 8 or 16, equally likely: what real programs ask (`malloc` promises 16).
    Malloc,
}

/// How request sizes are drawn.
#[derive(Clone, Copy)]
pub enum Sizes {
    /// Uniform in `1..=max`.
    Uniform(usize),
    /// From the distribution of the traced programs' requests (`trace_sizes.rs`).
    Traces,
}

impl Sizes {
    /// A random size.
    pub fn draw(self, rng: &mut Rng) -> usize {
        match self {
            Sizes::Uniform(max) => 1 + rng.below(max),
            Sizes::Traces => trace_sizes::draw(rng).max(1),
        }
    }

    /// A name for messages and figures: `max_size=N` or `sizes=traces`.
    pub fn param(self) -> String {
        match self {
            Sizes::Uniform(max) => format!("max_size={max}"),
            Sizes::Traces => "sizes=traces".to_string(),
        }
    }
}

/// The shape of a random-action sequence.
#[derive(Clone, Copy)]
pub struct Mix {
    /// How sizes are drawn (allocations and reallocations alike).
    pub sizes: Sizes,
    /// Relative weights of allocate, free and reallocate once `min_live` blocks are live.
    pub weights: [usize; 3],
    /// How alignments are drawn.
    pub align: Align,
    /// Below this many live blocks, always allocate.
    pub min_live: usize,
}

/// The blocks a sequence holds, and the bytes they asked for.
#[derive(Default)]
pub struct Live {
    blocks: Vec<(NonNull<u8>, Layout)>,
    /// Sum of the requested sizes of the live blocks.
    pub bytes: usize,
}

impl Live {
    /// Number of live blocks.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }
    /// Adds a block.
    pub fn push(&mut self, ptr: NonNull<u8>, layout: Layout) {
        self.blocks.push((ptr, layout));
        self.bytes += layout.size();
    }
    /// Removes and returns the block at `index`.
    pub fn take(&mut self, index: usize) -> (NonNull<u8>, Layout) {
        let block = self.blocks.swap_remove(index);
        self.bytes -= block.1.size();
        block
    }
}

impl Mix {
    /// A random layout of this mix.
    pub fn layout(&self, rng: &mut Rng) -> Layout {
        let size = self.sizes.draw(rng);
        let align = match self.align {
            Align::Fixed(align) => align,
            Align::Malloc => 8 << rng.below(2),
            Align::Mixed if rng.below(10) != 0 => 8,
            Align::Mixed => 16 << rng.below(9),
        };
        Layout::from_size_align(size, align).expect("sizes and alignments are small")
    }

    /// Performs one random action on `heap`, locking it for the call; false if the
    /// allocator ran out of memory (the live blocks are then unchanged).
    pub fn step<A: Subject>(&self, heap: &Locked<A>, live: &mut Live, rng: &mut Rng) -> bool {
        let [allocate, free, _] = self.weights;
        let roll = rng.below(self.weights.iter().sum());
        if live.len() < self.min_live.max(1) || roll < allocate {
            let layout = self.layout(rng);
            // SAFETY: the allocator's region lives as long as the workload.
            let Some(ptr) = (unsafe { heap.lock().allocate(layout) }) else {
                return false;
            };
            live.push(ptr, layout);
        } else if roll < allocate + free {
            let (ptr, layout) = live.take(rng.below(live.len()));
            // SAFETY: a live block of this allocator with its layout.
            unsafe { heap.lock().deallocate(ptr, layout) };
        } else {
            let index = rng.below(live.len());
            let new_size = self.sizes.draw(rng);
            let (ptr, layout) = live.take(index);
            // SAFETY: a live block of this allocator with its layout.
            match unsafe { heap.lock().reallocate(ptr, layout, new_size) } {
                Some(moved) => live.push(
                    moved,
                    Layout::from_size_align(new_size, layout.align()).expect("a small layout"),
                ),
                None => {
                    live.push(ptr, layout);
                    return false;
                }
            }
        }
        true
    }
}
