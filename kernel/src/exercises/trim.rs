//! EXERCISE 5: flush per-CPU caches on trim. The caches are `cpu_cache.rs`: every CPU
//! keeps freed small blocks there, which the heap counts as allocated, so a trim that does
//! not empty them first cannot give their memory back. Only a CPU can empty its own cache
//! (`cpu_cache::flush_this_cpu`).
//!
//! Write [`trim`]: have every online CPU run `flush_this_cpu` (`crate::smp::run_on_all`),
//! then trim the heap (`crate::allocator::trim`) and return what it did.

use super::NotDone;
use crate::allocator::Trimmed;

/// Flushes every CPU's cache, each on its own CPU, then trims the heap.
#[cfg(not(feature = "solutions"))]
pub fn trim() -> Result<Trimmed, NotDone> {
    Err(NotDone(
        "cpu cache: write `trim` in kernel/src/exercises/trim.rs",
    ))
}

/// Flushes every CPU's cache, each on its own CPU, then trims the heap.
#[cfg(feature = "solutions")]
pub fn trim() -> Result<Trimmed, NotDone> {
    Ok(super::solutions::flush_and_trim())
}
