//! The in-QEMU test framework (`#![feature(custom_test_frameworks)]`).
//!
//! Each kernel test binary boots on its own. Its `#[test_case]` functions run
//! one after another, each printing `[i/n] name ... [ok]` over serial; the first
//! failure panics, prints `[failed]` and the panic message, and exits QEMU with
//! the failure code. The runner on the host judges the whole boot by that code;
//! `boot grade` also reads the `[i/n]` markers, which must come once each and in
//! order, to know how far a failing boot got.

use crate::qemu::{exit_qemu, ExitCode};
use crate::{serial_print, serial_println};
use bootloader_api::BootInfo;
use core::panic::PanicInfo;

/// A function the test runner can call and name.
pub trait Testable {
    /// Runs the test, the `number`th of `count`, printing its marker and name before
    /// and `[ok]` after.
    fn run(&self, number: usize, count: usize);
}

impl<T: Fn()> Testable for T {
    fn run(&self, number: usize, count: usize) {
        serial_print!("[{number}/{count}] {} ... ", core::any::type_name::<T>());
        self();
        serial_println!("[ok]");
    }
}

/// The set-up most multi-CPU tests share, for `test_kernel!`'s block: every
/// application processor started, then the boot CPU's timer ticking with
/// interrupts on (the other CPUs start theirs as they come up), as in `make run`.
pub fn start_every_cpu(boot_info: &BootInfo) {
    crate::smp::start_all(&boot_info.memory_regions);
    crate::timer::start();
}

/// Runs every test of a test binary and exits QEMU with success.
pub fn test_runner(tests: &[&dyn Testable]) -> ! {
    serial_println!("running {} tests", tests.len());
    for (index, test) in tests.iter().enumerate() {
        test.run(index + 1, tests.len());
    }
    serial_println!("test result: ok. {} passed; 0 failed", tests.len());
    exit_qemu(ExitCode::Success)
}

/// The panic handler of test binaries: the running test failed. The panic
/// begins before anything is printed: the test may have panicked while
/// holding the serial lock.
pub fn test_panic_handler(info: &PanicInfo) -> ! {
    crate::panic::begin(info);
    serial_println!("[failed]");
    crate::panic::report(info)
}

/// Ends a test that must fail a certain way but did not: prints `[failed]`
/// and why, and exits QEMU with the failure code.
pub fn did_not_fail(why: core::fmt::Arguments) -> ! {
    serial_println!("[failed]");
    serial_println!("PANIC: {why}");
    exit_qemu(ExitCode::Failure)
}

/// The panic handler of a test that must fail a certain way: the boot
/// succeeds only if the panic message contains `expected`.
pub fn expect_panic(info: &PanicInfo, expected: &str) -> ! {
    crate::panic::begin(info);
    if message_contains(info, expected) {
        serial_println!("[ok]");
        exit_qemu(ExitCode::Success)
    }
    serial_println!("[failed]");
    serial_println!("expected a panic containing {expected:?}");
    crate::panic::report(info)
}

/// Whether the formatted panic message contains `expected`, without the heap
/// (the heap may be what panicked). Messages are matched through a sliding
/// window of 128 bytes, so `expected` must be shorter than that.
fn message_contains(info: &PanicInfo, expected: &str) -> bool {
    struct Finder<'a> {
        expected: &'a [u8],
        window: [u8; 128],
        len: usize,
        found: bool,
    }
    impl core::fmt::Write for Finder<'_> {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            for &byte in s.as_bytes() {
                if self.len == self.window.len() {
                    self.window.copy_within(1.., 0);
                    self.len -= 1;
                }
                self.window[self.len] = byte;
                self.len += 1;
                self.found |= self.window[..self.len].ends_with(self.expected);
            }
            Ok(())
        }
    }
    assert!(
        expected.len() < 128,
        "expected panic text too long: {expected:?}"
    );
    let mut finder = Finder {
        expected: expected.as_bytes(),
        window: [0; 128],
        len: 0,
        found: false,
    };
    let _ = core::fmt::write(&mut finder, format_args!("{}", info.message()));
    finder.found
}

/// Panics with the broken rule if the kernel heap's invariants do not hold
/// (the panic names the caller's line).
#[track_caller]
pub fn check_heap() {
    if let Err(error) = crate::allocator::HEAP.heap().lock().check() {
        panic!("heap check failed: {error}");
    }
}

/// Calls itself until the stack runs out: the stack-overflow tests use it to
/// run into a guard page. Never returns.
#[allow(unconditional_recursion)]
pub fn recurse(depth: u64) -> u64 {
    // `black_box` keeps the compiler from turning the recursion into a loop.
    let depth = core::hint::black_box(depth) + 1;
    recurse(depth) + 1
}

/// The entry point and panic handler of a kernel test binary that runs its
/// `#[test_case]`s with [`test_runner`]: boots the kernel (`init`), runs the
/// optional set-up block with the boot information, then the tests.
///
/// ```ignore
/// kernel::test_kernel!();
/// kernel::test_kernel!(|boot_info| {
///     kernel::testing::start_every_cpu(boot_info);
/// });
/// ```
///
/// The test crate still declares `#![test_runner(kernel::testing::test_runner)]`
/// and `#![reexport_test_harness_main = "test_main"]` (inner attributes cannot
/// come from a macro); the expansion calls that `test_main`.
#[macro_export]
macro_rules! test_kernel {
    () => {
        $crate::test_kernel!(|_boot_info| {});
    };
    (|$boot_info:ident| $setup:block) => {
        $crate::test_kernel!(
            frames: $crate::memory::frames::FramePolicy::NextFit,
            |$boot_info| $setup
        );
    };
    (frames: $policy:expr, |$boot_info:ident| $setup:block) => {
        bootloader_api::entry_point!(test_kernel_main, config = &$crate::BOOTLOADER_CONFIG);

        fn test_kernel_main($boot_info: &'static mut bootloader_api::BootInfo) -> ! {
            $crate::init_on($boot_info, $policy);
            $setup
            test_main();
            $crate::hlt_loop()
        }

        #[panic_handler]
        fn test_kernel_panic(info: &core::panic::PanicInfo) -> ! {
            $crate::testing::test_panic_handler(info)
        }
    };
}

/// A kernel test (a `harness = false` test binary) that passes only if its
/// body panics with a message containing `expected`, and fails if the body
/// returns. It defines the entry point and the panic handler:
///
/// ```ignore
/// kernel::must_panic!("should_panic::failing_assertion", "the assertion that must fail", {
///     assert_eq!(1, 2, "the assertion that must fail");
/// });
/// ```
#[macro_export]
macro_rules! must_panic {
    ($name:literal, $expected:literal, $body:block) => {
        bootloader_api::entry_point!(must_panic_main, config = &$crate::BOOTLOADER_CONFIG);

        fn must_panic_main(boot_info: &'static mut bootloader_api::BootInfo) -> ! {
            $crate::init(boot_info);
            $crate::serial_print!("{} ... ", $name);
            $body
            $crate::testing::did_not_fail(format_args!("the test returned without the panic it must raise"))
        }

        #[panic_handler]
        fn must_panic_handler(info: &core::panic::PanicInfo) -> ! {
            $crate::testing::expect_panic(info, $expected)
        }
    };
}
