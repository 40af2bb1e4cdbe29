//! Our `Heap` side by side with talc, rlsf, buddy_system_allocator, dlmalloc and the
//! linked_list_allocator baseline, every one behind the same spin lock and fed the same
//! seeded operations from the same pre-touched 64 MiB arena (re-initialised per trial).
//!
//! ```text
//!   Arena (64 MiB) ──► SpinMutex<A: Subject> ──► workloads ──► Figures ──┬─► tables (stdout)
//!                                                                        ├─► target/bench/host.csv
//!                                                                        └─► target/bench/*.svg
//! ```
//!
//! Workloads: random actions (with and without realloc), latency (rdtsc percentiles), heap
//! efficiency, high alignment, threads, growth. `QUICK=1` runs each briefly. This bench
//! writes `host.csv` fresh; the `bump` bench, run after it, appends its rows.

#[path = "compare/actions.rs"]
mod actions;
#[path = "compare/arena.rs"]
mod arena;
#[path = "compare/efficiency.rs"]
mod efficiency;
#[path = "compare/figures.rs"]
mod figures;
#[path = "compare/growth.rs"]
mod growth;
#[path = "compare/latency.rs"]
mod latency;
#[path = "compare/ours.rs"]
mod ours;
#[path = "compare/peer_buddy.rs"]
mod peer_buddy;
#[path = "compare/peer_dlmalloc.rs"]
mod peer_dlmalloc;
#[path = "compare/peer_linked_list.rs"]
mod peer_linked_list;
#[path = "compare/peer_rlsf.rs"]
mod peer_rlsf;
#[path = "compare/peer_talc.rs"]
mod peer_talc;
#[path = "compare/random.rs"]
mod random;
#[path = "../tests/common/rng.rs"]
mod rng;
#[path = "compare/settings.rs"]
mod settings;
#[path = "compare/subject.rs"]
mod subject;
#[path = "compare/svg.rs"]
mod svg;
#[path = "compare/table.rs"]
mod table;
#[path = "compare/threads.rs"]
mod threads;
#[path = "compare/timing.rs"]
mod timing;

use arena::Arena;
use figures::Figures;
use settings::Settings;
use std::fs;
use std::path::PathBuf;

/// The arena every allocator is fed from.
const ARENA_BYTES: usize = 64 << 20;

/// `target/bench` of this workspace (or of `CARGO_TARGET_DIR`).
fn output_dir() -> std::io::Result<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    let dir = target.join("bench");
    fs::create_dir_all(&dir)?;
    fs::canonicalize(dir)
}

fn main() -> std::io::Result<()> {
    let settings = Settings::from_env();
    let arena = Arena::new(ARENA_BYTES);
    let mut figures = Figures::default();
    random::measure(&arena, &settings, &mut figures);
    latency::measure(&arena, &settings, &mut figures);
    efficiency::measure(&arena, &settings, &mut figures);
    threads::measure(&arena, &settings, &mut figures);
    growth::measure(&arena, &settings, &mut figures);

    let dir = output_dir()?;
    let views = [
        random::views(),
        latency::views(),
        efficiency::views(),
        threads::views(),
        growth::views(),
    ];
    for view in views.iter().flatten() {
        table::print(&figures, view);
        fs::write(
            dir.join(format!("{}.svg", view.file)),
            svg::chart(&figures, view),
        )?;
    }
    let csv = dir.join("host.csv");
    figures.write_csv(&csv)?;
    println!(
        "\nwrote {} and one SVG per table to {}",
        csv.display(),
        dir.display()
    );
    Ok(())
}
