//! Emptying every CPU's magazines, for trim: each CPU's slot may only be
//! touched by that CPU, so every CPU is asked to flush its own.
//!
//! ```text
//!   flush_everywhere (no lock held):  flush here, post generation g,
//!                                     IPI FLUSH_VECTOR to the others,
//!                                     wait until every CPU has seen g
//!   FLUSH IPI / a waiting initiator:  HEAP.flush(), seen = g
//! ```
//!
//! A flush takes the depot and heap locks, so it runs only where this CPU
//! holds no lock: in the IPI handler (it arrived with interrupts on) and in
//! the initiator's own wait loops (which run with no lock held). CPUs waiting
//! for a lock with interrupts off keep answering TLB shootdowns meanwhile, so
//! nobody waits on a CPU that waits on them.

use super::HEAP;
use crate::apic::{local, FLUSH_VECTOR};
use crate::percpu;
use crate::sync::irq_off;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

static GENERATION: AtomicU64 = AtomicU64::new(0);
/// One initiator at a time.
static POSTING: AtomicBool = AtomicBool::new(false);

/// Returns every CPU's cached blocks (and the depot's) to the heap.
///
/// Panics if this CPU holds a lock: another CPU's flush may need it.
pub fn flush_everywhere() {
    assert_eq!(irq_off::depth(), 0, "flush_everywhere with a lock held");
    while POSTING
        .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        crate::smp::relax();
    }
    HEAP.flush();
    let generation = GENERATION.fetch_add(1, Ordering::AcqRel) + 1;
    percpu::current()
        .flush_seen
        .store(generation, Ordering::Release);
    if percpu::online() > 1 {
        local::send_to_others(FLUSH_VECTOR);
    }
    for index in 0..percpu::online() {
        let cpu = percpu::cpu(index).expect("online CPUs have slots");
        while cpu.flush_seen.load(Ordering::Acquire) < generation {
            crate::smp::relax();
        }
    }
    POSTING.store(false, Ordering::Release);
}

/// Carries out a posted flush this CPU has not seen yet. Call only where this
/// CPU holds no lock.
pub fn answer() {
    let generation = GENERATION.load(Ordering::Acquire);
    let cpu = percpu::current();
    if cpu.flush_seen.load(Ordering::Relaxed) < generation {
        HEAP.flush();
        cpu.flush_seen.store(generation, Ordering::Release);
    }
}
