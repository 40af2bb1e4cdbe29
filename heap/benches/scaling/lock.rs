//! The lock every contender sits behind in this bench (ours with caches uses it for its
//! depot and its heap): a spin lock that yields the CPU after a short spin.
//!
//! ```text
//!   lock:  try (compare-and-swap) ─► taken? spin 64 x ─► still taken? yield_now ─► try …
//! ```
//!
//! A kernel's heap lock turns interrupts off, so its holder is never preempted; on a host
//! with more threads than free cores a pure spin lock's waiters spin away the holder's
//! time slice instead, which measures the scheduler rather than the allocator. Yielding
//! keeps that artefact small, and every contender pays the same.
//!
//! Each thread counts the locks it takes (a thread-local add, no shared line): locks per
//! operation is what decides how an allocator scales, and unlike time it does not depend
//! on what else the host runs.

use lock_api::{GuardSend, RawMutex};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

std::thread_local! {
    static TAKEN: Cell<u64> = const { Cell::new(0) };
}

/// How many locks this thread has taken so far.
pub fn taken() -> u64 {
    TAKEN.get()
}

/// A spin-then-yield raw mutex.
pub struct YieldLock(AtomicBool);

// SAFETY: the flag is taken with an acquiring compare-and-swap and released with a
// releasing store, so one holder at a time, and its writes are seen by the next.
unsafe impl RawMutex for YieldLock {
    #[allow(clippy::declare_interior_mutable_const)] // lock_api's way of building locks
    const INIT: Self = YieldLock(AtomicBool::new(false));
    type GuardMarker = GuardSend;

    fn lock(&self) {
        TAKEN.set(TAKEN.get() + 1);
        while !self.try_lock() {
            for _ in 0..64 {
                std::hint::spin_loop();
                if !self.0.load(Ordering::Relaxed) {
                    break;
                }
            }
            if self.0.load(Ordering::Relaxed) {
                std::thread::yield_now();
            }
        }
    }

    fn try_lock(&self) -> bool {
        let free = !self.0.load(Ordering::Relaxed);
        free && self
            .0
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    unsafe fn unlock(&self) {
        self.0.store(false, Ordering::Release);
    }
}
