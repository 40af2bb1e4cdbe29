//! Unmapping pages (of the heap, of DMA buffers, of device registers) in
//! batches, with the TLB shootdown before the frames are freed.
//!
//! ```text
//!   take(page) ×n:  unmap, keep the frame aside (other CPUs may still
//!                   reach it through a stale TLB entry)
//!   finish():       shoot the covered range down on every CPU, then free the
//!                   frames to the frame allocator
//!
//!   owner    counted in `mapped_pages`   frame freed
//!   Heap     yes                          yes
//!   Dma      no (the heap never counted)  yes
//!   Device   no                           no (device memory, not RAM)
//! ```

use super::frames::FrameAllocator;
use super::PAGE_SIZE;
use super::{counters, Memory};
use crate::tlb;
use core::ops::Range;
use x86_64::structures::paging::{Mapper, Page, PhysFrame, Size4KiB};
use x86_64::VirtAddr;

/// Pages unmapped per batch: one shootdown per batch.
pub(super) const BATCH: usize = 32;

/// Whose pages a batch unmaps: that says what happens to their frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    /// The heap window's pages, counted in the memory report.
    Heap,
    /// A DMA buffer's pages: frames from the frame allocator, never counted.
    Dma,
    /// Device registers: the frames are not RAM and are never freed.
    Device,
}

/// Frames of pages unmapped but not yet shot down.
pub(super) struct Unmapped {
    owner: Owner,
    frames: [Option<PhysFrame>; BATCH],
    len: usize,
    /// The addresses the batch covers.
    span: Range<u64>,
}

impl Unmapped {
    /// An empty batch of heap pages.
    pub(super) const fn new() -> Self {
        Self::of(Owner::Heap)
    }

    /// An empty batch of `owner`'s pages.
    pub(super) const fn of(owner: Owner) -> Self {
        Self {
            owner,
            frames: [None; BATCH],
            len: 0,
            span: 0..0,
        }
    }

    /// Whether the batch has no room left (call [`Self::finish`]).
    pub(super) fn is_full(&self) -> bool {
        self.len == BATCH
    }

    /// Unmaps the page at `address` if it is mapped, keeping its frame; false
    /// if it was not mapped. The batch must not be full.
    pub(super) fn take(&mut self, memory: &mut Memory, address: u64) -> bool {
        let page = Page::<Size4KiB>::containing_address(VirtAddr::new(address));
        let Ok((frame, flush)) = memory.mapper.unmap(page) else {
            return false;
        };
        // The shootdown in `finish` flushes every CPU, this one included.
        flush.ignore();
        let page = address..address + PAGE_SIZE;
        self.span = match self.len {
            0 => page,
            _ => self.span.start.min(page.start)..self.span.end.max(page.end),
        };
        self.frames[self.len] = (self.owner != Owner::Device).then_some(frame);
        self.len += 1;
        if self.owner == Owner::Heap {
            counters::page_unmapped();
        }
        true
    }

    /// Makes every CPU forget the batch's pages, then frees their frames.
    pub(super) fn finish(&mut self, frames: &mut FrameAllocator) {
        if self.len == 0 {
            return;
        }
        tlb::shoot_down(self.span.clone());
        for frame in self.frames[..self.len].iter_mut().filter_map(Option::take) {
            // SAFETY: the page that mapped the frame is gone from the tables
            // and from every CPU's TLB; its owner gave the memory up.
            unsafe { frames.deallocate(frame) };
        }
        *self = Self::of(self.owner);
    }
}
