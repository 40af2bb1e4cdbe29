//! A test that fails while printing still gets its report: the test panic
//! handler begins the panic (serial unlocked) before it prints `[failed]`,
//! so a panic inside a log line, with the serial lock held, ends in a
//! `PANIC:` line and the failure code, not in recursion and a time-out. The
//! runner expects this boot to fail, with both lines (boot's `scripted`).
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

use core::fmt;

kernel::test_kernel!();

/// Panics when formatted, as a buggy driver's `Display` might.
struct Exploding;

impl fmt::Display for Exploding {
    fn fmt(&self, _: &mut fmt::Formatter) -> fmt::Result {
        panic!("Display impl exploded inside a test");
    }
}

#[test_case]
fn a_test_that_panics_while_printing() {
    log::info!("device state: {}", Exploding);
}
