//! The heap console as a person would use it: the runner types a session of
//! commands (`boot/src/scripted.rs`) and checks every answer, including the
//! one-line errors for bad input; `exit` ends the boot with success.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    kernel::console::run()
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::test_panic_handler(info)
}
