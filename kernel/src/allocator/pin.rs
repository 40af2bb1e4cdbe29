//! The kernel's CPUs for the heap's per-CPU caches (`heap::Cpu`): a CPU's slot
//! index comes from its GS base, and a pin keeps interrupts off, so nothing
//! else runs on the CPU while the cache touches its slot.
//!
//! ```text
//!   pin():  was_on = IF; cli          (no per-CPU count, no atomic: the cache's
//!   drop:   sti if was_on              fast path stays loads and stores)
//! ```
//!
//! A pin is scoped: locks taken inside it are released inside it, and a pin
//! taken with interrupts already off (inside a lock, in a handler) leaves them
//! off, so it nests with `arch::irq_off` in either order.

use crate::arch::percpu;
use heap::Cpu;
use x86_64::instructions::interrupts;

/// Where kernel code runs, for `heap::CachedHeap`.
pub struct KernelCpu;

/// Interrupts off on this CPU until dropped; restores them as they were.
#[must_use = "interrupts come back when the pin is dropped"]
pub struct Pinned {
    was_on: bool,
}

impl Drop for Pinned {
    fn drop(&mut self) {
        if self.was_on {
            interrupts::enable();
        }
    }
}

// SAFETY: while a pin lives, interrupts are off on its CPU, so the code that
// took it runs alone there (no handler can use the cache meanwhile) and the
// CPU's index, read from its own GS slot, cannot change; a slot index belongs
// to one CPU for the kernel's whole life and never moves to another.
unsafe impl Cpu for KernelCpu {
    type Pin = Pinned;

    fn pin() -> Pinned {
        let was_on = interrupts::are_enabled();
        interrupts::disable();
        Pinned { was_on }
    }

    fn index(_pin: &Pinned) -> usize {
        percpu::current().index()
    }
}
