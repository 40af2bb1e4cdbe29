//! A trim on one CPU while the others keep using the heap: pages unmapped by
//! the trim must be forgotten by every CPU's TLB before their frames are used
//! again. Freed frames are poisoned here, so a CPU that still reached one
//! through a stale translation would read poison, and a stale write would
//! land in a frame that now backs someone else's block: both show up as a
//! block whose pattern changed. And a shootdown is answered by an NMI that
//! lands anywhere, not only in a parked CPU's halt. Booted with 4 CPUs.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use kernel::allocator;
use kernel::arch::lapic;
use kernel::arch::percpu;
use kernel::memory::{self, MemoryReport, HEAP_WINDOW_START, PAGE_SIZE};
use kernel::testing::check_heap;
use kernel::workload::Rng;
use kernel::{smp, tlb};
use x86_64::instructions::interrupts;

kernel::test_kernel!(|boot_info| {
    kernel::testing::start_every_cpu(boot_info);
});

/// Trims the trimming CPU runs while the others churn.
const TRIMS: u64 = 40;

static DONE: AtomicBool = AtomicBool::new(false);
static TRIMMED_PAGES: AtomicU64 = AtomicU64::new(0);

/// A block of `words` words in a pattern unique to `owner` and `round`.
fn filled(words: usize, owner: usize, round: u64) -> Vec<u64> {
    (0..words as u64)
        .map(|i| (owner as u64) << 56 | round << 32 | i)
        .collect()
}

/// Panics unless `block` still holds what `filled` wrote.
fn verify(block: &[u64], owner: usize, round: u64) {
    for (i, &word) in block.iter().enumerate() {
        let expected = (owner as u64) << 56 | round << 32 | i as u64;
        assert_eq!(
            word, expected,
            "CPU {owner}, round {round}: word {i} of its block changed (a stale mapping?)"
        );
    }
}

#[test_case]
fn trimming_under_running_cpus_never_uses_a_stale_mapping() {
    assert!(
        percpu::online() >= 2,
        "boot this test with several CPUs (SMP=4)"
    );
    memory::with_frames(|frames| frames.poison_freed(true));
    DONE.store(false, Ordering::Relaxed);
    smp::run_on_all(|cpu| {
        if cpu == 0 {
            for round in 0..TRIMS {
                // Touch a large block, free it, and trim: its pages are
                // unmapped and their frames go back, poisoned.
                let big = filled(96 * 1024, cpu, round);
                verify(&big, cpu, round);
                drop(big);
                let trimmed = allocator::trim();
                TRIMMED_PAGES.fetch_add(
                    trimmed.unmapped_top + trimmed.discarded_inside,
                    Ordering::Relaxed,
                );
            }
            DONE.store(true, Ordering::Release);
            return;
        }
        let mut rng = Rng::new(0x5407 ^ cpu as u64);
        let mut round = 0;
        while !DONE.load(Ordering::Acquire) {
            let words = 512 + rng.below(16 * 1024);
            let block = filled(words, cpu, round);
            for _ in 0..4 {
                verify(&block, cpu, round);
                core::hint::spin_loop();
            }
            drop(block);
            round += 1;
        }
    });
    memory::with_frames(|frames| frames.poison_freed(false));
    assert!(
        TRIMMED_PAGES.load(Ordering::Relaxed) > TRIMS,
        "the trims unmapped almost nothing"
    );
    allocator::trim();
    check_heap();
    kernel::serial_print!(
        "({} pages unmapped under load; {}) ",
        TRIMMED_PAGES.load(Ordering::Relaxed),
        MemoryReport::now()
    );
}

/// Where `an_nmi_answers_a_shootdown_wherever_it_lands` is.
static STAGE: AtomicU8 = AtomicU8::new(0);
const QUIET: u8 = 1;
const ANSWERED: u8 = 2;

/// NMIs CPU 2 sends before it gives up on CPU 1.
const KICKS: u32 = 1000;

/// Spins until the test has reached `stage`.
fn wait_until(stage: u8) {
    while STAGE.load(Ordering::SeqCst) < stage {
        core::hint::spin_loop();
    }
}

/// The initiator kicks a parked CPU once. A kick that lands after that CPU's
/// last look for shootdowns but before its `hlt` (outside the halt window)
/// used to be spent, and the initiator and the waiter then waited for each
/// other for ever (a `shootdown` boot timed out so). Here CPU 1 keeps its
/// interrupts off and never polls, the way a waiter between its last poll
/// and its `hlt` does, while CPU 2 sends it NMIs: the NMI handler must answer
/// CPU 0's shootdown itself.
#[test_case]
fn an_nmi_answers_a_shootdown_wherever_it_lands() {
    assert!(percpu::online() >= 3, "boot this test with 3 CPUs or more");
    STAGE.store(0, Ordering::SeqCst);
    smp::run_on_all(|cpu| match cpu {
        0 => {
            wait_until(QUIET);
            // Any page will do: forgetting a translation only costs a table walk.
            tlb::shoot_down(HEAP_WINDOW_START..HEAP_WINDOW_START + PAGE_SIZE);
            STAGE.store(ANSWERED, Ordering::SeqCst);
        }
        1 => interrupts::without_interrupts(|| {
            STAGE.store(QUIET, Ordering::SeqCst);
            wait_until(ANSWERED);
        }),
        2 => {
            wait_until(QUIET);
            let quiet = percpu::cpu(1).expect("CPU 1 is online");
            for _ in 0..KICKS {
                if STAGE.load(Ordering::SeqCst) == ANSWERED {
                    return;
                }
                lapic::send_nmi(quiet.apic_id());
                for _ in 0..10_000 {
                    core::hint::spin_loop();
                }
            }
            panic!("CPU 1 took {KICKS} NMIs and never answered CPU 0's shootdown");
        }
        _ => {}
    });
}
