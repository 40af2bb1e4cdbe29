//! Work for every CPU: one posted function that each online CPU runs once.
//!
//! ```text
//!   run_on_all(f):  post f, generation += 1, IPI WAKE to the others,
//!                   run f here, wait until every other CPU has run it
//!   idle (APs):     interrupts off; new generation? run it (interrupts on),
//!                   count it done; else sti + hlt (atomically: no lost wake-up)
//! ```

use crate::apic::{local, WAKE_VECTOR};
use crate::percpu;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use x86_64::instructions::interrupts;

static WORK: AtomicUsize = AtomicUsize::new(0);
static GENERATION: AtomicU64 = AtomicU64::new(0);
static DONE: AtomicUsize = AtomicUsize::new(0);
/// One posting at a time (a plain flag: the poster runs the work itself, with
/// interrupts on).
static POSTING: AtomicBool = AtomicBool::new(false);

/// Runs `work(cpu index)` on every online CPU at once, this one included, and
/// returns when all have finished. Call with interrupts on.
pub fn run_on_all(work: fn(usize)) {
    while POSTING
        .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        relax();
    }
    let others = percpu::online() - 1;
    DONE.store(0, Ordering::Relaxed);
    WORK.store(work as usize, Ordering::Relaxed);
    GENERATION.fetch_add(1, Ordering::Release);
    if others > 0 {
        local::send_to_others(WAKE_VECTOR);
    }
    work(percpu::current().index());
    while DONE.load(Ordering::Acquire) < others {
        relax();
    }
    POSTING.store(false, Ordering::Release);
}

/// One step of a wait for other CPUs: answer what they may be waiting for
/// from this one (a TLB shootdown; a cache flush, if this CPU holds no lock),
/// then pause.
pub fn relax() {
    crate::tlb::poll();
    if crate::sync::irq_off::depth() == 0 {
        crate::allocator::flush::answer();
    }
    core::hint::spin_loop();
}

/// An application processor's life after start-up: run posted work, sleep.
pub(super) fn idle() -> ! {
    let mut seen = GENERATION.load(Ordering::Acquire);
    loop {
        interrupts::disable();
        let generation = GENERATION.load(Ordering::Acquire);
        if generation == seen {
            interrupts::enable_and_hlt();
            continue;
        }
        seen = generation;
        interrupts::enable();
        let address = WORK.load(Ordering::Relaxed);
        // SAFETY: `run_on_all` stored a `fn(usize)` before publishing the
        // generation with Release, which the Acquire load above saw.
        let work: fn(usize) = unsafe { core::mem::transmute::<usize, fn(usize)>(address) };
        work(percpu::current().index());
        DONE.fetch_add(1, Ordering::Release);
    }
}
