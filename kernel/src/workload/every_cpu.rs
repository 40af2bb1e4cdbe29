//! The workload on every CPU at once, with blocks freed by other CPUs than the
//! ones that allocated them.
//!
//! ```text
//!   grow:      every CPU churns with its own seed until the shared arena
//!              reaches the target; what it leaves alive goes to LEFT[cpu]
//!   free_half: CPU i frees a random half of LEFT[(i + 1) % n] (checked first)
//!   take_all:  everything left, to drop wherever the caller runs
//! ```

use super::{churn, Live, Rng};
use crate::arch::percpu::{self, MAX_CPUS};
use crate::smp;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use spin::Mutex;

/// What each CPU left alive. A plain spin lock: interrupt handlers never touch
/// it, and holding it must not keep interrupts off while blocks are freed.
static LEFT: Mutex<[Option<Live>; MAX_CPUS]> = Mutex::new([const { None }; MAX_CPUS]);
static TARGET: AtomicU64 = AtomicU64::new(0);
static FREED: AtomicUsize = AtomicUsize::new(0);

/// Every online CPU churns until the arena is `target` bytes; returns how
/// many blocks are left alive in all.
pub fn grow(target: u64) -> usize {
    TARGET.store(target, Ordering::Relaxed);
    smp::run_on_all(|cpu| {
        let mut rng = Rng::new(0x5eed ^ cpu as u64);
        let live = churn(&mut rng, TARGET.load(Ordering::Relaxed));
        LEFT.lock()[cpu] = Some(live);
    });
    LEFT.lock().iter().flatten().map(Live::blocks).sum()
}

/// Every CPU frees a random half of its neighbour's blocks; returns how many
/// were freed in all.
pub fn free_half() -> usize {
    FREED.store(0, Ordering::Relaxed);
    smp::run_on_all(|cpu| {
        let neighbour = (cpu + 1) % percpu::online();
        let Some(mut live) = LEFT.lock()[neighbour].take() else {
            return;
        };
        let mut rng = Rng::new(0xf4ee ^ cpu as u64);
        FREED.fetch_add(live.free_half(&mut rng), Ordering::Relaxed);
        LEFT.lock()[neighbour] = Some(live);
    });
    FREED.load(Ordering::Relaxed)
}

/// Everything still alive, after checking it.
pub fn take_all() -> Vec<Live> {
    let mut left = LEFT.lock();
    let all: Vec<Live> = left.iter_mut().filter_map(Option::take).collect();
    all.iter().for_each(Live::verify);
    all
}
