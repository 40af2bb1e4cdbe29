//! A `CachedHeap` for single-threaded tests that play several CPUs (`Switch`), and the
//! allocate and free loops they drive it with.

use super::cpus::Switch;
use super::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use tagheap::{CachedHeap, NeverGrow};

/// Four CPUs, magazines of 4 blocks (small, so that tests reach the depot quickly).
pub type Cache = CachedHeap<spin::mutex::SpinMutex<()>, NeverGrow, Switch, 4, 4>;

/// A cache over the first `size` bytes of `memory`, played from CPU 0.
pub fn cache_over(memory: &Memory, size: usize) -> Box<Cache> {
    Switch::set(0);
    let cache = Box::new(Cache::new(NeverGrow));
    // SAFETY: the test's memory, which outlives the cache.
    unsafe { cache.heap().lock().claim(memory.span(0, size)) }.unwrap();
    cache
}

/// `size` bytes aligned to 8.
pub fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

/// Allocates `count` blocks of `layout` on the current CPU.
pub fn allocate(cache: &Cache, layout: Layout, count: usize) -> Vec<NonNull<u8>> {
    // SAFETY: the test's memory is valid.
    (0..count)
        .map(|_| unsafe { cache.allocate(layout) }.unwrap())
        .collect()
}

/// Frees `blocks` (of `layout`) on the current CPU.
pub fn free(cache: &Cache, blocks: &[NonNull<u8>], layout: Layout) {
    for &block in blocks {
        // SAFETY: live blocks of this cache with this layout, freed once.
        unsafe { cache.deallocate(block, layout) };
    }
}
