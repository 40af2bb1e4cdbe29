//! Locks an interrupt handler may also take, in a checked order.
//!
//! Anything an interrupt handler may use (the heap, the frame allocator, the
//! page tables, the serial port) sits behind an [`IrqMutex`]. If the lock
//! left interrupts on, a timer interrupt arriving while the main loop holds
//! the heap would spin forever on a lock its own CPU can never release.
//! Interrupts go off through `arch::irq_off::push_off`, so locks may be
//! nested and released in any order.
//!
//! ```text
//!   lock():   push_off (cli, depth + 1) → same lock held here? panic
//!             → order check (debug) → fair: ticket, or unfair: test-and-set
//!             (either way the waiter does its duty: answers cross-CPU calls)
//!   unlock(): release (fair: kick the next two tickets) → pop_off
//! ```
//!
//! Lock order. Every lock's level is part of its type, and a CPU takes locks
//! in rising level order only (checked in debug builds, `sync::order`):
//!
//! ```text
//!   level  name            locks                                   taken inside it
//!   0      bench           benchmark heaps, their targets           heap
//!   1      driver          a driver's registration (serial), tests' irq line, heap
//!   2      irq line        irq::LINES[gsi], held while handlers run device, handler data
//!   3      device          virtio-blk's queues, virtio-net's rings   dma pool, heap
//!   4      handler data    serial receive buffer, timer samples      heap
//!   5      dma pool        memory::dma_pool's heap                   heap, memory
//!   6      pci bars        pci::bars' mappings                       heap, memory
//!   7      heap            allocator::HEAP's heap and depot, the     memory (commit, faults,
//!                          guard pool (allocator::kfence)            the pool's pages)
//!   8      memory          memory::MEMORY (frames, page tables)      window space, shootdown
//!   9      window space    the MMIO and DMA windows' bitmaps         —
//!   10     stack guards    memory::guards                            —
//!   11     io-apic         apic::io                                  —
//!   12     pci config      pci::config's ports                       —
//!   13     pit             apic::pit (delays before calibration)     —
//!   14     cross-CPU call  the shootdown initiator (xcall)           serial
//!   15     serial          serial::SERIAL                            —
//! ```

mod kind;
mod order;
pub(crate) mod park;
mod ticket;
mod unfair;
mod wait;

pub use kind::{choose, kind, LockKind};
pub use order::{level, Level};
pub use wait::relax;
pub(crate) use wait::set_waiter_duty;

use crate::arch::{irq_off, percpu};
use core::marker::PhantomData;
use core::sync::atomic::{AtomicU32, Ordering};
use lock_api::{GuardNoSend, RawMutex};
use ticket::Tickets;

/// The raw lock behind [`IrqMutex`]: fair or unfair ([`kind`]), at level
/// `L`, with interrupts off for as long as it is held.
pub struct IrqSpinLock<L: Level> {
    /// The fair algorithm's words.
    tickets: Tickets,
    /// The holding CPU's index plus one (0: free): the unfair algorithm's
    /// lock word, and "does this CPU hold it?" for both.
    owner: AtomicU32,
    /// CPUs in the unfair algorithm's wait loop.
    spinning: AtomicU32,
    level: PhantomData<L>,
}

impl<L: Level> IrqSpinLock<L> {
    /// Whether the running CPU holds the lock (a fault inside code that holds
    /// it must not wait for it).
    pub fn held_by_this_cpu(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == this_cpu_tag()
    }

    /// How many CPUs wait for the lock.
    pub fn waiting(&self) -> u32 {
        match kind() {
            LockKind::Fair => self.tickets.waiting(),
            LockKind::Unfair => self.spinning.load(Ordering::Relaxed),
        }
    }
}

fn this_cpu_tag() -> u32 {
    percpu::current().index() as u32 + 1
}

/// A mutex safe to share between the main loop and interrupt handlers, at
/// lock level `L`.
///
/// Its guards are `!Send`: the interrupt state they restore belongs to the CPU
/// that took the lock.
pub type IrqMutex<L, T> = lock_api::Mutex<IrqSpinLock<L>, T>;

// SAFETY: the fair algorithm lets a CPU in only when `serving` equals its
// ticket (Acquire), and the holder passes it on with a SeqCst store; the
// unfair one moves `owner` from 0 with an Acquire compare-exchange, and the
// holder clears it with a Release store. Either way one CPU holds it at a
// time and its writes are visible to the next. The algorithm changes only
// while no lock is held (`choose`).
unsafe impl<L: Level> RawMutex for IrqSpinLock<L> {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: Self = Self {
        tickets: Tickets::new(),
        owner: AtomicU32::new(0),
        spinning: AtomicU32::new(0),
        level: PhantomData,
    };

    type GuardMarker = GuardNoSend;

    fn lock(&self) {
        core::mem::forget(irq_off::push_off());
        assert!(
            !self.held_by_this_cpu(),
            "deadlock: CPU {} takes a lock it already holds",
            percpu::current().index()
        );
        order::check::<L>();
        match kind() {
            LockKind::Fair => {
                self.tickets.lock();
                self.owner.store(this_cpu_tag(), Ordering::Relaxed);
            }
            LockKind::Unfair => unfair::lock(&self.owner, &self.spinning, this_cpu_tag()),
        }
        order::taken::<L>();
    }

    fn try_lock(&self) -> bool {
        let off = irq_off::push_off();
        let acquired = match kind() {
            LockKind::Fair => self.tickets.try_lock(),
            LockKind::Unfair => unfair::try_lock(&self.owner, this_cpu_tag()),
        };
        if acquired {
            core::mem::forget(off);
            self.owner.store(this_cpu_tag(), Ordering::Relaxed);
            order::taken::<L>();
        }
        acquired
    }

    unsafe fn unlock(&self) {
        let owner = self.owner.load(Ordering::Relaxed);
        assert_eq!(
            owner,
            this_cpu_tag(),
            "unlocking a lock this CPU does not hold (holder tag {owner}, 0 = nobody)"
        );
        order::released::<L>();
        match kind() {
            LockKind::Fair => {
                self.owner.store(0, Ordering::Relaxed);
                self.tickets.unlock();
            }
            LockKind::Unfair => unfair::unlock(&self.owner, &self.spinning),
        }
        // SAFETY: the caller held the lock, so `lock` or `try_lock` made a
        // push_off on this CPU (guards are `!Send`) and forgot its token.
        unsafe { irq_off::pop_forgotten() };
    }

    fn is_locked(&self) -> bool {
        match kind() {
            LockKind::Fair => self.tickets.is_locked(),
            LockKind::Unfair => self.owner.load(Ordering::Relaxed) != 0,
        }
    }
}

/// A guard must stay on the CPU that took its lock: the interrupt state it
/// restores is that CPU's. This fails to compile if guards become `Send`.
const _: fn() = || {
    trait AmbiguousIfSend<A> {
        fn check() {}
    }
    impl<T: ?Sized> AmbiguousIfSend<()> for T {}
    impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}
    <lock_api::MutexGuard<'static, IrqSpinLock<level::Driver>, ()> as AmbiguousIfSend<_>>::check();
};
