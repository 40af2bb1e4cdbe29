//! A panic while the serial lock is held must still be reported: a `Display`
//! impl that panics in the middle of a log line leaves the lock taken, and the
//! panic path must print without it instead of spinning on it forever (which
//! the runner would only see as a timeout).
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use core::fmt;
use kernel::serial_print;

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

/// Panics when formatted, as a buggy driver's `Display` might.
struct Exploding;

impl fmt::Display for Exploding {
    fn fmt(&self, _: &mut fmt::Formatter) -> fmt::Result {
        panic!("Display impl exploded with the serial lock held");
    }
}

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial_print!("panic_while_printing::panic_report_does_not_wait_for_the_serial_lock ... ");
    log::info!("device state: {}", Exploding);
    kernel::testing::did_not_fail(format_args!("formatting the log line did not panic"))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::expect_panic(info, "exploded with the serial lock held")
}
