//! A write inside the heap window but above the committed arena is a bug (a
//! pointer past the heap's end), not a page to map.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use kernel::memory::window;
use kernel::serial_print;

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial_print!("beyond_committed::write_past_the_arena_is_reported ... ");
    let past = window::committed_end() as usize + 4096;
    let past = core::ptr::with_exposed_provenance_mut::<u64>(past);
    // SAFETY: not safe at all, on purpose: the write must fault and the
    // page-fault handler must refuse to map it.
    unsafe { past.write_volatile(1) };
    kernel::testing::did_not_fail(format_args!(
        "the write past the committed arena was mapped"
    ))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::expect_panic(info, "beyond the committed arena")
}
