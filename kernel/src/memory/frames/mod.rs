//! Physical frames: a heap-free allocator over the bootloader's usable regions.
//!
//! Frames come from two places, both O(1):
//!
//! ```text
//!   usable regions   [####used####|next ......... end]  [.........]  ...
//!                                  ▲ carve: take `next`, advance a page
//!   returned frames  head ──► frame ──► frame ──► none
//!                    (each free frame stores the next one's physical
//!                     address in its first 8 bytes, through the
//!                     physical-memory window)
//! ```
//!
//! Returned frames are reused first; fresh ones are carved from the regions in
//! order. Neither path needs the heap, so the page-fault handler can use it.

use bootloader_api::info::{MemoryRegion, MemoryRegionKind};
use x86_64::structures::paging::{PhysFrame, Size4KiB};
use x86_64::{PhysAddr, VirtAddr};

/// Size of a frame.
pub const FRAME_SIZE: u64 = 4096;

/// Hands out and takes back 4 KiB frames of usable physical memory.
pub struct FrameAllocator {
    regions: &'static [MemoryRegion],
    /// Index of the region being carved.
    region: usize,
    /// The next frame of that region never handed out.
    next: u64,
    /// Head of the list of returned frames.
    returned: Option<PhysFrame>,
    /// Where physical memory is mapped, to reach the list links.
    physical_memory: VirtAddr,
    free: u64,
}

impl FrameAllocator {
    /// An allocator over the usable regions of `regions`.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the caller must guarantee that the usable
    /// regions are really unused, that all physical memory is mapped at
    /// `physical_memory`, and that only one allocator is made from the map.
    pub unsafe fn new(regions: &'static [MemoryRegion], physical_memory: VirtAddr) -> Self {
        let free = regions
            .iter()
            .filter(|r| r.kind == MemoryRegionKind::Usable)
            .map(|r| (align_down(r.end) - align_up(r.start).min(align_down(r.end))) / FRAME_SIZE)
            .sum();
        let mut frames = Self {
            regions,
            region: 0,
            next: 0,
            returned: None,
            physical_memory,
            free,
        };
        frames.enter_region(0);
        frames
    }

    /// Frames that can still be handed out.
    pub fn free_frames(&self) -> u64 {
        self.free
    }

    /// A frame, or `None` when physical memory is exhausted.
    pub fn allocate(&mut self) -> Option<PhysFrame> {
        let frame = match self.returned {
            Some(frame) => {
                // SAFETY: `frame` is on the returned list, so its first word holds
                // the link `deallocate` wrote, and the frame is mapped through the
                // physical-memory window.
                let link = unsafe { self.link(frame).read() };
                self.returned = (link != u64::MAX).then(|| frame_at(link));
                frame
            }
            None => self.carve()?,
        };
        self.free -= 1;
        Some(frame)
    }

    /// Takes back a frame.
    ///
    /// # Safety
    ///
    /// This function is unsafe because `frame` must have come from
    /// [`Self::allocate`] and must no longer be mapped or used anywhere.
    pub unsafe fn deallocate(&mut self, frame: PhysFrame) {
        let link = self
            .returned
            .map_or(u64::MAX, |next| next.start_address().as_u64());
        // SAFETY: the caller gives the frame up; it is mapped through the window.
        unsafe { self.link(frame).write(link) };
        self.returned = Some(frame);
        self.free += 1;
    }

    /// The first word of `frame`, through the physical-memory window.
    fn link(&self, frame: PhysFrame) -> *mut u64 {
        (self.physical_memory + frame.start_address().as_u64()).as_mut_ptr()
    }

    fn carve(&mut self) -> Option<PhysFrame> {
        loop {
            let region = self.regions.get(self.region)?;
            if region.kind == MemoryRegionKind::Usable && self.next + FRAME_SIZE <= region.end {
                let frame = frame_at(self.next);
                self.next += FRAME_SIZE;
                return Some(frame);
            }
            self.enter_region(self.region + 1);
        }
    }

    fn enter_region(&mut self, index: usize) {
        self.region = index;
        self.next = self.regions.get(index).map_or(0, |r| align_up(r.start));
    }
}

fn frame_at(address: u64) -> PhysFrame<Size4KiB> {
    PhysFrame::containing_address(PhysAddr::new(address))
}

fn align_up(address: u64) -> u64 {
    address.next_multiple_of(FRAME_SIZE)
}

fn align_down(address: u64) -> u64 {
    address - address % FRAME_SIZE
}
