//! Threads: several threads share one locked allocator, each running its own random-action
//! sequence; the figure is the total operations per second (wall clock).
//!
//! ```text
//!   thread 0 ─┐                      each: `thread_ops` random actions, own seed,
//!   thread 1 ─┼──► SpinMutex<A> ──►  own live blocks (≥ 300), sizes up to 1000 B
//!   thread 2 ─┤                      start together at a barrier
//!   thread 3 ─┘                      ops/s = all actions / (first start to last finish)
//! ```
//!
//! One thread is measured too, as the reference the four are read against.

use super::actions::{Align, Live};
use super::figures::{Column, Figures, View};
use super::random::steady;
use super::rng::Rng;
use super::settings::Settings;
use super::stats::median;
use super::subject::{each_subject, Locked, OnEach, Subject};
use super::Arena;
use std::sync::Barrier;
use std::thread;
use std::time::Instant;

/// The thread counts, one column each.
const THREADS: [usize; 2] = [1, 4];
const MAX_SIZE: usize = 1000;
const SEED: u64 = 0x5eed_0004;

/// Measures every allocator shared by one and by four threads.
pub fn measure(arena: &Arena, settings: &Settings, figures: &mut Figures) {
    each_subject(&mut Threads {
        arena,
        settings,
        figures,
    });
}

struct Threads<'a> {
    arena: &'a Arena,
    settings: &'a Settings,
    figures: &'a mut Figures,
}

impl Threads<'_> {
    /// One trial: `threads` threads on a fresh `A`; total ops per second.
    fn trial<A: Subject>(&self, threads: usize) -> f64 {
        // SAFETY: the arena outlives the allocator, which is its only user.
        let heap = Locked::new(unsafe { A::over(self.arena.region(self.arena.size())) });
        let mix = steady(MAX_SIZE, true, Align::Mixed);
        let start_line = Barrier::new(threads);
        let ops = self.settings.thread_ops;
        let spans: Vec<(Instant, Instant)> = thread::scope(|scope| {
            let workers: Vec<_> = (0..threads as u64)
                .map(|index| {
                    let (heap, start_line) = (&heap, &start_line);
                    scope.spawn(move || {
                        let (mut live, mut rng) = (Live::default(), Rng::new(SEED + index));
                        start_line.wait();
                        let started = Instant::now();
                        for _ in 0..ops {
                            let stepped = mix.step(heap, &mut live, &mut rng);
                            assert!(stepped, "{} ran out of memory", A::NAME);
                        }
                        (started, Instant::now())
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| worker.join().expect("a bench thread panicked"))
                .collect()
        });
        let first_start = spans.iter().map(|span| span.0).min().expect("threads ran");
        let last_end = spans.iter().map(|span| span.1).max().expect("threads ran");
        (threads * ops) as f64 / (last_end - first_start).as_secs_f64()
    }
}

impl OnEach for Threads<'_> {
    fn run<A: Subject>(&mut self) {
        for threads in THREADS {
            let trials = (0..self.settings.trials).map(|_| self.trial::<A>(threads));
            let rate = median(trials.collect());
            self.figures.add(
                "threads",
                format!("threads={threads}"),
                A::NAME,
                "ops_per_sec",
                rate,
            );
        }
    }
}

/// The threads table and plot.
pub fn views() -> Vec<View> {
    vec![View {
        workload: "threads",
        file: "threads".to_string(),
        title: format!("Threads sharing one spin-locked allocator (sizes up to {MAX_SIZE} B)"),
        unit: "million ops/s, all threads",
        scale: 1e6,
        higher_is_better: true,
        columns: THREADS
            .iter()
            .map(|threads| {
                Column::new(
                    format!("{threads} thread(s)"),
                    format!("threads={threads}"),
                    "ops_per_sec",
                )
            })
            .collect(),
    }]
}
