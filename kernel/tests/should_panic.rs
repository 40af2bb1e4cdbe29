//! A failing assertion must reach the panic handler: this test passes only if
//! the kernel panics, and fails if the code after the assertion runs.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use kernel::qemu::{exit_qemu, ExitCode};
use kernel::{serial_print, serial_println};

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(_boot_info: &'static mut BootInfo) -> ! {
    kernel::init();
    serial_print!("should_panic::failing_assertion ... ");
    assert_eq!(1, 2, "the assertion that must fail");
    serial_println!("[failed]");
    serial_println!("PANIC: the assertion did not panic");
    exit_qemu(ExitCode::Failure)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let expected = "the assertion that must fail";
    if message_contains(info, expected) {
        serial_println!("[ok]");
        exit_qemu(ExitCode::Success)
    }
    serial_println!("[failed]");
    serial_println!("PANIC: wrong panic: {info}");
    exit_qemu(ExitCode::Failure)
}

/// Whether the formatted panic message contains `expected`, without a heap.
fn message_contains(info: &core::panic::PanicInfo, expected: &str) -> bool {
    use core::fmt::Write;
    struct Finder<'a> {
        expected: &'a str,
        window: [u8; 128],
        len: usize,
        found: bool,
    }
    impl Write for Finder<'_> {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            for &byte in s.as_bytes() {
                if self.len == self.window.len() {
                    self.window.copy_within(1.., 0);
                    self.len -= 1;
                }
                self.window[self.len] = byte;
                self.len += 1;
                self.found |= self.window[..self.len].ends_with(self.expected.as_bytes());
            }
            Ok(())
        }
    }
    let mut finder = Finder {
        expected,
        window: [0; 128],
        len: 0,
        found: false,
    };
    let _ = write!(finder, "{}", info.message());
    finder.found
}
