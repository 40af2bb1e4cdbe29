//! The pools a frame allocator can keep its frames in, and the one interface they share.
//!
//! ```text
//!   FramePolicy::NextFit ─▶ next_fit::NextFit       the kernel's own bitmap, next fit
//!   FramePolicy::Buddy   ─▶ buddy::BuddyFrames      exercise 7 (feature `buddy-frames`)
//! ```

use bootloader_api::info::MemoryRegion;
use x86_64::VirtAddr;

/// Which pool the frames come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FramePolicy {
    /// The kernel's own: a bitmap searched next fit.
    NextFit,
    /// Exercise 7's buddy allocator (`exercises/buddy/`).
    #[cfg(feature = "buddy-frames")]
    Buddy,
}

/// What decides which frames are free; frame numbers, not addresses.
pub(super) trait FramePool: Send {
    /// Takes a free frame, or `None` when none is left.
    fn take(&mut self) -> Option<u64>;
    /// Takes back `frame`; false if it was free already.
    fn give_back(&mut self, frame: u64) -> bool;
    /// Takes `frames` contiguous frames below frame `below`, the first a multiple of
    /// `align`, none across a multiple of `boundary` (frame counts, powers of two; a
    /// boundary of 0 is none).
    fn take_run(&mut self, frames: u64, below: u64, align: u64, boundary: u64) -> Option<u64>;
}

/// The pool in use.
// One lives in the memory static, before there is a heap to box the larger one into.
#[allow(clippy::large_enum_variant)]
pub(super) enum Pool {
    NextFit(super::next_fit::NextFit),
    #[cfg(feature = "buddy-frames")]
    Buddy(super::buddy::BuddyFrames),
}

impl Pool {
    /// The pool `policy` names over the usable regions; the pool and its free frames.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the caller must guarantee what
    /// [`super::FrameAllocator::new`] requires.
    pub(super) unsafe fn new(
        policy: FramePolicy,
        regions: &[MemoryRegion],
        physical_memory: VirtAddr,
    ) -> (Self, u64) {
        // SAFETY: the caller's promises, passed on.
        unsafe {
            match policy {
                FramePolicy::NextFit => {
                    let (pool, free) = super::next_fit::NextFit::new(regions, physical_memory);
                    (Self::NextFit(pool), free)
                }
                #[cfg(feature = "buddy-frames")]
                FramePolicy::Buddy => {
                    let (pool, free) = super::buddy::BuddyFrames::new(regions, physical_memory);
                    (Self::Buddy(pool), free)
                }
            }
        }
    }

    /// The pool behind its interface.
    pub(super) fn as_dyn(&mut self) -> &mut dyn FramePool {
        match self {
            Self::NextFit(pool) => pool,
            #[cfg(feature = "buddy-frames")]
            Self::Buddy(pool) => pool,
        }
    }
}
