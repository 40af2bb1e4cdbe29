//! Nanoseconds per allocation of `tagheap::Bump` next to `static_alloc::Bump`, and what the
//! `Acquire`/`Relaxed` orderings of its compare-and-swap save over `SeqCst`.
//!
//! Workloads: 8-byte blocks (align 8) and 4 KiB blocks (align 4096), on one and two threads,
//! over the same 16 MiB page-aligned region (kept on a measuring thread's stack). A pass
//! allocates until the region is exhausted, then resets; a trial runs passes until it has made
//! the allocations `run_lengths` asks for; the median of the trials is reported. With two
//! threads both allocate from one shared bump at once, each timing its own loop; the figure
//! is thread-time per allocation (the threads' times summed over the allocations they made).
//! `QUICK=1` runs fewer, shorter trials.
//!
//! The ordering comparison uses `CasLoop`, a copy of `Bump::alloc`'s loop over offsets with the
//! orderings as a parameter, so nothing but the orderings differs. On x86-64 every atomic
//! read-modify-write is a `lock cmpxchg` whatever the ordering, so expect a ratio near 1 there.
//!
//! Prints a table and appends rows to `target/bench/host.csv`.

use std::alloc::Layout;
use std::fs::{self, OpenOptions};
use std::hint::black_box;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{Acquire, Relaxed, SeqCst};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use tagheap::Page;

/// The region every allocator draws from: 16 MiB, page-aligned.
type Region = [Page; 4096];

/// What the benchmark needs from an allocator.
trait Arena: Sync {
    /// Allocates one block; false once the region is exhausted.
    fn allocate(&self, layout: Layout) -> bool;
    /// Frees every block.
    fn reset(&mut self);
}

impl Arena for tagheap::Bump<Region> {
    fn allocate(&self, layout: Layout) -> bool {
        black_box(self.alloc(layout)).is_some()
    }
    fn reset(&mut self) {
        tagheap::Bump::reset(self);
    }
}

impl Arena for static_alloc::Bump<Region> {
    fn allocate(&self, layout: Layout) -> bool {
        black_box(self.alloc(layout)).is_some()
    }
    fn reset(&mut self) {
        static_alloc::Bump::reset(self);
    }
}

/// `Bump::alloc`'s compare-and-swap loop over offsets, with `SeqCst` everywhere or with the
/// orderings `tagheap::Bump` uses (success `Acquire`, failure and first load `Relaxed`).
struct CasLoop<const SEQ_CST: bool> {
    consumed: AtomicUsize,
}

impl<const SEQ_CST: bool> Arena for CasLoop<SEQ_CST> {
    fn allocate(&self, layout: Layout) -> bool {
        let (success, failure) = if SEQ_CST {
            (SeqCst, SeqCst)
        } else {
            (Acquire, Relaxed)
        };
        let align_mask = layout.align() - 1;
        let mut level = self.consumed.load(failure);
        loop {
            let start = (level + align_mask) & !align_mask;
            let end = start + layout.size();
            if end > size_of::<Region>() {
                return false;
            }
            match self.consumed.compare_exchange(level, end, success, failure) {
                Ok(_) => return black_box(true),
                Err(observed) => level = observed,
            }
        }
    }
    fn reset(&mut self) {
        *self.consumed.get_mut() = 0;
    }
}

/// Run lengths: (trials per figure, allocations per trial).
fn run_lengths() -> (usize, usize) {
    match std::env::var("QUICK").as_deref() {
        Ok("1") => (3, 1 << 16),
        _ => (7, 1 << 21),
    }
}

/// One trial on one thread: ns per allocation, resets included (one store per pass).
fn one_thread(arena: &mut dyn Arena, layout: Layout, allocations: usize) -> f64 {
    let mut made = 0;
    let started = Instant::now();
    while made < allocations {
        arena.reset();
        while arena.allocate(layout) {
            made += 1;
        }
    }
    started.elapsed().as_nanos() as f64 / made as f64
}

/// One trial on two threads sharing `arena`: thread-time in ns per allocation.
fn two_threads(arena: &mut dyn Arena, layout: Layout, allocations: usize) -> f64 {
    let (mut made, mut busy) = (0, Duration::ZERO);
    while made < allocations {
        arena.reset();
        let shared: &dyn Arena = arena;
        let start_line = Barrier::new(2);
        thread::scope(|scope| {
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| {
                        start_line.wait();
                        let (started, mut count) = (Instant::now(), 0);
                        while shared.allocate(layout) {
                            count += 1;
                        }
                        (count, started.elapsed())
                    })
                })
                .collect();
            for worker in workers {
                let (count, time) = worker.join().expect("a bench thread panicked");
                made += count;
                busy += time;
            }
        });
    }
    busy.as_nanos() as f64 / made as f64
}

fn median(mut figures: Vec<f64>) -> f64 {
    figures.sort_by(f64::total_cmp);
    figures[figures.len() / 2]
}

/// One row of results: allocator, workload, threads, ns per allocation.
type Row = (&'static str, &'static str, usize, f64);

fn measure(rows: &mut Vec<Row>, arenas: &mut [(&'static str, &mut dyn Arena)]) {
    let (trials, allocations) = run_lengths();
    let workloads = [
        ("8B", Layout::from_size_align(8, 8).expect("8-byte layout")),
        ("4KiB-aligned", Layout::new::<Page>()),
    ];
    for (workload, layout) in workloads {
        for threads in [1, 2] {
            let run = if threads == 1 {
                one_thread
            } else {
                two_threads
            };
            let mut figures = vec![Vec::new(); arenas.len()];
            for _ in 0..trials {
                for ((_, arena), figure) in arenas.iter_mut().zip(&mut figures) {
                    figure.push(run(&mut **arena, layout, allocations));
                }
            }
            for ((name, _), figure) in arenas.iter().zip(figures) {
                rows.push((name, workload, threads, median(figure)));
            }
        }
    }
}

fn report(rows: &[Row]) -> std::io::Result<()> {
    println!(
        "{:<20} | {:<13} | threads | ns/alloc | ratio to ours",
        "allocator", "workload"
    );
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    fs::create_dir_all(target.join("bench"))?;
    let path = fs::canonicalize(target.join("bench"))?.join("host.csv");
    let mut csv = OpenOptions::new().create(true).append(true).open(&path)?;
    if csv.metadata()?.len() == 0 {
        writeln!(csv, "workload,param,allocator,metric,value")?;
    }
    for &(name, workload, threads, nanos) in rows {
        let ours = rows
            .iter()
            .find(|row| row.0 == "tagheap::Bump" && row.1 == workload && row.2 == threads)
            .map_or(f64::NAN, |row| row.3);
        let ratio = nanos / ours;
        println!("{name:<20} | {workload:<13} | {threads:>7} | {nanos:>8.2} | {ratio:>13.2}");
        writeln!(
            csv,
            "bump-{workload},threads={threads},{name},ns_per_alloc,{nanos:.3}"
        )?;
    }
    println!("appended {} rows to {}", rows.len(), path.display());
    Ok(())
}

/// Measures every workload on every allocator; the regions live on this thread's stack.
fn measure_all() -> Vec<Row> {
    let mut ours = tagheap::Bump::<Region>::uninit();
    let mut theirs = static_alloc::Bump::<Region>::uninit();
    let mut acquire = CasLoop::<false> {
        consumed: AtomicUsize::new(0),
    };
    let mut seq_cst = CasLoop::<true> {
        consumed: AtomicUsize::new(0),
    };
    let mut arenas: [(&'static str, &mut dyn Arena); 4] = [
        ("tagheap::Bump", &mut ours),
        ("static_alloc::Bump", &mut theirs),
        ("CasLoop Acquire", &mut acquire),
        ("CasLoop SeqCst", &mut seq_cst),
    ];
    let mut rows = Vec::new();
    measure(&mut rows, &mut arenas);
    rows
}

fn main() -> std::io::Result<()> {
    let measuring = thread::Builder::new()
        .stack_size(3 * size_of::<Region>())
        .spawn(measure_all)?;
    report(&measuring.join().expect("the measuring thread panicked"))
}
