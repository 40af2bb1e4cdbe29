//! Heap efficiency on a trace: the peak of the live requested bytes over the smallest arena
//! on which the whole trace replays, found by bisection on the arena's size.
//!
//! ```text
//!   fails ◄──────────────── bisect ────────────────► fits
//!   peak live bytes        ...   lo | hi   ...      the whole arena (or 4 x peak, if it fits)
//!   stop when hi - lo <= resolution x hi;   efficiency_pct = 100 x peak / hi
//! ```
//!
//! Whether a trace fits need not be monotonic in the arena's size; the figure is the one
//! the bisection lands on. Sizes are multiples of 64 bytes.

use super::arena::Arena;
use super::figures::{Column, Figures, View};
use super::player::{replay, Untimed};
use super::settings::Settings;
use super::speed::TooSlow;
use super::subject::{each_subject, Locked, OnEach, Subject};
use super::trace::Trace;

/// Arena sizes are multiples of this.
const GRAIN: usize = 64;

/// Measures the efficiency of every allocator on every trace.
pub fn measure(
    arena: &Arena,
    traces: &[Trace],
    settings: &Settings,
    too_slow: &TooSlow,
    figures: &mut Figures,
) {
    for trace in traces {
        each_subject(&mut Efficiency {
            arena,
            trace,
            too_slow,
            resolution: settings.resolution,
            figures,
        });
    }
}

struct Efficiency<'a> {
    arena: &'a Arena,
    trace: &'a Trace,
    too_slow: &'a TooSlow,
    resolution: f64,
    figures: &'a mut Figures,
}

impl Efficiency<'_> {
    /// Whether the whole trace replays on `A` over the first `size` bytes of the arena.
    fn fits<A: Subject>(&self, size: usize) -> bool {
        // SAFETY: the arena outlives the allocator, which is its only user.
        let heap = Locked::new(unsafe { A::over(self.arena.region(size)) });
        replay(&heap, self.trace, &mut Untimed, &mut Vec::new()).is_ok()
    }
}

impl OnEach for Efficiency<'_> {
    fn run<A: Subject>(&mut self) {
        if self.too_slow.contains::<A>(self.trace) {
            return;
        }
        let peak = self.trace.peak_live;
        let whole = self.arena.size();
        let mut lo = peak / GRAIN * GRAIN;
        let mut hi = (4 * peak).next_multiple_of(GRAIN).min(whole);
        if !self.fits::<A>(hi) {
            (lo, hi) = (hi, whole);
            if !self.fits::<A>(hi) {
                return;
            }
        }
        while (hi - lo) as f64 > self.resolution * hi as f64 && hi - lo > GRAIN {
            let middle = (lo + (hi - lo) / 2) / GRAIN * GRAIN;
            if self.fits::<A>(middle) {
                hi = middle;
            } else {
                lo = middle;
            }
        }
        let percent = 100.0 * peak as f64 / hi as f64;
        let param = format!("trace={}", self.trace.name);
        self.figures
            .add("replay", param, A::NAME, "efficiency_pct", percent);
    }
}

/// The efficiency table and plot: one column per trace.
pub fn views(traces: &[Trace]) -> Vec<View> {
    vec![View {
        workload: "replay",
        file: "replay-efficiency".to_string(),
        title: "Trace replay: heap efficiency (peak live bytes / smallest arena)".to_string(),
        unit: "% of the arena",
        scale: 1.0,
        higher_is_better: true,
        columns: traces
            .iter()
            .map(|trace| {
                let param = format!("trace={}", trace.name);
                Column::new(trace.name, param, "efficiency_pct")
            })
            .collect(),
    }]
}
