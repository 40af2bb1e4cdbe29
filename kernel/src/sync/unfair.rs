//! The unfair algorithm: test-and-test-and-set with bounded exponential
//! back-off, for virtual CPUs that a host may deschedule at any time.
//!
//! ```text
//!   lock:    owner 0 → me? done
//!            else, until owner looks free: do the waiter's duty and pause
//!            for `backoff` rounds (1, 2, 4 … 256); spun out? halt until
//!            kicked (`park`); then try again
//!   unlock:  owner = 0, then, if any CPU waits, kick one parked waiter
//! ```
//!
//! Whichever waiter runs when the lock comes free takes it, so a descheduled
//! waiter costs nobody anything; the price is that a waiter may be passed
//! over. The back-off keeps the waiters off the lock's cache line while it
//! is held; a waiter that spun long halts, which gives its host core back to
//! the CPU that holds the lock (as a paravirtual spinlock's waiter yields to
//! its hypervisor), and every unlock wakes one of them.

use super::{park, wait};
use core::sync::atomic::{AtomicU32, Ordering};

/// The longest back-off, in pauses between two looks at the lock.
const MAX_BACKOFF: u32 = 256;
/// Pauses a waiter spends before it halts.
const SPINS_BEFORE_PARKING: u32 = 1 << 11;

/// Takes `owner` from 0 to `me`, waiting as long as it takes. Interrupts are
/// off. `waiters` counts the CPUs in the loop.
pub(super) fn lock(owner: &AtomicU32, waiters: &AtomicU32, me: u32) {
    if try_lock(owner, me) {
        return;
    }
    // SeqCst, against the unlocker's look at it: a waiter it does not count
    // sees the lock free before it could halt.
    waiters.fetch_add(1, Ordering::SeqCst);
    let mut backoff = 1;
    let mut spun = 0;
    loop {
        while owner.load(Ordering::Relaxed) != 0 {
            if spun >= SPINS_BEFORE_PARKING {
                // Halts while `0 - owner` is above 0, that is while held.
                park::park(owner, 0, 0);
                spun = 0;
                continue;
            }
            for _ in 0..backoff {
                wait::relax();
            }
            spun += backoff;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
        if try_lock(owner, me) {
            break;
        }
    }
    waiters.fetch_sub(1, Ordering::Relaxed);
}

/// Takes `owner` from 0 to `me` if it is free.
pub(super) fn try_lock(owner: &AtomicU32, me: u32) -> bool {
    owner
        .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
        .is_ok()
}

/// Frees `owner` and wakes one halted waiter, if any waits.
pub(super) fn unlock(owner: &AtomicU32, waiters: &AtomicU32) {
    owner.store(0, Ordering::SeqCst);
    if waiters.load(Ordering::SeqCst) != 0 {
        park::kick(owner, 0);
    }
}
