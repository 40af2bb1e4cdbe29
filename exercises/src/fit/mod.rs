//! Fit policies on a simulated heap: which free hole a new block goes into.
//!
//! The simulator keeps the heap as address-ordered free holes below a top (the end of the
//! memory in use), like a boundary-tag heap without its bytes. Every block costs a
//! [`HEADER`] and is rounded up to [`GRANULE`], which is the heap's **internal**
//! fragmentation; holes between live blocks are its **external** fragmentation.
//!
//! ```text
//!   0                                                          top
//!   | block | hole | block | block |   hole   | block | hole  |      (grows here)
//!   allocate(n): policy.choose(holes, size) ─► Some(i): carve from the start of hole i
//!                                          └─► None: at the top (taking a hole that
//!                                              ends there, and growing past it)
//!   free:        the block becomes a hole, merged with the holes beside it; a hole
//!                that reaches the top lowers the top (the memory goes back)
//! ```
//!
//! A realloc is an allocate, a copy and a free. The figure of merit is the one the replay
//! bench uses for real heaps: the peak of the live requested bytes over the peak of the
//! top ([`Report::efficiency`]).

mod best;
mod first;
mod next;
mod segregated;
mod simulate;

pub use best::BestFit;
pub use first::FirstFit;
pub use next::NextFit;
pub use segregated::SegregatedFit;
pub use simulate::{replay, Report, Simulator};

use crate::NotDone;

/// Every block is a multiple of this many bytes.
pub const GRANULE: u64 = 16;
/// Bytes every block spends on metadata (a boundary tag, rounded to the granule).
pub const HEADER: u64 = 16;

/// A free hole: `size` bytes from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hole {
    /// Its first byte.
    pub start: u64,
    /// Its length in bytes (a multiple of [`GRANULE`]).
    pub size: u64,
    /// When it was last freed or merged (a counter): larger is more recent.
    pub freed: u64,
}

impl Hole {
    /// One past its last byte.
    pub fn end(&self) -> u64 {
        self.start + self.size
    }
}

/// A fit policy: which hole a block goes into.
pub trait Policy {
    /// The policy's name, for reports.
    fn name(&self) -> &'static str;

    /// The index in `holes` (address order, none adjacent) of the hole a block of `size`
    /// bytes goes into, or `None` to place it at the top. Only a hole of at least `size`
    /// bytes may be chosen.
    fn choose(&mut self, holes: &[Hole], size: u64) -> Result<Option<usize>, NotDone>;

    /// Where the block just chosen for went: `[start, start + size)`. Next fit starts its
    /// next search there.
    fn placed(&mut self, _start: u64, _size: u64) {}
}

/// The block size for a request of `request` bytes: header included, granule-rounded.
pub fn block_size(request: u64) -> u64 {
    (request + HEADER)
        .next_multiple_of(GRANULE)
        .max(2 * GRANULE)
}
