//! The legacy interrupt controllers (two chained 8259 PICs), retired.
//!
//! The PICs power up delivering IRQ 0-15 on vectors 8-23, on top of the CPU's
//! exception vectors: a timer tick would look like a double fault. [`disable`]
//! moves them to 32-47 and masks every line; the APICs take over (`apic`).
//! A PIC can still raise a spurious IRQ 7 or 15, which the IDT ignores.
//!
//! ```text
//!   IRQ 0-7  ──► PIC1 (vectors 32-39) ──cascade IRQ2──┐   all masked
//!   IRQ 8-15 ──► PIC2 (vectors 40-47) ────────────────┘
//! ```

use x86_64::instructions::port::Port;

/// Vector of IRQ 0 after remapping.
pub const PIC1_OFFSET: u8 = 32;
/// Vector of IRQ 8 after remapping.
pub const PIC2_OFFSET: u8 = PIC1_OFFSET + 8;

const PIC1_COMMAND: u16 = 0x20;
const PIC1_DATA: u16 = 0x21;
const PIC2_COMMAND: u16 = 0xa0;
const PIC2_DATA: u16 = 0xa1;
/// ICW1: initialize, expect ICW4.
const ICW1_INIT: u8 = 0x11;
/// ICW4: 8086 mode.
const ICW4_8086: u8 = 0x01;

/// Remaps both PICs off the exception vectors and masks every line.
pub fn disable() {
    // SAFETY: these are the PICs' standard ports; the sequence is the
    // documented initialization and touches no memory.
    unsafe {
        let mut pic1_command = Port::<u8>::new(PIC1_COMMAND);
        let mut pic1_data = Port::<u8>::new(PIC1_DATA);
        let mut pic2_command = Port::<u8>::new(PIC2_COMMAND);
        let mut pic2_data = Port::<u8>::new(PIC2_DATA);
        for (command, data, offset, cascade) in [
            (&mut pic1_command, &mut pic1_data, PIC1_OFFSET, 4),
            (&mut pic2_command, &mut pic2_data, PIC2_OFFSET, 2),
        ] {
            command.write(ICW1_INIT);
            data.write(offset);
            data.write(cascade);
            data.write(ICW4_8086);
        }
        pic1_data.write(0xff);
        pic2_data.write(0xff);
    }
}
