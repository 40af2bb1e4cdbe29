//! Committing heap window space is charged against free frames: a fallible
//! allocation the machine cannot back fails at once (and the kernel goes on),
//! one it accepts never runs out of frames later in the page-fault handler,
//! and the free chunk at the top of the arena counts towards growth.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;
use kernel::allocator;
use kernel::memory::{self, MemoryReport, HEAP_WINDOW_SIZE};
use kernel::testing::check_heap;

kernel::test_kernel!();

const PAGE: usize = memory::PAGE_SIZE as usize;
const MIB: usize = 1 << 20;

/// A vector with room for `bytes` bytes, or the allocation error.
fn try_vec(bytes: usize) -> Result<Vec<u8>, alloc::collections::TryReserveError> {
    let mut vec = Vec::new();
    vec.try_reserve_exact(bytes).map(|()| vec)
}

/// The largest `Vec<u8>` capacity the heap grants now, to 64 KiB. With
/// `trim_between`, every probe starts from a trimmed arena.
fn largest_fallible(trim_between: bool) -> usize {
    let (mut granted, mut refused) = (0, HEAP_WINDOW_SIZE);
    while refused - granted > 64 * 1024 {
        if trim_between {
            allocator::trim();
        }
        let probe = granted + (refused - granted) / 2;
        match try_vec(probe) {
            Ok(_) => granted = probe,
            Err(_) => refused = probe,
        }
    }
    granted
}

#[test_case]
fn a_request_beyond_ram_fails_and_the_kernel_goes_on() {
    let before = MemoryReport::now();
    let ram = before.free_frames as usize * PAGE;
    assert!(
        626 * MIB > ram && 626 * MIB < HEAP_WINDOW_SIZE,
        "the test wants a size inside the window but beyond RAM ({ram} bytes free)"
    );
    assert!(try_vec(626 * MIB).is_err());
    let mut grown = Vec::<u8>::new();
    assert!(grown.try_reserve(ram + PAGE).is_err());
    let after = MemoryReport::now();
    assert!(after.refused_commits > before.refused_commits, "{after}");
    let boxed = Box::new([9u8; 4096]);
    assert!(boxed.iter().all(|&b| b == 9));
    check_heap();
}

#[test_case]
fn every_page_of_the_largest_granted_block_can_be_touched() {
    allocator::trim();
    let largest = largest_fallible(true);
    allocator::trim();
    let free = MemoryReport::now().free_frames as usize * PAGE;
    assert!(
        largest > free - 8 * MIB,
        "only {largest} bytes granted with {free} bytes of frames free"
    );
    let mut block = try_vec(largest).expect("granted a moment ago");
    // Every page faults in now (one write each); none may find the frames gone.
    let pages = block.spare_capacity_mut();
    for (page, byte) in pages.iter_mut().step_by(PAGE).enumerate() {
        byte.write(page as u8);
    }
    let intact = pages
        .iter()
        .step_by(PAGE)
        .enumerate()
        // SAFETY: the first byte of every page was written just above.
        .all(|(page, byte)| unsafe { byte.assume_init_read() } == page as u8);
    assert!(intact, "a page of the block lost its byte");
    drop(block);
    allocator::trim();
    check_heap();
}

#[test_case]
fn the_free_top_of_the_arena_counts_towards_growth() {
    let fresh = largest_fallible(true);
    allocator::trim();
    drop(try_vec(fresh / 2).expect("half of the largest block"));
    // The arena now ends in a free chunk of about fresh / 2: growing needs only the rest.
    let after_free = largest_fallible(false);
    assert!(
        after_free + MIB >= fresh,
        "the largest block shrank from {fresh} to {after_free} bytes after a free"
    );
    allocator::trim();
    check_heap();
}
