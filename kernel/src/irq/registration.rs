//! Registering a handler with its context, and the registration whose drop
//! waits for the handler to be done on every CPU.

use super::{Handled, Handler, IrqError, Line, Shared, LINES};
use crate::apic::{io, local, DEVICE_VECTOR_BASE};
use crate::sync::{IrqMutex, IrqSpinLock};
use alloc::boxed::Box;
use alloc::sync::Arc;
use core::fmt;
use lock_api::MutexGuard;

/// A registered handler; dropping it removes the handler, once no CPU runs
/// it any more, and masks the line if it was the last.
#[must_use = "dropping the registration unregisters the handler"]
pub struct Registration {
    line: Line,
    id: u64,
}

impl Registration {
    /// The line the handler is registered on.
    pub fn line(&self) -> Line {
        self.line
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Registration({:?}, #{})", self.line, self.id)
    }
}

/// Calls `handler(&context)` for every interrupt on `line`, routed to this
/// CPU if the line has no handler yet. The registration keeps `context`
/// alive until it is dropped.
pub fn register<T: Send + Sync + 'static>(
    line: Line,
    context: Arc<T>,
    handler: fn(&T) -> Handled,
) -> Result<Registration, IrqError> {
    let inputs = io::inputs();
    if inputs.is_empty() {
        return Err(IrqError::NoIoApic);
    }
    let slot = LINES
        .get(line.gsi as usize)
        .filter(|_| inputs.contains(&line.gsi))
        .ok_or(IrqError::NoSuchGsi(line.gsi))?;
    let bound: Handler = Box::new(move || handler(&context));
    let mut shared = lock_outside_handler(slot, line.gsi, "registered");
    if shared.routed.is_some_and(|routed| routed != line) {
        return Err(IrqError::Mismatch { gsi: line.gsi });
    }
    let id = shared.next_id;
    let free = shared.handlers.iter_mut().find(|entry| entry.is_none());
    *free.ok_or(IrqError::Full { gsi: line.gsi })? = Some((id, bound));
    shared.next_id += 1;
    if shared.routed.is_none() {
        shared.routed = Some(line);
        shared.unclaimed = 0;
        io::route(line, vector(line.gsi), local::id());
    }
    Ok(Registration { line, id })
}

impl Drop for Registration {
    fn drop(&mut self) {
        let gsi = self.line.gsi;
        let removed = {
            // Taking the lock waits for a dispatch in progress on another CPU.
            let mut shared = lock_outside_handler(&LINES[gsi as usize], gsi, "dropped");
            let entry = shared
                .handlers
                .iter_mut()
                .find(|entry| entry.as_ref().is_some_and(|(id, _)| *id == self.id));
            let removed = entry.and_then(Option::take);
            if shared.handlers.iter().all(Option::is_none) && shared.routed.take().is_some() {
                io::mask(gsi);
            }
            removed
        };
        // The context may be the driver's last reference: drop it unlocked.
        drop(removed);
    }
}

/// The line's lock; panics if this CPU is inside one of the line's handlers
/// (it would wait for itself).
fn lock_outside_handler<'a>(
    slot: &'a IrqMutex<Shared>,
    gsi: u32,
    what: &str,
) -> MutexGuard<'a, IrqSpinLock, Shared> {
    // SAFETY: asking the raw lock who holds it changes nothing.
    if unsafe { slot.raw() }.held_by_this_cpu() {
        panic!("an irq::Registration of GSI {gsi} was {what} inside a handler of that line");
    }
    slot.lock()
}

/// The vector GSI `gsi` arrives on.
fn vector(gsi: u32) -> u8 {
    DEVICE_VECTOR_BASE + u8::try_from(gsi).expect("served GSIs are below GSIS")
}
