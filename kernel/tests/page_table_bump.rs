//! When `PAGE_TABLE_BUMP` runs out, the next page that needs a new page table
//! must stop the kernel with a panic that names the bump.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use bootloader_api::{entry_point, BootInfo};
use kernel::memory::page_tables::PAGE_TABLE_BUMP;
use kernel::serial_print;

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial_print!("page_table_bump::exhaustion_is_reported_by_name ... ");
    while PAGE_TABLE_BUMP.take_page().is_some() {}
    // 4 MiB reaches past the level-1 tables mapped so far, so touching it
    // needs a new table.
    let mut block = Vec::<u8>::with_capacity(4 << 20);
    block.resize(4 << 20, 0xab);
    kernel::testing::did_not_fail(format_args!(
        "{} bytes were mapped without a new page table",
        block.len()
    ))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::expect_panic(info, "PAGE_TABLE_BUMP is exhausted")
}
