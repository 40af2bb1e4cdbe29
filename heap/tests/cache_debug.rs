//! Tests of the cache under `debug-checks` (on in tests, in builds with debug assertions): a
//! double free that lands in a magazine (this CPU's, or another's) panics, and so do a
//! double free the heap already took back, a double free of a block a refill took into a
//! magazine again, a realloc of a freed block, a foreign pointer and a layout of a bigger
//! class.

mod common {
    pub mod cpus;
    pub mod memory;
}

use common::cpus::Switch;
use common::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use tagheap::{CachedHeap, NeverGrow};

type Cache = CachedHeap<spin::mutex::SpinMutex<()>, NeverGrow, Switch, 2, 4>;
/// Magazines of 8 blocks: a refill takes 2 blocks from the heap, and keeps one.
type Cache8 = CachedHeap<spin::mutex::SpinMutex<()>, NeverGrow, Switch, 2, 8>;

fn layout() -> Layout {
    Layout::from_size_align(64, 8).unwrap()
}

/// A cache over `memory` with one live block of `layout()`, allocated on CPU 0.
fn cache_with_block(memory: &Memory) -> (Box<Cache>, NonNull<u8>) {
    Switch::set(0);
    let cache = Box::new(Cache::new(NeverGrow));
    // SAFETY: the test's memory, which outlives the cache.
    unsafe { cache.heap().lock().claim(memory.span(0, 1 << 16)) }.unwrap();
    // SAFETY: as above.
    let block = unsafe { cache.allocate(layout()) }.unwrap();
    (cache, block)
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "double free")]
fn a_double_free_into_a_magazine_panics() {
    let memory = Memory::new(1 << 16);
    let (cache, block) = cache_with_block(&memory);
    // SAFETY: deliberately wrong; the debug checks stop the second free.
    unsafe {
        cache.deallocate(block, layout());
        cache.deallocate(block, layout());
    }
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "already in a magazine")]
fn a_double_free_on_another_cpu_panics() {
    let memory = Memory::new(1 << 16);
    let (cache, block) = cache_with_block(&memory);
    // SAFETY: deliberately wrong; the block sits in CPU 0's magazine when CPU 1 frees it.
    unsafe {
        cache.deallocate(block, layout());
        Switch::set(1);
        cache.deallocate(block, layout());
    }
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "double free or foreign pointer")]
fn a_double_free_after_a_flush_panics() {
    let memory = Memory::new(1 << 16);
    let (cache, block) = cache_with_block(&memory);
    // SAFETY: deliberately wrong; the flush gave the block back to the heap.
    unsafe {
        cache.deallocate(block, layout());
        cache.flush();
        cache.deallocate(block, layout());
    }
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "already in a magazine")]
fn a_double_free_of_a_block_a_refill_took_back_panics() {
    let memory = Memory::new(1 << 16);
    Switch::set(0);
    let cache = Box::new(Cache8::new(NeverGrow));
    // SAFETY: the test's memory, which outlives the cache; the last free is deliberately a
    // double free.
    unsafe {
        cache.heap().lock().claim(memory.span(0, 1 << 16)).unwrap();
        let first = cache.allocate(layout()).unwrap();
        let kept = cache.allocate(layout()).unwrap();
        cache.deallocate(first, layout());
        cache.deallocate(kept, layout());
        cache.flush();
        // CPU 1 has not refilled yet: it takes a quarter magazine, the two blocks.
        Switch::set(1);
        let again = cache.allocate(layout()).unwrap();
        assert_eq!(
            again, first,
            "the refill hands out the same block, and keeps `kept`"
        );
        cache.deallocate(kept, layout());
    }
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "realloc: double free or use after free")]
fn a_realloc_of_a_block_in_a_magazine_panics() {
    let memory = Memory::new(1 << 16);
    let (cache, block) = cache_with_block(&memory);
    // SAFETY: deliberately wrong: the block was freed into a magazine.
    unsafe {
        cache.deallocate(block, layout());
        let _ = cache.realloc(block, layout(), 200);
    }
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "was never handed out")]
fn a_foreign_pointer_panics() {
    let memory = Memory::new(1 << 16);
    let (cache, block) = cache_with_block(&memory);
    // SAFETY: deliberately wrong: a pointer into the middle of a block.
    unsafe { cache.deallocate(block.add(16), layout()) };
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "does not fit the block")]
fn a_layout_of_a_bigger_class_panics() {
    let memory = Memory::new(1 << 16);
    let (cache, block) = cache_with_block(&memory);
    // SAFETY: deliberately wrong: the block has 64 bytes, not 512.
    unsafe { cache.deallocate(block, Layout::from_size_align(512, 8).unwrap()) };
}

#[test]
fn a_block_handed_out_again_can_be_freed_again() {
    let memory = Memory::new(1 << 16);
    let (mut cache, block) = cache_with_block(&memory);
    // SAFETY: each free ends a live block; the block is handed out again in between.
    unsafe {
        cache.deallocate(block, layout());
        let again = cache.allocate(layout()).unwrap();
        assert_eq!(again, block);
        cache.deallocate(again, layout());
        cache.flush();
        let from_heap = cache.allocate(layout()).unwrap();
        cache.deallocate(from_heap, layout());
    }
    assert_eq!(cache.check(), Ok(()));
}
