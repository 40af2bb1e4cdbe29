//! Frames promised ahead of time: the heap's commit charge.
//!
//! Committing heap window space maps nothing; each page is mapped when first
//! touched, from the page-fault handler, where running out of frames can only
//! panic. So a commit reserves one free frame per page it may fault in, and
//! fails (the allocation returns an error) when the frames are not there:
//!
//! ```text
//!   free frames  [ reserved: promised to committed, unmapped pages | available ]
//!   reserve(n):            available >= n, else Shortfall; reserved += n
//!   take_reserved():       a fault maps a committed page: free - 1, reserved - 1
//!   release(n):            trim gave back n committed pages that were never mapped
//! ```
//!
//! [`FrameAllocator::allocate`] hands out only available frames, so nothing can
//! take a frame that a committed page was promised.

use super::FrameAllocator;
use core::fmt;
use x86_64::structures::paging::PhysFrame;

/// A reservation the free frames cannot cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    /// Frames asked for.
    pub wanted: u64,
    /// Frames free and not reserved.
    pub available: u64,
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{} frames wanted, {} available",
            self.wanted, self.available
        )
    }
}

impl FrameAllocator {
    /// Free frames nobody has reserved.
    pub fn available(&self) -> u64 {
        self.free - self.reserved
    }

    /// Frames reserved and not yet taken.
    pub fn reserved(&self) -> u64 {
        self.reserved
    }

    /// Promises `frames` free frames to later [`Self::take_reserved`] calls.
    pub fn reserve(&mut self, frames: u64) -> Result<(), Shortfall> {
        let available = self.available();
        if frames > available {
            return Err(Shortfall {
                wanted: frames,
                available,
            });
        }
        self.reserved += frames;
        Ok(())
    }

    /// Gives up `frames` reserved frames that will not be taken.
    ///
    /// Panics if fewer are reserved: the commit charge lost count.
    pub fn release(&mut self, frames: u64) {
        assert!(
            frames <= self.reserved,
            "releasing {frames} reserved frames, only {} are reserved",
            self.reserved
        );
        self.reserved -= frames;
    }

    /// Takes a frame that was reserved, or `None` if no reservation is left
    /// (a page was mapped that nobody committed: a bug in the caller).
    pub fn take_reserved(&mut self) -> Option<PhysFrame> {
        if self.reserved == 0 {
            return None;
        }
        self.reserved -= 1;
        Some(self.take())
    }
}
