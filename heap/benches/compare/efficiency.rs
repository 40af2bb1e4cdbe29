//! Heap efficiency: fill an arena with random actions that favour allocation until the first
//! request fails; report the bytes the live blocks asked for as a share of the arena.
//!
//! ```text
//!   arena  |■■ ■■■ ■ ■■■■  ■■ ■■■■■ ■■■ ■  ■■■■|   ■ requested bytes of live blocks
//!   efficiency_pct = live requested bytes / arena bytes × 100, at the first failure
//! ```
//!
//! Actions are weighted [allocate 2, free 1, realloc 1], so the heap fills while it churns.
//! Each trial uses its own seed; the figure is the median. Sizes are uniform up to a
//! maximum, with the usual alignment mix, or drawn from the traces with align 8 or 16.

use super::actions::{Align, Live, Mix, Sizes};
use super::figures::{Column, Figures, View};
use super::rng::Rng;
use super::settings::Settings;
use super::stats::median;
use super::subject::{each_subject, Locked, OnEach, Subject};
use super::Arena;

/// The size distributions and alignments, one column each (with their headings).
const COLUMNS: [(&str, Sizes, Align); 4] = [
    ("max 200 B", Sizes::Uniform(200), Align::Mixed),
    ("max 1000 B", Sizes::Uniform(1000), Align::Mixed),
    ("max 10000 B", Sizes::Uniform(10_000), Align::Mixed),
    ("trace sizes, align 8/16", Sizes::Traces, Align::Malloc),
];
const SEED: u64 = 0x5eed_0003;

/// Measures the efficiency of every allocator.
pub fn measure(arena: &Arena, settings: &Settings, figures: &mut Figures) {
    each_subject(&mut Efficiency {
        arena,
        settings,
        figures,
    });
}

struct Efficiency<'a> {
    arena: &'a Arena,
    settings: &'a Settings,
    figures: &'a mut Figures,
}

impl OnEach for Efficiency<'_> {
    fn run<A: Subject>(&mut self) {
        let size = self.settings.efficiency_arena;
        for (_, sizes, align) in COLUMNS {
            let mix = Mix {
                sizes,
                weights: [2, 1, 1],
                align,
                min_live: 1,
            };
            let trials = (0..self.settings.trials as u64).map(|trial| {
                // SAFETY: the arena outlives the allocator, which is its only user.
                let heap = Locked::new(unsafe { A::over(self.arena.region(size)) });
                let (mut live, mut rng) = (Live::default(), Rng::new(SEED + trial));
                while mix.step(&heap, &mut live, &mut rng) {}
                100.0 * live.bytes as f64 / size as f64
            });
            let percent = median(trials.collect());
            self.figures.add(
                "efficiency",
                sizes.param(),
                A::NAME,
                "efficiency_pct",
                percent,
            );
        }
    }
}

/// The efficiency table and plot.
pub fn views() -> Vec<View> {
    vec![View {
        workload: "efficiency",
        file: "efficiency".to_string(),
        title: "Heap efficiency: requested bytes live at the first failure".to_string(),
        unit: "% of the arena",
        scale: 1.0,
        higher_is_better: true,
        columns: COLUMNS
            .iter()
            .map(|(heading, sizes, _)| Column::new(*heading, sizes.param(), "efficiency_pct"))
            .collect(),
    }]
}
