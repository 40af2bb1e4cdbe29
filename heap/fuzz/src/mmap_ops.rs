//! A heap over an `MmapGrow` reservation of 8 MiB (`heap/src/mmap.rs`): allocations grow its
//! arena a step at a time; `Truncate` cuts the arena down to its allocated span, or releases
//! it when nothing is allocated, and the hook must follow the arena through both. Against a
//! list of the live blocks, each with its first and last byte set.
//!
//! ```text
//!   after every step:  check() ── at most one arena, inside the committed pages
//!                      ── live allocations == blocks ── one block's two bytes intact
//!   Err                ──► the request does not fit above the arena in the reservation
//!   finish:            free everything, release the arena, unmap the reservation
//! ```

use crate::input::MmapOp;
use std::alloc::Layout;
use std::ptr::NonNull;
use tagheap::{Heap, MmapGrow, Span};

/// The reservation: small, so that it runs out.
const RESERVE: usize = 8 << 20;
/// More than any request's overhead in `MmapGrow` (its slack, and the page rounding).
const OVERHEAD: usize = 8192;

/// The heap and its live blocks, each with the byte its ends hold.
pub struct MmapOps {
    heap: Heap<MmapGrow>,
    blocks: Vec<(NonNull<u8>, Layout, u8)>,
}

impl MmapOps {
    pub fn new() -> Self {
        MmapOps {
            heap: Heap::new(MmapGrow::new(RESERVE)),
            blocks: Vec::new(),
        }
    }

    /// Runs `op` and checks the heap.
    pub fn run(&mut self, op: MmapOp) {
        match op {
            MmapOp::Allocate { size, align } => {
                let size = size as usize % (3 << 20);
                let layout = Layout::from_size_align(size, 1 << (align % 17)).unwrap();
                self.allocate(layout);
            }
            MmapOp::Free { pick } => {
                if !self.blocks.is_empty() {
                    let index = usize::from(pick) % self.blocks.len();
                    self.free(index);
                }
            }
            MmapOp::Truncate => {
                if let Some(arena) = self.heap.arenas().next() {
                    let used = self.heap.allocated_span(arena).unwrap();
                    self.heap.truncate(arena, used).unwrap();
                }
            }
        }
        self.compare();
    }

    /// Allocates a block for `layout` and sets its ends, or checks that it cannot fit.
    fn allocate(&mut self, layout: Layout) {
        // SAFETY: the heap's arena is its own reservation.
        match unsafe { self.heap.allocate(layout) } {
            Ok(block) => {
                let fill = self.blocks.len() as u8 | 1;
                // SAFETY: a fresh block of `layout.size()` bytes.
                unsafe { set_ends(block, layout.size(), fill) };
                self.blocks.push((block, layout, fill));
            }
            Err(_) => {
                let reserved = self.heap.hook.reserved();
                let top = self
                    .heap
                    .arenas()
                    .next()
                    .map_or(reserved.base(), Span::acme);
                let above = reserved.acme().addr() - top.addr();
                assert!(
                    layout.size() + layout.align() + OVERHEAD > above,
                    "{layout:?} failed with {above} bytes of the reservation above the arena"
                );
            }
        }
    }

    /// Frees the block at `index`, after checking its ends.
    fn free(&mut self, index: usize) {
        let (block, layout, fill) = self.blocks.swap_remove(index);
        verify_ends(block, layout.size(), fill);
        // SAFETY: a live block of this heap, freed once with its layout.
        unsafe { self.heap.deallocate(block, layout) };
    }

    fn compare(&self) {
        self.heap.check().unwrap();
        let arenas: Vec<Span> = self.heap.arenas().collect();
        let committed = self.heap.hook.committed();
        assert!(arenas.len() <= 1, "MmapGrow makes one arena: {arenas:?}");
        assert!(
            arenas.iter().all(|&arena| committed.contains_span(arena)),
            "the arena {arenas:?} lies outside the committed {committed}"
        );
        assert_eq!(self.heap.counters().live_allocations, self.blocks.len());
        if let Some(&(block, layout, fill)) = self.blocks.last() {
            verify_ends(block, layout.size(), fill);
        }
    }

    /// Frees every block, releases the arena and unmaps the reservation.
    pub fn finish(mut self) {
        while !self.blocks.is_empty() {
            self.free(0);
        }
        if let Some(arena) = self.heap.arenas().next() {
            assert!(self
                .heap
                .truncate(arena, Span::empty())
                .unwrap()
                .arena
                .is_empty());
        }
        self.compare();
        let reserved = self.heap.hook.reserved();
        if !reserved.is_empty() {
            // SAFETY: the reservation is the heap's alone, which holds nothing any more and is
            // not used again.
            let unmapped = unsafe { libc::munmap(reserved.base().cast(), reserved.size()) };
            assert_eq!(unmapped, 0, "munmap of {reserved}");
        }
    }
}

/// Sets the first and last of `size` bytes at `block` to `fill`.
///
/// # Safety
/// `block` must be a live block of `size` bytes.
unsafe fn set_ends(block: NonNull<u8>, size: usize, fill: u8) {
    if size > 0 {
        // SAFETY: both bytes lie in the block.
        unsafe {
            block.write(fill);
            block.add(size - 1).write(fill);
        }
    }
}

/// Panics unless the first and last of `size` bytes at `block` hold `fill`.
fn verify_ends(block: NonNull<u8>, size: usize, fill: u8) {
    if size > 0 {
        // SAFETY: callers pass a live block of `size` bytes whose ends they set.
        let ends = unsafe { (block.read(), block.add(size - 1).read()) };
        assert_eq!(
            ends,
            (fill, fill),
            "block {block:p} of {size} bytes lost its ends"
        );
    }
}
