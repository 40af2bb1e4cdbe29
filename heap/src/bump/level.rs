//! The values `Bump`'s allocation API speaks in: a `Level` (a consumed-byte count), the
//! `Allocation` a successful request returns and the `Failure` a refused one reports.
//!
//! ```text
//!  region:  |......consumed......|pad|==== allocation ====|.....free.....
//!           ^ 0                  ^ level asked for         ^ allocation.level
//!                                      ^ allocation.ptr
//! ```

use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;

/// A consumed-byte count of one `Bump`: the offset of its first free byte.
///
/// Read one with [`Bump::level`](super::Bump::level); pass it to
/// [`Bump::alloc_at`](super::Bump::alloc_at) to allocate only if the level is still (or
/// again) the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level(pub(super) usize);

impl Level {
    /// The number of bytes consumed at this level, padding included.
    pub const fn bytes(self) -> usize {
        self.0
    }
}

/// A block handed out by [`Bump::alloc_at`](super::Bump::alloc_at).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allocation {
    /// The first byte of the block, aligned to `layout.align()`; uninitialized unless the
    /// region was. Dangling (but aligned) for a zero-size layout.
    pub ptr: NonNull<u8>,
    /// The layout the block was allocated for.
    pub layout: Layout,
    /// The level just after the block: pass it to the next `alloc_at` to allocate contiguously.
    pub level: Level,
}

/// Why [`Bump::alloc_at`](super::Bump::alloc_at) refused a request. Nothing was consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Failure {
    /// The layout does not fit in the region after the requested level.
    Exhausted,
    /// The level is not the requested one: something was allocated or given back since it
    /// was read (and not given back down to it again).
    Mismatch {
        /// The level the allocator was at when the request was refused.
        observed: Level,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Exhausted => formatter.write_str("the bump region has no room for the layout"),
            Failure::Mismatch { observed } => write!(
                formatter,
                "the bump level moved since it was read: it is now {} bytes",
                observed.bytes()
            ),
        }
    }
}

impl core::error::Error for Failure {}
