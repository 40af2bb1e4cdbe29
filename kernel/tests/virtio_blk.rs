//! virtio-blk on a scratch disk the runner attaches (`boot/src/kernel_tests.rs`): a pattern
//! over many sectors written and read back through heap and pool buffers, errors that leave
//! the disk usable, and the heap and the frames as they were once the disk is gone.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec;
use kernel::allocator::HEAP;
use kernel::memory::dma_pool::POOL;
use kernel::memory::MemoryReport;
use kernel::pci;
use kernel::virtio::blk::{self, Disk, DiskError, SECTOR};
use kernel::virtio::measure::{self, BufferKind};

kernel::test_kernel!(|_boot_info| {
    // Interrupts on, so requests complete by interrupt; past the timer handler's first
    // sixteen ticks, after which its long-lived block stays allocated.
    kernel::timer::start();
    while kernel::timer::ticks() < 20 {
        core::hint::spin_loop();
    }
});

/// Finds and sets up the disk.
fn disk() -> Disk {
    blk::probe(pci::devices()).unwrap_or_else(|error| panic!("{error}"))
}

/// Frames free or under heap pages.
fn frames_in_play() -> u64 {
    let report = MemoryReport::now();
    report.free_frames + report.mapped_pages
}

#[test_case]
fn a_pattern_over_many_sectors_reads_back_and_nothing_leaks() {
    // The enumeration stays for the kernel's life: take it before counting.
    pci::devices();
    let frames = frames_in_play();
    let live = HEAP.counters().live_allocations();
    {
        let disk = disk();
        assert!(
            disk.capacity() >= 4096,
            "the scratch disk has {} sectors",
            disk.capacity()
        );
        // 1 MiB in one-sector heap buffers (inside a page: shared in place), 1 MiB in
        // 16 KiB heap buffers (across pages: may bounce), 1 MiB in 16 KiB pool buffers.
        let runs = [
            (0, BufferKind::Heap, SECTOR),
            (2048, BufferKind::Heap, 16 << 10),
            (1024, BufferKind::Pool, 16 << 10),
        ];
        for (first, kind, chunk) in runs {
            let report = measure::round_trip(&disk, first, 2048, chunk, kind)
                .unwrap_or_else(|error| panic!("{kind:?} {chunk}: {error}"));
            assert_eq!(report.requests, 2 * 2048 / (chunk / SECTOR) as u64);
            assert_eq!(
                report.pool_allocations,
                2 * report.requests + report.bounced,
                "a header and a status per request, plus the bounces"
            );
            if kind == BufferKind::Pool || chunk == SECTOR {
                assert_eq!(
                    report.bounced, 0,
                    "{kind:?} {chunk}-byte buffers never bounce"
                );
            }
        }
        // The pool round trip overwrote sectors 1024..3072: what the heap runs wrote
        // outside them is still there.
        let mut first = vec![0u8; 1024 * SECTOR];
        disk.read(0, &mut first).expect("read sectors 0..1024");
        let mut again = vec![0u8; 1024 * SECTOR];
        disk.write(8192, &first).expect("copy them elsewhere");
        disk.read(8192, &mut again).expect("and read the copy");
        assert!(first == again, "a 512 KiB request reads back what it wrote");
        assert!(first.iter().any(|&b| b != 0));
        let stats = disk.stats();
        assert!(stats.bytes_read >= 3 << 20 && stats.bytes_written >= 3 << 20);
        assert!(
            stats.interrupts >= stats.requests / 2,
            "{} interrupts for {} requests: completions are not interrupt-driven",
            stats.interrupts,
            stats.requests
        );
    }
    POOL.shrink();
    assert_eq!(POOL.runs(), 0, "every pool block came back");
    kernel::testing::check_heap();
    assert_eq!(
        HEAP.counters().live_allocations(),
        live,
        "heap blocks leaked"
    );
    assert_eq!(frames_in_play(), frames, "frames leaked");
}

#[test_case]
fn bad_requests_are_errors_and_the_disk_goes_on() {
    let disk = disk();
    let mut buffer = vec![0u8; SECTOR];
    assert_eq!(
        disk.read(0, &mut buffer[..100]),
        Err(DiskError::BadLength(100))
    );
    assert_eq!(disk.write(0, &[]), Err(DiskError::BadLength(0)));
    let beyond = disk.capacity();
    assert_eq!(
        disk.read(beyond, &mut buffer),
        Err(DiskError::Device {
            sector: beyond,
            error: virtio_drivers::Error::IoError
        }),
        "the device reports a sector past the end as an I/O error"
    );
    buffer.fill(0x3c);
    disk.write(beyond - 1, &buffer).expect("the last sector");
    buffer.fill(0);
    disk.read(beyond - 1, &mut buffer).expect("the last sector");
    assert!(buffer.iter().all(|&b| b == 0x3c));
}
