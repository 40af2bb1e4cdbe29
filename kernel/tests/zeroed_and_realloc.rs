//! `alloc_zeroed` and `realloc` as the kernel's global allocator does them:
//! zeroing skips pages that will fault in zeroed anyway, and a block that
//! must move is copied outside the heap lock.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;
use kernel::allocator;
use kernel::memory::MemoryReport;
use kernel::testing::check_heap;

kernel::test_kernel!();

#[test_case]
fn alloc_zeroed_skips_pages_that_fault_in_zeroed() {
    allocator::trim();
    let before = MemoryReport::now();
    let zeroed = alloc::vec![0u8; 64 << 20];
    let after = MemoryReport::now();
    assert!(
        after.page_faults - before.page_faults < 16,
        "zeroing 64 MiB faulted in {} pages",
        after.page_faults - before.page_faults
    );
    assert!(zeroed.iter().step_by(4096).all(|&b| b == 0));
    drop(zeroed);
    allocator::trim();
    check_heap();
}

#[test_case]
fn alloc_zeroed_zeroes_reused_memory() {
    let dirty = alloc::vec![0xeeu8; 1 << 20];
    drop(dirty);
    let zeroed = alloc::vec![0u8; 1 << 20];
    assert!(
        zeroed.iter().all(|&b| b == 0),
        "reused memory kept old bytes"
    );
    drop(zeroed);
    check_heap();
}

#[test_case]
fn realloc_moves_a_large_block_intact() {
    let mut block: Vec<u64> = (0..(1 << 17)).collect();
    let pin = Box::new(1u64);
    block.reserve_exact(1 << 20);
    assert!(block.iter().enumerate().all(|(i, &v)| v == i as u64));
    block.truncate(10);
    block.shrink_to_fit();
    assert_eq!(block, (0..10).collect::<Vec<u64>>());
    drop(pin);
    check_heap();
}
