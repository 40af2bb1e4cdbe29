//! Latency: cycles per allocate + free pair, timed with the fenced time-stamp counter.
//!
//! ```text
//!   fill to 300 live blocks (untimed)
//!   repeat: [begin] allocate(random layout) [end]  +  [begin] free(random live block) [end]
//!           sample = both regions, each less the empty region's cost
//!   report: p1 p25 p50 p75 p99 of the samples of all trials
//! ```
//!
//! The lock is taken once per trial, outside the timed regions: the figures are the
//! allocator's own cost, without the (identical) uncontended lock.

use super::actions::{Align, Live, Mix, Sizes};
use super::figures::{Column, Figures, View};
use super::random::steady_sizes;
use super::rng::Rng;
use super::settings::Settings;
use super::stats::percentile;
use super::subject::{each_subject, Locked, OnEach, Subject};
use super::timing::{begin, end, Clock};
use super::Arena;

/// The size distributions, one table each (with their titles): uniform up to a maximum,
/// with the usual alignment mix, and as the traced programs ask, with align 8 or 16.
const TABLES: [(&str, Sizes, Align); 3] = [
    ("sizes up to 1000 B", Sizes::Uniform(1000), Align::Mixed),
    ("sizes up to 10000 B", Sizes::Uniform(10_000), Align::Mixed),
    (
        "sizes as the traced programs ask, align 8/16",
        Sizes::Traces,
        Align::Malloc,
    ),
];
/// The percentiles reported, with their metric names.
const PERCENTILES: [(usize, &str); 5] = [
    (1, "p1_cycles"),
    (25, "p25_cycles"),
    (50, "p50_cycles"),
    (75, "p75_cycles"),
    (99, "p99_cycles"),
];
const SEED: u64 = 0x5eed_0002;

/// Measures the latency on every allocator.
pub fn measure(arena: &Arena, settings: &Settings, figures: &mut Figures) {
    let clock = Clock::calibrate();
    println!(
        "timing: an empty fenced rdtsc region costs {} cycles (subtracted)",
        clock.empty()
    );
    each_subject(&mut Latency {
        arena,
        settings,
        figures,
        clock,
    });
}

struct Latency<'a> {
    arena: &'a Arena,
    settings: &'a Settings,
    figures: &'a mut Figures,
    clock: Clock,
}

impl Latency<'_> {
    /// One trial's samples of `mix` on a fresh `A`.
    fn trial<A: Subject>(&self, mix: &Mix, samples: &mut Vec<u64>) {
        // SAFETY: the arena outlives the allocator, which is its only user.
        let heap = Locked::new(unsafe { A::over(self.arena.region(self.arena.size())) });
        let (mut live, mut rng) = (Live::default(), Rng::new(SEED));
        while live.len() < mix.min_live {
            assert!(
                mix.step(&heap, &mut live, &mut rng),
                "{} could not fill the arena",
                A::NAME
            );
        }
        let mut heap = heap.lock();
        for _ in 0..self.settings.pairs {
            let layout = mix.layout(&mut rng);
            let start = begin();
            // SAFETY: the region outlives the allocator.
            let allocated = unsafe { heap.allocate(layout) };
            let allocating = self.clock.cycles(start, end());
            let ptr = allocated.unwrap_or_else(|| panic!("{} ran out of memory", A::NAME));
            live.push(ptr, layout);
            let (ptr, layout) = live.take(rng.below(live.len()));
            let start = begin();
            // SAFETY: a live block of this allocator with its layout.
            unsafe { heap.deallocate(ptr, layout) };
            samples.push(allocating + self.clock.cycles(start, end()));
        }
    }
}

impl OnEach for Latency<'_> {
    fn run<A: Subject>(&mut self) {
        for (_, sizes, align) in TABLES {
            let mix = steady_sizes(sizes, false, align);
            let mut samples = Vec::with_capacity(self.settings.trials * self.settings.pairs);
            for _ in 0..self.settings.trials {
                self.trial::<A>(&mix, &mut samples);
            }
            samples.sort_unstable();
            for (percent, metric) in PERCENTILES {
                let cycles = percentile(&samples, percent) as f64;
                self.figures
                    .add("latency", sizes.param(), A::NAME, metric, cycles);
            }
        }
    }
}

/// One table and plot per size distribution.
pub fn views() -> Vec<View> {
    TABLES
        .iter()
        .map(|(what, sizes, _)| View {
            workload: "latency",
            file: format!(
                "latency-{}",
                sizes.param().replace("max_size=", "").replace("sizes=", "")
            ),
            title: format!("Latency of an allocate + free pair, {what}"),
            unit: "cycles",
            scale: 1.0,
            higher_is_better: false,
            columns: PERCENTILES
                .iter()
                .map(|(percent, metric)| Column::new(format!("p{percent}"), sizes.param(), metric))
                .collect(),
        })
        .collect()
}
