//! Device interrupts for drivers: register a handler, with its driver's state
//! as context, on an I/O APIC input (an ISA line or a PCI INTx line); several
//! handlers may share one input.
//!
//! ```text
//!   register(line, ctx, f) ─► LINES[gsi]: + (f, ctx) ─► first one: route the
//!                             input to this CPU, vector 48 + gsi, unmasked
//!   interrupt on 48 + gsi  ─► stub ─► dispatch(gsi): count it; under the
//!                             line's lock ask every handler "yours?"; nobody
//!                             claims it: count it unhandled; EOI
//!   drop(Registration)     ─► take the line's lock (so a handler running on
//!                             another CPU has returned), remove (f, ctx),
//!                             last one: mask; then drop ctx
//! ```
//!
//! A handler runs with interrupts off on the CPU the line is routed to (the
//! CPU of its first registration). It may allocate; it should do so
//! fallibly and drop data rather than fail. A level-triggered line that
//! nobody claims [`STORM`] times in a row is masked, with an error in the log,
//! rather than interrupting for ever (Linux's "nobody cared").

mod error;
mod line;
mod registration;
mod stubs;

pub use crate::apic::io::{Line, Polarity, Trigger};
pub use error::{Handled, IrqError};
pub use line::{isa_line, pci_line};
pub use registration::{register, Registration};
pub(crate) use stubs::install;

use crate::apic::{io, local};
use crate::sync::IrqMutex;
use alloc::boxed::Box;
use core::sync::atomic::{AtomicU64, Ordering};

/// I/O APIC inputs served: GSI n arrives on vector `DEVICE_VECTOR_BASE + n`.
pub const GSIS: usize = 24;
/// Handlers one line can have.
pub const MAX_SHARED: usize = 8;
/// Unclaimed interrupts in a row after which a level-triggered line is masked.
pub const STORM: u32 = 10_000;

/// A handler bound to its context.
type Handler = Box<dyn Fn() -> Handled + Send + Sync>;

/// One input's handlers, and how it is routed.
struct Shared {
    /// How the input is driven, while it has handlers.
    routed: Option<Line>,
    handlers: [Option<(u64, Handler)>; MAX_SHARED],
    next_id: u64,
    /// Interrupts in a row nobody claimed.
    unclaimed: u32,
}

/// Each input's handlers, behind a lock that `dispatch` holds while they run.
static LINES: [IrqMutex<Shared>; GSIS] = [const {
    IrqMutex::new(Shared {
        routed: None,
        handlers: [const { None }; MAX_SHARED],
        next_id: 0,
        unclaimed: 0,
    })
}; GSIS];
/// Interrupts taken per input, handled or not.
static COUNTS: [AtomicU64; GSIS] = [const { AtomicU64::new(0) }; GSIS];
/// Interrupts no handler claimed.
static UNHANDLED: AtomicU64 = AtomicU64::new(0);

/// Interrupts taken on GSI `gsi` so far.
pub fn count(gsi: u32) -> u64 {
    COUNTS
        .get(gsi as usize)
        .map_or(0, |count| count.load(Ordering::Relaxed))
}

/// Device interrupts that no handler claimed.
pub fn unhandled() -> u64 {
    UNHANDLED.load(Ordering::Relaxed)
}

/// Asks every handler of GSI `gsi` whether the interrupt is its own.
fn dispatch(gsi: usize) {
    COUNTS[gsi].fetch_add(1, Ordering::Relaxed);
    let mut shared = LINES[gsi].lock();
    let mut claimed = false;
    for (_, handler) in shared.handlers.iter().flatten() {
        claimed |= handler() == Handled::Mine;
    }
    if claimed {
        shared.unclaimed = 0;
    } else {
        UNHANDLED.fetch_add(1, Ordering::Relaxed);
        shared.unclaimed += 1;
        let level = shared.routed.is_some_and(|l| l.trigger == Trigger::Level);
        if level && shared.unclaimed == STORM {
            io::mask(gsi as u32);
            log::error!("GSI {gsi}: {STORM} interrupts in a row that no handler claimed; masked");
        }
    }
    drop(shared);
    local::end_of_interrupt();
}
