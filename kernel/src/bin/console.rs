//! The heap console (`make console`): boots every CPU, then gives the serial
//! port to an interactive prompt over the kernel heap (see `kernel::console`).
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use kernel::smp;

entry_point!(kernel_main, config = &kernel::BOOTLOADER_CONFIG);

fn kernel_main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    smp::start_all(&boot_info.memory_regions);
    kernel::console::run()
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::fail(info)
}
