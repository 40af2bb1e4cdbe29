//! A write outside the heap window must not be mapped on demand: the
//! page-fault handler must panic and name the rule it broke.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use kernel::serial_print;

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

/// A canonical lower-half address nothing maps.
const WILD: usize = 0x0000_4444_0000_0000;

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial_print!("wild_access::write_outside_the_window_is_reported ... ");
    let wild = core::ptr::with_exposed_provenance_mut::<u64>(WILD);
    // SAFETY: not safe at all, on purpose: the write must fault, and the
    // page-fault handler must end the kernel before it returns here.
    unsafe { wild.write_volatile(1) };
    kernel::testing::did_not_fail(format_args!("the wild write at {WILD:#x} did not fault"))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::expect_panic(info, "outside the heap window")
}
