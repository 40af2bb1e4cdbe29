//! The kernel heap end to end: the global allocator over the demand-paged
//! heap window, growth through `extend` and page faults, allocation from the
//! timer interrupt, window exhaustion and trim.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;
use kernel::allocator::{self, HEAP};
use kernel::memory::{window, MemoryReport, HEAP_WINDOW_SIZE, INITIAL_ARENA};
use kernel::testing::check_heap;
use kernel::timer;
use kernel::workload::{self, Rng};

kernel::test_kernel!();

#[test_case]
fn simple_allocation() {
    let a = Box::new(41);
    let b = Box::new(13);
    assert_eq!((*a, *b), (41, 13));
    check_heap();
}

#[test_case]
fn large_vec() {
    let n = 100_000u64;
    let v: Vec<u64> = (0..n).collect();
    assert_eq!(v.iter().sum::<u64>(), (n - 1) * n / 2);
    check_heap();
}

#[test_case]
fn many_boxes_reuse_memory() {
    let claimed = HEAP.heap().lock().counters().claimed_bytes;
    for i in 0..10_000 {
        let x = Box::new(i);
        assert_eq!(*x, i);
    }
    assert_eq!(
        HEAP.heap().lock().counters().claimed_bytes,
        claimed,
        "short-lived boxes grew the heap"
    );
    check_heap();
}

#[test_case]
fn long_lived_boxes_force_reuse() {
    let claimed = HEAP.heap().lock().counters().claimed_bytes;
    let long_lived: Vec<Box<u64>> = (0..200).map(Box::new).collect();
    for i in 0..10_000u64 {
        let x = Box::new(i);
        assert_eq!(*x, i);
    }
    assert!(long_lived.iter().enumerate().all(|(i, b)| **b == i as u64));
    assert_eq!(
        HEAP.heap().lock().counters().claimed_bytes,
        claimed,
        "the churn did not reuse freed chunks"
    );
    check_heap();
}

#[test_case]
fn heap_grows_to_several_mib_through_page_faults() {
    let before = MemoryReport::now();
    let live = workload::churn(&mut Rng::new(7), 8 << 20);
    let after = MemoryReport::now();
    assert!(after.committed_bytes >= 8 << 20, "committed only {after}");
    assert!(after.extends > before.extends, "no extend: {after}");
    assert!(
        after.page_faults >= before.page_faults + 1024,
        "too few faults: {before} -> {after}"
    );
    live.verify();
    drop(live);
    check_heap();
}

#[test_case]
fn timer_handler_allocates_while_the_main_loop_does() {
    timer::start();
    let (ticks, allocations) = (timer::ticks(), timer::allocations());
    let mut rng = Rng::new(11);
    let mut live = Vec::new();
    while timer::ticks() < ticks + 200 {
        let len = 1 + rng.below(512);
        live.push(alloc::vec![len as u8; len]);
        if live.len() > 256 {
            let block = live.swap_remove(rng.below(live.len()));
            assert!(
                block.iter().all(|&b| b == block.len() as u8),
                "block corrupted"
            );
        }
    }
    x86_64::instructions::interrupts::disable();
    assert!(
        timer::allocations() >= allocations + 200,
        "the timer handler did not allocate"
    );
    drop(live);
    check_heap();
}

#[test_case]
fn window_exhaustion_is_an_error_and_the_kernel_goes_on() {
    let mut huge = Vec::<u8>::new();
    assert!(huge.try_reserve(2 * HEAP_WINDOW_SIZE).is_err());
    assert!(
        huge.try_reserve(HEAP_WINDOW_SIZE).is_err(),
        "the whole window plus tags cannot fit"
    );
    assert!(window::committed_bytes() < HEAP_WINDOW_SIZE as u64);
    let after = Box::new([7u8; 4096]);
    assert!(after.iter().all(|&b| b == 7));
    check_heap();
}

#[test_case]
fn trim_returns_frames() {
    allocator::trim();
    let before = MemoryReport::now();
    let block = alloc::vec![0x5au8; 16 << 20];
    let grown = MemoryReport::now();
    assert!(
        grown.mapped_pages > before.mapped_pages,
        "16 MiB mapped no page: {grown}"
    );
    assert_eq!(
        grown.free_frames + grown.mapped_pages,
        before.free_frames + before.mapped_pages,
        "growth lost frames: {before} -> {grown}"
    );
    drop(block);
    let trimmed = allocator::trim();
    let after = MemoryReport::now();
    assert_eq!(
        trimmed.unmapped_top + trimmed.discarded_inside,
        grown.mapped_pages - after.mapped_pages
    );
    assert_eq!(
        after.free_frames + after.mapped_pages,
        before.free_frames + before.mapped_pages,
        "trim lost frames: {before} -> {after}"
    );
    assert!(
        after.free_frames >= before.free_frames,
        "free frames not restored: {before} -> {after}"
    );
    assert!(after.committed_bytes >= INITIAL_ARENA as u64);
    check_heap();
}
