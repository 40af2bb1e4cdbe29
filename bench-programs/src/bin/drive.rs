//! Runs every program of this crate with every global allocator, several times, checks that
//! each program prints the same with every allocator, and reports the median wall time, CPU
//! time and peak resident set side by side, with ratios to ours.
//!
//! ```text
//!   for each program (parse, json, words, regex):
//!     round 1..=N:  ours ─► ours-cache ─► talc ─► system   (interleaved, so drift hits all alike)
//!   ──► tables (stdout), target/bench/programs-*.svg, rows appended to target/bench/host.csv
//! ```
//!
//! Build first: `cargo build --release -p bench-programs`, then `target/release/drive`.
//! `QUICK=1` runs each program once, on an eighth of its work (a smoke run).

#[path = "drive/child.rs"]
mod child;
#[path = "drive/corpus.rs"]
mod corpus;
#[path = "../../../heap/benches/shared/figures.rs"]
mod figures;
#[path = "../../../heap/benches/shared/output.rs"]
mod output;
#[allow(dead_code)] // the percentiles are the heap benches'
#[path = "../../../heap/benches/shared/stats.rs"]
mod stats;
#[path = "../../../heap/benches/shared/svg.rs"]
mod svg;
#[path = "../../../heap/benches/shared/table.rs"]
mod table;

use bench_programs::PROGRAMS;
use figures::{Column, Figures, View};
use std::path::Path;

/// The binaries, one per global allocator, ours first (the tables' reference).
const ALLOCATORS: [&str; 4] = ["ours", "ours-cache", "talc", "system"];
/// The figures, with their units for the tables.
const METRICS: [(&str, &str, &str, f64); 3] = [
    ("wall_s", "wall time", "seconds", 1.0),
    ("cpu_s", "CPU time (user + system)", "seconds", 1.0),
    ("peak_rss_kib", "peak resident set", "MiB", 1024.0),
];

fn main() -> std::io::Result<()> {
    let quick = std::env::var("QUICK").as_deref() == Ok("1");
    let rounds = if quick { 1 } else { 5 };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dirs = corpus::dirs(&workspace);
    let bin_dir = std::env::current_exe()?
        .parent()
        .expect("the binary's directory")
        .to_path_buf();
    let mut figures = Figures::default();
    for program in PROGRAMS {
        let mut samples = vec![[const { Vec::new() }; 3]; ALLOCATORS.len()];
        let mut reference: Option<Vec<u8>> = None;
        for _ in 0..rounds {
            for (allocator, samples) in ALLOCATORS.iter().zip(&mut samples) {
                let run = child::run(&bin_dir.join(allocator), program, &dirs);
                let expected = reference.get_or_insert_with(|| run.output.clone());
                assert!(
                    run.output == *expected,
                    "{program} printed something else with {allocator}:\n{}",
                    String::from_utf8_lossy(&run.output)
                );
                for (sample, value) in samples.iter_mut().zip([run.wall, run.cpu, run.rss_kib]) {
                    sample.push(value);
                }
            }
        }
        for (allocator, samples) in ALLOCATORS.iter().zip(samples) {
            for ((metric, ..), values) in METRICS.iter().zip(samples) {
                let param = format!("program={program}");
                figures.add("programs", param, allocator, metric, stats::median(values));
            }
        }
        let summary = reference.unwrap_or_default();
        print!("{}", String::from_utf8_lossy(&summary));
    }
    output::save(&figures, &views(), true)
}

/// One table and plot per metric, one column per program.
fn views() -> Vec<View> {
    METRICS
        .iter()
        .map(|&(metric, what, unit, scale)| View {
            workload: "programs",
            file: format!("programs-{metric}"),
            title: format!("Real programs: {what} (median of runs)"),
            unit,
            scale,
            higher_is_better: false,
            columns: PROGRAMS
                .iter()
                .map(|program| Column::new(*program, format!("program={program}"), metric))
                .collect(),
        })
        .collect()
}
