//! A `CachedHeap` over 16 KiB of its own room, driven by one thread that plays several CPUs
//! (`Switch`; two of them have no slot, so the cache serves them from its heap), against a
//! model of its users' blocks: `allocate` (cached and uncached layouts), `deallocate`,
//! `realloc` (each through the cache's methods or its `GlobalAlloc` impl), `flush` and
//! `flush_all`. Magazines hold 4 blocks and allocations and frees come in runs of up to 16,
//! so they soon reach the depot and its bound, and the small arena runs out (the
//! flush-and-retry path). `Cycle` frees several magazines' worth of one class in a row and
//! allocates them again (full magazines into the depot's full list and out of it). `Build`
//! makes `TEARDOWN_FREES + 16` blocks of one layout and `FreeAll` frees every live block in a
//! row, so that teardowns happen too.
//!
//! ```text
//!   after every step:  check() (the heap, every magazine and every cached block)
//!                      every live block's pattern intact, the room outside the arena untouched
//!                      heap live allocations = live blocks + cached blocks + magazines
//!                      heap allocated bytes  = live blocks' heap sizes + cached bytes
//!                                              + magazines' bytes
//!   Err                ──► no free chunk fits what the heap was asked for (flushed first)
//!   realloc, one class ──► the same block
//! ```

use crate::block_ops::assert_no_chunk_fits;
use crate::cpus::Switch;
use crate::input::CacheOp;
use crate::model::Model;
use crate::room::Room;
use std::alloc::{GlobalAlloc, Layout};
use std::ptr::NonNull;
use tagheap::{size_class, CachedHeap, NeverGrow, Span, CACHED_ALIGN, TEARDOWN_FREES};

/// CPUs with a slot in the cache.
const CPUS: usize = 3;
/// Blocks per magazine.
const M: usize = 4;
/// The heap bytes of one magazine: a link, a count and `M` slots (`CacheCounters::magazines`).
const MAGAZINE: usize = (2 + M) * size_of::<usize>();
/// The arena's size: small, so that the cache runs out of memory.
const REGION: usize = 16 << 10;
/// The CPUs `CacheOp::SwitchCpu` picks from: those with a slot, the first without one, and
/// the largest index.
const PLAYED: [usize; CPUS + 2] = [0, 1, 2, CPUS, usize::MAX];

type Cache = CachedHeap<spin::mutex::SpinMutex<()>, NeverGrow, Switch, CPUS, M>;

/// The cache, the model of the blocks its users hold, and the room its arena lies in.
pub struct CacheOps {
    cache: Box<Cache>,
    model: Model,
    /// Declared after the cache, so that it outlives it.
    room: Room,
}

/// What the cache asks its heap for to serve `layout`: a block of its class, aligned to
/// `CACHED_ALIGN`, when the layout is cached; the layout itself otherwise.
fn heap_layout(layout: Layout) -> Layout {
    size_class(layout).map_or(layout, |size| {
        Layout::from_size_align(size, CACHED_ALIGN).expect("a class's layout")
    })
}

impl CacheOps {
    /// A cache over `REGION` bytes a page into a fresh room, played from CPU 0.
    pub fn new() -> Self {
        Switch::set(0);
        let room = Room::new();
        let cache = Box::new(Cache::new(NeverGrow));
        let region = Span::from_base_size(room.span().base().wrapping_add(4096), REGION);
        // SAFETY: the region lies in the room, which outlives the cache (fields drop in
        // declaration order) and which nothing else uses.
        let arena = unsafe { cache.heap().lock().claim(region) }.expect("the cache's arena");
        let mut model = Model::default();
        model.arenas.push(arena);
        CacheOps { cache, model, room }
    }

    /// Runs `op` (a run of allocations or frees counts as one) and checks the cache against
    /// the model.
    pub fn run(&mut self, op: CacheOp) {
        match op {
            CacheOp::Allocate {
                size,
                align,
                count,
                global,
            } => {
                if let Ok(layout) = Layout::from_size_align(size.bytes(), align.bytes()) {
                    (0..count.times()).for_each(|_| {
                        self.allocate(layout, global);
                    });
                }
            }
            CacheOp::Free {
                pick,
                count,
                global,
            } => (0..count.times()).for_each(|_| self.free(pick, global)),
            CacheOp::Cycle { size, magazines } => self.cycle(size, magazines),
            CacheOp::Build { size, align } => {
                if let Ok(layout) = Layout::from_size_align(size.bytes(), align.bytes()) {
                    (0..TEARDOWN_FREES + 16).all(|_| self.allocate(layout, false));
                }
            }
            CacheOp::FreeAll => (0..self.model.blocks.len()).for_each(|_| self.free(0, false)),
            CacheOp::Realloc { pick, size, global } => self.realloc(pick, size.bytes(), global),
            CacheOp::SwitchCpu(cpu) => Switch::set(PLAYED[usize::from(cpu) % PLAYED.len()]),
            CacheOp::Flush => {
                self.cache.flush();
                let depot = self.cache.counters().depot_blocks;
                assert_eq!(depot, 0, "flush left blocks in the depot");
            }
            CacheOp::FlushAll => {
                self.cache.flush_all();
                let counters = self.cache.counters();
                assert_eq!(
                    (
                        counters.cached_blocks(),
                        counters.cached_bytes,
                        counters.magazines
                    ),
                    (0, 0, 0),
                    "flush_all left blocks or magazines in the cache"
                );
            }
        }
        self.compare();
    }

    /// Allocates a block for `layout` on the current CPU (through `GlobalAlloc` if `global`
    /// and the layout has a size, as `GlobalAlloc` requires) and records it, or checks why
    /// the heap refused it; whether it got one.
    fn allocate(&mut self, layout: Layout, global: bool) -> bool {
        // SAFETY: the heap's only arena lies in the room, valid while the cache lives.
        let block = unsafe {
            match global && layout.size() > 0 {
                true => NonNull::new(self.cache.alloc(layout)).ok_or(tagheap::AllocError),
                false => self.cache.allocate(layout),
            }
        };
        match block {
            Ok(ptr) => {
                let cached = size_class(layout).is_some();
                assert!(
                    !cached || ptr.addr().get().is_multiple_of(CACHED_ALIGN),
                    "{ptr:p} for the cached {layout:?} is not aligned to {CACHED_ALIGN}"
                );
                self.model.add(ptr, layout);
                true
            }
            Err(_) => {
                assert_no_chunk_fits(&self.cache.heap().lock(), heap_layout(layout));
                false
            }
        }
    }

    /// Frees a live block on the current CPU (through `GlobalAlloc` if `global`).
    fn free(&mut self, pick: u16, global: bool) {
        let Some(index) = self.model.pick(pick) else {
            return;
        };
        let block = self.model.remove(index);
        // SAFETY: a live block of this cache with its layout, freed once.
        unsafe {
            match global {
                true => self.cache.dealloc(block.ptr.as_ptr(), block.layout),
                false => self.cache.deallocate(block.ptr, block.layout),
            }
        }
    }

    /// Allocates `magazines % 8 + 3` magazines' worth of blocks of the class of `size` bytes
    /// on the current CPU, frees them in a row and allocates them again (kept as live blocks).
    fn cycle(&mut self, size: u8, magazines: u8) {
        let layout = Layout::from_size_align(usize::from(size), 8).expect("a cached layout");
        let count = (usize::from(magazines) % 8 + 3) * M;
        let got = (0..count)
            .take_while(|_| self.allocate(layout, false))
            .count();
        let newest = self.model.blocks.len() - got;
        (0..got).for_each(|_| self.free_at(newest));
        (0..got).for_each(|_| {
            self.allocate(layout, false);
        });
    }

    /// Frees the live block at `index` of the model on the current CPU.
    fn free_at(&mut self, index: usize) {
        let block = self.model.remove(index);
        // SAFETY: a live block of this cache with its layout, freed once.
        unsafe { self.cache.deallocate(block.ptr, block.layout) };
    }

    /// Resizes a live block to `new_size` bytes on the current CPU (through `GlobalAlloc` if
    /// `global`; there, a size no layout can have is left to the cache's own method, as
    /// `GlobalAlloc::realloc` forbids it).
    fn realloc(&mut self, pick: u16, new_size: usize, global: bool) {
        let Some(index) = self.model.pick(pick) else {
            return;
        };
        let block = self.model.blocks[index];
        let old = block.layout;
        let new = Layout::from_size_align(new_size, old.align()).ok();
        // SAFETY: a live block of this cache with its layout.
        let result = unsafe {
            match global && new.is_some_and(|new| new.size() > 0) {
                true => NonNull::new(GlobalAlloc::realloc(
                    &*self.cache,
                    block.ptr.as_ptr(),
                    old,
                    new_size,
                ))
                .ok_or(tagheap::AllocError),
                false => self.cache.realloc(block.ptr, old, new_size),
            }
        };
        match (result, new) {
            (Ok(ptr), Some(new)) => {
                let class = size_class(old);
                assert!(
                    class.is_none() || class != size_class(new) || ptr == block.ptr,
                    "realloc from {old:?} to {new:?}, one class, moved the block"
                );
                self.model.resized(index, ptr, new);
            }
            (Ok(ptr), None) => panic!("realloc to {new_size} bytes returned {ptr:p} for no layout"),
            (Err(_), new) => {
                block.verify(old.size());
                if let Some(new) = new {
                    assert_no_chunk_fits(&self.cache.heap().lock(), heap_layout(new));
                }
            }
        }
    }

    /// `check()`, every live block's bytes, the heap's counters against the model and the
    /// cache's own counts, the arena, and the room outside it.
    fn compare(&mut self) {
        if let Err(error) = self.cache.check() {
            panic!("{error}");
        }
        for block in &self.model.blocks {
            block.verify(block.layout.size());
        }
        let counters = self.cache.counters();
        let live = self.model.blocks.len();
        assert_eq!(counters.live_allocations(), live, "live allocations");
        assert_eq!(
            counters.heap.live_allocations,
            live + counters.cached_blocks() + counters.magazines,
            "the heap's live allocations"
        );
        let held: usize = self
            .model
            .blocks
            .iter()
            .map(|block| heap_layout(block.layout).size())
            .sum();
        assert_eq!(
            counters.heap.allocated_bytes,
            held + counters.cached_bytes + counters.magazines * MAGAZINE,
            "the heap's allocated bytes"
        );
        let arenas: Vec<Span> = self.cache.heap().lock().arenas().collect();
        assert_eq!(arenas, self.model.arenas, "the arena");
        self.room.verify_untouched(&self.model.arenas);
    }

    /// Frees every block, empties every CPU's magazines and the depot, and checks that the
    /// heap has all its memory back, in one free chunk.
    pub fn finish(mut self) {
        while !self.model.blocks.is_empty() {
            self.free(0, false);
        }
        self.cache.flush_all();
        self.compare();
        let heap = self.cache.heap().lock();
        assert_eq!(
            heap.counters().live_allocations,
            0,
            "blocks left in the heap"
        );
        let free_chunks = heap.chunks().filter(|chunk| !chunk.allocated).count();
        assert_eq!(
            free_chunks, 1,
            "freed blocks left {free_chunks} free chunks"
        );
    }
}
