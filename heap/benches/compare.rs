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
//! Workloads: random actions (with and without realloc), sizes as the traced programs ask
//! (align 8, 16 and both), latency (rdtsc percentiles), heap efficiency, high alignment,
//! threads, growth. `QUICK=1` runs each briefly. This bench
//! writes `host.csv` fresh; the `bump` and `replay` benches, run after it, append their rows.
//! The allocators' adapters, the arena, timing and output are in `shared/`, which the
//! `replay` bench uses too.

#[path = "compare/actions.rs"]
mod actions;
#[path = "compare/efficiency.rs"]
mod efficiency;
#[path = "compare/growth.rs"]
mod growth;
#[path = "compare/latency.rs"]
mod latency;
#[path = "compare/patterns.rs"]
mod patterns;
#[path = "compare/random.rs"]
mod random;
#[path = "../tests/common/rng.rs"]
mod rng;
#[path = "compare/settings.rs"]
mod settings;
#[allow(dead_code)] // shared with the replay bench, which uses other parts of it
#[path = "shared/mod.rs"]
mod shared;
#[path = "compare/threads.rs"]
mod threads;
#[path = "compare/trace_sizes.rs"]
mod trace_sizes;

use settings::Settings;
use shared::arena::Arena;
use shared::{figures, output, stats, subject, timing};

/// The arena every allocator is fed from.
const ARENA_BYTES: usize = 64 << 20;

fn main() -> std::io::Result<()> {
    let settings = Settings::from_env();
    let arena = Arena::new(ARENA_BYTES);
    let mut figures = figures::Figures::default();
    random::measure(&arena, &settings, &mut figures);
    patterns::measure(&arena, &settings, &mut figures);
    latency::measure(&arena, &settings, &mut figures);
    efficiency::measure(&arena, &settings, &mut figures);
    threads::measure(&arena, &settings, &mut figures);
    growth::measure(&arena, &settings, &mut figures);
    let views: Vec<_> = [
        random::views(),
        patterns::views(),
        latency::views(),
        efficiency::views(),
        threads::views(),
        growth::views(),
    ]
    .into_iter()
    .flatten()
    .collect();
    output::save(&figures, &views, false)
}
