//! A failing assertion must reach the panic handler: this test passes only if
//! the kernel panics with the assertion's message, and fails if the code after
//! the assertion runs.
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
    kernel::testing::expect_panic(info, "the assertion that must fail")
}
