//! What a CPU does while it waits: answer what other CPUs posted to it.
//!
//! A CPU waiting with interrupts off (for a lock, for other CPUs to answer)
//! cannot take the interrupt that announces a cross-CPU call, and the CPU it
//! waits for may be waiting for exactly that answer. So every wait loop in
//! the kernel goes through [`relax`], which runs the waiter's duty first.
//! The duty belongs to a higher layer (`xcall::answer`), which installs it
//! here at boot: this layer stays a leaf and still never waits deaf.

use spin::Once;

/// The duty every waiter performs, once installed.
static DUTY: Once<fn()> = Once::new();

/// Installs `duty` as what every wait loop runs before each pause. The
/// first call wins; later ones are ignored (there is one cross-CPU layer).
pub(crate) fn set_waiter_duty(duty: fn()) {
    DUTY.call_once(|| duty);
}

/// Runs the waiter's duty, if one is installed.
pub(super) fn do_duty() {
    if let Some(duty) = DUTY.get() {
        duty();
    }
}

/// One step of any wait loop: do the duty, then pause.
pub fn relax() {
    do_duty();
    core::hint::spin_loop();
}
