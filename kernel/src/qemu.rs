//! Leaving QEMU with a verdict through the `isa-debug-exit` device.
//!
//! The runner starts QEMU with `-device isa-debug-exit,iobase=0xf4,iosize=0x04`.
//! Writing a value `v` to port `0xf4` ends QEMU with status `(v << 1) | 1`, so
//! `Success` (0x10) becomes 33 and `Failure` (0x11) becomes 35: both distinct
//! from QEMU's own statuses (0 for a normal quit, 1 for its errors).

use x86_64::instructions::port::Port;

/// The I/O port the runner maps the `isa-debug-exit` device to.
const EXIT_PORT: u16 = 0xf4;

/// The verdict the kernel hands to the runner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum ExitCode {
    /// Everything the kernel was asked to do worked; QEMU exits with 33.
    Success = 0x10,
    /// A test or the kernel failed; QEMU exits with 35.
    Failure = 0x11,
}

/// Ends the QEMU session with `code`.
///
/// Outside QEMU (no exit device on the port) the write does nothing, so the
/// CPU is halted for good instead.
pub fn exit_qemu(code: ExitCode) -> ! {
    // SAFETY: port 0xf4 is the exit device the runner configures; writing to it
    // has no effect on memory.
    unsafe { Port::new(EXIT_PORT).write(code as u32) };
    crate::hlt_loop()
}
