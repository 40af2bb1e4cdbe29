//! How many blocks a refill takes from the heap: a quarter magazine at first, twice as many
//! at the next refill of the class, half a magazine until the class has been refilled four
//! times with no free miss, a whole magazine from then on, and a quarter again once the
//! class misses on a free.
//!
//! ```text
//!   refill of class k:  fill = M                              if refills[k] >= SUSTAINED
//!                              min(quarter << refills[k], M/2)  otherwise
//!                       refills[k] += 1 (up to SUSTAINED)
//!   free miss of k:     refills[k] = 0
//!   M = 8:              2, 4, 4, 4, 8, 8, ... blocks per refill
//! ```
//!
//! A CPU that only allocates a class (a program building a structure) misses once per fill,
//! and each miss pays a trip to the depot and the heap's lock: a quarter magazine at a time,
//! python3's trace missed on a fifth of its allocations. Fills are kept small at first
//! because blocks waiting in a magazine split the heap's free chunks; a class that keeps
//! growing is building something, and the blocks of a whole magazine will be used.
//! Measurements in `heap/INTERNALS.md`, "Refills that ramp up".

use super::MissCounts;

/// Refills of a class with no free miss between them, after which a refill takes a whole
/// magazine.
const SUSTAINED: u8 = 4;

impl MissCounts {
    /// The blocks this refill of `class` takes (see the module header).
    ///
    /// # Safety
    /// The caller must hold this CPU's pin; `class` must come from `class_of`.
    pub(crate) unsafe fn next_fill<const M: usize>(&self, class: usize) -> usize {
        // SAFETY: the pin makes the cell ours; `class` is in range.
        let refills = unsafe { &mut *self.refills.get_unchecked(class).get() };
        // `refills` stops at SUSTAINED, so the shift cannot overflow.
        let fill = if *refills >= SUSTAINED {
            M
        } else {
            (M.div_ceil(4) << *refills).min(M / 2).max(1)
        };
        *refills = (*refills + 1).min(SUSTAINED);
        fill
    }

    /// Starts the ramp of `class` again: the class missed on a free.
    ///
    /// # Safety
    /// As for [`MissCounts::next_fill`].
    pub(crate) unsafe fn reset_fill(&self, class: usize) {
        // SAFETY: as for `next_fill`.
        unsafe { *self.refills.get_unchecked(class).get() = 0 }
    }
}
