//! The page tables are a budget charged where memory is asked for: when it is
//! spent (here by MMIO mappings), growing the heap and allocating a DMA
//! buffer are errors the caller gets back, not a panic in the page-fault
//! handler, and the kernel goes on.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::collections::TryReserveError;
use alloc::vec::Vec;
use kernel::memory::dma::{self, DmaError, ANYWHERE};
use kernel::memory::mmio::{self, Mmio, MmioError};
use kernel::memory::MemoryReport;
use kernel::testing::check_heap;

kernel::test_kernel!();

/// Physical address space with neither RAM nor devices (nothing is touched).
const NOWHERE: u64 = 0x40_0000_0000;

/// Maps `size`-byte ranges until the budget refuses one; the error.
fn map_until_refused(mappings: &mut Vec<Mmio>, size: u64) -> MmioError {
    loop {
        assert!(
            mappings.len() < mappings.capacity(),
            "the budget never ran out"
        );
        let physical = NOWHERE + mappings.len() as u64 * size;
        // SAFETY: nothing lives at NOWHERE, and the mapping is never touched.
        match unsafe { mmio::map(physical, size) } {
            Ok(mapping) => mappings.push(mapping),
            Err(error) => return error,
        }
    }
}

/// A vector with room for `bytes` bytes, or the allocation error.
fn reserved(bytes: usize) -> Result<Vec<u8>, TryReserveError> {
    let mut vec = Vec::new();
    vec.try_reserve_exact(bytes)?;
    Ok(vec)
}

#[test_case]
fn a_spent_table_budget_is_an_error_where_memory_is_asked_for() {
    // A committed heap holds its tables' share; the MMIO window then runs the
    // rest of the budget out before its own address space.
    let held = reserved(320 << 20).expect("320 MiB of 512 MiB RAM");
    let mut mappings = Vec::with_capacity(4096);
    for size in [16 << 20, 4096] {
        let error = map_until_refused(&mut mappings, size);
        assert!(
            matches!(error, MmioError::NoPageTables(_)),
            "a {size:#x}-byte mapping was refused for another reason: {error}"
        );
    }
    let report = MemoryReport::now();
    assert_eq!(report.table_pages_available, 0);
    assert!(
        report.free_frames - report.reserved_frames > (64 << 20) / 4096,
        "frames are there for 32 MiB more: only the tables are missing ({report})"
    );
    let grown = reserved(32 << 20);
    assert!(grown.is_err(), "the heap grew without page tables for it");
    match dma::allocate(4 << 20, ANYWHERE) {
        Err(DmaError::NoPageTables(short)) => assert_eq!(short.available, 0),
        other => panic!("a DMA buffer without page tables: {other:?}"),
    }
    let mapped = mappings.len();
    drop(mappings);
    drop(held);
    // The tables stay with the windows that made them: the MMIO window maps
    // again, the heap serves from what it has.
    // SAFETY: as above.
    let again = unsafe { mmio::map(NOWHERE, 16 << 20) }.expect("the MMIO window maps again");
    drop(again);
    let small: Vec<u64> = (0..1024).collect();
    assert_eq!(small.iter().sum::<u64>(), 1023 * 512);
    check_heap();
    kernel::serial_print!("({mapped} mappings) ");
}
