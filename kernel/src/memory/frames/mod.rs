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
//! Frames below [`LOW_MEMORY`] are never handed out: they stay for the SMP
//! trampoline and legacy DMA. A bitmap of frames in use ([`in_use`]) catches a
//! frame freed twice; part of the free frames can be promised ahead of time
//! ([`reserve`]).

mod in_use;
mod reserve;

use bootloader_api::info::{MemoryRegion, MemoryRegionKind};
use core::ops::Range;
use in_use::InUse;
use x86_64::structures::paging::{PhysFrame, Size4KiB};
use x86_64::{PhysAddr, VirtAddr};

pub use reserve::Shortfall;

/// Size of a frame.
pub const FRAME_SIZE: u64 = 4096;
/// Physical memory below this address is never handed out.
pub const LOW_MEMORY: u64 = 1 << 20;

/// Hands out and takes back 4 KiB frames of usable physical memory.
pub struct FrameAllocator {
    regions: &'static [MemoryRegion],
    /// Index of the region being carved.
    region: usize,
    /// The next frame of that region never handed out.
    next: u64,
    /// Head of the list of returned frames.
    returned: Option<PhysFrame>,
    /// Where physical memory is mapped, to reach the list links and the bitmap.
    physical_memory: VirtAddr,
    /// Which frames are handed out; it lives in the first frames of a usable region.
    in_use: InUse,
    free: u64,
    /// Free frames promised to someone (see [`reserve`]).
    reserved: u64,
    /// Fill freed frames with [`FREED_POISON`] (tests that hunt stale mappings).
    poison: bool,
}

/// The byte freed frames are filled with when poisoning is on.
pub const FREED_POISON: u8 = 0xfb;

impl FrameAllocator {
    /// An allocator over the usable regions of `regions`.
    ///
    /// Panics if no usable region can hold the in-use bitmap.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the caller must guarantee that the usable
    /// regions are really unused, that all physical memory is mapped at
    /// `physical_memory`, and that only one allocator is made from the map.
    pub unsafe fn new(regions: &'static [MemoryRegion], physical_memory: VirtAddr) -> Self {
        let top = regions.iter().map(|r| r.end).max().unwrap_or(0);
        let bitmap_at = regions
            .iter()
            .map(|r| usable(r, 0..0))
            .find(|r| r.end - r.start >= InUse::bytes_for(top))
            .expect("no usable region can hold the frame bitmap")
            .start;
        // SAFETY: the bitmap's frames are usable and unused (the caller's
        // promise), mapped through the window, and skipped by `usable` from now on.
        let in_use = unsafe { InUse::new(bitmap_at, top, physical_memory) };
        let free = regions
            .iter()
            .map(|r| usable(r, in_use.frames_range()))
            .map(|r| (r.end - r.start) / FRAME_SIZE)
            .sum();
        let mut frames = Self {
            regions,
            region: 0,
            next: 0,
            returned: None,
            physical_memory,
            in_use,
            free,
            reserved: 0,
            poison: false,
        };
        frames.enter_region(0);
        frames
    }

    /// Fills every frame freed from now on with [`FREED_POISON`] (or stops),
    /// so a CPU that still reaches a freed frame through a stale mapping reads
    /// poison instead of plausible data.
    pub fn poison_freed(&mut self, on: bool) {
        self.poison = on;
    }

    /// Frames not handed out (some of them may be reserved).
    pub fn free_frames(&self) -> u64 {
        self.free
    }

    /// Takes a frame that nobody reserved, or `None` when none is left.
    pub fn allocate(&mut self) -> Option<PhysFrame> {
        (self.available() > 0).then(|| self.take())
    }

    /// Takes back a frame.
    ///
    /// Panics if the frame is not handed out (freed twice, or never allocated):
    /// putting it on the list twice would give it to two owners later.
    ///
    /// # Safety
    ///
    /// This function is unsafe because `frame` must have come from this
    /// allocator and must no longer be mapped or used anywhere.
    pub unsafe fn deallocate(&mut self, frame: PhysFrame) {
        let address = frame.start_address().as_u64();
        assert!(
            self.in_use.clear(address / FRAME_SIZE),
            "frame {address:#x} freed twice (or never handed out)"
        );
        let link = self
            .returned
            .map_or(u64::MAX, |next| next.start_address().as_u64());
        // SAFETY: the caller gives the frame up; it is mapped through the window.
        unsafe {
            if self.poison {
                self.link(frame)
                    .cast::<u8>()
                    .write_bytes(FREED_POISON, FRAME_SIZE as usize);
            }
            self.link(frame).write(link);
        }
        self.returned = Some(frame);
        self.free += 1;
    }

    /// A free frame; the caller has checked that one is there.
    fn take(&mut self) -> PhysFrame {
        let frame = match self.returned {
            Some(frame) => {
                // SAFETY: `frame` is on the returned list, so its first word holds
                // the link `deallocate` wrote, and the frame is mapped through the
                // physical-memory window.
                let link = unsafe { self.link(frame).read() };
                self.returned = (link != u64::MAX).then(|| frame_at(link));
                frame
            }
            None => self
                .carve()
                .expect("the free count says a frame is left, the regions have none"),
        };
        self.free -= 1;
        self.in_use.set(frame.start_address().as_u64() / FRAME_SIZE);
        frame
    }

    /// The first word of `frame`, through the physical-memory window.
    fn link(&self, frame: PhysFrame) -> *mut u64 {
        (self.physical_memory + frame.start_address().as_u64()).as_mut_ptr()
    }

    fn carve(&mut self) -> Option<PhysFrame> {
        loop {
            let region = self.regions.get(self.region)?;
            if self.next + FRAME_SIZE <= usable(region, self.in_use.frames_range()).end {
                let frame = frame_at(self.next);
                self.next += FRAME_SIZE;
                return Some(frame);
            }
            self.enter_region(self.region + 1);
        }
    }

    fn enter_region(&mut self, index: usize) {
        self.region = index;
        self.next = self
            .regions
            .get(index)
            .map_or(0, |r| usable(r, self.in_use.frames_range()).start);
    }
}

/// The page-aligned part of `region` the allocator may hand out: nothing if it
/// is not usable, nothing below [`LOW_MEMORY`], and nothing up to the end of
/// `bitmap` if the bitmap starts in it.
fn usable(region: &MemoryRegion, bitmap: Range<u64>) -> Range<u64> {
    let end = align_down(region.end);
    if region.kind != MemoryRegionKind::Usable {
        return end..end;
    }
    let mut start = align_up(region.start.max(LOW_MEMORY));
    if (start..end).contains(&bitmap.start) {
        start = bitmap.end;
    }
    start.min(end)..end
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
