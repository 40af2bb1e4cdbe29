//! `trim` gives memory back without breaking the heap: it unmaps only pages
//! wholly above the arena's new end (whatever slack `truncate` leaves above
//! the requested top), and the whole pages inside free chunks anywhere below.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use core::alloc::Layout;
use core::ptr::NonNull;
use kernel::allocator::{self, HEAP};
use kernel::memory::{self, MemoryReport};

kernel::test_kernel!();

const PAGE: usize = memory::PAGE_SIZE as usize;

/// Panics with the broken rule if the heap's invariants do not hold.
fn check_heap(when: &str) {
    if let Err(error) = HEAP.heap().lock().check() {
        panic!("heap check failed {when}: {error}");
    }
}

/// Frames are conserved: each one is free or under a mapped heap page.
fn frames_in_play(report: MemoryReport) -> u64 {
    report.free_frames + report.mapped_pages
}

/// Allocates a block that becomes the highest live block of the heap and ends
/// exactly `below` bytes under a page boundary; returns it and its layout.
/// Chunks end one word past a 16-byte boundary, so `below` must be 8 mod 16.
fn top_block_ending_below_a_page(below: usize) -> (NonNull<u8>, Layout) {
    let mut heap = HEAP.heap().lock();
    // Larger than the whole trimmed arena, so it comes from the grown top.
    let layout = Layout::from_size_align(256 * 1024, 8).unwrap();
    // SAFETY: the heap is the kernel's; the block is freed by the caller.
    let ptr = unsafe { heap.allocate(layout) }.expect("256 KiB for the top block");
    let page_end = (ptr.as_ptr() as usize + 2 * PAGE).next_multiple_of(PAGE);
    let size = page_end - below - ptr.as_ptr() as usize;
    // SAFETY: `ptr` is live with `layout`, and `size` is smaller.
    let ptr = unsafe { heap.shrink(ptr, layout, size) };
    let layout = Layout::from_size_align(size, 8).unwrap();
    let top = heap.allocated_span(heap.hook.arena()).unwrap().acme() as usize;
    assert_eq!(top, page_end - below, "the block is not the heap's highest");
    (ptr, layout)
}

#[test_case]
fn trim_keeps_the_page_of_the_new_end_record_at_every_offset() {
    // Every place a chunk can end (one word past a 16-byte boundary) in the
    // last 80 bytes of a page.
    for below in (8..=72).step_by(16) {
        allocator::trim();
        let before = MemoryReport::now();
        let (block, layout) = top_block_ending_below_a_page(below);
        // SAFETY: the block has `layout.size()` bytes.
        unsafe { block.as_ptr().write_bytes(0xd1, layout.size()) };
        allocator::trim();
        check_heap(&alloc::format!(
            "after a trim with the top block ending {below} bytes below a page"
        ));
        // SAFETY: the block is live with `layout`.
        let bytes = unsafe { core::slice::from_raw_parts(block.as_ptr(), layout.size()) };
        assert!(
            bytes.iter().all(|&b| b == 0xd1),
            "top block lost its contents"
        );
        // SAFETY: allocated by `top_block_ending_below_a_page` with `layout`.
        unsafe { HEAP.heap().lock().deallocate(block, layout) };
        allocator::trim();
        check_heap("after freeing the top block");
        assert_eq!(
            frames_in_play(MemoryReport::now()),
            frames_in_play(before),
            "frames lost with the top block {below} bytes below a page"
        );
    }
}

#[test_case]
fn a_dma_ring_at_the_top_survives_trim() {
    allocator::trim();
    let filler: Vec<u8> = alloc::vec![1; 512 * 1024];
    let ring = Layout::from_size_align(PAGE, PAGE).unwrap();
    // SAFETY: the heap is the kernel's; the ring is freed below.
    let ring_ptr = unsafe { HEAP.heap().lock().allocate(ring) }.expect("a page-aligned page");
    // SAFETY: the ring has a page of bytes.
    unsafe { ring_ptr.as_ptr().write_bytes(0xab, PAGE) };
    drop(filler);
    allocator::trim();
    check_heap("after trimming under a page-aligned top block");
    // SAFETY: the ring is live.
    let bytes = unsafe { core::slice::from_raw_parts(ring_ptr.as_ptr(), PAGE) };
    assert!(
        bytes.iter().all(|&b| b == 0xab),
        "the ring lost its contents"
    );
    // SAFETY: allocated above with `ring`.
    unsafe { HEAP.heap().lock().deallocate(ring_ptr, ring) };
    check_heap("after freeing the ring");
}

#[test_case]
fn trim_unmaps_free_pages_below_a_live_top_block() {
    allocator::trim();
    let before = MemoryReport::now();
    let big: Vec<u8> = alloc::vec![0x3c; 8 << 20];
    let pin = alloc::boxed::Box::new([0x77u8; 256]);
    drop(big);
    let trimmed = allocator::trim();
    let after = MemoryReport::now();
    assert!(
        trimmed.discarded_inside >= (8 << 20) / PAGE as u64 - 2,
        "only {} pages of the freed 8 MiB were unmapped",
        trimmed.discarded_inside
    );
    assert_eq!(frames_in_play(after), frames_in_play(before), "frames lost");
    check_heap("after discarding free pages");
    // The discarded pages are still committed: they fault back in on reuse.
    let again: Vec<u8> = alloc::vec![0x5e; 8 << 20];
    assert!(again.iter().all(|&b| b == 0x5e));
    assert!(pin.iter().all(|&b| b == 0x77), "the pinned block changed");
    drop(again);
    drop(pin);
    allocator::trim();
    check_heap("after reusing the discarded pages");
    assert_eq!(frames_in_play(MemoryReport::now()), frames_in_play(before));
}
