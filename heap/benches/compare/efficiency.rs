//! Heap efficiency: fill an arena with random actions that favour allocation until the first
//! request fails; report the bytes the live blocks asked for as a share of the arena.
//!
//! ```text
//!   arena  |■■ ■■■ ■ ■■■■  ■■ ■■■■■ ■■■ ■  ■■■■|   ■ requested bytes of live blocks
//!   efficiency_pct = live requested bytes / arena bytes × 100, at the first failure
//! ```
//!
//! Actions are weighted [allocate 2, free 1, realloc 1], so the heap fills while it churns.
//! Each trial uses its own seed; the figure is the median. (Sizes drawn from the traces are
//! no use here: their tail of blocks up to 512 KiB makes the first failure the same request
//! for every allocator. The replay bench measures efficiency on the traces themselves.)

use super::actions::{Align, Live, Mix, Sizes};
use super::figures::{Column, Figures, View};
use super::rng::Rng;
use super::settings::Settings;
use super::stats::median;
use super::subject::{each_subject, Locked, OnEach, Subject};
use super::Arena;

/// The size distributions, one column each (with their headings).
const COLUMNS: [(&str, Sizes); 3] = [
    ("max 200 B", Sizes::Uniform(200)),
    ("max 1000 B", Sizes::Uniform(1000)),
    ("max 10000 B", Sizes::Uniform(10_000)),
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
        for (_, sizes) in COLUMNS {
            let mix = Mix {
                sizes,
                weights: [2, 1, 1],
                align: Align::Mixed,
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
            .map(|(heading, sizes)| Column::new(*heading, sizes.param(), "efficiency_pct"))
            .collect(),
    }]
}
