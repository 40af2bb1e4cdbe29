//! The in-QEMU test framework (`#![feature(custom_test_frameworks)]`).
//!
//! Each kernel test binary boots on its own. Its `#[test_case]` functions run
//! one after another, each printing `name ... [ok]` over serial; the first
//! failure panics, prints `[failed]` and the panic message, and exits QEMU with
//! the failure code. The runner on the host judges the whole boot by that code.

use crate::qemu::{exit_qemu, ExitCode};
use crate::{serial_print, serial_println};
use core::panic::PanicInfo;

/// A function the test runner can call and name.
pub trait Testable {
    /// Runs the test, printing its name before and `[ok]` after.
    fn run(&self);
}

impl<T: Fn()> Testable for T {
    fn run(&self) {
        serial_print!("{} ... ", core::any::type_name::<T>());
        self();
        serial_println!("[ok]");
    }
}

/// Runs every test of a test binary and exits QEMU with success.
pub fn test_runner(tests: &[&dyn Testable]) -> ! {
    serial_println!("running {} tests", tests.len());
    for test in tests {
        test.run();
    }
    serial_println!("test result: ok. {} passed; 0 failed", tests.len());
    exit_qemu(ExitCode::Success)
}

/// The panic handler of test binaries: the running test failed.
pub fn test_panic_handler(info: &PanicInfo) -> ! {
    serial_println!("[failed]");
    serial_println!("PANIC: {info}");
    exit_qemu(ExitCode::Failure)
}
