//! The I/O APIC: routes device interrupt lines to vectors on a CPU.
//!
//! ```text
//!   ISA device ─► IRQ 4 (COM1) ─► GSI (MADT override, often the same)  edge, high
//!   PCI device ─► INTA# ─► interrupt line / _PRT ─► GSI                level, low
//!            ─► redirection entry gsi - base: vector, polarity, trigger, mask, CPU
//! ```
//!
//! A level-triggered input keeps interrupting, after each end of interrupt,
//! for as long as a device holds it asserted: that is what lets several PCI
//! devices share one line. Lines start masked; [`route`] unmasks one to a
//! vector on a CPU.

use crate::memory::mmio;
use crate::sync::IrqMutex;
use core::ops::Range;

const SELECT: usize = 0x00;
const WINDOW: usize = 0x10;
const VERSION: u32 = 0x01;
const REDIRECTION: u32 = 0x10;
/// Redirection-entry bits.
pub const MASKED: u32 = 1 << 16;
/// Level-triggered (clear: edge).
pub const LEVEL: u32 = 1 << 15;
/// Active-low (clear: active-high).
pub const ACTIVE_LOW: u32 = 1 << 13;

/// When a line signals an interrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// On a change (ISA).
    Edge,
    /// For as long as it is asserted (PCI INTx; shareable).
    Level,
}

/// Which electrical level asserts a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// High asserts (ISA).
    ActiveHigh,
    /// Low asserts (PCI INTx#).
    ActiveLow,
}

/// One I/O APIC input and how it is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// The input (global system interrupt).
    pub gsi: u32,
    /// Edge or level.
    pub trigger: Trigger,
    /// Active high or low.
    pub polarity: Polarity,
}

/// The registers (select, window), the first GSI and the number of inputs,
/// behind a lock: selecting a register and using the window are two steps.
static IO_APIC: IrqMutex<Option<(usize, u32, u32)>> = IrqMutex::new(None);

/// Maps the I/O APIC at `physical`, whose inputs start at GSI `gsi_base`, and
/// masks every line.
pub(super) fn init(physical: u64, gsi_base: u32) {
    // SAFETY: the MADT names this range as the I/O APIC's registers.
    let registers = unsafe { mmio::map(physical, 4096) }
        .unwrap_or_else(|error| panic!("mapping the I/O APIC at {physical:#x}: {error}"))
        .leak()
        .as_ptr()
        .addr();
    let lines = (read(registers, VERSION) >> 16 & 0xff) + 1;
    for line in 0..lines {
        write(registers, REDIRECTION + 2 * line, MASKED);
    }
    *IO_APIC.lock() = Some((registers, gsi_base, lines));
}

/// The GSIs the I/O APIC has inputs for (empty before `init` or without one).
pub fn inputs() -> Range<u32> {
    IO_APIC
        .lock()
        .map_or(0..0, |(_, base, lines)| base..base + lines)
}

/// Delivers `line` as `vector` to the CPU with APIC id `apic_id`, unmasked.
///
/// Panics if there is no I/O APIC or the line is not one of its inputs.
pub fn route(line: Line, vector: u8, apic_id: u32) {
    let mut low = u32::from(vector);
    if line.trigger == Trigger::Level {
        low |= LEVEL;
    }
    if line.polarity == Polarity::ActiveLow {
        low |= ACTIVE_LOW;
    }
    with_entry(line.gsi, |registers, entry| {
        write(registers, entry + 1, apic_id << 24);
        write(registers, entry, low);
    });
}

/// Masks input `gsi` again.
pub fn mask(gsi: u32) {
    with_entry(gsi, |registers, entry| write(registers, entry, MASKED));
}

/// The low half of input `gsi`'s redirection entry (vector and the bits above).
pub fn redirection(gsi: u32) -> u32 {
    with_entry(gsi, read)
}

/// Runs `f` on the registers and the redirection register of input `gsi`,
/// under the lock.
fn with_entry<T>(gsi: u32, f: impl FnOnce(usize, u32) -> T) -> T {
    let io = IO_APIC.lock();
    let &(registers, base, lines) = io
        .as_ref()
        .expect("no I/O APIC to route interrupts through");
    assert!(
        (base..base + lines).contains(&gsi),
        "GSI {gsi} is not an input of the I/O APIC (GSIs {base}..{})",
        base + lines
    );
    f(registers, REDIRECTION + 2 * (gsi - base))
}

fn read(registers: usize, register: u32) -> u32 {
    let base = core::ptr::with_exposed_provenance_mut::<u32>(registers);
    // SAFETY: the select register and the window lie in the mapped page.
    unsafe {
        base.byte_add(SELECT).write_volatile(register);
        base.byte_add(WINDOW).read_volatile()
    }
}

fn write(registers: usize, register: u32, value: u32) {
    let base = core::ptr::with_exposed_provenance_mut::<u32>(registers);
    // SAFETY: as for `read`.
    unsafe {
        base.byte_add(SELECT).write_volatile(register);
        base.byte_add(WINDOW).write_volatile(value);
    }
}
