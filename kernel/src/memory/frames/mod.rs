//! Physical frames: a heap-free allocator over the bootloader's usable regions.
//!
//! One bit per frame up to the end of usable RAM says whether the frame is
//! taken (`bitmap.rs`); everything that is not usable RAM (firmware, the
//! kernel image, the bitmap itself, the first megabyte) starts out taken, so a
//! clear bit always means a free frame:
//!
//! ```text
//!   frame   0      1 MiB                                         top of RAM
//!   bits    1111…1 0010000…0000011110000…000111…111000000…000   1 = taken
//!                  ▲ cursor: allocate takes the next clear bit (next fit)
//!   allocate_run(n, below, align, boundary): the first run of n clear bits
//!                   under `below`, aligned, crossing no boundary
//! ```
//!
//! Neither path needs the heap, so the page-fault handler can use it. Frames
//! below [`LOW_MEMORY`] are never handed out: they stay for the SMP
//! trampoline and legacy DMA. Clearing a bit that is already clear is a frame
//! freed twice, which panics. Part of the free frames can be promised ahead of
//! time (`reserve.rs`).

mod bitmap;
mod reserve;

use super::PAGE_SIZE;
use bitmap::Bitmap;
use bootloader_api::info::{MemoryRegion, MemoryRegionKind};
use x86_64::structures::paging::{PhysFrame, Size4KiB};
use x86_64::{PhysAddr, VirtAddr};

pub use reserve::Shortfall;

/// Physical memory below this address is never handed out.
pub const LOW_MEMORY: u64 = 1 << 20;
/// The byte freed frames are filled with when poisoning is on.
pub const FREED_POISON: u8 = 0xfb;

/// Hands out and takes back 4 KiB frames of usable physical memory.
pub struct FrameAllocator {
    /// Which frames are taken; it lives in the first frames of a usable region.
    taken: Bitmap,
    /// Where physical memory is mapped, to reach the frames themselves.
    physical_memory: VirtAddr,
    /// Where the next search for a free frame starts.
    cursor: u64,
    free: u64,
    /// Free frames promised to someone (see `reserve.rs`).
    reserved: u64,
    /// Fill freed frames with [`FREED_POISON`] (tests that hunt stale mappings).
    poison: bool,
}

impl FrameAllocator {
    /// An allocator over the usable regions of `regions`.
    ///
    /// Panics if no usable region can hold the bitmap.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the caller must guarantee that the usable
    /// regions are really unused, that all physical memory is mapped at
    /// `physical_memory`, and that only one allocator is made from the map.
    pub unsafe fn new(regions: &'static [MemoryRegion], physical_memory: VirtAddr) -> Self {
        let frames = usable(regions).map(|(_, end)| end).max().unwrap_or(0) / PAGE_SIZE;
        let bytes = Bitmap::bytes_for(frames);
        let at = usable(regions)
            .find(|(start, end)| end - start >= bytes)
            .expect("no usable region can hold the frame bitmap")
            .0;
        // SAFETY: the bitmap's frames are usable and unused (the caller's
        // promise) and mapped through the window; they are marked taken below.
        let mut taken = unsafe { Bitmap::all_taken((physical_memory + at).as_mut_ptr(), frames) };
        for (start, end) in usable(regions) {
            taken.clear_range(start / PAGE_SIZE..end / PAGE_SIZE);
        }
        taken.set_range(at / PAGE_SIZE..(at + bytes).div_ceil(PAGE_SIZE));
        let free = taken.clear_count();
        Self {
            taken,
            physical_memory,
            cursor: LOW_MEMORY / PAGE_SIZE,
            free,
            reserved: 0,
            poison: false,
        }
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

    /// Takes `frames` physically contiguous frames that nobody reserved, all
    /// below physical address `below`, the first at a multiple of `align`
    /// bytes, none across a multiple of `boundary` bytes (powers of two);
    /// the first of them, or `None` if no such run is free.
    pub fn allocate_run(
        &mut self,
        frames: u64,
        below: u64,
        align: u64,
        boundary: Option<u64>,
    ) -> Option<PhysFrame> {
        if frames == 0 || frames > self.available() {
            return None;
        }
        let align = (align / PAGE_SIZE).max(1);
        let boundary = boundary.map_or(0, |bytes| (bytes / PAGE_SIZE).max(1));
        let first = self.taken.find_clear_run(
            LOW_MEMORY / PAGE_SIZE,
            below / PAGE_SIZE,
            frames,
            align,
            boundary,
        )?;
        self.taken.set_range(first..first + frames);
        self.free -= frames;
        Some(frame_at(first * PAGE_SIZE))
    }

    /// Takes back a frame.
    ///
    /// Panics if the frame is not handed out (freed twice, or never allocated):
    /// giving it out again would give it two owners.
    ///
    /// # Safety
    ///
    /// This function is unsafe because `frame` must have come from this
    /// allocator and must no longer be mapped or used anywhere.
    pub unsafe fn deallocate(&mut self, frame: PhysFrame) {
        let address = frame.start_address().as_u64();
        assert!(
            self.taken.clear(address / PAGE_SIZE),
            "frame {address:#x} freed twice (or never handed out)"
        );
        if self.poison {
            let bytes: *mut u8 = (self.physical_memory + address).as_mut_ptr();
            // SAFETY: the caller gives the frame up; it is mapped through the window.
            unsafe { bytes.write_bytes(FREED_POISON, PAGE_SIZE as usize) };
        }
        self.free += 1;
    }

    /// A free frame; the caller has checked that one is there.
    fn take(&mut self) -> PhysFrame {
        let index = self
            .taken
            .find_clear(self.cursor)
            .or_else(|| self.taken.find_clear(LOW_MEMORY / PAGE_SIZE))
            .expect("the free count says a frame is left, the bitmap has none");
        self.taken.set(index);
        self.cursor = index + 1;
        self.free -= 1;
        frame_at(index * PAGE_SIZE)
    }
}

/// The usable regions as page-aligned `(start, end)` pairs, none below
/// [`LOW_MEMORY`].
fn usable(regions: &[MemoryRegion]) -> impl Iterator<Item = (u64, u64)> + '_ {
    regions
        .iter()
        .filter(|r| r.kind == MemoryRegionKind::Usable)
        .map(|r| {
            let end = r.end - r.end % PAGE_SIZE;
            (
                r.start.max(LOW_MEMORY).next_multiple_of(PAGE_SIZE).min(end),
                end,
            )
        })
        .filter(|(start, end)| start < end)
}

fn frame_at(address: u64) -> PhysFrame<Size4KiB> {
    PhysFrame::containing_address(PhysAddr::new(address))
}
