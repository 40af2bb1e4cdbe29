//! DMA buffers: physically contiguous, placed by their constraints (below a
//! limit, aligned, within a boundary), readable by a device at their physical
//! address; their frames come back on drop, the heap's counters are left
//! alone, and running out is an error.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use kernel::memory::dma::{
    self, Constraints, DmaBuffer, DmaError, ANYWHERE, BELOW_16_MIB, BELOW_4_GIB,
};
use kernel::memory::page_walk::translate;
use kernel::memory::{self, MemoryReport};
use x86_64::registers::control::Cr3;
use x86_64::VirtAddr;

kernel::test_kernel!();

/// The physical address the page tables give for `virt`.
fn physical_of(virt: u64) -> u64 {
    let level_4 = Cr3::read().0.start_address();
    // SAFETY: the active tables are live and physical memory is mapped.
    unsafe { translate(memory::physical_memory(), level_4, 4, VirtAddr::new(virt)) }
        .expect("a DMA page is mapped")
        .as_u64()
}

fn assert_contiguous_below(buffer: &DmaBuffer, below: Constraints) {
    let start = buffer.as_ptr().as_ptr().addr() as u64;
    for offset in (0..buffer.len() as u64).step_by(4096) {
        assert_eq!(
            physical_of(start + offset),
            buffer.physical() + offset,
            "page {offset:#x} is not contiguous"
        );
    }
    assert!(
        below.admits(buffer.physical(), buffer.len() as u64),
        "buffer at {:#x} ({} bytes) breaks {below:?}",
        buffer.physical(),
        buffer.len()
    );
    assert_eq!(buffer.physical() % 4096, 0);
}

#[test_case]
fn buffers_are_contiguous_and_below_their_limit() {
    for (bytes, below) in [
        (1, BELOW_16_MIB),
        (64 << 10, BELOW_16_MIB),
        (1 << 20, BELOW_4_GIB),
        (5000, BELOW_4_GIB),
    ] {
        let buffer = dma::allocate(bytes, below).expect("a DMA buffer");
        assert!(buffer.len() >= bytes);
        assert_contiguous_below(&buffer, below);
    }
}

#[test_case]
fn a_device_sees_what_the_kernel_wrote() {
    let buffer = dma::allocate(8192, BELOW_16_MIB).expect("a DMA buffer");
    // SAFETY: the buffer is 8192 bytes, zeroed.
    let bytes = unsafe { core::slice::from_raw_parts_mut(buffer.as_ptr().as_ptr(), buffer.len()) };
    assert!(bytes.iter().all(|&b| b == 0), "a new buffer is zeroed");
    bytes.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8);
    let device_view: *const u8 = (memory::physical_memory() + buffer.physical()).as_ptr();
    // SAFETY: the physical-memory window maps the buffer's frames too.
    let seen = unsafe { core::slice::from_raw_parts(device_view, buffer.len()) };
    assert!(seen.iter().enumerate().all(|(i, &b)| b == i as u8));
}

#[test_case]
fn frames_come_back_when_buffers_are_dropped() {
    let before = MemoryReport::now().free_frames;
    let buffers: Vec<DmaBuffer> = (0..8)
        .map(|i| dma::allocate(4096 << i, BELOW_4_GIB).expect("a DMA buffer"))
        .collect();
    assert_eq!(
        MemoryReport::now().free_frames,
        before - 255,
        "8 buffers of 1..128 pages"
    );
    drop(buffers);
    assert_eq!(
        MemoryReport::now().free_frames,
        before,
        "frames not returned"
    );
}

#[test_case]
fn impossible_requests_are_errors() {
    assert_eq!(dma::allocate(0, BELOW_16_MIB).unwrap_err(), DmaError::Empty);
    // Only the megabyte from 1 MiB to 2 MiB lies below 2 MiB and may be handed out.
    let too_low = dma::allocate(1200 << 10, Constraints::below(2 << 20)).unwrap_err();
    let expected = DmaError::NoContiguousRun {
        frames: 300,
        below: 2 << 20,
    };
    assert_eq!(too_low, expected, "{too_low}");
    assert_eq!(
        dma::allocate(64 << 20, BELOW_4_GIB).unwrap_err(),
        DmaError::WindowFull
    );
    let after = dma::allocate(4096, BELOW_16_MIB).expect("the kernel goes on");
    assert_contiguous_below(&after, BELOW_16_MIB);
}

#[test_case]
fn isa_buffers_never_cross_64_kib() {
    // 12 KiB buffers, one after another: the fourth would start at 60 KiB
    // into a 64 KiB block if nothing kept it back.
    let buffers: Vec<DmaBuffer> = (0..24)
        .map(|_| dma::allocate(12 << 10, BELOW_16_MIB).expect("a 12 KiB ISA buffer"))
        .collect();
    for buffer in &buffers {
        let (start, end) = (
            buffer.physical(),
            buffer.physical() + buffer.len() as u64 - 1,
        );
        assert_eq!(
            start >> 16,
            end >> 16,
            "ISA buffer {start:#x}..={end:#x} crosses a 64 KiB boundary"
        );
        assert_contiguous_below(buffer, BELOW_16_MIB);
    }
}

#[test_case]
fn alignment_and_boundary_are_met() {
    let rules = [
        ANYWHERE.aligned(64 << 10),
        BELOW_4_GIB.aligned(1 << 20),
        Constraints::below(1 << 30)
            .aligned(16 << 10)
            .within(32 << 10),
    ];
    for rule in rules {
        // A one-page buffer first, so the next run does not start aligned.
        let _skew = dma::allocate(4096, rule.aligned(4096)).expect("one page");
        let buffer = dma::allocate(20 << 10, rule).expect("an aligned buffer");
        assert_eq!(buffer.physical() % rule.align(), 0, "{rule:?}");
        assert_contiguous_below(&buffer, rule);
    }
}

#[test_case]
fn constraints_no_buffer_can_meet_are_errors() {
    for (bytes, rule) in [
        (8192, ANYWHERE.within(4096)),
        (4096, ANYWHERE.aligned(3 << 12)),
        (4096, ANYWHERE.within(48 << 10)),
        (128 << 10, BELOW_16_MIB),
    ] {
        assert_eq!(
            dma::allocate(bytes, rule).unwrap_err(),
            DmaError::BadConstraints {
                bytes,
                constraints: rule
            }
        );
    }
}

#[test_case]
fn running_out_of_isa_memory_is_an_error_and_loses_nothing() {
    let before = MemoryReport::now();
    let mut buffers = Vec::with_capacity(4096);
    let error = loop {
        match dma::allocate(64 << 10, BELOW_16_MIB) {
            Ok(buffer) => buffers.push(buffer),
            Err(error) => break error,
        }
    };
    assert!(
        matches!(error, DmaError::NoContiguousRun { below, .. } if below == 16 << 20),
        "{error}"
    );
    assert!(buffers.len() > 8, "only {} ISA buffers", buffers.len());
    drop(buffers);
    let after = MemoryReport::now();
    // The heap mapped pages for the vector of buffers: count those too.
    assert_eq!(
        after.free_frames + after.mapped_pages,
        before.free_frames + before.mapped_pages,
        "frames lost"
    );
}

#[test_case]
fn dropping_a_buffer_leaves_the_heaps_mapped_pages_alone() {
    let before = MemoryReport::now().mapped_pages;
    drop(dma::allocate(14 << 12, ANYWHERE).expect("a DMA buffer"));
    assert_eq!(
        MemoryReport::now().mapped_pages,
        before,
        "the heap's mapped-page counter moved for DMA pages"
    );
}
