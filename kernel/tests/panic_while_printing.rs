//! A panic while the serial lock is held must still be reported: a `Display`
//! impl that panics in the middle of a log line leaves the lock taken, and the
//! panic path must print without it instead of spinning on it forever (which
//! the runner would only see as a timeout).
#![no_std]
#![no_main]

use core::fmt;

/// Panics when formatted, as a buggy driver's `Display` might.
struct Exploding;

impl fmt::Display for Exploding {
    fn fmt(&self, _: &mut fmt::Formatter) -> fmt::Result {
        panic!("Display impl exploded with the serial lock held");
    }
}

kernel::must_panic!(
    "panic_while_printing::panic_report_does_not_wait_for_the_serial_lock",
    "exploded with the serial lock held",
    {
        log::info!("device state: {}", Exploding);
    }
);
