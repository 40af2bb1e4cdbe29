//! The unfair algorithm: test-and-test-and-set with bounded exponential
//! back-off, for virtual CPUs that a host may deschedule at any time.
//!
//! ```text
//!   lock:    owner 0 → me? done
//!            else: until owner looks free, do the waiter's duty and pause
//!            for `backoff` rounds (1, 2, 4 … 256); then try again
//!   unlock:  owner = 0 (Release)
//! ```
//!
//! Whichever waiter runs when the lock comes free takes it, so a descheduled
//! waiter costs nobody anything; the price is that a waiter may be passed
//! over. The back-off keeps the waiters off the lock's cache line while it
//! is held, and its cap keeps a free lock from lying idle for long.

use super::wait;
use core::sync::atomic::{AtomicU32, Ordering};

/// The longest back-off, in pauses between two looks at the lock.
const MAX_BACKOFF: u32 = 256;

/// Takes `owner` from 0 to `me`, waiting as long as it takes. Interrupts are
/// off. `waiters` counts the CPUs in the loop, for `IrqSpinLock::waiting`.
pub(super) fn lock(owner: &AtomicU32, waiters: &AtomicU32, me: u32) {
    if try_lock(owner, me) {
        return;
    }
    waiters.fetch_add(1, Ordering::Relaxed);
    let mut backoff = 1;
    loop {
        while owner.load(Ordering::Relaxed) != 0 {
            for _ in 0..backoff {
                wait::relax();
            }
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
