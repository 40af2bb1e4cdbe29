//! Exercise 5, flushing per-CPU caches on trim (`kernel/src/exercises/trim.rs`): every
//! CPU fills its cache, then the exercise's `trim` must leave every cache empty. Built only
//! with the `exercises` feature and booted with 4 CPUs (`make grade`).
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use core::alloc::Layout;
use kernel::arch::percpu;
use kernel::exercises::cpu_cache::{allocate, cached_on, free};
use kernel::exercises::trim::trim;
use kernel::smp;
use kernel::testing::check_heap;

kernel::test_kernel!(|boot_info| {
    kernel::testing::start_every_cpu(boot_info);
});

/// Each class of every CPU's cache full: 8 classes of 8 blocks.
const FULL: usize = 64;

/// Allocates 100 small blocks of every class on this CPU and frees them into its cache.
fn fill(_cpu: usize) {
    let layouts = (0..100).map(|i| Layout::from_size_align(16 * (i % 8 + 1), 8).unwrap());
    let blocks: Vec<_> = layouts
        .map(|layout| (allocate(layout).unwrap(), layout))
        .collect();
    for (block, layout) in blocks {
        // SAFETY: allocated just above with this layout, freed once.
        unsafe { free(block, layout) };
    }
}

#[test_case]
fn trim_leaves_every_cache_empty() {
    assert!(percpu::online() >= 2, "boot with several CPUs (SMP=4)");
    smp::run_on_all(fill);
    for cpu in 0..percpu::online() {
        assert_eq!(cached_on(cpu), FULL, "CPU {cpu}'s cache before the trim");
    }
    trim().unwrap_or_else(|not_done| panic!("{not_done}"));
    for cpu in 0..percpu::online() {
        assert_eq!(
            cached_on(cpu),
            0,
            "CPU {cpu} still caches blocks after trim: did every CPU flush its own cache?"
        );
    }
    check_heap();
}

#[test_case]
fn caches_fill_again_after_a_trim() {
    smp::run_on_all(fill);
    trim().unwrap_or_else(|not_done| panic!("{not_done}"));
    smp::run_on_all(fill);
    for cpu in 0..percpu::online() {
        assert_eq!(
            cached_on(cpu),
            FULL,
            "CPU {cpu}'s cache after a trim and a refill"
        );
    }
    trim().unwrap_or_else(|not_done| panic!("{not_done}"));
}
