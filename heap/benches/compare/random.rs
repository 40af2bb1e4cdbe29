//! Random actions: operations per second for allocate/free/realloc sequences with sizes up
//! to 200 … 30000 bytes, with and without realloc; and the same sequence with every request
//! aligned to 64, 512 or 4096, reported against align 8.
//!
//! ```text
//!   trial: fresh allocator over the whole arena ──► `ops` random actions (≥ 300 live blocks),
//!          each through the spin lock ──► ops / elapsed;   figure = median of trials
//! ```

use super::actions::{Align, Live, Mix, Sizes};
use super::figures::{Column, Figures, View};
use super::rng::Rng;
use super::settings::Settings;
use super::stats::median;
use super::subject::{each_subject, Locked, OnEach, Subject};
use super::Arena;
use std::time::Instant;

/// The largest request sizes, one column each.
const MAX_SIZES: [usize; 5] = [200, 1000, 3000, 10_000, 30_000];
/// The alignments of the high-alignment workload.
const ALIGNS: [usize; 3] = [64, 512, 4096];
/// The request size limit of the high-alignment workload.
const ALIGNED_MAX_SIZE: usize = 1000;
/// The seed every allocator's sequence starts from.
const SEED: u64 = 0x5eed_0001;

/// The steady mix: at least 300 live blocks, then equal odds for each action.
pub fn steady(max_size: usize, realloc: bool, align: Align) -> Mix {
    steady_sizes(Sizes::Uniform(max_size), realloc, align)
}

/// The steady mix with sizes drawn from `sizes`.
pub fn steady_sizes(sizes: Sizes, realloc: bool, align: Align) -> Mix {
    Mix {
        sizes,
        weights: [1, 1, usize::from(realloc)],
        align,
        min_live: 300,
    }
}

/// Operations per second of `mix` on `A`: the median of the trials.
pub fn ops_per_sec<A: Subject>(arena: &Arena, mix: &Mix, settings: &Settings) -> f64 {
    let trials = (0..settings.trials).map(|_| {
        // SAFETY: the arena outlives the allocator, which is its only user.
        let heap = Locked::new(unsafe { A::over(arena.region(arena.size())) });
        let (mut live, mut rng, mut failures) = (Live::default(), Rng::new(SEED), 0);
        let started = Instant::now();
        for _ in 0..settings.ops {
            failures += usize::from(!mix.step(&heap, &mut live, &mut rng));
        }
        let seconds = started.elapsed().as_secs_f64();
        if failures > 0 {
            eprintln!(
                "note: {} ran out of memory {failures} times ({})",
                A::NAME,
                mix.sizes.param()
            );
        }
        settings.ops as f64 / seconds
    });
    median(trials.collect())
}

/// Measures both workloads on every allocator.
pub fn measure(arena: &Arena, settings: &Settings, figures: &mut Figures) {
    each_subject(&mut Random {
        arena,
        settings,
        figures,
    });
}

struct Random<'a> {
    arena: &'a Arena,
    settings: &'a Settings,
    figures: &'a mut Figures,
}

impl OnEach for Random<'_> {
    fn run<A: Subject>(&mut self) {
        for (workload, realloc) in [("random", true), ("random-no-realloc", false)] {
            for max_size in MAX_SIZES {
                let mix = steady(max_size, realloc, Align::Mixed);
                let rate = ops_per_sec::<A>(self.arena, &mix, self.settings);
                self.figures.add(
                    workload,
                    format!("max_size={max_size}"),
                    A::NAME,
                    "ops_per_sec",
                    rate,
                );
            }
        }
        let mix = steady(ALIGNED_MAX_SIZE, true, Align::Fixed(8));
        let align8 = ops_per_sec::<A>(self.arena, &mix, self.settings);
        self.figures
            .add("high-alignment", "align=8", A::NAME, "ops_per_sec", align8);
        for align in ALIGNS {
            let mix = steady(ALIGNED_MAX_SIZE, true, Align::Fixed(align));
            let rate = ops_per_sec::<A>(self.arena, &mix, self.settings);
            let param = format!("align={align}");
            self.figures.add(
                "high-alignment",
                param.clone(),
                A::NAME,
                "ops_per_sec",
                rate,
            );
            self.figures.add(
                "high-alignment",
                param,
                A::NAME,
                "ratio_to_align8",
                align8 / rate,
            );
        }
    }
}

/// The tables and plots of both workloads.
pub fn views() -> Vec<View> {
    let mut views = Vec::new();
    for (workload, what) in [
        ("random", "with realloc"),
        ("random-no-realloc", "without realloc"),
    ] {
        views.push(View {
            workload,
            file: workload.to_string(),
            title: format!("Random actions {what}, by largest request size"),
            unit: "million ops/s",
            scale: 1e6,
            higher_is_better: true,
            columns: MAX_SIZES
                .iter()
                .map(|size| {
                    Column::new(
                        format!("max {size} B"),
                        format!("max_size={size}"),
                        "ops_per_sec",
                    )
                })
                .collect(),
        });
    }
    views.push(View {
        workload: "high-alignment",
        file: "high-alignment-ops".to_string(),
        title: format!(
            "High alignment: every request aligned alike (sizes up to {ALIGNED_MAX_SIZE} B)"
        ),
        unit: "million ops/s",
        scale: 1e6,
        higher_is_better: true,
        columns: [8]
            .iter()
            .chain(&ALIGNS)
            .map(|align| {
                Column::new(
                    format!("align {align}"),
                    format!("align={align}"),
                    "ops_per_sec",
                )
            })
            .collect(),
    });
    views.push(View {
        workload: "high-alignment",
        file: "high-alignment".to_string(),
        title: format!(
            "High alignment: time per op relative to align 8 (sizes up to {ALIGNED_MAX_SIZE} B)"
        ),
        unit: "x the align-8 time",
        scale: 1.0,
        higher_is_better: false,
        columns: ALIGNS
            .iter()
            .map(|align| {
                Column::new(
                    format!("align {align}"),
                    format!("align={align}"),
                    "ratio_to_align8",
                )
            })
            .collect(),
    });
    views
}
