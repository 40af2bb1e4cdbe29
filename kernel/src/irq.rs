//! Device interrupts for drivers: register a handler for an ISA line, and the
//! I/O APIC delivers that line to it.
//!
//! ```text
//!   register(4, handler) ─► HANDLERS[4] = handler ─► I/O APIC: line 4's GSI →
//!                           vector 48 + 4, to the registering CPU, unmasked
//!   interrupt on vector 48 + n ─► line_n stub ─► dispatch(n): count it, run
//!                                 HANDLERS[n] (or count it unhandled), EOI
//!   drop(Registration)     ─► masked again, handler gone
//! ```
//!
//! A handler runs with interrupts off on the CPU the line is routed to. It
//! may allocate from the heap (the heap lock keeps interrupts off, so the
//! handler can never find it held by the code it interrupted on its own CPU).

use crate::apic::io;
use crate::arch::{lapic, DEVICE_VECTOR_BASE};
use crate::platform;
use core::fmt;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use x86_64::structures::idt::{InterruptDescriptorTable, InterruptStackFrame};

/// ISA interrupt lines a driver can register (IRQ 0-15).
pub const LINES: usize = 16;

/// Each line's handler (a `fn()` as an address; 0: none).
static HANDLERS: [AtomicUsize; LINES] = [const { AtomicUsize::new(0) }; LINES];
/// Interrupts taken per line, handled or not.
static COUNTS: [AtomicU64; LINES] = [const { AtomicU64::new(0) }; LINES];
/// Interrupts that arrived on a line without a handler.
static UNHANDLED: AtomicU64 = AtomicU64::new(0);

/// Why a line cannot be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IrqError {
    /// There is no ISA line with this number.
    NoSuchLine(u8),
    /// Another driver has the line.
    Taken(u8),
    /// The machine has no I/O APIC to route the line through.
    NoIoApic,
}

impl fmt::Display for IrqError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::NoSuchLine(line) => write!(f, "IRQ {line} does not exist (lines are 0-15)"),
            Self::Taken(line) => write!(f, "IRQ {line} already has a handler"),
            Self::NoIoApic => f.write_str("no I/O APIC to route the interrupt through"),
        }
    }
}

/// A registered line; dropping it masks the line and removes the handler.
#[must_use = "dropping the registration unregisters the handler"]
#[derive(Debug)]
pub struct Registration {
    line: u8,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let line = platform::get()
            .expect("registered lines have a platform")
            .isa[usize::from(self.line)];
        io::mask(line);
        HANDLERS[usize::from(self.line)].store(0, Ordering::Release);
    }
}

/// Runs `handler` for every interrupt on ISA line `line`, on this CPU.
pub fn register(line: u8, handler: fn()) -> Result<Registration, IrqError> {
    let slot = HANDLERS
        .get(usize::from(line))
        .ok_or(IrqError::NoSuchLine(line))?;
    let platform = platform::get().ok_or(IrqError::NoIoApic)?;
    if platform.io_apic.is_none() {
        return Err(IrqError::NoIoApic);
    }
    slot.compare_exchange(0, handler as usize, Ordering::AcqRel, Ordering::Relaxed)
        .map_err(|_| IrqError::Taken(line))?;
    let isa = platform.isa[usize::from(line)];
    io::route(isa, vector(isa.gsi), lapic::id());
    Ok(Registration { line })
}

/// Interrupts taken on `line` so far.
pub fn count(line: u8) -> u64 {
    COUNTS
        .get(usize::from(line))
        .map_or(0, |count| count.load(Ordering::Relaxed))
}

/// Device interrupts that found no handler.
pub fn unhandled() -> u64 {
    UNHANDLED.load(Ordering::Relaxed)
}

/// The vector GSI `gsi` arrives on.
fn vector(gsi: u32) -> u8 {
    DEVICE_VECTOR_BASE + u8::try_from(gsi).expect("ISA lines map to low GSIs")
}

/// Runs the handler of the line behind vector offset `index`.
fn dispatch(index: usize) {
    let line = platform::get()
        .and_then(|p| p.isa.iter().position(|isa| isa.gsi as usize == index))
        .unwrap_or(index);
    if let Some(count) = COUNTS.get(line) {
        count.fetch_add(1, Ordering::Relaxed);
    }
    match HANDLERS.get(line).map(|h| h.load(Ordering::Acquire)) {
        Some(address) if address != 0 => {
            // SAFETY: only `register` stores here, and it stores a `fn()`.
            let handler: fn() = unsafe { core::mem::transmute::<usize, fn()>(address) };
            handler();
        }
        _ => {
            UNHANDLED.fetch_add(1, Ordering::Relaxed);
        }
    }
    lapic::end_of_interrupt();
}

/// One entry stub per vector: the IDT cannot tell a handler its vector.
macro_rules! stubs {
    ($($index:literal => $name:ident),*) => {
        $(extern "x86-interrupt" fn $name(_frame: InterruptStackFrame) {
            dispatch($index);
        })*
        /// Points the device vectors of `idt` at their stubs.
        pub(crate) fn install(idt: &mut InterruptDescriptorTable) {
            $(idt[DEVICE_VECTOR_BASE + $index].set_handler_fn($name);)*
        }
    };
}

stubs!(
    0 => line_0, 1 => line_1, 2 => line_2, 3 => line_3, 4 => line_4, 5 => line_5,
    6 => line_6, 7 => line_7, 8 => line_8, 9 => line_9, 10 => line_10, 11 => line_11,
    12 => line_12, 13 => line_13, 14 => line_14, 15 => line_15
);
