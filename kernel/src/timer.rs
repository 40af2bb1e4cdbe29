//! The 1 kHz timer of every CPU, whose handler allocates like a driver would.
//!
//! Every tick allocates a small vector, fills and checks it, and frees it; every
//! sixteenth tick also replaces a longer-lived box, so the handler frees memory
//! that an earlier interrupt allocated. All of it goes through the global
//! allocator while the main loop may be allocating too: the heap lock keeps
//! interrupts off while held, so a tick can only arrive between two heap calls.
//!
//! Every allocation here is fallible, as a driver's handler must be: when the
//! heap refuses, the tick skips that work and counts the failure
//! ([`allocation_failures`]) instead of aborting the kernel.

use crate::sync::IrqMutex;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

static TICKS: AtomicU64 = AtomicU64::new(0);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATION_FAILURES: AtomicU64 = AtomicU64::new(0);
/// The TSC at the boot CPU's first tick, to measure how fast the TSC runs.
static FIRST_TICK_TSC: AtomicU64 = AtomicU64::new(0);

/// Words of the block kept from one interrupt to a later one.
const KEPT_WORDS: usize = 32;
/// A block kept from one interrupt to a later one.
static KEPT: IrqMutex<Vec<u64>> = IrqMutex::new(Vec::new());

/// Timer interrupts handled so far.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

/// Allocations the timer handler has made so far.
pub fn allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// Allocations the heap refused the timer handler (the work was skipped).
pub fn allocation_failures() -> u64 {
    ALLOCATION_FAILURES.load(Ordering::Relaxed)
}

/// TSC cycles per millisecond, measured against the boot CPU's timer since
/// its first tick; `None` until a few ticks have passed.
pub fn tsc_per_ms() -> Option<u64> {
    let boot_cpu = crate::percpu::cpu(0)?;
    let ticks = boot_cpu.ticks().checked_sub(1).filter(|&t| t >= 10)?;
    let elapsed = tsc().wrapping_sub(FIRST_TICK_TSC.load(Ordering::Relaxed));
    Some(elapsed * u64::from(crate::apic::timer::TIMER_HZ) / (ticks * 1000))
}

/// The CPU's time-stamp counter.
pub fn tsc() -> u64 {
    // SAFETY: rdtsc has no memory effects; every x86_64 CPU has it.
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// Starts this CPU's timer (its local APIC's) and enables interrupts.
pub fn start() {
    crate::apic::start_timer();
    x86_64::instructions::interrupts::enable();
}

/// The work of one tick; called by the interrupt handler before the
/// end-of-interrupt.
pub(crate) fn tick() {
    let cpu = crate::percpu::current();
    cpu.count_tick();
    if cpu.index() == 0 && cpu.ticks() == 1 {
        FIRST_TICK_TSC.store(tsc(), Ordering::Relaxed);
    }
    let tick = TICKS.fetch_add(1, Ordering::Relaxed) + 1;
    let len = (tick % 48 + 1) as usize;
    let Some(mut scratch) = vector_of(len) else {
        return;
    };
    scratch.extend((0..len as u64).map(|i| i ^ tick));
    assert!(
        scratch
            .iter()
            .enumerate()
            .all(|(i, &v)| v == i as u64 ^ tick),
        "timer scratch vector corrupted at tick {tick}"
    );
    let mut allocations = 1;
    if tick.is_multiple_of(16) {
        if let Some(mut kept) = vector_of(KEPT_WORDS) {
            kept.resize(KEPT_WORDS, tick);
            let old = core::mem::replace(&mut *KEPT.lock(), kept);
            assert!(
                old.iter().all(|&v| v == old[0]),
                "kept timer block corrupted"
            );
            allocations += 1;
        }
    }
    ALLOCATIONS.fetch_add(allocations, Ordering::Relaxed);
}

/// An empty vector with room for `len` words, or `None` (counted) if the
/// heap refuses.
fn vector_of(len: usize) -> Option<Vec<u64>> {
    let mut vector = Vec::new();
    match vector.try_reserve_exact(len) {
        Ok(()) => Some(vector),
        Err(_) => {
            ALLOCATION_FAILURES.fetch_add(1, Ordering::Relaxed);
            None
        }
    }
}
