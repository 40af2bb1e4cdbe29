//! The kernel's lock is fair, and its waiters halt instead of spinning for
//! ever: a CPU that releases the lock and asks again gets it only after every
//! CPU that was already waiting; waiters that halted are woken by the unlock;
//! a TLB shootdown reaches CPUs halted on a lock the initiator holds; and
//! `try_lock` takes only a free lock. The fair lock is forced, whatever the
//! machine would choose. Booted with 4 CPUs.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

use core::sync::atomic::{AtomicU32, Ordering};
use kernel::arch::percpu::{self, MAX_CPUS};
use kernel::sync::{level, IrqMutex, LockKind};
use kernel::{smp, tlb};

kernel::test_kernel!(|boot_info| {
    // Fairness is the fair lock's promise; the unfair one is tested in
    // `lock_unfair`.
    kernel::sync::choose(LockKind::Fair);
    kernel::testing::start_every_cpu(boot_info);
});

/// Hand-offs each test watches.
const ROUNDS: u32 = 100;

/// The CPUs that entered the lock since CPU 0 last released it, in order.
struct Entries {
    cpus: [usize; MAX_CPUS],
    len: usize,
}

static LOCK: IrqMutex<level::Driver, Entries> = IrqMutex::new(Entries {
    cpus: [0; MAX_CPUS],
    len: 0,
});
/// The round CPU 0 has opened (it holds the lock when it opens one).
static ROUND: AtomicU32 = AtomicU32::new(0);

/// How CPU 0 behaves while the others queue up behind it.
#[derive(Clone, Copy)]
enum Holder {
    /// Releases as soon as every other CPU waits.
    WaitsForTickets,
    /// Releases only once every other CPU has halted (parked).
    WaitsForHalts,
    /// Also shoots down a TLB range while the others are halted.
    ShootsDown,
}

/// Every round: CPU 0 takes the lock and opens the round, the others queue
/// up, CPU 0 lets go and asks again at once. It must come back last, after
/// each of the others entered exactly once.
fn rounds(holder: Holder) {
    ROUND.store(0, Ordering::Relaxed);
    // `run_on_all` takes a plain function: the mode travels in a static.
    static MODE: AtomicU32 = AtomicU32::new(0);
    MODE.store(holder as u32, Ordering::Relaxed);
    smp::run_on_all(|cpu| {
        let holder = match MODE.load(Ordering::Relaxed) {
            0 => Holder::WaitsForTickets,
            1 => Holder::WaitsForHalts,
            _ => Holder::ShootsDown,
        };
        let others = percpu::online() - 1;
        for round in 1..=ROUNDS {
            if cpu == 0 {
                hold_then_retake(round, others, holder);
            } else {
                while ROUND.load(Ordering::Acquire) < round {
                    kernel::sync::relax();
                }
                let mut entries = LOCK.lock();
                let len = entries.len;
                entries.cpus[len] = cpu;
                entries.len += 1;
            }
        }
    });
}

fn hold_then_retake(round: u32, others: usize, holder: Holder) {
    let mut entries = LOCK.lock();
    entries.len = 0;
    let parks_before: [u64; MAX_CPUS] =
        core::array::from_fn(|i| percpu::cpu(i).map_or(0, |cpu| cpu.parks()));
    ROUND.store(round, Ordering::Release);
    // SAFETY: only `waiting` is read through the raw lock.
    let raw = unsafe { LOCK.raw() };
    while raw.waiting() < others as u32 {
        core::hint::spin_loop();
    }
    if !matches!(holder, Holder::WaitsForTickets) {
        for (index, before) in parks_before.iter().enumerate().take(others + 1).skip(1) {
            let cpu = percpu::cpu(index).unwrap();
            while cpu.parks() == *before {
                core::hint::spin_loop();
            }
        }
    }
    if matches!(holder, Holder::ShootsDown) {
        // Returns only once every CPU flushed, halted ones included.
        tlb::shoot_down(0x7000_0000_0000..0x7000_0000_1000);
    }
    drop(entries);
    let entries = LOCK.lock();
    let entered = &entries.cpus[..entries.len];
    assert_eq!(
        entries.len, others,
        "round {round}: CPU 0 got the lock back before all {others} waiting CPUs (entered: \
         {entered:?})"
    );
    for cpu in 1..=others {
        assert_eq!(
            entered.iter().filter(|&&c| c == cpu).count(),
            1,
            "round {round}: CPU {cpu} did not enter exactly once (entered: {entered:?})"
        );
    }
}

#[test_case]
fn a_cpu_that_asks_again_queues_behind_the_waiting_ones() {
    assert!(percpu::online() >= 2, "boot this test with several CPUs");
    rounds(Holder::WaitsForTickets);
}

#[test_case]
fn halted_waiters_are_woken_in_turn() {
    rounds(Holder::WaitsForHalts);
}

#[test_case]
fn a_shootdown_reaches_cpus_halted_on_the_initiators_lock() {
    rounds(Holder::ShootsDown);
}

#[test_case]
fn try_lock_takes_only_a_free_lock() {
    let held = LOCK.lock();
    assert!(
        LOCK.try_lock().is_none(),
        "try_lock took a lock that is held"
    );
    drop(held);
    let taken = LOCK.try_lock().expect("try_lock failed on a free lock");
    // SAFETY: only `waiting` is read through the raw lock.
    assert_eq!(unsafe { LOCK.raw() }.waiting(), 0);
    drop(taken);
    assert!(
        !LOCK.is_locked(),
        "the lock stayed taken after its guard went"
    );
}
