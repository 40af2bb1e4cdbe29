//! Why a DMA buffer could not be had: every failure keeps nothing.

use super::Constraints;
use crate::memory::table_budget::TablesExhausted;
use core::fmt;

/// Why a DMA buffer could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmaError {
    /// A buffer of no bytes was asked for.
    Empty,
    /// No buffer of that size can meet the rules (an alignment or boundary
    /// that is not a power of two, or a buffer larger than its boundary).
    BadConstraints {
        /// Bytes asked for.
        bytes: usize,
        /// The rules.
        constraints: Constraints,
    },
    /// No run of that many free frames meets the rules.
    NoContiguousRun {
        /// Frames asked for.
        frames: u64,
        /// The physical limit.
        below: u64,
    },
    /// The DMA window has no room for the buffer.
    WindowFull,
    /// The page-table budget cannot cover the buffer's mapping.
    NoPageTables(TablesExhausted),
}

impl fmt::Display for DmaError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("a DMA buffer needs at least one byte"),
            Self::BadConstraints { bytes, constraints } => {
                write!(f, "no {bytes}-byte buffer can meet {constraints:?}")
            }
            Self::NoContiguousRun { frames, below } => {
                write!(
                    f,
                    "no {frames} contiguous free frames below {below:#x} fit the rules"
                )
            }
            Self::WindowFull => f.write_str("the DMA window has no room left"),
            Self::NoPageTables(short) => write!(f, "no page tables for the DMA window: {short}"),
        }
    }
}
