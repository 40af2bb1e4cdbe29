//! A spin lock that keeps interrupts off while it is held.
//!
//! Anything an interrupt handler may also take (the heap, the frame allocator,
//! the page tables) sits behind this lock. If the lock left interrupts on, a
//! timer interrupt arriving while the main loop holds the heap would spin
//! forever on a lock its own CPU can never release.
//!
//! ```text
//!   lock():   was_on = interrupts enabled?  →  cli  →  spin until acquired
//!   unlock(): release                       →  sti if was_on
//! ```

use core::sync::atomic::{AtomicBool, Ordering};
use lock_api::{GuardSend, RawMutex};
use x86_64::instructions::interrupts;

/// The raw lock behind [`IrqMutex`]: a test-and-test-and-set spin lock that
/// disables interrupts for as long as it is held.
pub struct IrqSpinLock {
    locked: AtomicBool,
    /// Whether interrupts were enabled when the current holder locked.
    interrupts_were_enabled: AtomicBool,
}

/// A mutex safe to share between the main loop and interrupt handlers.
pub type IrqMutex<T> = lock_api::Mutex<IrqSpinLock, T>;

// SAFETY: `locked` is taken with an Acquire compare-exchange and released with
// a Release store, so one holder at a time sees the data and its writes are
// visible to the next one.
unsafe impl RawMutex for IrqSpinLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: Self = Self {
        locked: AtomicBool::new(false),
        interrupts_were_enabled: AtomicBool::new(false),
    };

    type GuardMarker = GuardSend;

    fn lock(&self) {
        let enabled = interrupts::are_enabled();
        interrupts::disable();
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            while self.locked.load(Ordering::Relaxed) {
                core::hint::spin_loop();
            }
        }
        self.interrupts_were_enabled
            .store(enabled, Ordering::Relaxed);
    }

    fn try_lock(&self) -> bool {
        let enabled = interrupts::are_enabled();
        interrupts::disable();
        let acquired = self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok();
        if acquired {
            self.interrupts_were_enabled
                .store(enabled, Ordering::Relaxed);
        } else if enabled {
            interrupts::enable();
        }
        acquired
    }

    unsafe fn unlock(&self) {
        let enable = self.interrupts_were_enabled.load(Ordering::Relaxed);
        self.locked.store(false, Ordering::Release);
        if enable {
            interrupts::enable();
        }
    }
}
