//! Cycle timing with the time-stamp counter, fenced so that the timed code cannot drift out
//! of the measured region.
//!
//! ```text
//!   lfence; rdtsc; lfence   <timed code>   lfence; rdtsc; lfence
//!   ^ begin                                ^ end          cycles = end - begin - empty
//! ```
//!
//! `lfence` before `rdtsc` waits for the timed code to finish; `lfence` after it keeps later
//! code from starting early. `empty` is the median cost of a region with nothing in it,
//! measured once at start.

use std::arch::x86_64::{_mm_lfence, _rdtsc};

/// The time-stamp counter, read once everything before it has finished.
#[inline(always)]
fn fenced_rdtsc() -> u64 {
    // SAFETY: `lfence` (SSE2) and `rdtsc` exist on every x86-64 CPU.
    unsafe {
        _mm_lfence();
        let count = _rdtsc();
        _mm_lfence();
        count
    }
}

/// The time-stamp counter before a timed region.
#[inline(always)]
pub fn begin() -> u64 {
    fenced_rdtsc()
}

/// The time-stamp counter after a timed region.
#[inline(always)]
pub fn end() -> u64 {
    fenced_rdtsc()
}

/// The cost of timing nothing, subtracted from every timed region.
pub struct Clock {
    empty: u64,
}

impl Clock {
    /// Measures the empty region (median of many).
    pub fn calibrate() -> Self {
        let mut samples: Vec<u64> = (0..10_000)
            .map(|_| {
                let start = begin();
                end() - start
            })
            .collect();
        samples.sort_unstable();
        Self {
            empty: samples[samples.len() / 2],
        }
    }

    /// Cycles between `start` and `stop`, less the empty region's cost.
    pub fn cycles(&self, start: u64, stop: u64) -> u64 {
        (stop - start).saturating_sub(self.empty)
    }

    /// The cost of the empty region, in cycles.
    pub fn empty(&self) -> u64 {
        self.empty
    }
}
