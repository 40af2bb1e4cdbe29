//! Allocators for a bare-metal kernel, usable by any `no_std` project.
//!
//! ```text
//!   Bump<T>            a static, lock-free bump allocator over an inline region
//!                      (the kernel's page-table frames)
//!   Heap<G: Grow>      a boundary-tag heap over arenas it can claim, extend and truncate;
//!                      G is the hook it calls when nothing fits
//!   LockedHeap<R, G>   a Heap behind a lock_api mutex: a GlobalAlloc (and, with the
//!                      `nightly` feature, an Allocator)
//!   Span               a byte range [base, acme) as two pointers, how arenas are named
//!   MmapGrow           (feature `mmap`) a Grow hook over an mmap reservation, so that a
//!                      hosted program can use the heap as its global allocator
//! ```
//!
//! The layout of the heap's memory is explained in `heap/INTERNALS.md` and, step by step,
//! in the `docs/` chapters of the repository.
#![no_std]
#![cfg_attr(feature = "nightly", feature(allocator_api))]

pub mod bump;
pub use bump::{Allocation, Bump, Failure, LeakError, Level, Page};

mod grow;
mod heap;
mod locked;
#[cfg(feature = "mmap")]
mod mmap;
mod span;

pub use grow::{ClaimOnFirstUse, Grow, NeverGrow};
pub use heap::{
    AllocError, Arenas, CheckError, Chunk, Chunks, ClaimError, Counters, ExtendError, Heap, Rule,
    TruncateError, Truncated,
};
pub use locked::{LockedHeap, SpinLockedHeap};
#[cfg(feature = "mmap")]
pub use mmap::MmapGrow;
pub use span::Span;
