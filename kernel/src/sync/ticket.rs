//! The fair algorithm: a ticket lock whose waiters halt.
//!
//! ```text
//!   lock:    ticket = next++ (SeqCst)
//!            until serving == ticket: do the waiter's duty; next in line:
//!            spin a while, then halt; further back: halt until next in line
//!   unlock:  serving++ (SeqCst), then, outside the critical section, kick
//!            the CPU whose turn it is and the one now next in line (so it
//!            spins, ready, by the time this turn ends)
//! ```
//!
//! The ticket is taken with SeqCst: a waiter's park record, its ticket and
//! the unlocker's `serving` must be ordered one way for every CPU, or the
//! unlocker could miss a waiter that misses the new `serving` (see `park`).

use super::park;
use super::wait;
use core::sync::atomic::{AtomicU32, Ordering};

/// How many times the next CPU in line looks at the lock before it halts
/// (the ones behind it halt at once): long enough for a short critical
/// section on a running CPU, short enough that a waiter behind a descheduled
/// one gives its core back soon.
const SPINS_BEFORE_PARKING: u32 = 512;

/// A ticket lock's two words.
pub(super) struct Tickets {
    /// The ticket the next CPU to ask gets.
    next: AtomicU32,
    /// The ticket that holds the lock, or may take it now.
    serving: AtomicU32,
}

impl Tickets {
    /// Free, at ticket 0.
    pub(super) const fn new() -> Self {
        Self {
            next: AtomicU32::new(0),
            serving: AtomicU32::new(0),
        }
    }

    /// Waits for a ticket's turn. Interrupts are off.
    pub(super) fn lock(&self) {
        let ticket = self.next.fetch_add(1, Ordering::SeqCst);
        let mut spins = 0;
        loop {
            let serving = self.serving.load(Ordering::Acquire);
            if serving == ticket {
                return;
            }
            wait::do_duty();
            if ticket.wrapping_sub(serving) > 1 {
                park::park(&self.serving, ticket, 1);
            } else if spins < SPINS_BEFORE_PARKING {
                spins += 1;
                core::hint::spin_loop();
            } else {
                park::park(&self.serving, ticket, 0);
            }
        }
    }

    /// Takes the lock if no CPU holds or waits for it.
    pub(super) fn try_lock(&self) -> bool {
        let serving = self.serving.load(Ordering::Acquire);
        self.next
            .compare_exchange(
                serving,
                serving.wrapping_add(1),
                Ordering::Acquire,
                Ordering::Relaxed,
            )
            .is_ok()
    }

    /// Serves the next ticket and wakes its CPU and the one behind it.
    pub(super) fn unlock(&self) {
        let next = self.serving.load(Ordering::Relaxed).wrapping_add(1);
        self.serving.store(next, Ordering::SeqCst);
        self.wake(next);
        self.wake(next.wrapping_add(1));
    }

    /// Kicks the CPU holding `ticket` if it parked. A CPU that takes
    /// `ticket` after the look at `next` sees the new `serving` first, so it
    /// needs no kick.
    fn wake(&self, ticket: u32) {
        if self.next.load(Ordering::SeqCst).wrapping_sub(ticket) as i32 > 0 {
            park::kick(&self.serving, ticket);
        }
    }

    /// Whether a ticket is out that has not been served.
    pub(super) fn is_locked(&self) -> bool {
        self.next.load(Ordering::Relaxed) != self.serving.load(Ordering::Relaxed)
    }

    /// CPUs holding a ticket but not the lock.
    pub(super) fn waiting(&self) -> u32 {
        let next = self.next.load(Ordering::Relaxed);
        next.wrapping_sub(self.serving.load(Ordering::Relaxed))
            .saturating_sub(1)
    }
}
