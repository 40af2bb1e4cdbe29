//! The frame pool of exercise 7: the student's buddy allocator (`buddy_lab`, in
//! `exercises/buddy/`) over every usable frame, chosen at boot with
//! [`FramePolicy::Buddy`](super::FramePolicy) (feature `buddy-frames`).
//!
//! ```text
//!   first usable region  [ bookkeeping: ~2 bits a frame | free … ]   other usable regions
//!   Buddy over frames 0..top of RAM: the usable ones (above 1 MiB) added as free blocks
//!   take() = allocate(0)   give_back(f) = free(f, 0)
//!   take_run(n): one block of 2^k ≥ n frames (aligned by construction), its tail freed
//! ```

use super::{usable, FramePool};
use crate::memory::PAGE_SIZE;
use bootloader_api::info::MemoryRegion;
use buddy_lab::{Buddy, Error, MAX_ORDER};
use x86_64::VirtAddr;

/// The student's buddy allocator, its bookkeeping in usable memory.
pub(super) struct BuddyFrames(Buddy<'static>);

impl BuddyFrames {
    /// A pool over the usable regions; the pool and its free frames.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the caller must guarantee what
    /// [`super::FrameAllocator::new`] requires.
    pub(super) unsafe fn new(regions: &[MemoryRegion], physical_memory: VirtAddr) -> (Self, u64) {
        let frames = usable(regions).map(|(_, end)| end).max().unwrap_or(0) / PAGE_SIZE;
        let words = Buddy::words_for(frames);
        let bytes = (words * 8) as u64;
        let at = usable(regions)
            .find(|(start, end)| end - start >= bytes)
            .expect("no usable region can hold the buddy allocator's bookkeeping")
            .0;
        // SAFETY: these usable frames are unused (the caller's promise), mapped through the
        // window, and kept out of the free ranges below, so the slice is the only user.
        let storage = unsafe {
            core::slice::from_raw_parts_mut((physical_memory + at).as_mut_ptr::<u64>(), words)
        };
        let mut buddy = Buddy::new(storage, frames);
        let bookkeeping_end = (at + bytes).next_multiple_of(PAGE_SIZE);
        for (start, end) in usable(regions) {
            let start = if start == at { bookkeeping_end } else { start };
            if start < end {
                buddy.add_free(start / PAGE_SIZE..end / PAGE_SIZE);
            }
        }
        let free = buddy.free_frames();
        (Self(buddy), free)
    }
}

/// Panics with what the buddy allocator said, unless it is one of the answers the frame
/// allocator passes on.
fn refused(error: Error) -> ! {
    panic!("buddy frame allocator: {error}")
}

impl FramePool for BuddyFrames {
    fn take(&mut self) -> Option<u64> {
        match self.0.allocate(0) {
            Ok(frame) => Some(frame),
            Err(Error::Exhausted { .. }) => None,
            Err(error) => refused(error),
        }
    }

    fn give_back(&mut self, frame: u64) -> bool {
        match self.0.free(frame, 0) {
            Ok(()) => true,
            Err(Error::DoubleFree { .. }) => false,
            Err(error) => refused(error),
        }
    }

    fn take_run(&mut self, frames: u64, below: u64, align: u64, boundary: u64) -> Option<u64> {
        let order = frames.max(align).next_power_of_two().trailing_zeros() as usize;
        if order > MAX_ORDER || (boundary != 0 && boundary < 1 << order) {
            return None;
        }
        let first = match self.0.allocate(order) {
            Ok(first) => first,
            Err(Error::Exhausted { .. }) => return None,
            Err(error) => refused(error),
        };
        let (run_end, block_end) = (first + frames, first + (1 << order));
        let tail = if run_end <= below { run_end } else { first };
        let mut frame = tail;
        while frame < block_end {
            let piece = (frame.trailing_zeros() as usize).min((block_end - frame).ilog2() as usize);
            self.0
                .free(frame, piece)
                .unwrap_or_else(|error| refused(error));
            frame += 1 << piece;
        }
        (tail == run_end).then_some(first)
    }
}
