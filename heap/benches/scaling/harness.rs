//! Running one trial: `threads` fresh threads (each a fresh `ThreadCpu` index), started
//! together at a barrier, timed from the first start to the last finish.
//!
//! ```text
//!   main ──spawn──► thread 0 ─┐ barrier ─► body(0) ─► end 0 ┐
//!        ──spawn──► thread 1 ─┘ barrier ─► body(1) ─► end 1 ┴─► last end - first start
//! ```

use super::lock::taken;
use std::alloc::Layout;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Barrier;
use std::thread;
use std::time::Instant;

/// A block on its way between threads.
#[derive(Clone, Copy)]
pub struct Block(pub *mut u8, pub Layout);

// SAFETY: a block is owned by whichever thread holds it; sending it sends that ownership.
unsafe impl Send for Block {}

/// Runs `body(index)` on `threads` threads started together; the seconds the slowest
/// window of work took (first start to last finish), and the locks the threads took.
pub fn timed_locks(threads: usize, body: impl Fn(usize) + Sync) -> (f64, u64) {
    let locks = AtomicU64::new(0);
    let seconds = timed(threads, |index| {
        let before = taken();
        body(index);
        locks.fetch_add(taken() - before, Ordering::Relaxed);
    });
    (seconds, locks.into_inner())
}

/// Runs `body(index)` on `threads` threads started together; the seconds the slowest
/// window of work took (first start to last finish).
pub fn timed(threads: usize, body: impl Fn(usize) + Sync) -> f64 {
    let start_line = Barrier::new(threads);
    let spans: Vec<(Instant, Instant)> = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|index| {
                let (body, start_line) = (&body, &start_line);
                scope.spawn(move || {
                    start_line.wait();
                    let started = Instant::now();
                    body(index);
                    (started, Instant::now())
                })
            })
            .collect();
        let joined = workers.into_iter().map(|worker| worker.join());
        joined
            .map(|span| span.expect("a bench thread panicked"))
            .collect()
    });
    let first = spans.iter().map(|span| span.0).min().expect("threads ran");
    let last = spans.iter().map(|span| span.1).max().expect("threads ran");
    (last - first).as_secs_f64()
}

/// Per-thread throughput of a pure compute loop at `threads` threads over that at one: what
/// the host gives right now (other processes share its cores), the yardstick for the
/// allocators' keep ratios. Median of `trials`.
pub fn compute_keep(threads: usize, trials: usize) -> f64 {
    let spin = |_| {
        let mut x = 1u64;
        for _ in 0..20_000_000 {
            x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
        }
    };
    let ratios = (0..trials).map(|_| timed(1, spin) / timed(threads, spin));
    super::shared::stats::median(ratios.collect())
}

/// Writes the first and last byte of a fresh block, as a program would.
///
/// # Safety
/// `ptr` must be a live block of `size` bytes (`size > 0`).
#[inline(always)]
pub unsafe fn touch(ptr: *mut u8, size: usize) {
    // SAFETY: both bytes lie in the block.
    unsafe {
        ptr.write(1);
        ptr.add(size - 1).write(2);
    }
}

/// A layout of `size` bytes aligned to 8.
pub fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).expect("bench sizes are small")
}
