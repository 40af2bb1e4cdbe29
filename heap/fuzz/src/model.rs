//! The shadow model of the fuzzed heap: its arenas (in the heap's own order, newest first),
//! its live blocks with their patterns, and the counters the heap must report.
//!
//! ```text
//!   after every step:  check()  ──  counters == model  ──  arenas() == model.arenas
//!                      room outside the arenas untouched ── one live block's bytes intact
//! ```

use crate::hook::FuzzGrow;
use crate::pattern::{fill, first_difference};
use std::alloc::Layout;
use std::ptr::NonNull;
use tagheap::{Heap, Span};

const WORD: usize = size_of::<usize>();
/// The heap's granule: chunks start one word past a multiple of it and are whole granules.
const GRANULE: usize = 2 * WORD;

/// What `claim` and `extend` keep of `span`, as INTERNALS states the rule: from the first
/// address one word past a multiple of `GRANULE` to the last multiple of `GRANULE`.
pub fn arena_align_inward(span: Span) -> Span {
    let Some(base) = span.base().addr().checked_add(GRANULE - 1) else {
        return Span::empty();
    };
    Span::new(
        span.base()
            .with_addr(((base - WORD) & !(GRANULE - 1)) + WORD),
        span.acme().map_addr(|acme| acme & !(GRANULE - 1)),
    )
}

/// A live block: where, with which layout, and the tag of its pattern.
#[derive(Clone, Copy, Debug)]
pub struct Block {
    pub ptr: NonNull<u8>,
    pub layout: Layout,
    pub tag: u64,
}

impl Block {
    /// Panics unless the first `len` bytes hold the block's pattern.
    pub fn verify(&self, len: usize) {
        // SAFETY: a live block of at least `len` bytes.
        if let Some(at) = unsafe { first_difference(self.ptr.as_ptr(), len, self.tag) } {
            panic!(
                "block {:p} ({:?}) lost its bytes at offset {at}",
                self.ptr, self.layout
            );
        }
    }

    fn range(&self) -> core::ops::Range<usize> {
        self.ptr.addr().get()..self.ptr.addr().get() + self.layout.size()
    }
}

/// What the heap should hold and report.
#[derive(Default)]
pub struct Model {
    pub arenas: Vec<Span>,
    pub blocks: Vec<Block>,
    next_tag: u64,
    allocated_bytes: usize,
    peak: usize,
    allocations: u64,
}

impl Model {
    /// The index of a live block chosen by `pick`, if there is one.
    pub fn pick(&self, pick: u16) -> Option<usize> {
        (!self.blocks.is_empty()).then(|| usize::from(pick) % self.blocks.len())
    }

    /// Records a new block at `ptr` (checked aligned, inside an arena, clear of every other
    /// block) and fills it with a fresh pattern.
    pub fn add(&mut self, ptr: NonNull<u8>, layout: Layout) {
        self.next_tag += 1;
        let block = Block {
            ptr,
            layout,
            tag: self.next_tag,
        };
        self.place(block, 0);
        self.allocations += 1;
        self.allocated_bytes += layout.size();
        self.peak = self.peak.max(self.allocated_bytes);
        self.blocks.push(block);
    }

    /// Takes block `index` out of the model after verifying its bytes.
    pub fn remove(&mut self, index: usize) -> Block {
        let block = self.blocks.swap_remove(index);
        block.verify(block.layout.size());
        self.allocated_bytes -= block.layout.size();
        block
    }

    /// Records that block `index` now lives at `ptr` with `layout` (moved if `ptr` differs):
    /// the bytes it kept are verified, the rest filled.
    pub fn resized(&mut self, index: usize, ptr: NonNull<u8>, layout: Layout) {
        let old = self.blocks[index];
        let kept = old.layout.size().min(layout.size());
        let block = Block { ptr, layout, ..old };
        block.verify(kept);
        let others = self.allocated_bytes - old.layout.size();
        if ptr != old.ptr {
            self.allocations += 1;
            self.peak = self.peak.max(self.allocated_bytes + layout.size());
        }
        self.allocated_bytes = others + layout.size();
        self.peak = self.peak.max(self.allocated_bytes);
        self.blocks[index] = block;
        self.place(block, kept);
    }

    /// Checks where `block` lies and fills its bytes from `from` on.
    fn place(&self, block: Block, from: usize) {
        let Block { ptr, layout, tag } = block;
        assert_eq!(
            ptr.addr().get() % layout.align(),
            0,
            "{ptr:p} misaligned for {layout:?}"
        );
        let end = ptr.as_ptr().wrapping_add(layout.size());
        assert!(
            self.arenas
                .iter()
                .any(|arena| arena.contains(ptr.as_ptr()) && end <= arena.acme()),
            "{ptr:p} ({layout:?}) is not inside an arena"
        );
        let range = block.range();
        for other in self.blocks.iter().filter(|other| other.ptr != ptr) {
            let theirs = other.range();
            assert!(
                range.end <= theirs.start
                    || theirs.end <= range.start
                    || range.is_empty()
                    || theirs.is_empty(),
                "{ptr:p} ({layout:?}) overlaps {:p} ({:?})",
                other.ptr,
                other.layout
            );
        }
        // SAFETY: the block is live and holds `layout.size()` bytes.
        unsafe { fill(ptr.as_ptr(), from, layout.size(), tag) };
    }

    /// Applies the arena changes the hook logged.
    pub fn apply_hook_log(&mut self, heap: &mut Heap<FuzzGrow>) {
        for (old, new) in heap.hook.log.drain(..) {
            match self.arenas.iter().position(|&arena| arena == old) {
                Some(index) if !old.is_empty() => self.arenas[index] = new,
                _ => self.arenas.insert(0, new),
            }
        }
    }

    /// `check()`, the counters against the model, and the arena list against the model's.
    pub fn compare(&self, heap: &Heap<FuzzGrow>) {
        if let Err(error) = heap.check() {
            panic!("{error}");
        }
        let counters = heap.counters();
        let claimed: usize = self.arenas.iter().map(|arena| arena.size()).sum();
        assert_eq!(
            (
                counters.claimed_bytes,
                counters.live_allocations,
                counters.allocated_bytes
            ),
            (claimed, self.blocks.len(), self.allocated_bytes),
            "claimed bytes, live allocations, allocated bytes"
        );
        assert_eq!(
            (counters.peak_allocated_bytes, counters.total_allocations),
            (self.peak, self.allocations),
            "peak and total allocations"
        );
        assert_eq!(heap.arenas().collect::<Vec<_>>(), self.arenas, "the arenas");
    }
}
