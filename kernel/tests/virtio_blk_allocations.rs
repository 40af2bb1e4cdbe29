//! A disk request allocates nothing from the kernel heap: headers, status bytes and bounces
//! come from the DMA pool, and `virtio-drivers` is built without `alloc`. Built with
//! `debug-heap`, where no per-CPU magazine serves an allocation, so the boundary-tag heap's
//! count misses none; booted with a scratch disk.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use kernel::pci;
use kernel::virtio::blk::{self, SECTOR};
use kernel::virtio::measure::{self, BufferKind};

kernel::test_kernel!();

#[test_case]
fn disk_requests_make_no_heap_allocation() {
    let disk = blk::probe(pci::devices()).unwrap_or_else(|error| panic!("{error}"));
    let runs = [
        (BufferKind::Heap, SECTOR),
        (BufferKind::Heap, 16 << 10),
        (BufferKind::Pool, 16 << 10),
    ];
    for (kind, chunk) in runs {
        let report = measure::round_trip(&disk, 0, 256, chunk, kind)
            .unwrap_or_else(|error| panic!("{kind:?} {chunk}: {error}"));
        assert_eq!(
            report.heap_allocations,
            Some(0),
            "{kind:?} {chunk}-byte requests allocated from the heap: {report}"
        );
        assert!(report.requests > 0);
    }
}
