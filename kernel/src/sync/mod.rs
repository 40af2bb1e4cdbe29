//! Locks an interrupt handler may also take.
//!
//! Anything an interrupt handler may use (the heap, the frame allocator, the
//! page tables, the serial port) sits behind [`IrqMutex`]. If the lock left
//! interrupts on, a timer interrupt arriving while the main loop holds the heap
//! would spin forever on a lock its own CPU can never release. Interrupts go
//! off through [`irq_off::push_off`], so locks may be nested and released in
//! any order.
//!
//! ```text
//!   lock():   push_off (cli, depth + 1)  →  spin until acquired (answering shootdowns)
//!   unlock(): release                    →  pop_off (depth - 1, sti at 0 if it was on)
//! ```

pub mod irq_off;

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use lock_api::{GuardNoSend, RawMutex};

/// The raw lock behind [`IrqMutex`]: a test-and-test-and-set spin lock that
/// keeps interrupts off for as long as it is held.
///
/// It is not fair: a ticket lock was, and under emulation with more virtual
/// CPUs than host cores it stalled for minutes, because the lock went to the
/// next ticket's CPU while the host had that CPU's thread descheduled. A CPU
/// waiting for it with interrupts off still
/// answers TLB shootdowns ([`crate::tlb::poll`]): the holder may be waiting
/// for exactly that.
pub struct IrqSpinLock {
    locked: AtomicBool,
    /// The holding CPU's index plus one (0: free), for "does this CPU hold it?".
    owner: AtomicU32,
}

impl IrqSpinLock {
    /// Whether the running CPU holds the lock (a fault inside code that holds
    /// it must not wait for it).
    pub fn held_by_this_cpu(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == this_cpu_tag()
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

// SAFETY: `locked` is taken with an Acquire compare-exchange and released with
// a Release store, so one holder at a time sees the data and its writes are
// visible to the next one.
unsafe impl RawMutex for IrqSpinLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: Self = Self {
        locked: AtomicBool::new(false),
        owner: AtomicU32::new(0),
    };

    type GuardMarker = GuardNoSend;

    fn lock(&self) {
        core::mem::forget(irq_off::push_off());
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            while self.locked.load(Ordering::Relaxed) {
                crate::tlb::poll();
                core::hint::spin_loop();
            }
        }
        self.owner.store(this_cpu_tag(), Ordering::Relaxed);
    }

    fn try_lock(&self) -> bool {
        let off = irq_off::push_off();
        let acquired = self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
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
        self.locked.store(false, Ordering::Release);
        // SAFETY: the caller held the lock, so `lock` or `try_lock` made a
        // push_off on this CPU (guards are `!Send`) and forgot its token.
        unsafe { irq_off::pop_forgotten() };
    }

    fn is_locked(&self) -> bool {
        self.locked.load(Ordering::Relaxed)
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
