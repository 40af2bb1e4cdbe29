//! A failing assertion must reach the panic handler: this test passes only if
//! the kernel panics with the assertion's message, and fails if the code after
//! the assertion runs.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use kernel::serial_print;

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial_print!("should_panic::failing_assertion ... ");
    assert_eq!(1, 2, "the assertion that must fail");
    kernel::testing::did_not_fail(format_args!("the assertion did not panic"))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::expect_panic(info, "the assertion that must fail")
}
