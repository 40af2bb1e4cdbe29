//! `delay_us` on several CPUs at once: each waits at least as long as asked.
//! The delays are measured with the TSC at the rate the boot CPU calibrated
//! against the PIT at boot, alone, before any delay could race it (the timer
//! interrupts are no reference under emulation: a loaded host loses ticks).
//! Only a lower bound is checked, at 90 % of the time asked for: sharing the
//! PIT unlocked, one delay returned after 13 % of it. Booted with 2 CPUs.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

use core::sync::atomic::{AtomicU64, Ordering};
use kernel::apic::timer::{delay_us, tsc_per_ms};
use kernel::arch::percpu;
use kernel::smp;

kernel::test_kernel!(|boot_info| {
    kernel::testing::start_every_cpu(boot_info);
});

const DELAY_US: u64 = 50_000;
const ROUNDS: usize = 4;

/// TSC cycles each CPU's last delay took.
static TOOK: [AtomicU64; 2] = [const { AtomicU64::new(0) }; 2];

fn delay_and_measure(cpu: usize) {
    if let Some(took) = TOOK.get(cpu) {
        let start = kernel::arch::tsc();
        delay_us(DELAY_US);
        took.store(kernel::arch::tsc() - start, Ordering::Relaxed);
    }
}

#[test_case]
fn two_cpus_delaying_at_once_each_wait_long_enough() {
    assert!(percpu::online() >= 2, "boot this test with 2 CPUs");
    let per_ms = tsc_per_ms().expect("apic::init calibrated the TSC");
    let asked = DELAY_US * per_ms / 1000;
    for round in 0..ROUNDS {
        smp::run_on_all(delay_and_measure);
        for (cpu, took) in TOOK.iter().enumerate() {
            let took = took.load(Ordering::Relaxed);
            assert!(
                took >= asked / 10 * 9,
                "round {round}: CPU {cpu}'s {DELAY_US} us delay took {} us by the TSC",
                took * 1000 / per_ms
            );
        }
    }
}
