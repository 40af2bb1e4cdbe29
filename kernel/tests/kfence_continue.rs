//! With faults let through (`kfence::set_continue`), the guard pool reports
//! a driver's overflow and use after free once each and the kernel goes on,
//! as KFENCE does in production: the driver's next access to the same page
//! is not reported again.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use bootloader_api::{entry_point, BootInfo};
use kernel::allocator::kfence;

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

/// Bytes in the driver's buffer.
const LEN: usize = 64;

/// A driver's buffer, as a probe routine would allocate it.
#[inline(never)]
fn driver_allocates_buffer() -> *mut [u8; LEN] {
    Box::into_raw(Box::new([0; LEN]))
}

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    kernel::serial_print!("kfence_continue::reported_bugs_let_the_kernel_go_on ... ");
    kfence::set_interval(1);
    kfence::set_continue(true);
    let buffer = (0..2)
        .map(|_| driver_allocates_buffer())
        .find(|buffer| (buffer.addr() + LEN).is_multiple_of(4096))
        .expect("one of two sampled objects sits at its page's right edge");
    // SAFETY: not safe at all, on purpose: an overflow onto the guard page,
    // twice (reported once), then a use after free (reported once).
    let read_back = unsafe {
        let past = buffer.cast::<u8>().add(LEN);
        past.write_volatile(0x5a);
        past.add(1).write_volatile(0x5b);
        let read_back = past.read_volatile();
        drop(Box::from_raw(buffer));
        (&raw const (*buffer)[0]).read_volatile();
        read_back
    };
    kfence::set_continue(false);
    assert_eq!(
        read_back, 0x5a,
        "the guard page kept the write it let through"
    );
    kernel::serial_println!("went on after the reports");
    kernel::serial_println!("[ok]");
    kernel::qemu::exit_qemu(kernel::qemu::ExitCode::Success)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::test_panic_handler(info)
}
