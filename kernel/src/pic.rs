//! The legacy interrupt controllers (two chained 8259 PICs) and the PIT timer.
//!
//! The PICs power up delivering IRQ 0-15 on vectors 8-23, on top of the CPU's
//! exception vectors. [`init`] moves them to 32-47, masks everything except
//! the timer, and programs channel 0 of the PIT to fire [`TIMER_HZ`] times a
//! second.
//!
//! ```text
//!   PIT ch0 ──IRQ0──► PIC1 (vectors 32-39) ──cascade IRQ2──┐
//!                     PIC2 (vectors 40-47) ────────────────┘
//! ```

use x86_64::instructions::port::Port;

/// Vector of IRQ 0 after remapping.
pub const PIC1_OFFSET: u8 = 32;
/// Vector of IRQ 8 after remapping.
pub const PIC2_OFFSET: u8 = PIC1_OFFSET + 8;
/// The timer's interrupt vector.
pub const TIMER_VECTOR: u8 = PIC1_OFFSET;
/// Timer interrupts per second.
pub const TIMER_HZ: u32 = 1000;

/// The PIT's input clock in Hz.
const PIT_HZ: u32 = 1_193_182;
const PIC1_COMMAND: u16 = 0x20;
const PIC1_DATA: u16 = 0x21;
const PIC2_COMMAND: u16 = 0xa0;
const PIC2_DATA: u16 = 0xa1;
const PIT_CHANNEL0: u16 = 0x40;
const PIT_COMMAND: u16 = 0x43;
/// ICW1: initialize, expect ICW4.
const ICW1_INIT: u8 = 0x11;
/// ICW4: 8086 mode.
const ICW4_8086: u8 = 0x01;
/// OCW2: non-specific end of interrupt.
const END_OF_INTERRUPT: u8 = 0x20;
/// Channel 0, low byte then high byte, mode 2 (rate generator).
const PIT_RATE_GENERATOR: u8 = 0x34;

/// Remaps both PICs, unmasks only the timer and starts the PIT at [`TIMER_HZ`].
///
/// Interrupts stay disabled; the caller enables them once the IDT has a
/// handler for [`TIMER_VECTOR`].
pub fn init() {
    let divisor = u16::try_from(PIT_HZ / TIMER_HZ).expect("timer rate too low for the PIT");
    // SAFETY: these are the PICs' and the PIT's standard ports; the sequence is
    // the documented initialization and touches no memory.
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
        // Unmask IRQ 0 (timer) on the first PIC, nothing on the second.
        pic1_data.write(!0x01);
        pic2_data.write(0xff);

        Port::<u8>::new(PIT_COMMAND).write(PIT_RATE_GENERATOR);
        let mut channel0 = Port::<u8>::new(PIT_CHANNEL0);
        let [low, high] = divisor.to_le_bytes();
        channel0.write(low);
        channel0.write(high);
    }
}

/// Tells the first PIC that the timer interrupt has been handled.
pub fn end_of_timer_interrupt() {
    // SAFETY: writing OCW2 to the first PIC's command port only acknowledges IRQ 0.
    unsafe { Port::<u8>::new(PIC1_COMMAND).write(END_OF_INTERRUPT) };
}
