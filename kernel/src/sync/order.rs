//! Lock order: every lock has a level, and a CPU takes locks in rising level
//! order only. In debug builds (every kernel test) taking a lock at or below
//! a level this CPU already holds panics and names both locks, so an order
//! that could deadlock two CPUs is caught the first time one CPU takes it,
//! as Linux's lockdep does.
//!
//! Each CPU keeps, in its per-CPU slot, how many locks of each level it
//! holds (four bits a level). `try_lock` cannot wait, so it is not checked,
//! but what it takes is counted.

use crate::arch::percpu;
use core::sync::atomic::Ordering;

/// A lock's place in the order. Implemented by the level types in
/// [`level`]; the level is part of the lock's type (`IrqMutex<level::Heap, T>`).
pub trait Level {
    /// Locks are taken in rising rank.
    const RANK: u32;
    /// The level's name in an order report.
    const NAME: &'static str;
}

macro_rules! levels {
    ($($(#[$doc:meta])* $name:ident = $rank:literal, $label:literal;)*) => {
        /// The lock levels, outermost first (see the module header of `sync`).
        pub mod level {
            $(
                $(#[$doc])*
                pub struct $name;
                impl super::Level for $name {
                    const RANK: u32 = $rank;
                    const NAME: &'static str = $label;
                }
            )*
        }

        /// The name of the level of rank `rank`.
        fn name_of(rank: u32) -> &'static str {
            match rank {
                $($rank => $label,)*
                _ => "unknown",
            }
        }
    };
}

levels! {
    /// Locks of benchmarks and tests around a heap they measure.
    Bench = 0, "bench";
    /// Driver state that may allocate while held (the serial receive buffer,
    /// the timer's kept block, interrupt registrations).
    Driver = 1, "driver";
    /// The kernel heap and its depot of magazines; may commit and fault.
    Heap = 2, "heap";
    /// Frames and page tables (`memory::MEMORY`): the page-fault path.
    Memory = 3, "memory";
    /// The DMA window's page bitmap, claimed while the frames are taken.
    Dma = 4, "dma";
    /// The stacks' guard pages, which the page-fault path looks up.
    StackGuards = 5, "stack guards";
    /// The I/O APIC's registers.
    IoApic = 6, "io-apic";
    /// One initiator of a cross-CPU call at a time (TLB shootdowns).
    CrossCpuCall = 7, "cross-CPU call";
    /// The serial port: anything may print while holding anything else.
    Serial = 8, "serial";
}

const BITS: u32 = 4;

/// Checks that this CPU may wait for a lock of level `L` (debug builds).
///
/// Panics if it holds a lock of that level or above.
pub(super) fn check<L: Level>() {
    const {
        assert!(
            L::RANK * BITS < u64::BITS,
            "the held counts have room for the level"
        )
    };
    if !cfg!(debug_assertions) {
        return;
    }
    let held = percpu::current().held_locks.load(Ordering::Relaxed);
    let at_or_above = held >> (L::RANK * BITS);
    if at_or_above != 0 {
        let highest = (u64::BITS - 1 - at_or_above.leading_zeros()) / BITS + L::RANK;
        panic!(
            "lock order: CPU {} takes a {} lock (level {}) while holding a {} lock (level {}); \
             locks are taken in rising level order (sync::order)",
            percpu::current().index(),
            L::NAME,
            L::RANK,
            name_of(highest),
            highest
        );
    }
}

/// Counts a lock of level `L` taken by this CPU (debug builds).
pub(super) fn taken<L: Level>() {
    if cfg!(debug_assertions) {
        percpu::current()
            .held_locks
            .fetch_add(1 << (L::RANK * BITS), Ordering::Relaxed);
    }
}

/// Counts a lock of level `L` released by this CPU (debug builds).
pub(super) fn released<L: Level>() {
    if cfg!(debug_assertions) {
        percpu::current()
            .held_locks
            .fetch_sub(1 << (L::RANK * BITS), Ordering::Relaxed);
    }
}
