//! CHEAT (exercise 5): one CPU empties every CPU's cache, which the exercise forbids (only
//! a CPU may touch its own). `make grade CHEATS=1` checks it scores 0.

use super::NotDone;
use crate::allocator::Trimmed;

/// Empties every CPU's cache from this one, then trims.
pub fn trim() -> Result<Trimmed, NotDone> {
    for cpu in 0..crate::arch::percpu::online() {
        // SAFETY: none: another CPU may be using its cache right now.
        let cache = unsafe { &mut *super::cpu_cache::CACHES.0[cpu].get() };
        cache.counts = [0; 8];
        super::cpu_cache::CACHED[cpu].store(0, core::sync::atomic::Ordering::Relaxed);
    }
    Ok(crate::allocator::trim())
}
