//! The three threaded workloads, measured on every contender at every thread count, the
//! contenders interleaved trial by trial; the figure is operations per second per thread.
//!
//! ```text
//!   for workload, for threads:  trial 1: ours+cache, ours, talc, rlsf, system
//!                               trial 2: ours+cache, ours, ...      ──► median per allocator
//! ```

use super::contenders::Contender;
use super::harness::timed;
use super::select::{each, OnEach};
use super::settings::Settings;
use super::shared::arena::Arena;
use super::shared::figures::Figures;
use super::shared::stats::median;
use super::{larson, random, xmalloc};

/// A threaded workload.
#[derive(Clone, Copy)]
pub enum Workload {
    /// `random.rs`.
    Random,
    /// `xmalloc.rs`.
    Xmalloc,
    /// `larson.rs`.
    Larson,
}

impl Workload {
    /// Every workload, in table order.
    pub const ALL: [Workload; 3] = [Workload::Random, Workload::Xmalloc, Workload::Larson];

    /// The figures' workload name.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Random => "scaling-random",
            Workload::Xmalloc => "scaling-xmalloc",
            Workload::Larson => "scaling-larson",
        }
    }

    /// One trial on a fresh `A` shared by `threads` threads: operations per second per thread.
    fn trial<A: Contender>(self, arena: &Arena, threads: usize, ops: usize) -> f64 {
        // SAFETY: the arena outlives the allocator, which is its only user.
        let heap = unsafe { A::over(arena.region(arena.size())) };
        let (seconds, done) = match self {
            Workload::Random => (timed(threads, |i| random::thread(&heap, i, ops)), ops),
            Workload::Xmalloc => {
                let queues = xmalloc::queues(threads);
                let seconds = timed(threads, |i| xmalloc::thread(&heap, &queues, i, ops));
                (seconds, ops / (2 * xmalloc::BATCH) * 2 * xmalloc::BATCH)
            }
            Workload::Larson => {
                let slots = larson::fill(&heap, threads);
                let seconds = timed(threads, |i| larson::thread(&heap, &slots[i], i, ops));
                larson::empty(&heap, slots);
                (seconds, ops / 2 * 2)
            }
        };
        done as f64 / seconds
    }
}

/// One trial of one workload on every contender.
struct Trial<'a> {
    workload: Workload,
    arena: &'a Arena,
    threads: usize,
    ops: usize,
    samples: &'a mut Vec<(&'static str, Vec<f64>)>,
}

impl OnEach for Trial<'_> {
    fn run<A: Contender>(&mut self) {
        let rate = self.workload.trial::<A>(self.arena, self.threads, self.ops);
        match self.samples.iter_mut().find(|(name, _)| *name == A::NAME) {
            Some((_, samples)) => samples.push(rate),
            None => self.samples.push((A::NAME, vec![rate])),
        }
    }
}

/// Measures every workload at every thread count.
pub fn measure(arena: &Arena, settings: &Settings, figures: &mut Figures) {
    for workload in Workload::ALL {
        if !settings.picked(&workload.name()[8..]) {
            continue;
        }
        for &threads in &settings.threads {
            let mut samples = Vec::new();
            for _ in 0..settings.trials {
                let (ops, samples) = (settings.ops, &mut samples);
                each(&mut Trial {
                    workload,
                    arena,
                    threads,
                    ops,
                    samples,
                });
            }
            for (name, samples) in samples {
                let param = format!("threads={threads}");
                let rate = median(samples);
                figures.add(workload.name(), param, name, "ops_per_sec_per_thread", rate);
            }
        }
    }
}
