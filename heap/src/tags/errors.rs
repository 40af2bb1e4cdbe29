//! The error values of the heap's operations and the report `truncate` returns.

use crate::Span;
use core::fmt;

/// An allocation could not be satisfied (no fitting chunk, and the hook gave up), or the
/// requested size overflowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocError;

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("memory allocation failed: no free chunk fits and the heap could not grow")
    }
}

/// Why [`Heap::claim`](crate::tags::Heap::claim) refused an arena. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimError {
    /// The arena reaches into the null page (addresses below 4096).
    NullPage {
        /// The arena's base address, aligned up as `claim` aligns it.
        base: usize,
    },
    /// Once aligned inward (see `claim`) the arena is smaller than the smallest arena (or empty).
    TooSmall {
        /// The aligned arena's size in bytes.
        size: usize,
        /// The smallest arena in bytes (seven words: a minimal chunk and the end record).
        minimum: usize,
    },
    /// The arena overlaps one the heap already has.
    Overlaps {
        /// The arena asked for (aligned inward).
        arena: Span,
        /// The arena it overlaps.
        existing: Span,
    },
}

/// Why [`Heap::extend`](crate::tags::Heap::extend) refused. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExtendError {
    /// `old` is not one of the heap's arenas (as `claim`/`extend`/`truncate` returned it).
    NotAnArena {
        /// The span given as the arena.
        old: Span,
    },
    /// The new span does not contain the old one.
    DoesNotContain {
        /// The arena.
        old: Span,
        /// The span asked for (aligned inward).
        new: Span,
    },
    /// The new span reaches into the null page (addresses below 4096).
    NullPage {
        /// The new span's base address.
        base: usize,
    },
    /// The new span overlaps another arena.
    Overlaps {
        /// The span asked for (aligned inward).
        new: Span,
        /// The arena it overlaps.
        existing: Span,
    },
}

/// Why [`Heap::truncate`](crate::tags::Heap::truncate) (or
/// [`Heap::allocated_span`](crate::tags::Heap::allocated_span)) refused. Nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TruncateError {
    /// `old` is not one of the heap's arenas.
    NotAnArena {
        /// The span given as the arena.
        old: Span,
    },
    /// The new span is not inside the old one.
    NotWithin {
        /// The arena.
        old: Span,
        /// The span asked for.
        new: Span,
    },
    /// The new span would cut allocated memory.
    WouldCutAllocated {
        /// The span asked for.
        new: Span,
        /// What must stay: see [`Heap::allocated_span`](crate::tags::Heap::allocated_span).
        allocated: Span,
    },
}

/// What [`Heap::truncate`](crate::tags::Heap::truncate) did: the arena that remains and the memory
/// the heap no longer uses (which the caller may unmap).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truncated {
    /// The arena now (empty if the whole arena was released).
    pub arena: Span,
    /// Released memory below the remaining arena (may be empty).
    pub released_below: Span,
    /// Released memory above the remaining arena (may be empty).
    pub released_above: Span,
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NullPage { base } => write!(
                f,
                "cannot claim an arena at {base:#x}: it reaches into the null page (below 0x1000)"
            ),
            Self::TooSmall { size, minimum } => write!(
                f,
                "cannot claim an arena of {size} bytes: the minimum is {minimum} bytes"
            ),
            Self::Overlaps { arena, existing } => {
                write!(f, "cannot claim {arena}: it overlaps the arena {existing}")
            }
        }
    }
}

impl fmt::Display for ExtendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnArena { old } => write!(f, "cannot extend {old}: it is not an arena of this heap"),
            Self::DoesNotContain { old, new } => write!(f, "cannot extend {old} to {new}: the new span must contain the old one"),
            Self::NullPage { base } => write!(f, "cannot extend an arena down to {base:#x}: it reaches into the null page (below 0x1000)"),
            Self::Overlaps { new, existing } => write!(f, "cannot extend an arena to {new}: it overlaps the arena {existing}"),
        }
    }
}

impl fmt::Display for TruncateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnArena { old } => {
                write!(f, "cannot truncate {old}: it is not an arena of this heap")
            }
            Self::NotWithin { old, new } => write!(
                f,
                "cannot truncate {old} to {new}: the new span must lie within the old one"
            ),
            Self::WouldCutAllocated { new, allocated } => write!(
                f,
                "cannot truncate to {new}: allocated memory spans {allocated}"
            ),
        }
    }
}

impl core::error::Error for AllocError {}
impl core::error::Error for ClaimError {}
impl core::error::Error for ExtendError {}
impl core::error::Error for TruncateError {}
