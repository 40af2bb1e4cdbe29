//! How many times the kernel called the global allocator, whichever path served it: set
//! beside the boundary-tag heap's own count (which sees only the calls a per-CPU magazine
//! did not serve), it gives the magazines' hit rate. Counted with `heap-counters` only.
//!
//! ```text
//!   alloc ─► ALLOCATIONS += 1 ─► magazine hit (heap count unchanged) | heap (count + 1)
//!   dealloc ─► FREES += 1
//! ```

use core::sync::atomic::{AtomicU64, Ordering};

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static FREES: AtomicU64 = AtomicU64::new(0);

/// Calls to the global allocator so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Calls {
    /// `alloc` and `alloc_zeroed` calls (a `realloc` only when it moves a large block).
    pub allocations: u64,
    /// `dealloc` calls.
    pub frees: u64,
}

/// The calls so far (zero without `heap-counters`).
pub fn calls() -> Calls {
    Calls {
        allocations: ALLOCATIONS.load(Ordering::Relaxed),
        frees: FREES.load(Ordering::Relaxed),
    }
}

/// Counts one allocation.
pub(super) fn allocated() {
    if cfg!(feature = "heap-counters") {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

/// Counts one free.
pub(super) fn freed() {
    if cfg!(feature = "heap-counters") {
        FREES.fetch_add(1, Ordering::Relaxed);
    }
}
