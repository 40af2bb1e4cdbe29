//! A kernel stack overflow runs into the guard page the bootloader leaves
//! below the kernel stack; the page-fault handler, on its own IST stack, names
//! the stack that overflowed.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use kernel::serial_print;

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial_print!("kernel_stack_overflow::overflow_is_reported_by_name ... ");
    recurse(0);
    kernel::testing::did_not_fail(format_args!("the recursion returned"))
}

#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    // `black_box` keeps the compiler from turning the recursion into a loop.
    let depth = core::hint::black_box(depth) + 1;
    recurse(depth) + 1
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::expect_panic(info, "the kernel stack of CPU 0 ran into its guard page")
}
