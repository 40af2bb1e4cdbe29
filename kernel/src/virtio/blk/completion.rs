//! How a request's completion reaches its waiter: the device raises its INTx line, the
//! handler acknowledges it, and the waiter, asleep in `hlt`, finds its token in the used
//! ring; without an interrupt line the waiter polls.
//!
//! ```text
//!   waiter: cli; token used? ─ yes ─► sti, done
//!                            └ no ──► sti; hlt (one instruction pair: an interrupt arriving
//!                                     after the check wakes the hlt) ─► check again
//!   device ─► INTx (level) ─► on_interrupt: ISR read (lowers the line) ─► Mine / NotMine
//! ```

use super::{Blk, Disk};
use crate::irq::Handled;
use crate::sync::{level, IrqMutex};
use core::sync::atomic::{AtomicU64, Ordering};
use x86_64::instructions::interrupts;

/// What the driver and its interrupt handler share.
pub(super) struct Shared {
    pub(super) device: IrqMutex<level::Device, Blk>,
    pub(super) interrupts: AtomicU64,
}

/// The disk's interrupt handler: acknowledges the device (which lowers the line) and
/// leaves the completions to the waiters; another device's interrupt on a shared line is
/// not ours.
pub(super) fn on_interrupt(shared: &Shared) -> Handled {
    if shared.device.lock().ack_interrupt().is_empty() {
        return Handled::NotMine;
    }
    shared.interrupts.fetch_add(1, Ordering::Relaxed);
    Handled::Mine
}

impl Disk {
    /// Whether completions raise an interrupt (otherwise they are polled).
    pub fn interrupt_driven(&self) -> bool {
        self.registration.is_some()
    }

    /// Waits until the device has used the request `token`: asleep in `hlt` between
    /// interrupts when the handler is registered and interrupts are on (checking with them
    /// off, so none slips between the check and the `hlt`), spinning otherwise.
    pub(super) fn wait(&self, token: u16) {
        let sleep = self.registration.is_some() && interrupts::are_enabled();
        loop {
            if sleep {
                interrupts::disable();
            }
            if self.shared.device.lock().peek_used() == Some(token) {
                if sleep {
                    interrupts::enable();
                }
                return;
            }
            if sleep {
                interrupts::enable_and_hlt();
            } else {
                core::hint::spin_loop();
            }
        }
    }
}
