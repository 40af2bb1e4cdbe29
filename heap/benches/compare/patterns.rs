//! Real allocation patterns: random actions (with realloc) whose sizes are drawn from the
//! traced programs' requests, asking align 8, align 16 (C's `malloc`) or either (Rust
//! programs); and what align 16 costs against align 8.
//!
//! ```text
//!   sizes: trace_sizes.rs (half are 8..56 B, 1 in 8 over 1 KiB)
//!   columns: align 8 | align 16 | align 8/16 mix    ops per second, median of trials
//!            align 16 / align 8                      x the align-8 time
//! ```

use super::actions::{Align, Sizes};
use super::figures::{Column, Figures, View};
use super::random::{ops_per_sec, steady_sizes};
use super::settings::Settings;
use super::subject::{each_subject, OnEach, Subject};
use super::Arena;

/// The workload's name in figures.
const WORKLOAD: &str = "trace-sizes";
/// The alignments, one column each, with their headings and figure names.
const ALIGNS: [(&str, &str, Align); 3] = [
    ("align 8", "align=8", Align::Fixed(8)),
    ("align 16", "align=16", Align::Fixed(16)),
    ("align 8/16 mix", "align=8/16", Align::Malloc),
];

/// Measures the workload on every allocator.
pub fn measure(arena: &Arena, settings: &Settings, figures: &mut Figures) {
    each_subject(&mut Patterns {
        arena,
        settings,
        figures,
    });
}

struct Patterns<'a> {
    arena: &'a Arena,
    settings: &'a Settings,
    figures: &'a mut Figures,
}

impl OnEach for Patterns<'_> {
    fn run<A: Subject>(&mut self) {
        let mut rates = [0.0; ALIGNS.len()];
        for ((_, param, align), rate) in ALIGNS.iter().zip(&mut rates) {
            let mix = steady_sizes(Sizes::Traces, true, *align);
            *rate = ops_per_sec::<A>(self.arena, &mix, self.settings);
            self.figures
                .add(WORKLOAD, *param, A::NAME, "ops_per_sec", *rate);
        }
        let cost = rates[0] / rates[1];
        self.figures
            .add(WORKLOAD, "align=16", A::NAME, "ratio_to_align8", cost);
    }
}

/// The table and plot of the rates, and the table of what align 16 costs.
pub fn views() -> Vec<View> {
    let rates = View {
        workload: WORKLOAD,
        file: WORKLOAD.to_string(),
        title: "Random actions with realloc, sizes as the traced programs ask".to_string(),
        unit: "million ops/s",
        scale: 1e6,
        higher_is_better: true,
        columns: ALIGNS
            .iter()
            .map(|(heading, param, _)| Column::new(*heading, *param, "ops_per_sec"))
            .collect(),
    };
    let cost = View {
        workload: WORKLOAD,
        file: format!("{WORKLOAD}-align16"),
        title: "Align 16 against align 8, sizes as the traced programs ask".to_string(),
        unit: "x the align-8 time",
        scale: 1.0,
        higher_is_better: false,
        columns: vec![Column::new("align 16", "align=16", "ratio_to_align8")],
    };
    vec![rates, cost]
}
