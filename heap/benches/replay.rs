//! Trace replay: the `malloc`-family calls of real programs (`benches/traces/*.trace.xz`)
//! replayed on our `Heap` and on talc, rlsf, buddy_system_allocator, dlmalloc and the
//! linked_list_allocator baseline, each behind the same spin lock, on the same pre-touched
//! arena, in the same process, with every block's contents stamped and checked.
//!
//! ```text
//!   traces/*.trace.xz ──► Trace ──► player (stamps, lock, Probe) ──► Subject (shared/)
//!        speed:       ns per op, median of rounds, allocators interleaved round by round
//!        latency:     p50 / p99 cycles of allocate and of free (rdtsc)
//!        efficiency:  peak live bytes / smallest arena the whole trace fits (bisection)
//!   ──► tables (stdout, ratios to ours), target/bench/replay-*.svg, rows appended to
//!       target/bench/host.csv
//! ```
//!
//! `QUICK=1` cuts every trace to its first 100 000 operations and runs fewer rounds;
//! `SPEED_ONLY=1` skips latency and efficiency; `ONCE=1` replays each whole trace once per
//! allocator, speed only (what `tools/bench-callgrind.sh` counts). Names after `--` pick
//! traces, `ALLOCATORS` picks allocators (see `shared/subject.rs`):
//! `ALLOCATORS=ours,talc cargo bench -p tagheap --no-default-features --bench replay -- sqlite gcc`
//! (`make bench` measures the heap without its running counters, as talc keeps none).

#[path = "replay/efficiency.rs"]
mod efficiency;
#[path = "replay/latency.rs"]
mod latency;
#[path = "replay/player.rs"]
mod player;
#[path = "replay/records.rs"]
mod records;
#[path = "replay/settings.rs"]
mod settings;
#[allow(dead_code)] // shared with the compare bench, which uses other parts of it
#[path = "shared/mod.rs"]
mod shared;
#[path = "replay/speed.rs"]
mod speed;
#[path = "replay/stamp.rs"]
mod stamp;
#[path = "replay/trace.rs"]
mod trace;

use settings::Settings;
use shared::arena::{self, Arena};
use shared::{figures, output, stats, subject, timing};
use std::path::Path;
use trace::Trace;

/// The arena every allocator replays on: room for the largest trace on every allocator.
const ARENA_BYTES: usize = 128 << 20;

fn main() -> std::io::Result<()> {
    let settings = Settings::from_env();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/traces");
    let picked: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let traces = Trace::load_all(&dir, &picked, settings.ops)?;
    for trace in &traces {
        println!(
            "trace {:<8} {:>8} ops {:>7} blocks, peak live {:>9} B",
            trace.name,
            trace.ops.len(),
            trace.blocks,
            trace.peak_live
        );
    }
    let arena = Arena::new(ARENA_BYTES);
    let mut figures = figures::Figures::default();
    let too_slow = speed::measure(&arena, &traces, &settings, &mut figures);
    let mut views = speed::views(&traces);
    if !settings.speed_only {
        latency::measure(&arena, &traces, &too_slow, &mut figures);
        efficiency::measure(&arena, &traces, &settings, &too_slow, &mut figures);
        views.extend(latency::views(&traces));
        views.extend(efficiency::views(&traces));
    }
    output::save(&figures, &views, true)
}
