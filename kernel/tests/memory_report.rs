//! `MemoryReport::now` is one consistent snapshot: free frames plus mapped heap pages stay
//! constant in every report read while other CPUs map heap pages on demand and a trim
//! unmaps them (the invariant `make run` checks once at its end). Booted with 4 CPUs.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use kernel::allocator;
use kernel::arch::percpu;
use kernel::memory::{self, MemoryReport};
use kernel::smp;

kernel::test_kernel!(|boot_info| {
    kernel::testing::start_every_cpu(boot_info);
});

/// Rounds of each mapping CPU: allocate, touch every page, free (and on CPU 1, trim).
const ROUNDS: usize = 40;
/// Bytes each round allocates: 64 pages to map.
const BLOCK: usize = 64 * memory::PAGE_SIZE as usize;

static MAPPERS_LEFT: AtomicUsize = AtomicUsize::new(0);
static SNAPSHOTS: AtomicU64 = AtomicU64::new(0);
static MISMATCHES: AtomicU64 = AtomicU64::new(0);
/// The first mismatch: frames in play at the start, then in the report that differed.
static FIRST: [AtomicU64; 2] = [const { AtomicU64::new(0) }; 2];

/// Maps heap pages by touching fresh memory; CPU 1 trims after each round, so the pages
/// are unmapped and fault in again.
fn map_pages(cpu: usize) {
    for _ in 0..ROUNDS {
        let mut block: Vec<u8> = Vec::with_capacity(BLOCK);
        for page in block
            .spare_capacity_mut()
            .chunks_mut(memory::PAGE_SIZE as usize)
        {
            page[0].write(1);
        }
        drop(block);
        if cpu == 1 {
            allocator::trim();
        }
    }
    MAPPERS_LEFT.fetch_sub(1, Ordering::Release);
}

/// Reads reports until the mapping CPUs are done, counting those that do not add up.
fn read_reports() {
    let at_start = MemoryReport::now().frames_in_play();
    while MAPPERS_LEFT.load(Ordering::Acquire) > 0 {
        let now = MemoryReport::now().frames_in_play();
        SNAPSHOTS.fetch_add(1, Ordering::Relaxed);
        if now != at_start && MISMATCHES.fetch_add(1, Ordering::Relaxed) == 0 {
            FIRST[0].store(at_start, Ordering::Relaxed);
            FIRST[1].store(now, Ordering::Relaxed);
        }
        kernel::sync::relax();
    }
}

#[test_case]
fn every_report_counts_each_frame_once_while_other_cpus_map_and_unmap() {
    assert!(percpu::online() >= 2, "boot with several CPUs (SMP=4)");
    MAPPERS_LEFT.store(percpu::online() - 1, Ordering::Release);
    smp::run_on_all(|cpu| match cpu {
        0 => read_reports(),
        _ => map_pages(cpu),
    });
    let snapshots = SNAPSHOTS.load(Ordering::Relaxed);
    assert!(snapshots > 0, "no report was read while the others mapped");
    assert_eq!(
        MISMATCHES.load(Ordering::Relaxed),
        0,
        "{snapshots} reports: free frames + mapped pages moved from {} to {} (and more)",
        FIRST[0].load(Ordering::Relaxed),
        FIRST[1].load(Ordering::Relaxed)
    );
}
