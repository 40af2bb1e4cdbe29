//! With `debug-heap`, freed memory is poisoned and misuse of the heap is
//! caught at the call: a driver's use after free reads the poison, and a
//! double free stops the kernel with a message naming the pointer.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use bootloader_api::{entry_point, BootInfo};
use kernel::allocator::poison::POISON;
use kernel::{serial_print, serial_println};

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial_print!("debug_heap::freed_memory_reads_as_poison ... ");
    let keep_apart = Box::new([1u64; 4]);
    let block = Box::into_raw(Box::new([0x1234_5678u64; 64]));
    let _after = Box::new([2u64; 4]);
    // SAFETY: `block` came from `Box::into_raw` and is freed once here.
    drop(unsafe { Box::from_raw(block) });
    // SAFETY: not safe in general, on purpose: a use after free. The memory
    // stays mapped heap memory, so the read itself cannot fault.
    let stale = unsafe { block.cast::<u64>().add(32).read_volatile() };
    if stale != u64::from_ne_bytes([POISON; 8]) {
        kernel::testing::did_not_fail(format_args!(
            "freed memory reads {stale:#x}, not the poison"
        ));
    }
    serial_println!("[ok]");
    drop(keep_apart);

    serial_print!("debug_heap::double_free_is_caught ... ");
    let twice = Box::into_raw(Box::new([3u64; 8]));
    // SAFETY: the first free is fine; the second is the bug under test.
    unsafe {
        drop(Box::from_raw(twice));
        drop(Box::from_raw(twice));
    }
    kernel::testing::did_not_fail(format_args!("the second free of {twice:p} was accepted"))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::expect_panic(info, "double free")
}
