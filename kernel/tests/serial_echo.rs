//! A driver in the small: it registers COM1's interrupt, the runner types a
//! line into the serial port, the handler collects the bytes into a buffer it
//! grows from the heap, and the test echoes the line back. The runner checks
//! the echo (`boot/src/scripted.rs`).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use bootloader_api::{entry_point, BootInfo};
use kernel::{irq, serial, serial_print, serial_println, timer};

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

/// How long to wait for the runner's line, in timer ticks (milliseconds).
const PATIENCE_MS: u64 = 20_000;

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial::start_receiving()
        .unwrap_or_else(|error| panic!("registering COM1's interrupt: {error}"));
    timer::start();
    serial_print!("serial_echo::a_line_typed_by_the_runner_comes_back ... ");
    let line = read_line();
    assert!(
        irq::count(4) > 0,
        "the line arrived without an interrupt on IRQ 4"
    );
    serial_println!("[ok]");
    serial_println!("echo: {line}");
    kernel::qemu::exit_qemu(kernel::qemu::ExitCode::Success)
}

/// The first line the serial port receives, without its newline.
fn read_line() -> String {
    let deadline = timer::ticks() + PATIENCE_MS;
    let mut line = String::new();
    while timer::ticks() < deadline {
        match serial::read_byte() {
            Some(b'\n' | b'\r') if !line.is_empty() => return line,
            Some(byte) => line.push(char::from(byte)),
            None => x86_64::instructions::hlt(),
        }
    }
    kernel::testing::did_not_fail(format_args!(
        "no line arrived within {PATIENCE_MS} ms (got {line:?}; {} interrupts on IRQ 4, {} unhandled)",
        irq::count(4),
        irq::unhandled(),
    ))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::test_panic_handler(info)
}
