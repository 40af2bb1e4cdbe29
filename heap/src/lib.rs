//! Allocators for a bare-metal kernel, usable by any `no_std` project.
#![no_std]
#![cfg_attr(feature = "nightly", feature(allocator_api))]

pub mod bump;
pub use bump::{Allocation, Bump, Failure, LeakError, Level, Page};

mod grow;
mod heap;
mod locked;
mod span;

pub use grow::{ClaimOnFirstUse, Grow, NeverGrow};
pub use heap::{
    AllocError, Arenas, CheckError, Chunk, Chunks, ClaimError, Counters, ExtendError, Heap, Rule,
    TruncateError, Truncated,
};
pub use locked::{LockedHeap, SpinLockedHeap};
pub use span::Span;
