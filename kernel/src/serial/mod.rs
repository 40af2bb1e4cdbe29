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

mod received;

pub use received::Received;

use crate::irq::{self, Handled, IrqError, Registration};
use crate::sync::IrqMutex;
use alloc::sync::Arc;
use core::fmt::{self, Write};
use uart_16550::backend::PioBackend;
use uart_16550::spec::registers::IER;
use uart_16550::{Config, Uart16550, Uart16550Tty};

/// I/O port base of the first serial port (COM1).
const COM1: u16 = 0x3f8;

/// COM1's interrupt line.
const COM1_IRQ: u8 = 4;
/// Received bytes kept at most while nobody reads them.
pub const RECEIVE_LIMIT: usize = 64 * 1024;

/// COM1, initialized on first use.
static SERIAL: IrqMutex<Option<Uart16550Tty<PioBackend>>> = IrqMutex::new(None);
/// The receive interrupt's registration and its context, kept for as long as
/// the kernel runs.
static RECEIVING: IrqMutex<Option<(Registration, Arc<Receiver>)>> = IrqMutex::new(None);

/// The receive handler's context: what it received.
struct Receiver {
    received: IrqMutex<Received>,
}

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

/// Turns on COM1's receive interrupt; from now on received bytes collect in
/// a buffer for [`read_byte`]. Calling it again changes nothing.
pub fn start_receiving() -> Result<(), IrqError> {
    let mut receiving = RECEIVING.lock();
    if receiving.is_none() {
        let receiver = Arc::new(Receiver {
            received: IrqMutex::new(Received::new(RECEIVE_LIMIT)),
        });
        let line = irq::isa_line(COM1_IRQ)?;
        let registration = irq::register(line, receiver.clone(), on_receive)?;
        *receiving = Some((registration, receiver));
        with_port(|port| port.inner_mut().enable_interrupts(IER::DATA_READY));
        // The host's test runner waits for this line before it types.
        log::info!("COM1 receives input (IRQ {COM1_IRQ})");
    }
    Ok(())
}

/// The next received byte, if one is waiting.
pub fn read_byte() -> Option<u8> {
    let receiving = RECEIVING.lock();
    let byte = receiving.as_ref()?.1.received.lock().pop();
    byte
}

/// Received bytes dropped because the queue was full or could not grow.
pub fn dropped_bytes() -> u64 {
    let receiving = RECEIVING.lock();
    receiving
        .as_ref()
        .map_or(0, |(_, receiver)| receiver.received.lock().dropped())
}

/// COM1's interrupt handler: moves every waiting byte into the queue (which
/// may grow, allocating from the heap here); its own if there was one.
fn on_receive(receiver: &Receiver) -> Handled {
    let mut chunk = [0u8; 16];
    let mut handled = Handled::NotMine;
    loop {
        let count = with_port(|port| port.inner_mut().receive_bytes(&mut chunk));
        if count == 0 {
            return handled;
        }
        handled = Handled::Mine;
        receiver.received.lock().push(&chunk[..count]);
    }
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
