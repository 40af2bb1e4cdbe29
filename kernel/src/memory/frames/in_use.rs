//! One bit per physical frame: set while the frame is handed out.
//!
//! It turns a frame freed twice into a clear panic at the second free,
//! instead of a frame on the free list twice that later has two owners. The
//! bitmap lives in the first frames of a usable region (one bit per frame up
//! to the highest physical address: 16 KiB for 512 MiB of RAM), reached
//! through the physical-memory window.

use super::{align_up, FRAME_SIZE};
use core::ops::Range;
use x86_64::VirtAddr;

/// The in-use bitmap.
pub(super) struct InUse {
    words: *mut u64,
    /// Bits in the bitmap: one per frame below the highest physical address.
    frames: u64,
    /// The physical range the bitmap occupies (page-rounded).
    physical: Range<u64>,
}

// SAFETY: the bitmap's memory belongs to the frame allocator, which owns the
// `InUse`; it moves between CPUs only with it (under the memory lock).
unsafe impl Send for InUse {}

impl InUse {
    /// Bytes of bitmap needed to cover the frames below physical address `top`.
    pub(super) fn bytes_for(top: u64) -> u64 {
        (top / FRAME_SIZE).div_ceil(64) * 8
    }

    /// A cleared bitmap at physical address `at` covering the frames below `top`.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the [`InUse::bytes_for`] bytes at `at`
    /// must be usable memory that nothing else uses or will use, and all
    /// physical memory must be mapped at `physical_memory`.
    pub(super) unsafe fn new(at: u64, top: u64, physical_memory: VirtAddr) -> Self {
        let bytes = Self::bytes_for(top);
        let words: *mut u64 = (physical_memory + at).as_mut_ptr();
        // SAFETY: the caller hands over `bytes` bytes at `at`, mapped at `words`.
        unsafe { words.write_bytes(0, (bytes / 8) as usize) };
        Self {
            words,
            frames: top / FRAME_SIZE,
            physical: at..align_up(at + bytes),
        }
    }

    /// The physical frames the bitmap itself occupies.
    pub(super) fn frames_range(&self) -> Range<u64> {
        self.physical.clone()
    }

    /// Marks frame number `frame` handed out.
    pub(super) fn set(&mut self, frame: u64) {
        let (word, bit) = self.locate(frame);
        // SAFETY: `locate` keeps the word inside the bitmap.
        unsafe { *word |= bit };
    }

    /// Marks frame number `frame` free; false if it was not handed out.
    pub(super) fn clear(&mut self, frame: u64) -> bool {
        let (word, bit) = self.locate(frame);
        // SAFETY: `locate` keeps the word inside the bitmap.
        unsafe {
            let was_set = *word & bit != 0;
            *word &= !bit;
            was_set
        }
    }

    fn locate(&self, frame: u64) -> (*mut u64, u64) {
        assert!(
            frame < self.frames,
            "frame {:#x} lies above physical memory",
            frame * FRAME_SIZE
        );
        (
            self.words.wrapping_add((frame / 64) as usize),
            1 << (frame % 64),
        )
    }
}
