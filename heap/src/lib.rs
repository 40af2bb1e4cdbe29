//! Allocators for a bare-metal kernel, usable by any `no_std` project.
//!
//! ```text
//!   Bump<T>                    a static, lock-free bump allocator over an inline region
//!                              (the kernel's page-table frames)
//!   Heap<G: OutOfMemory>       a boundary-tag heap over arenas it can claim, extend and
//!                              truncate; G is the hook it calls when nothing fits
//!   LockedHeap<R, G>           a Heap behind a lock_api mutex: a GlobalAlloc (and, with the
//!                              `nightly` feature, an Allocator)
//!   Span                       a byte range [base, acme) as two pointers, how arenas are named
//!   CachedHeap<R, G, C, CPUS>  per-CPU magazines of small blocks in front of a locked
//!                              Heap (C: Cpu says which CPU runs); also a GlobalAlloc
//!   ThreadCpu                  (feature `std`) every host thread its own CPU, for tests and
//!                              benches
//!   MmapGrow                   (feature `mmap`) an `OutOfMemory` hook over an mmap
//!                              reservation, so that a hosted program can use the heap as its
//!                              global allocator
//! ```
//!
//! The layout of the heap's memory is explained in `heap/INTERNALS.md` and, step by step,
//! in the `docs/` chapters of the repository.
#![no_std]
#![cfg_attr(feature = "nightly", feature(allocator_api))]
// docs.rs (Cargo.toml) labels every feature-gated item with its feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "std")]
extern crate std;

/// The `lock_api` this crate's locks are generic over: implement its `RawMutex` for a
/// kernel's lock (one that keeps interrupts off while held) to use it in [`LockedHeap`] and
/// [`CachedHeap`], without depending on a second copy of `lock_api`.
pub use lock_api;

pub mod bump;
pub use bump::{Allocation, Bump, Failure, LeakError, Level, Page};

mod cache;
mod hook;
mod hook_heap;
mod locked;
#[cfg(feature = "mmap")]
mod mmap;
mod no_unwind;
mod resized;
mod span;
mod tags;

pub use cache::{
    size_class, CacheCheckError, CacheCounters, CacheRule, CachedHeap, Cpu, SpinCachedHeap,
    CACHED_ALIGN, MAX_CACHED_SIZE, TEARDOWN_FREES,
};
#[cfg(feature = "std")]
pub use cache::{ThreadCpu, ThreadPin, THREAD_SLOTS};
pub use hook::{ClaimOnFirstUse, NeverGrow, OutOfMemory};
pub use hook_heap::HookHeap;
pub use locked::{LockedHeap, SpinLockedHeap};
#[cfg(feature = "mmap")]
pub use mmap::MmapGrow;
pub use span::Span;
pub use tags::size_classes;
pub use tags::{
    AllocError, Arenas, CheckError, Chunk, Chunks, ClaimError, Counters, ExtendError, Heap, Rule,
    TruncateError, Truncated,
};

// The README's examples run as doctests, so that what it shows compiles and works.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
