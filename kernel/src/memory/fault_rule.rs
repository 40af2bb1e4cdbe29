//! Which rule decides the faults that are not a stack's guard page: the kernel's own
//! ([`fault::heap_rule`](super::fault::heap_rule)), or, with the `exercises` feature, the
//! one exercise 8's check installs, so the kernel grows its heap through the student's
//! rule.
//!
//! ```text
//!   page fault ─▶ rule 0 (guard pages) ─▶ current(): installed rule, else heap_rule
//! ```

use super::fault::{Broken, HeapWindow};
use x86_64::structures::idt::PageFaultErrorCode;

/// A rule that decides whether a fault at an address, with an error code, in a heap
/// window, is a heap page to map (`Ok`) or a bug (the rule it broke).
pub type Rule = fn(u64, PageFaultErrorCode, HeapWindow) -> Result<(), Broken>;

#[cfg(feature = "exercises")]
mod installed {
    use super::Rule;
    use core::sync::atomic::{AtomicUsize, Ordering};

    /// The installed rule's address, 0 for none.
    static RULE: AtomicUsize = AtomicUsize::new(0);

    /// Makes `rule` decide every fault from now on (exercise 8).
    pub fn install(rule: Rule) {
        RULE.store(rule as usize, Ordering::Release);
    }

    /// The installed rule, if any.
    pub(super) fn get() -> Option<Rule> {
        let raw = RULE.load(Ordering::Acquire);
        // SAFETY: a non-zero value was stored from a `Rule` by `install`.
        (raw != 0).then(|| unsafe { core::mem::transmute::<usize, Rule>(raw) })
    }
}

#[cfg(feature = "exercises")]
pub use installed::install;

/// The rule in use.
pub fn current() -> Rule {
    #[cfg(feature = "exercises")]
    if let Some(rule) = installed::get() {
        return rule;
    }
    super::fault::heap_rule
}
