//! The DMA pool: blocks are physically contiguous where the pool says they are, handles
//! free on drop, exhaustion is an `Err` that changes nothing, and empty runs go back.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use core::alloc::Layout;
use core::ptr::NonNull;
use kernel::memory::dma_box::DmaBox;
use kernel::memory::dma_buf::DmaBuf;
use kernel::memory::dma_pool::{DmaPool, PoolError, RUN_BYTES};
use kernel::memory::page_walk::translate;
use kernel::memory::{self, MemoryReport};
use x86_64::registers::control::Cr3;
use x86_64::VirtAddr;

kernel::test_kernel!();

/// The physical address the page tables give for `virt` (walked by hand, not through the
/// pool's own bookkeeping).
fn physical_of(virt: usize) -> u64 {
    let level_4 = Cr3::read().0.start_address();
    // SAFETY: the active tables are live and physical memory is mapped.
    unsafe {
        translate(
            memory::physical_memory(),
            level_4,
            4,
            VirtAddr::new(virt as u64),
        )
    }
    .expect("a pool page is mapped")
    .as_u64()
}

/// Asserts every page of `len` bytes at `virt` lies where `physical` says.
fn assert_contiguous(virt: usize, len: usize, physical: u64) {
    for offset in (0..len).step_by(512) {
        assert_eq!(physical_of(virt + offset), physical + offset as u64);
    }
}

#[test_case]
fn handles_know_their_physical_address_and_free_on_drop() {
    let pool = DmaPool::new(4);
    let header = DmaBox::new(&pool, [0x5au8; 16]).expect("a 16-byte block");
    assert_eq!(*header, [0x5a; 16]);
    assert_contiguous(header.as_ptr().addr(), 16, header.physical());
    let mut buffer = DmaBuf::zeroed(&pool, 6000).expect("a 6000-byte buffer");
    assert!(buffer.iter().all(|&b| b == 0));
    buffer.fill(0xc3);
    assert_contiguous(buffer.as_ptr().addr(), buffer.len(), buffer.physical());
    assert_eq!(pool.counters().live_allocations, 2);
    drop(header);
    drop(buffer);
    assert_eq!(pool.counters().live_allocations, 0);
    assert_eq!(pool.check(), Ok(()));
}

#[test_case]
fn small_blocks_share_a_run_instead_of_taking_a_page_each() {
    let pool = DmaPool::new(1);
    let headers: Vec<_> = (0..64u64)
        .map(|i| DmaBox::new(&pool, i).expect("64 headers fit one run"))
        .collect();
    assert_eq!(
        pool.runs(),
        1,
        "64 eight-byte blocks in one {RUN_BYTES}-byte run"
    );
    assert!(headers.iter().enumerate().all(|(i, h)| **h == i as u64));
}

#[test_case]
fn exhaustion_is_an_error_that_loses_nothing() {
    let free_before = MemoryReport::now().free_frames;
    let pool = DmaPool::new(2);
    let layout = Layout::from_size_align(4096, 64).unwrap();
    let mut blocks: Vec<(NonNull<u8>, u64, u8)> = Vec::new();
    let error = loop {
        match pool.allocate(layout) {
            Ok((block, physical)) => {
                let mark = blocks.len() as u8;
                // SAFETY: the block holds 4096 bytes and is ours.
                unsafe { block.write_bytes(mark, 4096) };
                blocks.push((block, physical, mark));
            }
            Err(error) => break error,
        }
        assert!(blocks.len() < 64, "a two-run pool never ran out");
    };
    assert_eq!(error, PoolError { layout });
    assert_eq!(pool.runs(), 2, "the pool grew to its limit before failing");
    assert!(
        blocks.len() >= 4,
        "two {RUN_BYTES}-byte runs hold at least four pages"
    );
    let counters = pool.counters();
    assert_eq!(pool.allocate(layout).unwrap_err(), error, "and fails again");
    assert_eq!(
        pool.counters(),
        counters,
        "a failed allocation changes nothing"
    );
    assert_eq!(pool.check(), Ok(()));
    for &(block, physical, mark) in &blocks {
        // SAFETY: the block is live and holds 4096 bytes.
        let bytes = unsafe { core::slice::from_raw_parts(block.as_ptr(), 4096) };
        assert!(
            bytes.iter().all(|&b| b == mark),
            "block {mark} was overwritten"
        );
        assert_contiguous(block.as_ptr().addr(), 4096, physical);
    }
    assert_eq!(pool.shrink(), 0, "runs with live blocks stay");
    for (block, _, _) in blocks {
        // SAFETY: allocated above with this layout, freed once.
        unsafe { pool.deallocate(block, layout) };
    }
    assert_eq!(pool.shrink(), 2, "empty runs go back");
    assert_eq!(pool.runs(), 0);
    assert_eq!(
        MemoryReport::now().free_frames,
        free_before,
        "every frame of the runs came back"
    );
    let again = DmaBox::new(&pool, 7u32).expect("the pool grows again after shrinking");
    assert_eq!(*again, 7);
}

#[test_case]
fn a_block_larger_than_a_run_gets_a_run_of_its_own() {
    let pool = DmaPool::new(2);
    let big = DmaBuf::zeroed(&pool, 3 * RUN_BYTES).expect("a run sized for the block");
    assert_eq!(pool.runs(), 1);
    assert_contiguous(big.as_ptr().addr(), big.len(), big.physical());
}
