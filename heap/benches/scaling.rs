//! Scaling: our heap with per-CPU magazines (`CachedHeap`, each thread its own CPU) against
//! ours behind one lock, talc and rlsf behind the same spin lock, and the system allocator,
//! shared by 1 up to the host's cores threads (and 4), on the same pre-touched arena.
//!
//! ```text
//!   pair:     one thread, allocate + free of one cached size: cycles (rdtsc)
//!   random:   each thread its own random actions, sizes 1..=256
//!   xmalloc:  producer/consumer in a ring, every block freed by another thread
//!   larson:   server-style slot replacement, 8..=1000 B, slots filled and emptied by main
//!   ──► tables (ratios to ours, the heap behind one lock), target/bench/scaling-*.svg, rows appended to
//!       target/bench/host.csv, and the issue's goals: met or missed by how much
//! ```
//!
//! Every contender sits behind the same spin-then-yield lock (`scaling/lock.rs`). `QUICK=1`
//! runs briefly; `ALLOCATORS=ours+cache,talc` picks contenders; `MAGAZINES=1` adds other
//! magazine sizes. Timings on a shared machine vary: the contenders are
//! interleaved trial by trial and the median is reported.

#[path = "scaling/contenders.rs"]
mod contenders;
#[path = "scaling/goals.rs"]
mod goals;
#[path = "scaling/harness.rs"]
mod harness;
#[path = "scaling/larson.rs"]
mod larson;
#[path = "scaling/lock.rs"]
mod lock;
#[path = "scaling/pair.rs"]
mod pair;
#[path = "scaling/random.rs"]
mod random;
#[path = "../tests/common/rng.rs"]
mod rng;
#[path = "scaling/select.rs"]
mod select;
#[path = "scaling/settings.rs"]
mod settings;
#[allow(dead_code)] // shared with the compare and replay benches, which use other parts
#[path = "shared/mod.rs"]
mod shared;
#[path = "scaling/views.rs"]
mod views;
#[path = "scaling/workloads.rs"]
mod workloads;
#[path = "scaling/xmalloc.rs"]
mod xmalloc;

use settings::Settings;
use shared::arena::Arena;
use shared::figures::Figures;

/// The arena every allocator is fed from.
const ARENA_BYTES: usize = 128 << 20;

fn main() -> std::io::Result<()> {
    let settings = Settings::from_env();
    println!(
        "scaling: {} cores, threads {:?}",
        settings.cores, settings.threads
    );
    let arena = Arena::new(ARENA_BYTES);
    let mut figures = Figures::default();
    if settings.picked("pair") {
        pair::measure(&arena, &settings, &mut figures);
    }
    workloads::measure(&arena, &settings, &mut figures);
    views::add_keep(&mut figures, &settings);
    shared::output::save(&figures, &views::views(&settings), true)?;
    goals::print(&figures, &settings);
    Ok(())
}
