//! The unfair lock makes progress with every CPU hammering it while timer
//! interrupts allocate on each of them and TLB shootdowns run: every CPU
//! finishes its rounds, no increment is lost, and interrupts come back on as
//! they were. (Progress and correctness only: how fast is the bench's
//! business.) Booted with 4 CPUs, more than the hosts it runs on have cores.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::arch::{irq_off, percpu};
use kernel::sync::{kind, level, IrqMutex, LockKind};
use kernel::{smp, timer, tlb};

kernel::test_kernel!(|boot_info| {
    kernel::sync::choose(LockKind::Unfair);
    kernel::testing::start_every_cpu(boot_info);
});

/// Times each CPU takes the lock.
const ROUNDS: u64 = 3_000;

static COUNTER: IrqMutex<level::Driver, u64> = IrqMutex::new(0);
static FINISHED: AtomicU64 = AtomicU64::new(0);

#[test_case]
fn every_cpu_finishes_its_rounds_under_interrupts_and_shootdowns() {
    assert_eq!(kind(), LockKind::Unfair);
    assert!(percpu::online() >= 2, "boot this test with several CPUs");
    let ticks_before = timer::ticks();
    smp::run_on_all(|cpu| {
        for round in 0..ROUNDS {
            let mut counter = COUNTER.lock();
            *counter += 1;
            if round % 64 == 0 {
                // The heap lock inside this one, as a driver would.
                let scratch: Vec<u64> = (0..16).collect();
                *counter += scratch.iter().sum::<u64>() - 120;
            }
            drop(counter);
            if cpu == 0 && round % 256 == 0 {
                tlb::shoot_down(0x7000_0000_0000..0x7000_0000_1000);
            }
        }
        assert_eq!(
            irq_off::depth(),
            0,
            "CPU {cpu} left a lock's interrupts-off behind"
        );
        FINISHED.fetch_add(1, Ordering::Relaxed);
    });
    let cpus = percpu::online() as u64;
    assert_eq!(FINISHED.load(Ordering::Relaxed), cpus);
    assert_eq!(*COUNTER.lock(), ROUNDS * cpus, "an increment was lost");
    assert!(
        x86_64::instructions::interrupts::are_enabled(),
        "interrupts stayed off after the last unlock"
    );
    assert!(
        timer::ticks() > ticks_before,
        "no timer interrupt ran meanwhile"
    );
}

#[test_case]
fn try_lock_takes_only_a_free_lock() {
    let held = COUNTER.lock();
    assert!(COUNTER.try_lock().is_none(), "try_lock took a held lock");
    drop(held);
    assert!(
        COUNTER.try_lock().is_some(),
        "try_lock failed on a free lock"
    );
    assert!(!COUNTER.is_locked());
}
