//! TLB shootdown: after unmapping pages, make every other CPU forget them
//! before their frames are used again.
//!
//! A CPU may keep a translation in its TLB after the page table entry is gone;
//! if the frame then went to someone else, that CPU could still write into it.
//! So the CPU that unmapped posts the range, interrupts the others, and waits
//! until each has flushed it:
//!
//! ```text
//!   initiator (holds INITIATOR)         every other CPU
//!   post range, generation += 1
//!   IPI SHOOTDOWN_VECTOR ─────────────► poll(): generation newer than mine?
//!                                         invlpg each page (or flush all)
//!   wait until every CPU's    ◄────────── seen = generation
//!   seen = generation
//!   free the frames
//! ```
//!
//! A CPU that waits for a lock with interrupts off cannot take the IPI, and
//! the initiator may hold that very lock: so every spin loop of
//! `sync::IrqSpinLock` calls [`poll`] too, and a waiter that parked
//! (`sync::park`) gets an NMI, whose handler calls [`poll`] itself. The
//! initiator kicks each parked CPU once; had the handler left the answer to
//! the woken CPU, a kick landing after the waiter's last [`poll`] but before
//! its `hlt` would have been spent, and both CPUs would wait for ever.

use crate::apic::{self, SHOOTDOWN_VECTOR};
use crate::memory::PAGE_SIZE;
use crate::percpu;
use crate::sync::{park, IrqMutex};
use core::ops::Range;
use core::sync::atomic::{AtomicU64, Ordering};
use x86_64::instructions::tlb;
use x86_64::VirtAddr;

/// Above this many pages a CPU flushes its whole TLB instead of page by page.
const FLUSH_ALL_ABOVE: u64 = 32;

/// The posted range and its generation.
static START: AtomicU64 = AtomicU64::new(0);
static END: AtomicU64 = AtomicU64::new(0);
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// One shootdown at a time.
static INITIATOR: IrqMutex<()> = IrqMutex::new(());

/// Invalidates `range` (page-aligned) on this CPU and every other online CPU,
/// returning once all have done it.
pub fn shoot_down(range: Range<u64>) {
    flush(range.clone());
    if percpu::online() == 1 {
        return;
    }
    let _one_at_a_time = INITIATOR.lock();
    START.store(range.start, Ordering::Relaxed);
    END.store(range.end, Ordering::Relaxed);
    // SeqCst: a CPU that parks after this sees the generation, or is seen
    // parked below.
    let generation = GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    percpu::current()
        .shootdown_seen
        .store(generation, Ordering::Relaxed);
    apic::local::send_to_others(SHOOTDOWN_VECTOR);
    for index in 0..percpu::online() {
        let cpu = percpu::cpu(index).expect("online CPUs have slots");
        let mut kicked = false;
        while cpu.shootdown_seen.load(Ordering::Acquire) < generation {
            kicked = kicked || park::kick_if_parked(cpu);
            core::hint::spin_loop();
        }
    }
}

/// Carries out a posted shootdown this CPU has not seen yet; cheap otherwise.
///
/// The NMI handler calls it too, and may interrupt it here: `fetch_max` keeps
/// the interrupted call from storing an older generation over the newer one
/// the handler stored.
pub fn poll() {
    let generation = GENERATION.load(Ordering::Acquire);
    let cpu = percpu::current();
    if cpu.shootdown_seen.load(Ordering::Relaxed) >= generation {
        return;
    }
    flush(START.load(Ordering::Relaxed)..END.load(Ordering::Relaxed));
    cpu.shootdown_seen.fetch_max(generation, Ordering::Release);
}

/// Marks every shootdown posted so far as seen by this CPU, which is only
/// starting up and has no stale translations.
pub fn mark_seen() {
    let generation = GENERATION.load(Ordering::Acquire);
    percpu::current()
        .shootdown_seen
        .store(generation, Ordering::Release);
}

fn flush(range: Range<u64>) {
    if (range.end - range.start) / PAGE_SIZE > FLUSH_ALL_ABOVE {
        tlb::flush_all();
        return;
    }
    for page in (range.start..range.end).step_by(PAGE_SIZE as usize) {
        tlb::flush(VirtAddr::new(page));
    }
}
