//! Speed: nanoseconds per operation of a whole replay (allocator, lock, stamps and checks),
//! the median of several rounds. Each round replays the trace on every allocator in turn,
//! so a drift of the machine's speed hits all of them alike. A round replays a short trace
//! several times, so that a burst of load on the machine cannot decide its figure.
//!
//! ```text
//!   round 1: ours talc rlsf buddy dlmalloc linked_list     each: replays (a fresh allocator
//!   round 2: ours talc rlsf buddy dlmalloc linked_list     over the arena each) until the
//!   ...                                                     sample time has passed; ns/op
//!                                         figure: median over the rounds, per allocator
//! ```
//!
//! An allocator whose replay takes longer than the settings' budget is not replayed again on
//! that trace, and is listed in [`TooSlow`] so that the other workloads skip it there.

use super::arena::Arena;
use super::figures::{Column, Figures, View};
use super::player::{replay, Block, Untimed};
use super::settings::Settings;
use super::stats::median;
use super::subject::{each_subject, Locked, OnEach, Subject};
use super::trace::Trace;
use std::time::{Duration, Instant};

/// The (trace, allocator) pairs whose replay took longer than the budget.
#[derive(Default)]
pub struct TooSlow(Vec<(&'static str, &'static str)>);

impl TooSlow {
    /// Whether allocator `A` was too slow on `trace`.
    pub fn contains<A: Subject>(&self, trace: &Trace) -> bool {
        self.0.contains(&(trace.name, A::NAME))
    }
}

/// Measures every allocator on every trace; returns the ones that were too slow.
pub fn measure(
    arena: &Arena,
    traces: &[Trace],
    settings: &Settings,
    figures: &mut Figures,
) -> TooSlow {
    let mut too_slow = TooSlow::default();
    for trace in traces {
        let mut speed = Speed {
            arena,
            trace,
            settings,
            samples: Vec::new(),
            blocks: Vec::new(),
            too_slow: &mut too_slow,
        };
        for _ in 0..settings.rounds {
            each_subject(&mut speed);
        }
        for (allocator, samples) in speed.samples {
            let param = format!("trace={}", trace.name);
            figures.add("replay", param, allocator, "ns_per_op", median(samples));
        }
    }
    too_slow
}

struct Speed<'a> {
    arena: &'a Arena,
    trace: &'a Trace,
    settings: &'a Settings,
    /// Nanoseconds per operation of each round, per allocator.
    samples: Vec<(&'static str, Vec<f64>)>,
    blocks: Vec<Block>,
    too_slow: &'a mut TooSlow,
}

impl Speed<'_> {
    /// Replays the trace on a fresh `A` until `sample` time has passed (at least once);
    /// nanoseconds per operation, or `None` if `A` ran out of memory.
    fn sample<A: Subject>(&mut self) -> Option<(f64, Duration)> {
        let (mut elapsed, mut replays) = (Duration::ZERO, 0);
        while replays == 0 || elapsed < self.settings.sample {
            // SAFETY: the arena outlives the allocator, which is its only user.
            let heap = Locked::new(unsafe { A::over(self.arena.region(self.arena.size())) });
            let started = Instant::now();
            let replayed = replay(&heap, self.trace, &mut Untimed, &mut self.blocks);
            elapsed += started.elapsed();
            replays += 1;
            if let Err(index) = replayed {
                let trace = self.trace.name;
                eprintln!(
                    "note: {} ran out of memory at op {index} of {trace}",
                    A::NAME
                );
                return None;
            }
        }
        let ops = replays * self.trace.ops.len();
        Some((elapsed.as_nanos() as f64 / ops as f64, elapsed))
    }
}

impl OnEach for Speed<'_> {
    fn run<A: Subject>(&mut self) {
        if self.too_slow.contains::<A>(self.trace) {
            return;
        }
        let Some((ns, elapsed)) = self.sample::<A>() else {
            return;
        };
        if elapsed > self.settings.budget {
            eprintln!(
                "note: {} took {elapsed:.1?} on {}: one round only, no latency or efficiency",
                A::NAME,
                self.trace.name
            );
            self.too_slow.0.push((self.trace.name, A::NAME));
        }
        match self.samples.iter_mut().find(|(name, _)| *name == A::NAME) {
            Some((_, samples)) => samples.push(ns),
            None => self.samples.push((A::NAME, vec![ns])),
        }
    }
}

/// The speed table and plot: one column per trace.
pub fn views(traces: &[Trace]) -> Vec<View> {
    vec![View {
        workload: "replay",
        file: "replay-speed".to_string(),
        title: "Trace replay: time per operation (allocator, lock, stamps)".to_string(),
        unit: "ns per op",
        scale: 1.0,
        higher_is_better: false,
        columns: traces
            .iter()
            .map(|trace| Column::new(trace.name, format!("trace={}", trace.name), "ns_per_op"))
            .collect(),
    }]
}
