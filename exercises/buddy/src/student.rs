//! EXERCISE 7: split and merge, the two halves of a buddy allocator.
//!
//! [`FreeBlocks`] knows which blocks of each order are free: `count`, `contains`,
//! `insert`, `remove` (takes a block if it is free) and `take_lowest`. A block of order k
//! is 2^k frames at a frame that is a multiple of 2^k; its buddy is the block of the same
//! order at `frame ^ (1 << k)`, and the two together are the block of order k+1 at the
//! lower of the two frames.
//!
//! - [`split`]: take a free block of the order asked for. If there is none, take one of
//!   the smallest larger order that has one and split it in halves, keeping the lower
//!   half and freeing the upper one, until it is the size asked for.
//! - [`merge`]: free a block. While its buddy is free (and the order is below
//!   [`MAX_ORDER`](crate::MAX_ORDER)), take the buddy and go on with the pair, one order up;
//!   then insert what is left.
//!
//! `Buddy` calls these after checking its arguments: `merge` is only given a block that
//! is allocated, aligned to its order and inside the frames.

use crate::{FreeBlocks, NotDone};

/// Takes a free block of `order` out of `blocks`, splitting a larger one if needed: its
/// first frame, or `None` when no block of that order or larger is free.
#[cfg(not(feature = "solutions"))]
pub fn split(_blocks: &mut FreeBlocks, _order: usize) -> Result<Option<u64>, NotDone> {
    Err(NotDone(
        "buddy split: write `split` in exercises/buddy/src/student.rs",
    ))
}

/// Takes a free block of `order` out of `blocks`, splitting a larger one if needed: its
/// first frame, or `None` when no block of that order or larger is free.
#[cfg(feature = "solutions")]
pub fn split(blocks: &mut FreeBlocks, order: usize) -> Result<Option<u64>, NotDone> {
    Ok(crate::solutions::split(blocks, order))
}

/// Puts the block of `order` at `frame` back into `blocks`, merged with its free buddies.
#[cfg(not(feature = "solutions"))]
pub fn merge(_blocks: &mut FreeBlocks, _frame: u64, _order: usize) -> Result<(), NotDone> {
    Err(NotDone(
        "buddy merge: write `merge` in exercises/buddy/src/student.rs",
    ))
}

/// Puts the block of `order` at `frame` back into `blocks`, merged with its free buddies.
#[cfg(feature = "solutions")]
pub fn merge(blocks: &mut FreeBlocks, frame: u64, order: usize) -> Result<(), NotDone> {
    crate::solutions::merge(blocks, frame, order);
    Ok(())
}
