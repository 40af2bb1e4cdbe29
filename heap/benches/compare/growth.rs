//! Growth: the arena starts at 64 KiB and the allocator's out-of-memory hook extends it, a
//! growth step (64 KiB or more) at a time, up to the full arena; the same random actions as
//! the steady workload (sizes up to 1000 B, with realloc).
//!
//! ```text
//!   |64K|──► OOM ──► extend ──►|64K|64K|──► ... ──►|   final arena    |      ...unused |
//!   figures: ops/s (median of trials) and the final arena size of the sequence
//! ```

use super::actions::{Align, Live};
use super::figures::{Column, Figures, View};
use super::random::steady;
use super::rng::Rng;
use super::settings::Settings;
use super::stats::median;
use super::subject::{each_growing, Growing, Locked, OnEachGrowing};
use super::Arena;
use std::time::Instant;

const INITIAL: usize = 64 << 10;
const MAX_SIZE: usize = 1000;
const SEED: u64 = 0x5eed_0005;
const PARAM: &str = "max_size=1000";

/// Measures every growing allocator.
pub fn measure(arena: &Arena, settings: &Settings, figures: &mut Figures) {
    each_growing(&mut Growth {
        arena,
        settings,
        figures,
    });
}

struct Growth<'a> {
    arena: &'a Arena,
    settings: &'a Settings,
    figures: &'a mut Figures,
}

impl OnEachGrowing for Growth<'_> {
    fn run<A: Growing>(&mut self) {
        let mix = steady(MAX_SIZE, true, Align::Mixed);
        let mut final_arena = 0;
        let trials = (0..self.settings.trials).map(|_| {
            // SAFETY: the arena outlives the allocator, which is its only user.
            let heap =
                Locked::new(unsafe { A::growing(self.arena.region(self.arena.size()), INITIAL) });
            let (mut live, mut rng) = (Live::default(), Rng::new(SEED));
            let started = Instant::now();
            for _ in 0..self.settings.ops {
                assert!(
                    mix.step(&heap, &mut live, &mut rng),
                    "{} could not grow",
                    A::NAME
                );
            }
            let seconds = started.elapsed().as_secs_f64();
            final_arena = heap.lock().arena_bytes();
            self.settings.ops as f64 / seconds
        });
        let rate = median(trials.collect());
        self.figures
            .add("growth", PARAM, A::NAME, "ops_per_sec", rate);
        self.figures.add(
            "growth",
            PARAM,
            A::NAME,
            "final_arena_bytes",
            final_arena as f64,
        );
    }
}

/// The growth tables and plots: speed, and the arena each allocator ended with.
pub fn views() -> Vec<View> {
    let view = |file: &str, title: &str, unit, scale, higher_is_better, metric| View {
        workload: "growth",
        file: file.to_string(),
        title: format!("{title} (from 64 KiB, sizes up to {MAX_SIZE} B)"),
        unit,
        scale,
        higher_is_better,
        columns: vec![Column::new("grow on demand", PARAM, metric)],
    };
    vec![
        view(
            "growth-ops",
            "Growth: speed",
            "million ops/s",
            1e6,
            true,
            "ops_per_sec",
        ),
        view(
            "growth-arena",
            "Growth: final arena",
            "KiB",
            1024.0,
            false,
            "final_arena_bytes",
        ),
    ]
}
