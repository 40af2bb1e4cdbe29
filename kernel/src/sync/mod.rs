//! Locks an interrupt handler may also take.
//!
//! Anything an interrupt handler may use (the heap, the frame allocator, the
//! page tables, the serial port) sits behind [`IrqMutex`]. If the lock left
//! interrupts on, a timer interrupt arriving while the main loop holds the heap
//! would spin forever on a lock its own CPU can never release. Interrupts go
//! off through [`irq_off::push_off`], so locks may be nested and released in
//! any order. The lock is a ticket lock, so CPUs get it in the order they
//! asked; waiters halt until they are kicked awake ([`park`]), except the next
//! in line, which spins a while first.
//!
//! ```text
//!   lock():   push_off (cli, depth + 1)  →  ticket = next++
//!             until serving == ticket: answer shootdowns; next in line:
//!             spin a while, then halt; further back: halt until next
//!             then kick the CPU behind (it is next in line now)
//!   unlock(): serving++, kick the CPU parked on that ticket  →  pop_off
//! ```

pub mod irq_off;
pub mod park;

use core::sync::atomic::{AtomicU32, Ordering};
use lock_api::{GuardNoSend, RawMutex};

/// The raw lock behind [`IrqMutex`]: a ticket lock that keeps interrupts off
/// for as long as it is held.
///
/// It is fair: CPUs get it in the order they took their tickets, so a CPU
/// that keeps taking and releasing it cannot starve another. Fair locks stall
/// when the next ticket's CPU is not running (under emulation or a hypervisor
/// with more virtual CPUs than cores), so only the next CPU in line spins,
/// and not for long; the others halt and give their cores back ([`park`]).
/// A CPU waiting for it with interrupts off still answers TLB shootdowns
/// ([`crate::tlb::poll`]): the holder may be waiting for exactly that.
pub struct IrqSpinLock {
    /// The ticket the next CPU to ask gets.
    next: AtomicU32,
    /// The ticket that holds the lock, or may take it now.
    serving: AtomicU32,
    /// The holding CPU's index plus one (0: free), for "does this CPU hold it?".
    owner: AtomicU32,
}

impl IrqSpinLock {
    /// Whether the running CPU holds the lock (a fault inside code that holds
    /// it must not wait for it).
    pub fn held_by_this_cpu(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == this_cpu_tag()
    }

    /// How many CPUs wait for the lock (hold a ticket but not the lock).
    pub fn waiting(&self) -> u32 {
        let next = self.next.load(Ordering::Relaxed);
        // Tickets out past `serving`, less the holder's (none when free).
        next.wrapping_sub(self.serving.load(Ordering::Relaxed))
            .saturating_sub(1)
    }

    /// Kicks the CPU holding `ticket` if it parked; `serving` has just
    /// changed. A CPU that takes `ticket` after the look at `next` sees the
    /// new `serving` first, so it needs no kick.
    fn wake(&self, ticket: u32) {
        if self.next.load(Ordering::SeqCst) != ticket {
            park::kick(&self.serving, ticket);
        }
    }
}

fn this_cpu_tag() -> u32 {
    crate::percpu::current().index() as u32 + 1
}

/// A mutex safe to share between the main loop and interrupt handlers.
///
/// Its guards are `!Send`: the interrupt state they restore belongs to the CPU
/// that took the lock.
pub type IrqMutex<T> = lock_api::Mutex<IrqSpinLock, T>;

// SAFETY: a CPU enters only when `serving` equals its ticket, read with
// Acquire; the holder passes the lock on by advancing `serving` with a
// SeqCst (so also Release) store. One ticket is served at a time, so one
// holder at a time sees the data, and its writes are visible to the next.
unsafe impl RawMutex for IrqSpinLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: Self = Self {
        next: AtomicU32::new(0),
        serving: AtomicU32::new(0),
        owner: AtomicU32::new(0),
    };

    type GuardMarker = GuardNoSend;

    fn lock(&self) {
        core::mem::forget(irq_off::push_off());
        assert!(
            !self.held_by_this_cpu(),
            "deadlock: CPU {} takes a lock it already holds",
            crate::percpu::current().index()
        );
        let ticket = self.next.fetch_add(1, Ordering::Relaxed);
        let mut spins = 0;
        loop {
            let serving = self.serving.load(Ordering::Acquire);
            if serving == ticket {
                break;
            }
            crate::tlb::poll();
            if ticket.wrapping_sub(serving) > 1 {
                // Behind the next in line: wait halted until this CPU is next.
                park::park(&self.serving, ticket, 1);
            } else if spins < park::SPINS_BEFORE_PARKING {
                spins += 1;
                core::hint::spin_loop();
            } else {
                park::park(&self.serving, ticket, 0);
            }
        }
        self.owner.store(this_cpu_tag(), Ordering::Relaxed);
        // Wake the CPU behind this one now, so that it spins, ready, by the
        // time this one unlocks.
        self.wake(ticket.wrapping_add(1));
    }

    fn try_lock(&self) -> bool {
        let off = irq_off::push_off();
        let serving = self.serving.load(Ordering::Acquire);
        // Free means nobody holds a ticket past `serving`.
        let acquired = self
            .next
            .compare_exchange(
                serving,
                serving.wrapping_add(1),
                Ordering::Acquire,
                Ordering::Relaxed,
            )
            .is_ok();
        if acquired {
            core::mem::forget(off);
            self.owner.store(this_cpu_tag(), Ordering::Relaxed);
        }
        acquired
    }

    unsafe fn unlock(&self) {
        let owner = self.owner.swap(0, Ordering::Relaxed);
        assert_eq!(
            owner,
            this_cpu_tag(),
            "unlocking a lock this CPU does not hold (holder tag {owner}, 0 = nobody)"
        );
        let next = self.serving.load(Ordering::Relaxed).wrapping_add(1);
        self.serving.store(next, Ordering::SeqCst);
        self.wake(next);
        // SAFETY: the caller held the lock, so `lock` or `try_lock` made a
        // push_off on this CPU (guards are `!Send`) and forgot its token.
        unsafe { irq_off::pop_forgotten() };
    }

    fn is_locked(&self) -> bool {
        self.next.load(Ordering::Relaxed) != self.serving.load(Ordering::Relaxed)
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
    <lock_api::MutexGuard<'static, IrqSpinLock, ()> as AmbiguousIfSend<_>>::check();
};
