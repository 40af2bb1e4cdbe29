//! EXERCISE 7: a buddy allocator for physical frames (`docs/14-buddy-lab.md`).
//!
//! Frames are handed out in blocks of 2^order frames (order 0 to [`MAX_ORDER`]), each
//! aligned to its own size. A block of order k+1 is two buddies of order k; the buddy of
//! the block at frame f is the block at `f ^ (1 << k)`:
//!
//! ```text
//!   order 3  [0 ............................. 8)
//!   order 2  [0 ........... 4)[4 ............ 8)     allocate(0): split 8 → 4+4 → 2+2 → 1+1,
//!   order 1  [0 ... 2)[2 ... 4)                       keep [0], free [1], [2..4), [4..8)
//!   order 0  [0][1]                                  free [0]: its buddy [1] is free → [0..2),
//!                                                    whose buddy [2..4) is free → [0..4) → [0..8)
//! ```
//!
//! You write `student.rs`: [`student::split`] and [`student::merge`]. Everything else is
//! given: the free blocks of each order ([`FreeBlocks`], one bit per block, no heap) and
//! [`Buddy`], which checks what callers hand back and keeps the count of free frames. The
//! same code runs in the host checks (`exercises/tests/buddy.rs`) and, with the kernel's
//! `exercises` feature, under the kernel (`kernel/tests/exercise_buddy.rs`).
#![no_std]

mod blocks;
#[cfg(feature = "solutions")]
mod solutions;
pub mod student;

pub use blocks::FreeBlocks;

use core::fmt;
use core::ops::Range;

/// The largest order: blocks of 1024 frames (4 MiB).
pub const MAX_ORDER: usize = 10;
/// How many orders there are.
pub const ORDERS: usize = MAX_ORDER + 1;

/// Why the allocator refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// No free block of this order or larger.
    Exhausted { order: usize },
    /// The order is above [`MAX_ORDER`].
    NoSuchOrder { order: usize },
    /// A block handed back is misaligned for its order or beyond the frames.
    NotABlock { frame: u64, order: usize },
    /// A block handed back is free already, in part or in whole.
    DoubleFree { frame: u64, order: usize },
    /// `student.rs` is not written yet.
    NotDone(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match *self {
            Self::Exhausted { order } => write!(f, "no free block of order {order} or larger"),
            Self::NoSuchOrder { order } => write!(f, "order {order} is above {MAX_ORDER}"),
            Self::NotABlock { frame, order } => {
                write!(f, "frame {frame:#x} is not a block of order {order}")
            }
            Self::DoubleFree { frame, order } => {
                write!(f, "block {frame:#x} of order {order} freed twice")
            }
            Self::NotDone(what) => write!(f, "not done: {what}"),
        }
    }
}

/// A buddy allocator over frames `0..frames`, its bookkeeping in memory the caller lends.
#[derive(Debug)]
pub struct Buddy<'m> {
    blocks: FreeBlocks<'m>,
    free: u64,
}

impl<'m> Buddy<'m> {
    /// Words of bookkeeping [`Buddy::new`] needs for `frames` frames (about 2 bits a frame).
    pub fn words_for(frames: u64) -> usize {
        FreeBlocks::words_for(frames)
    }

    /// An allocator over frames `0..frames` with none of them free yet.
    ///
    /// Panics if `storage` is shorter than [`Buddy::words_for`]`(frames)`.
    pub fn new(storage: &'m mut [u64], frames: u64) -> Self {
        Self {
            blocks: FreeBlocks::new(storage, frames),
            free: 0,
        }
    }

    /// Makes the frames of `range` free, as the largest aligned blocks that fit. Blocks
    /// are not merged with those of ranges added before.
    ///
    /// Panics if the range goes beyond the frames or holds a frame that is free already.
    pub fn add_free(&mut self, range: Range<u64>) {
        let mut frame = range.start;
        while frame < range.end {
            let aligned = (frame.trailing_zeros() as usize).min(MAX_ORDER);
            let order = (0..=aligned)
                .rev()
                .find(|order| frame + (1 << order) <= range.end)
                .expect("order 0 always fits");
            assert!(
                self.overlaps_free(frame, order).is_none(),
                "frames {range:?} hold a frame that is free already"
            );
            self.blocks.insert(order, frame);
            self.free += 1 << order;
            frame += 1 << order;
        }
    }

    /// Takes a block of 2^`order` frames; its first frame.
    pub fn allocate(&mut self, order: usize) -> Result<u64, Error> {
        if order > MAX_ORDER {
            return Err(Error::NoSuchOrder { order });
        }
        let frame = student::split(&mut self.blocks, order)
            .map_err(|not_done| Error::NotDone(not_done.0))?
            .ok_or(Error::Exhausted { order })?;
        self.free -= 1 << order;
        Ok(frame)
    }

    /// Gives back the block of 2^`order` frames at `frame`, which [`Buddy::allocate`]
    /// handed out (or a part of such a block, aligned to its own size).
    pub fn free(&mut self, frame: u64, order: usize) -> Result<(), Error> {
        if order > MAX_ORDER {
            return Err(Error::NoSuchOrder { order });
        }
        if !frame.is_multiple_of(1 << order) || frame + (1 << order) > self.blocks.frames() {
            return Err(Error::NotABlock { frame, order });
        }
        if self.overlaps_free(frame, order).is_some() {
            return Err(Error::DoubleFree { frame, order });
        }
        student::merge(&mut self.blocks, frame, order)
            .map_err(|not_done| Error::NotDone(not_done.0))?;
        self.free += 1 << order;
        Ok(())
    }

    /// Frames free.
    pub fn free_frames(&self) -> u64 {
        self.free
    }

    /// Free blocks of `order` (the picture of how well freed blocks merged).
    pub fn free_blocks(&self, order: usize) -> u64 {
        self.blocks.count(order)
    }

    /// Frames the allocator covers.
    pub fn frames(&self) -> u64 {
        self.blocks.frames()
    }

    /// A free block (order, first frame) that overlaps the block of `order` at `frame`:
    /// one containing it, or one inside it.
    fn overlaps_free(&self, frame: u64, order: usize) -> Option<(usize, u64)> {
        let containing = (order..ORDERS)
            .map(|larger| (larger, frame & !((1u64 << larger) - 1)))
            .find(|&(larger, start)| self.blocks.contains(larger, start));
        containing.or_else(|| {
            (0..order).find_map(|smaller| {
                (frame..frame + (1 << order))
                    .step_by(1 << smaller)
                    .find(|&start| self.blocks.contains(smaller, start))
                    .map(|start| (smaller, start))
            })
        })
    }
}

/// What a stub answers: the exercise is not written yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotDone(pub &'static str);
