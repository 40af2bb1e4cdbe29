//! The three threaded workloads, measured on every contender at every thread count, the
//! contenders interleaved trial by trial; the figure is operations per second per thread.
//!
//! ```text
//!   for workload, for threads:  trial 1: ours+cache, ours, talc, rlsf, system
//!                               trial 2: ours+cache, ours, ...      ──► median per allocator
//!   figures: ops/s per thread, and locks taken per operation (all threads' locks / all ops)
//! ```

use super::contenders::Contender;
use super::harness::timed_locks;
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

    /// One trial on a fresh `A` shared by `threads` threads: operations per second per
    /// thread, and locks taken per operation.
    fn trial<A: Contender>(self, arena: &Arena, threads: usize, ops: usize) -> (f64, f64) {
        // SAFETY: the arena outlives the allocator, which is its only user.
        let heap = unsafe { A::over(arena.region(arena.size())) };
        let ((seconds, locks), done) = match self {
            Workload::Random => (timed_locks(threads, |i| random::thread(&heap, i, ops)), ops),
            Workload::Xmalloc => {
                let queues = xmalloc::queues(threads);
                let run = timed_locks(threads, |i| xmalloc::thread(&heap, &queues, i, ops));
                (run, ops / (2 * xmalloc::BATCH) * 2 * xmalloc::BATCH)
            }
            Workload::Larson => {
                let slots = larson::fill(&heap, threads);
                let run = timed_locks(threads, |i| larson::thread(&heap, &slots[i], i, ops));
                larson::empty(&heap, slots);
                (run, ops / 2 * 2)
            }
        };
        (
            done as f64 / seconds,
            locks as f64 / (done * threads) as f64,
        )
    }
}

/// One trial of one workload on every contender.
struct Trial<'a> {
    workload: Workload,
    arena: &'a Arena,
    threads: usize,
    ops: usize,
    samples: &'a mut Vec<(&'static str, Vec<f64>, Vec<f64>)>,
}

impl OnEach for Trial<'_> {
    fn run<A: Contender>(&mut self) {
        let (rate, locks) = self.workload.trial::<A>(self.arena, self.threads, self.ops);
        match self
            .samples
            .iter_mut()
            .find(|(name, _, _)| *name == A::NAME)
        {
            Some((_, rates, lock_counts)) => {
                rates.push(rate);
                lock_counts.push(locks);
            }
            None => self.samples.push((A::NAME, vec![rate], vec![locks])),
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
            for (name, rates, locks) in samples {
                let param = format!("threads={threads}");
                figures.add(
                    workload.name(),
                    param,
                    name,
                    "ops_per_sec_per_thread",
                    median(rates),
                );
                let param = format!("{},threads={threads}", workload.name());
                figures.add("scaling-locks", param, name, "locks_per_op", median(locks));
            }
        }
    }
}
