//! Interrupts off, nested: xv6's `push_off`/`pop_off`.
//!
//! Several interrupt-safe locks can be held at once (the heap, then the memory
//! system inside a growth step). Interrupts may come back on only when the
//! last of them is released, in whatever order they are released, and only if
//! they were on before the first was taken. So the CPU keeps one count and one
//! saved flag, not one flag per lock:
//!
//! ```text
//!   push_off:  on = IF;  cli;  if depth == 0 { saved = on };  depth += 1
//!   pop_off:   depth -= 1;  if depth == 0 && saved { sti }
//!
//!   lock heap      depth 1, saved = on      interrupts off
//!   lock MEMORY    depth 2
//!   unlock heap    depth 1                  still off: MEMORY is held
//!   unlock MEMORY  depth 0                  on again
//! ```
//!
//! The state belongs to the CPU: it lives in the CPU's [`crate::arch::percpu`] slot.
//! It also measures how long interrupts stay off through it, so the longest
//! stall can be reported.

use super::tsc;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use x86_64::instructions::interrupts;

/// The interrupt nesting state of a CPU. Only that CPU touches it, with
/// interrupts off, so relaxed atomics suffice (they only make the slot `Sync`).
pub struct Nesting {
    depth: AtomicU32,
    /// Whether interrupts were on when the outermost `push_off` ran.
    saved: AtomicBool,
    /// TSC when the outermost `push_off` turned interrupts off.
    since: AtomicU64,
    /// The longest interval, in TSC cycles, that interrupts stayed off here.
    longest: AtomicU64,
}

impl Nesting {
    /// Depth 0: no lock held.
    pub const fn new() -> Self {
        Self {
            depth: AtomicU32::new(0),
            saved: AtomicBool::new(false),
            since: AtomicU64::new(0),
            longest: AtomicU64::new(0),
        }
    }
}

impl Default for Nesting {
    fn default() -> Self {
        Self::new()
    }
}

/// This CPU's nesting state.
fn cpu() -> &'static Nesting {
    &crate::arch::percpu::current().nesting
}

/// Proof that interrupts are off on this CPU until it is dropped.
///
/// It cannot leave the CPU that made it (`!Send`): dropping it elsewhere would
/// change another CPU's count.
#[must_use = "interrupts come back on when the token is dropped"]
pub struct IrqOff {
    _not_send: PhantomData<*mut ()>,
}

impl Drop for IrqOff {
    fn drop(&mut self) {
        pop_off();
    }
}

/// Turns interrupts off and counts one more reason to keep them off.
pub fn push_off() -> IrqOff {
    let was_on = interrupts::are_enabled();
    interrupts::disable();
    let cpu = cpu();
    if cpu.depth.fetch_add(1, Ordering::Relaxed) == 0 {
        cpu.saved.store(was_on, Ordering::Relaxed);
        cpu.since.store(tsc(), Ordering::Relaxed);
    }
    IrqOff {
        _not_send: PhantomData,
    }
}

/// Ends a `push_off` whose token was forgotten (a raw lock keeps no token
/// between `lock` and `unlock`).
///
/// # Safety
///
/// This function is unsafe because the caller must own an outstanding
/// `push_off` on this CPU whose [`IrqOff`] was forgotten: ending one that a live
/// token stands for would turn interrupts on under that token's holder.
pub unsafe fn pop_forgotten() {
    pop_off();
}

/// Counts one reason less; the last one turns interrupts back on if they were
/// on before the first.
///
/// Panics if interrupts are on (someone enabled them under a lock) or nothing
/// was pushed: both are broken nesting, and going on would deadlock later.
fn pop_off() {
    assert!(
        !interrupts::are_enabled(),
        "pop_off with interrupts on: something enabled them while a lock was held"
    );
    let cpu = cpu();
    let depth = cpu.depth.load(Ordering::Relaxed);
    assert!(depth > 0, "pop_off without a matching push_off");
    cpu.depth.store(depth - 1, Ordering::Relaxed);
    if depth == 1 && cpu.saved.load(Ordering::Relaxed) {
        let off_for = tsc().wrapping_sub(cpu.since.load(Ordering::Relaxed));
        cpu.longest.fetch_max(off_for, Ordering::Relaxed);
        interrupts::enable();
    }
}

/// How many `push_off`s are outstanding on this CPU.
pub fn depth() -> u32 {
    cpu().depth.load(Ordering::Relaxed)
}

/// The longest time, in TSC cycles, that interrupts were kept off on this CPU
/// by locks taken with interrupts on (interrupt handlers are not counted).
pub fn longest_off_cycles() -> u64 {
    cpu().longest.load(Ordering::Relaxed)
}

/// Forgets this CPU's longest interval, to measure a new stretch of work.
pub fn reset_longest_off() {
    cpu().longest.store(0, Ordering::Relaxed);
}
