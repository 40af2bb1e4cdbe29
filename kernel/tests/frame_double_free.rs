//! A frame freed twice would sit on the free list twice and later have two
//! owners; the allocator must stop the kernel at the second free.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use kernel::memory;
use kernel::serial_print;

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial_print!("frame_double_free::second_free_panics ... ");
    let frame = memory::with_frames(|frames| frames.allocate()).expect("a frame");
    memory::with_frames(|frames| {
        // SAFETY: not safe at all the second time, on purpose.
        unsafe {
            frames.deallocate(frame);
            frames.deallocate(frame);
        }
    });
    kernel::testing::did_not_fail(format_args!("the second free of {frame:?} was accepted"))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::expect_panic(info, "freed twice")
}
