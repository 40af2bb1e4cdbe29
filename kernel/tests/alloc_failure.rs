//! An infallible allocation the heap cannot serve must stop the kernel with a
//! panic that gives the size, and the panic report must name the failed
//! layout (size and alignment) and print the heap's counters.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use bootloader_api::{entry_point, BootInfo};
use kernel::memory::HEAP_WINDOW_SIZE;
use kernel::{serial_print, serial_println};

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init();
    kernel::memory::init(boot_info);
    serial_print!("alloc_failure::infallible_allocation_beyond_the_window_panics ... ");
    let too_big: Vec<u8> = Vec::with_capacity(HEAP_WINDOW_SIZE);
    kernel::testing::did_not_fail(format_args!(
        "{} bytes were allocated beyond the window",
        too_big.capacity()
    ))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let failed = kernel::allocator::last_failure();
    if failed.is_none_or(|layout| layout.size() != HEAP_WINDOW_SIZE) {
        serial_println!("[failed]");
        serial_println!("the failed layout was not recorded: {failed:?}");
        kernel::fail(info)
    }
    kernel::allocator::report_after_panic();
    kernel::testing::expect_panic(info, "memory allocation of 1073741824 bytes failed")
}
