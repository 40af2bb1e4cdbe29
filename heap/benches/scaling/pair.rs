//! The fast path: cycles for one allocate + free pair of the same cached size, on one
//! thread, timed with the time-stamp counter over batches of pairs (median batch).
//!
//! ```text
//!   begin ─► BATCH x { p = alloc(size); black_box(p); free(p, size) } ─► end
//!   cycles per pair = (end - begin - empty region) / BATCH
//! ```

use super::contenders::Contender;
use super::harness::layout;
use super::select::{each, OnEach};
use super::settings::Settings;
use super::shared::arena::Arena;
use super::shared::figures::Figures;
use super::shared::stats::median;
use super::shared::timing::{begin, end, Clock};
use std::hint::black_box;

/// The sizes measured, one column each (all cached).
pub const SIZES: [usize; 3] = [16, 64, 256];
/// Pairs per timed batch.
const BATCH: usize = 100;

/// Measures every contender at every size.
pub fn measure(arena: &Arena, settings: &Settings, figures: &mut Figures) {
    let clock = Clock::calibrate();
    for size in SIZES {
        each(&mut Pairs {
            arena,
            settings,
            figures,
            clock: &clock,
            size,
        });
    }
}

struct Pairs<'a> {
    arena: &'a Arena,
    settings: &'a Settings,
    figures: &'a mut Figures,
    clock: &'a Clock,
    size: usize,
}

impl OnEach for Pairs<'_> {
    fn run<A: Contender>(&mut self) {
        // SAFETY: the arena outlives the allocator, which is its only user.
        let heap = unsafe { A::over(self.arena.region(self.arena.size())) };
        let layout = layout(self.size);
        let pair = || {
            // SAFETY: the region is valid; the block is freed at once with its layout.
            unsafe {
                let ptr = heap.alloc(layout);
                heap.free(black_box(ptr), layout);
            }
        };
        (0..1000).for_each(|_| pair());
        let batches = (0..self.settings.pair_batches).map(|_| {
            let start = begin();
            (0..BATCH).for_each(|_| pair());
            self.clock.cycles(start, end()) as f64 / BATCH as f64
        });
        let cycles = median(batches.collect());
        let param = format!("size={}", self.size);
        self.figures
            .add("scaling-pair", param, A::NAME, "cycles_per_pair", cycles);
    }
}
