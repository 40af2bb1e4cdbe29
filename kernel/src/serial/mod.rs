//! The COM1 serial port: the kernel's only output device.
//!
//! QEMU connects COM1 to the runner's stdout (`-serial stdio`). Normal output
//! goes through a lock taken with interrupts off, so lines from the main loop
//! and from interrupt handlers never interleave. A panic must print even when
//! that lock is held (a `Display` impl that panics mid-line, a fault while a
//! log line is formatted): once [`crate::panic`] has begun, every print goes
//! straight to the UART without the lock.
//!
//! ```text
//!   serial_print! ─► panicking? ─no──► SERIAL lock ─► UART (initialized once)
//!                               └yes─► UART registers directly, no lock
//! ```
//!
//! Input is interrupt-driven: [`start_receiving`] registers IRQ 4 with the
//! receiver as the handler's context; the handler moves every byte the UART
//! holds into a bounded queue that grows from the heap, fallibly, inside the
//! handler ([`Received`]); [`read_byte`] takes them out.
//!
//! ```text
//!   byte arrives ─► IRQ 4 ─► on_receive(&Receiver): SERIAL lock, drain the
//!                            UART ─► Received (at most RECEIVE_LIMIT bytes;
//!                            what does not fit is dropped and counted)
//!   read_byte() ◄────────────────────────────────────┘
//! ```
//!
//! The UART is initialized without the driver's loopback self-test: that test
//! waits, without a time limit, for its bytes to come back, and a kernel whose
//! only output device hangs silently at its first line tells nobody anything.

mod receive;
mod received;

pub use receive::{dropped_bytes, read_byte, start_receiving, RECEIVE_LIMIT};
pub use received::Received;

use crate::sync::IrqMutex;
use core::fmt::{self, Write};
use uart_16550::backend::PioBackend;
use uart_16550::{Config, Uart16550, Uart16550Tty};

/// I/O port base of the first serial port (COM1).
const COM1: u16 = 0x3f8;

/// COM1, initialized on first use.
static SERIAL: IrqMutex<Option<Uart16550Tty<PioBackend>>> = IrqMutex::new(None);
/// Writes formatted text to COM1; used by [`serial_print!`] and the logger.
///
/// Panics if the UART rejects its configuration: without a serial port the
/// kernel has no way left to report anything.
#[doc(hidden)]
pub fn _print(args: fmt::Arguments) {
    if crate::panic::in_progress() {
        print_unlocked(args);
        return;
    }
    with_port(|port| port.write_fmt(args).expect("writing to COM1 failed"));
}

/// Runs `f` on COM1 under its lock, initializing the port first if needed.
fn with_port<T>(f: impl FnOnce(&mut Uart16550Tty<PioBackend>) -> T) -> T {
    let mut serial = SERIAL.lock();
    let port = serial.get_or_insert_with(|| {
        let mut tty = unlocked_port();
        tty.inner_mut()
            .init(Config::default())
            .expect("COM1 rejected its configuration");
        tty
    });
    f(port)
}

/// Writes to COM1 without taking the lock, for the panic path only: bytes may
/// interleave with a line the interrupted code was writing, which beats a hang.
pub fn print_unlocked(args: fmt::Arguments) {
    // A write error here has nowhere left to be reported.
    let _ = unlocked_port().write_fmt(args);
}

/// A driver value for COM1 that shares nothing with [`SERIAL`]; the port was
/// initialized by the first normal print (QEMU's UART also works without it).
fn unlocked_port() -> Uart16550Tty<PioBackend> {
    // SAFETY: COM1 is the standard port at 0x3f8; writing bytes to it has no
    // effect on memory.
    let uart = unsafe { Uart16550::new_port(COM1) }.expect("COM1 port range");
    Uart16550Tty::from_inner(uart)
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
