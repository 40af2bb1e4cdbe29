//! How many blocks a refill takes from the heap: a quarter magazine at first, twice as many
//! at each refill of the class after it, up to half a magazine, and a quarter again once the
//! class misses on a free.
//!
//! ```text
//!   refill of class k:  fill = min(quarter << doublings[k], M / 2);  doublings[k] += 1
//!   free miss of k:     doublings[k] = 0
//!   M = 8:              2, 4, 4, 4, ... blocks per refill
//! ```
//!
//! A CPU that only allocates a class (a program building a structure) misses once per fill,
//! and each miss pays a trip to the depot and the heap's lock: a quarter magazine at a time,
//! python3's trace missed on a fifth of its allocations. Fills are kept small at first and
//! at most half a magazine because blocks waiting in a magazine split the heap's free
//! chunks; measurements in `heap/INTERNALS.md`, "Refills that ramp up".

use super::PerCpu;

impl<const M: usize> PerCpu<M> {
    /// The blocks this refill of `class` takes; the next one takes twice as many, up to
    /// half a magazine.
    ///
    /// # Safety
    /// The caller must hold this CPU's pin; `class` must come from `class_of`.
    pub(crate) unsafe fn next_fill(&self, class: usize) -> usize {
        // SAFETY: the pin makes the cell ours; `class` is in range.
        let doublings = unsafe { &mut *self.doublings.get_unchecked(class).get() };
        // `doublings` stops growing at half a magazine, so the shift cannot overflow.
        let fill = (M.div_ceil(4) << *doublings).min(M / 2).max(1);
        if fill < M / 2 {
            *doublings += 1;
        }
        fill
    }

    /// Starts the ramp of `class` again: the class missed on a free.
    ///
    /// # Safety
    /// As for [`PerCpu::next_fill`].
    pub(crate) unsafe fn reset_fill(&self, class: usize) {
        // SAFETY: as for `next_fill`.
        unsafe { *self.doublings.get_unchecked(class).get() = 0 }
    }
}
