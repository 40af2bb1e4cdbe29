//! An infallible allocation the machine cannot back must stop the kernel at
//! the allocation, with a panic that gives the size, and the panic report must
//! name the failed layout (size and alignment) and print the heap's counters.
//! The size fits in the heap window but not in the guest's 512 MiB of RAM: the
//! commit charge must refuse it, rather than let the kernel fault its pages in
//! until the frames run out inside the page-fault handler.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use bootloader_api::{entry_point, BootInfo};
use kernel::memory::HEAP_WINDOW_SIZE;
use kernel::{serial_print, serial_println};

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

/// Beyond RAM, inside the window.
const TOO_BIG: usize = 600 << 20;
const _: () = assert!(TOO_BIG < HEAP_WINDOW_SIZE);

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial_print!("alloc_failure::infallible_allocation_beyond_ram_panics_where_it_is_made ... ");
    let too_big: Vec<u8> = Vec::with_capacity(TOO_BIG);
    kernel::testing::did_not_fail(format_args!(
        "{} bytes were granted beyond RAM",
        too_big.capacity()
    ))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let failed = kernel::allocator::last_failure();
    if failed.is_none_or(|layout| layout.size() != TOO_BIG) {
        serial_println!("[failed]");
        serial_println!("the failed layout was not recorded: {failed:?}");
        kernel::fail(info)
    }
    kernel::stats::report_after_panic();
    kernel::testing::expect_panic(info, "memory allocation of 629145600 bytes failed")
}
