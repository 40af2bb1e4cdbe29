//! The COM1 serial port: the kernel's only output device.
//!
//! QEMU connects COM1 to the runner's stdout (`-serial stdio`). The port sits
//! behind a spin lock taken with interrupts off, so an interrupt handler that
//! prints can never spin on a lock its own CPU already holds.
//!
//! The UART is initialized without the driver's loopback self-test: that test
//! waits, without a time limit, for its bytes to come back, and a kernel whose
//! only output device hangs silently at its first line tells nobody anything.

use core::fmt::{self, Write};
use spin::Mutex;
use uart_16550::backend::PioBackend;
use uart_16550::{Config, Uart16550, Uart16550Tty};
use x86_64::instructions::interrupts;

/// I/O port base of the first serial port (COM1).
const COM1: u16 = 0x3f8;

/// COM1, initialized on first use.
static SERIAL: Mutex<Option<Uart16550Tty<PioBackend>>> = Mutex::new(None);

/// Writes formatted text to COM1; used by [`serial_print!`] and the logger.
///
/// Panics if the UART rejects its configuration: without a serial port the
/// kernel has no way left to report anything.
#[doc(hidden)]
pub fn _print(args: fmt::Arguments) {
    interrupts::without_interrupts(|| {
        let mut serial = SERIAL.lock();
        let port = serial.get_or_insert_with(|| {
            // SAFETY: COM1 is the standard port at 0x3f8 and this lock is the
            // only path that touches it.
            let mut uart = unsafe { Uart16550::new_port(COM1) }.expect("COM1 port range");
            uart.init(Config::default())
                .expect("COM1 rejected its configuration");
            Uart16550Tty::from_inner(uart)
        });
        port.write_fmt(args).expect("writing to COM1 failed");
    });
}

/// Prints to the host through the serial port.
#[macro_export]
macro_rules! serial_print {
    ($($arg:tt)*) => {
        $crate::serial::_print(format_args!($($arg)*))
    };
}

/// Prints to the host through the serial port, with a newline.
#[macro_export]
macro_rules! serial_println {
    () => ($crate::serial_print!("\n"));
    ($($arg:tt)*) => ($crate::serial_print!("{}\n", format_args!($($arg)*)));
}
