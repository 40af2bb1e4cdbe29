//! `ThreadCpu` (feature `std`): on a host, every thread is its own CPU, so tests and
//! benchmarks run the cache exactly as a kernel would, one slot per thread.
//!
//! ```text
//!   every pin:           read INDEX (a thread-local word); pinning itself is a no-op
//!   first pin:           answers UNCLAIMED, for which no cache has a slot; the cache tells
//!                        `no_slot`, which claims the lowest free index in CLAIMED
//!                        (compare-and-swap, once), sets INDEX = i and registers a guard
//!                        that releases i when the thread exits; the next pins answer i
//!   thread exit:         INDEX = GONE (>= any CPUS: the cache is bypassed from then on);
//!                        clear bit i in CLAIMED (release), for the next thread to claim
//! ```
//!
//! Soundness (the `Cpu` contract): index `i` belongs to one live thread at a time, from its
//! claim to its exit, so a slot is only ever touched by the thread that owns it. There is
//! nothing to turn off: a thread cannot be interrupted by another use of its own index
//! (signal handlers must not allocate, as with any `malloc`). The release at exit and the
//! acquiring claim order the old owner's work on the slot before the new owner's; an adopting
//! flush is one more owner, for as long as its pin lives. Claiming
//! may allocate (registering the exit guard); `INDEX` is set first, so such an allocation
//! pins again and finds its index, and the slot is not in use yet.

use super::Cpu;
use core::cell::Cell;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicU64, Ordering};

/// Indices `ThreadCpu` hands out: at most this many threads hold one at once; the others
/// are served by the heap directly.
pub const THREAD_SLOTS: usize = 256;
/// `INDEX` before the thread's first pin.
const UNCLAIMED: usize = usize::MAX;
/// `INDEX` of a thread that could not claim one, or has released it on exit.
const GONE: usize = usize::MAX - 1;

/// One bit per index, set while a thread holds it.
static CLAIMED: [AtomicU64; THREAD_SLOTS / 64] = [const { AtomicU64::new(0) }; THREAD_SLOTS / 64];

std::thread_local! {
    static INDEX: Cell<usize> = const { Cell::new(UNCLAIMED) };
    static GUARD: Release = const { Release };
}

/// Gives the thread's index back when the thread exits.
struct Release;

impl Drop for Release {
    fn drop(&mut self) {
        let index = INDEX.replace(GONE);
        if index < THREAD_SLOTS {
            release(index);
        }
    }
}

/// Clears the bit of `index` (below `THREAD_SLOTS`): the next thread may claim it.
fn release(index: usize) {
    CLAIMED[index / 64].fetch_and(!(1 << (index % 64)), Ordering::Release);
}

/// Claims the lowest free index for this thread: `INDEX` becomes it (`GONE` if all are
/// taken).
#[cold]
#[inline(never)]
fn claim() {
    let index = (0..THREAD_SLOTS)
        .find(|&index| {
            let bit = 1 << (index % 64);
            CLAIMED[index / 64].fetch_or(bit, Ordering::Acquire) & bit == 0
        })
        .unwrap_or(GONE);
    INDEX.set(index);
    if index != GONE {
        GUARD.with(|_| ());
    }
}

/// The host's CPUs: each thread is one, with an index of its own (see the module header).
#[derive(Clone, Copy, Debug)]
pub struct ThreadCpu;

/// A `ThreadCpu` pin: the thread's index, or one it adopted; it stays on its thread (`!Send`).
#[derive(Debug)]
pub struct ThreadPin {
    index: usize,
    /// Adopted from an exited thread (`Cpu::adopt`): the index is released on drop.
    adopted: bool,
    _thread: PhantomData<*const ()>,
}

impl Drop for ThreadPin {
    #[inline(always)]
    fn drop(&mut self) {
        if self.adopted {
            release(self.index);
        }
    }
}

// SAFETY: see the module header: an index belongs to one thread at a time, handed over with
// release/acquire, and a thread is never interrupted by another use of its own index.
unsafe impl Cpu for ThreadCpu {
    type Pin = ThreadPin;

    #[inline(always)]
    fn pin() -> ThreadPin {
        ThreadPin {
            index: INDEX.get(),
            adopted: false,
            _thread: PhantomData,
        }
    }

    /// Claims an index for this thread if it has none yet (its first pin answers
    /// `UNCLAIMED`, which no cache has a slot for): out of the fast path, whose only test
    /// is then the cache's own bound on the index.
    #[inline(always)]
    fn no_slot(pin: &ThreadPin) {
        if pin.index == UNCLAIMED {
            claim();
        }
    }

    #[inline(always)]
    fn index(pin: &ThreadPin) -> usize {
        pin.index
    }

    /// An exited thread's index (a live thread's, the caller's own included, is refused).
    fn adopt(index: usize) -> Option<ThreadPin> {
        if index >= THREAD_SLOTS {
            return None;
        }
        let bit = 1 << (index % 64);
        let held = CLAIMED[index / 64].fetch_or(bit, Ordering::Acquire) & bit != 0;
        // Built only if adopted: a dropped pin releases its index.
        (!held).then(|| ThreadPin {
            index,
            adopted: true,
            _thread: PhantomData,
        })
    }
}
