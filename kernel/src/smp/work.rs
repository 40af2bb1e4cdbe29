//! Work for every CPU: one function that each online CPU runs once, through
//! a cross-CPU call on channel `Idle`.
//!
//! ```text
//!   run_on_all(f):  xcall: post f, IPI the others, run f here, wait until
//!                   every other CPU has run it
//!   idle (APs):     interrupts off; a call waits for me? interrupts on, run
//!                   it; else sti + hlt (atomically: no lost wake-up)
//! ```

use crate::arch::percpu;
use crate::xcall::{self, Channel};
use x86_64::instructions::interrupts;

/// Runs `work(cpu index)` on every online CPU at once, this one included, and
/// returns when all have finished. Call with interrupts on, from the boot
/// CPU (application processors run the work from their idle loop).
pub fn run_on_all(work: impl Fn(usize) + Sync) {
    xcall::run_everywhere(Channel::Idle, &|| work(percpu::current().index()));
}

/// An application processor's life after start-up: answer calls, sleep.
pub(super) fn idle() -> ! {
    loop {
        interrupts::disable();
        if xcall::pending() {
            interrupts::enable();
            xcall::answer_idle();
        } else {
            interrupts::enable_and_hlt();
        }
    }
}
