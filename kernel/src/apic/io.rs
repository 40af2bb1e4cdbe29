//! The I/O APIC: routes device interrupt lines to vectors on a CPU.
//!
//! ```text
//!   device ─► ISA line (IRQ 4 = COM1) ─► GSI (MADT override, often the same)
//!          ─► redirection entry gsi - base: vector, polarity, trigger, mask, CPU
//! ```
//!
//! Lines start masked; [`route`] unmasks one to a vector on a CPU.

use crate::memory::mmio;
use crate::platform::IsaLine;
use crate::sync::IrqMutex;

const SELECT: usize = 0x00;
const WINDOW: usize = 0x10;
const VERSION: u32 = 0x01;
const REDIRECTION: u32 = 0x10;
const MASKED: u32 = 1 << 16;
const LEVEL: u32 = 1 << 15;
const ACTIVE_LOW: u32 = 1 << 13;

/// The registers (select, window) and the first GSI, behind a lock: selecting
/// a register and using the window are two steps.
static IO_APIC: IrqMutex<Option<(usize, u32)>> = IrqMutex::new(None);

/// Maps the I/O APIC at `physical`, whose inputs start at GSI `gsi_base`, and
/// masks every line.
pub(super) fn init(physical: u64, gsi_base: u32) {
    // SAFETY: the MADT names this range as the I/O APIC's registers.
    let registers = unsafe { mmio::map(physical, 4096) }
        .unwrap_or_else(|error| panic!("mapping the I/O APIC at {physical:#x}: {error}"))
        .leak()
        .as_ptr()
        .addr();
    let mut io = IO_APIC.lock();
    *io = Some((registers, gsi_base));
    let lines = (read(registers, VERSION) >> 16 & 0xff) + 1;
    for line in 0..lines {
        write(registers, REDIRECTION + 2 * line, MASKED);
    }
}

/// Delivers `line` as `vector` to the CPU with APIC id `apic_id`.
///
/// Panics if there is no I/O APIC or the line is not one of its inputs.
pub fn route(line: IsaLine, vector: u8, apic_id: u32) {
    let io = IO_APIC.lock();
    let &(registers, base) = io
        .as_ref()
        .expect("no I/O APIC to route interrupts through");
    let input = line
        .gsi
        .checked_sub(base)
        .expect("GSI below the I/O APIC's inputs");
    let mut low = u32::from(vector);
    if line.level {
        low |= LEVEL;
    }
    if line.active_low {
        low |= ACTIVE_LOW;
    }
    write(registers, REDIRECTION + 2 * input + 1, apic_id << 24);
    write(registers, REDIRECTION + 2 * input, low);
}

/// Masks `line` again.
pub fn mask(line: IsaLine) {
    let io = IO_APIC.lock();
    let Some(&(registers, base)) = io.as_ref() else {
        return;
    };
    if let Some(input) = line.gsi.checked_sub(base) {
        write(registers, REDIRECTION + 2 * input, MASKED);
    }
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
