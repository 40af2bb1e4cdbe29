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
    /// A driver's own state, held while it registers or configures (the
    /// serial port's registration, tests' locks); may allocate.
    Driver = 1, "driver";
    /// One interrupt line's handlers (`irq`): held while they run.
    IrqLine = 2, "irq line";
    /// A device's queues (virtio-blk's, virtio-net's rings), taken by requests and
    /// by the device's interrupt handler; may allocate and share buffers.
    Device = 3, "device";
    /// Data a handler shares with its driver (the serial receive buffer, the
    /// timer's samples), taken inside a handler; may allocate.
    HandlerData = 4, "handler data";
    /// The DMA pool's heap; grows by claiming contiguous frames.
    DmaPool = 5, "dma pool";
    /// The PCI BAR mappings a driver keeps.
    PciBars = 6, "pci bars";
    /// The kernel heap and its depot of magazines; may commit and fault.
    Heap = 7, "heap";
    /// Frames and page tables (`memory::MEMORY`): the page-fault path.
    Memory = 8, "memory";
    /// The MMIO and DMA windows' page bitmaps, claimed while the frames are
    /// taken.
    WindowSpace = 9, "window space";
    /// The stacks' guard pages, which the page-fault path looks up.
    StackGuards = 10, "stack guards";
    /// The I/O APIC's registers.
    IoApic = 11, "io-apic";
    /// PCI configuration space (ports 0xCF8/0xCFC: select, then access).
    PciConfig = 12, "pci config";
    /// The PIT's one channel, for delays before the TSC is calibrated.
    Pit = 13, "pit";
    /// One initiator of a cross-CPU call at a time (TLB shootdowns).
    CrossCpuCall = 14, "cross-CPU call";
    /// The serial port: anything may print while holding anything else.
    Serial = 15, "serial";
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
