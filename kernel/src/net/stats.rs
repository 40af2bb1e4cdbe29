//! The card's running counters: frames each way, drops by cause, interrupts; bumped by the
//! interrupt handler and the serving loop, read as a [`NicStats`] copy.
//!
//! ```text
//!   on_interrupt ─► received / refill_failures / receive_errors / interrupts += 1
//!   send::Outgoing ─► transmitted / transmit_drops += 1
//!   Nic::stats() ─► NicStats (each counter read once, relaxed)
//! ```

use super::Nic;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The card's running counters.
#[derive(Debug, Default)]
pub struct Counters {
    /// Frames received and handed on to the stack.
    pub received: AtomicU64,
    /// Frames handed to the device to send.
    pub transmitted: AtomicU64,
    /// Frames dropped because the pool had no buffer to refill the descriptor with.
    pub refill_failures: AtomicU64,
    /// Frames dropped because the pool had no buffer to send them in.
    pub transmit_drops: AtomicU64,
    /// Receive completions the device reported as failed (or with the ready queue full).
    pub receive_errors: AtomicU64,
    /// Interrupts the card raised.
    pub interrupts: AtomicU64,
}

/// A copy of [`Counters`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NicStats {
    /// See [`Counters::received`].
    pub received: u64,
    /// See [`Counters::transmitted`].
    pub transmitted: u64,
    /// See [`Counters::refill_failures`].
    pub refill_failures: u64,
    /// See [`Counters::transmit_drops`].
    pub transmit_drops: u64,
    /// See [`Counters::receive_errors`].
    pub receive_errors: u64,
    /// See [`Counters::interrupts`].
    pub interrupts: u64,
}

impl Nic {
    /// The card's counters now.
    pub fn stats(&self) -> NicStats {
        let c = &self.shared.counters;
        NicStats {
            received: c.received.load(Relaxed),
            transmitted: c.transmitted.load(Relaxed),
            refill_failures: c.refill_failures.load(Relaxed),
            transmit_drops: c.transmit_drops.load(Relaxed),
            receive_errors: c.receive_errors.load(Relaxed),
            interrupts: c.interrupts.load(Relaxed),
        }
    }
}
