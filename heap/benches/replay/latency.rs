//! Latency: cycles of each allocate and each free call of one replay, timed with the fenced
//! time-stamp counter inside the lock (so without the identical lock's cost), less the cost
//! of an empty timed region; p50, p99 and the mean of each kind. The time-stamp counter of a
//! virtual machine may tick in coarse steps (26 cycles on the machine of the README's
//! figures), which the percentiles show as they are; the mean averages the steps out.
//!
//! ```text
//!   allocate: lock ─► [begin] allocate [end] ─► unlock      samples.allocate
//!   free:     lock ─► [begin] free     [end] ─► unlock      samples.free
//!   realloc:  not timed
//! ```

use super::arena::Arena;
use super::figures::{Column, Figures, View};
use super::player::{call_allocate, call_deallocate, replay, Probe};
use super::speed::TooSlow;
use super::stats::percentile;
use super::subject::{each_subject, Locked, OnEach, Subject};
use super::timing::{begin, end, Clock};
use super::trace::Trace;
use std::alloc::Layout;
use std::ptr::NonNull;

/// The figures reported: (call, percentile or `None` for the mean, metric).
const METRICS: [(&str, Option<usize>, &str); 6] = [
    ("allocate", Some(50), "alloc_p50_cycles"),
    ("allocate", Some(99), "alloc_p99_cycles"),
    ("allocate", None, "alloc_mean_cycles"),
    ("free", Some(50), "free_p50_cycles"),
    ("free", Some(99), "free_p99_cycles"),
    ("free", None, "free_mean_cycles"),
];

/// Measures the latencies of every allocator on every trace.
pub fn measure(arena: &Arena, traces: &[Trace], too_slow: &TooSlow, figures: &mut Figures) {
    let clock = Clock::calibrate();
    for trace in traces {
        each_subject(&mut Latency {
            arena,
            trace,
            too_slow,
            figures,
            clock: &clock,
        });
    }
}

struct Latency<'a> {
    arena: &'a Arena,
    trace: &'a Trace,
    too_slow: &'a TooSlow,
    figures: &'a mut Figures,
    clock: &'a Clock,
}

/// A probe that times every allocate and free call.
struct Cycles<'a> {
    clock: &'a Clock,
    allocate: Vec<u64>,
    free: Vec<u64>,
}

impl Probe for Cycles<'_> {
    fn allocate<A: Subject>(&mut self, heap: &mut A, layout: Layout) -> Option<NonNull<u8>> {
        let start = begin();
        let ptr = call_allocate(heap, layout);
        self.allocate.push(self.clock.cycles(start, end()));
        ptr
    }

    unsafe fn free<A: Subject>(&mut self, heap: &mut A, ptr: NonNull<u8>, layout: Layout) {
        let start = begin();
        // SAFETY: forwarded contract.
        unsafe { call_deallocate(heap, ptr, layout) };
        self.free.push(self.clock.cycles(start, end()));
    }
}

impl OnEach for Latency<'_> {
    fn run<A: Subject>(&mut self) {
        if self.too_slow.contains::<A>(self.trace) {
            return;
        }
        // SAFETY: the arena outlives the allocator, which is its only user.
        let heap = Locked::new(unsafe { A::over(self.arena.region(self.arena.size())) });
        let (clock, ops) = (self.clock, self.trace.ops.len());
        let mut probe = Cycles {
            clock,
            allocate: Vec::with_capacity(ops),
            free: Vec::with_capacity(ops),
        };
        if replay(&heap, self.trace, &mut probe, &mut Vec::new()).is_err() {
            return;
        }
        probe.allocate.sort_unstable();
        probe.free.sort_unstable();
        for (call, percent, metric) in METRICS {
            let samples = if call == "allocate" {
                &probe.allocate
            } else {
                &probe.free
            };
            let cycles = match percent {
                Some(percent) => percentile(samples, percent) as f64,
                None => samples.iter().sum::<u64>() as f64 / samples.len() as f64,
            };
            let param = format!("trace={}", self.trace.name);
            self.figures.add("replay", param, A::NAME, metric, cycles);
        }
    }
}

/// One table and plot per figure, one column per trace.
pub fn views(traces: &[Trace]) -> Vec<View> {
    METRICS
        .iter()
        .map(|&(call, percent, metric)| View {
            workload: "replay",
            file: format!("replay-{metric}"),
            title: match percent {
                Some(percent) => format!("Trace replay: p{percent} latency of {call}"),
                None => format!("Trace replay: mean latency of {call}"),
            },
            unit: "cycles",
            scale: 1.0,
            higher_is_better: false,
            columns: traces
                .iter()
                .map(|trace| Column::new(trace.name, format!("trace={}", trace.name), metric))
                .collect(),
        })
        .collect()
}
