//! The kernel's own frame pool: the frame bitmap searched next fit.
//!
//! ```text
//!   frame   0      1 MiB                                         top of RAM
//!   bits    1111…1 0010000…0000011110000…000111…111000000…000   1 = taken
//!                  ▲ cursor: take the next clear bit (next fit)
//!   take_run(n, below, align, boundary): the first run of n clear bits
//!                   under `below`, aligned, crossing no boundary
//! ```

use super::bitmap::Bitmap;
use super::{usable, FramePool, LOW_MEMORY};
use crate::memory::PAGE_SIZE;
use bootloader_api::info::MemoryRegion;
use x86_64::VirtAddr;

/// The bitmap and where the next search starts.
pub(super) struct NextFit {
    taken: Bitmap,
    cursor: u64,
}

impl NextFit {
    /// A pool over the usable regions, its bitmap in the first usable region that holds
    /// it; the pool and its free frames.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the caller must guarantee what
    /// [`super::FrameAllocator::new`] requires.
    pub(super) unsafe fn new(regions: &[MemoryRegion], physical_memory: VirtAddr) -> (Self, u64) {
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
        let cursor = LOW_MEMORY / PAGE_SIZE;
        (Self { taken, cursor }, free)
    }
}

impl FramePool for NextFit {
    fn take(&mut self) -> Option<u64> {
        let index = self
            .taken
            .find_clear(self.cursor)
            .or_else(|| self.taken.find_clear(LOW_MEMORY / PAGE_SIZE))?;
        self.taken.set(index);
        self.cursor = index + 1;
        Some(index)
    }

    fn give_back(&mut self, frame: u64) -> bool {
        self.taken.clear(frame)
    }

    fn take_run(&mut self, frames: u64, below: u64, align: u64, boundary: u64) -> Option<u64> {
        let first =
            self.taken
                .find_clear_run(LOW_MEMORY / PAGE_SIZE, below, frames, align, boundary)?;
        self.taken.set_range(first..first + frames);
        Some(first)
    }
}
