//! The end of every kernel panic: report, then leave QEMU with a verdict.
//!
//! The report must come out whatever state the panicking code left behind:
//! the serial lock or the heap lock may be held by the very code that
//! panicked, and a second panic may come from the report itself. So the
//! first step turns interrupts off and marks the panic as begun, after which
//! [`crate::serial`] writes without its lock; a panic inside the report ends
//! the run at once.
//!
//! ```text
//!   panic ─► begin(): cli, mark ─► PANIC: <message> ─► heap report ─► exit 35
//!     └─ panic again while reporting ─► "PANIC while panicking" ─► exit 35
//! ```

use crate::qemu::{exit_qemu, ExitCode};
use crate::serial_println;
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicBool, Ordering};

static IN_PROGRESS: AtomicBool = AtomicBool::new(false);

/// Whether a panic is being reported (serial output then bypasses its lock).
pub fn in_progress() -> bool {
    IN_PROGRESS.load(Ordering::Relaxed)
}

/// Starts reporting a panic: interrupts off for good, serial output unlocked.
/// If a panic was already being reported, this is a panic inside the report:
/// it is printed in one line and the run ends with the failure code.
pub fn begin(info: &PanicInfo) {
    x86_64::instructions::interrupts::disable();
    if IN_PROGRESS.swap(true, Ordering::Relaxed) {
        serial_println!("PANIC while panicking: {}", info.message());
        exit_qemu(ExitCode::Failure)
    }
}

/// Prints `PANIC: <message>` and what the heap and memory counters say, then
/// exits QEMU with the failure code.
pub fn fail(info: &PanicInfo) -> ! {
    begin(info);
    report(info)
}

/// The second half of [`fail`], for a panic handler that has already called
/// [`begin`] (to look at the panic before deciding it is a failure).
pub fn report(info: &PanicInfo) -> ! {
    serial_println!("PANIC: {info}");
    crate::allocator::report_after_panic();
    exit_qemu(ExitCode::Failure)
}
