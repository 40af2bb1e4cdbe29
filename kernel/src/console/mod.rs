//! The heap console: an interactive prompt over the serial port where a
//! person allocates, frees, fills, checks, trims and maps the kernel heap.
//!
//! ```text
//!   make console ─► QEMU, serial on this terminal ─► heap> _
//!   each line: read with echo and backspace ─► commands::run ─► answer
//! ```
//!
//! Input comes from the interrupt-driven serial driver (`serial`); the CPU
//! sleeps (`hlt`) while no byte is waiting. `docs/07-console.md` shows every
//! command with its answer.

mod commands;
mod devices;
mod map;

use crate::{serial, serial_print, serial_println, timer};
use alloc::string::String;
use commands::Session;

/// The prompt before every command.
const PROMPT: &str = "heap> ";
/// The longest line the console keeps.
const MAX_LINE: usize = 200;

/// Runs the console until a command ends the kernel (`exit`, `reboot`).
pub fn run() -> ! {
    serial::start_receiving()
        .unwrap_or_else(|error| panic!("the console needs COM1's interrupt: {error}"));
    timer::start();
    serial_println!("heap console: type `help` for the commands");
    let mut session = Session::default();
    loop {
        serial_print!("{PROMPT}");
        let line = read_line();
        session.run(line.trim());
    }
}

/// One line from the serial port, echoed as it is typed; backspace erases.
fn read_line() -> String {
    let mut line = String::new();
    loop {
        let Some(byte) = serial::read_byte() else {
            x86_64::instructions::hlt();
            continue;
        };
        match byte {
            b'\r' | b'\n' => {
                serial_println!();
                return line;
            }
            0x08 | 0x7f => {
                if line.pop().is_some() {
                    serial_print!("\x08 \x08");
                }
            }
            b' '..=b'~' if line.len() < MAX_LINE => {
                line.push(char::from(byte));
                serial_print!("{}", char::from(byte));
            }
            _ => {}
        }
    }
}
