//! What `check` reports: the cache's rules, and the error naming the first one broken.

use crate::{CheckError, Rule};
use core::fmt;

/// The invariant a [`CacheCheckError`] reports as broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheRule {
    /// A rule of the heap itself.
    Heap(Rule),
    /// Every magazine is a live block of the heap, with room for a magazine.
    MagazineLive,
    /// A magazine holds at most `M` blocks; the depot's full ones `M`, its empty ones none.
    Rounds,
    /// Every cached block is a live block of the heap.
    BlockLive,
    /// Every cached block is aligned to 16 and has room for its class's size.
    BlockFitsClass,
    /// No block is held twice.
    HeldOnce,
    /// The magazines found are the magazines allocated.
    MagazineCount,
}

/// A broken invariant of the cache: which rule, where, and the value that broke it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheCheckError {
    /// The rule broken.
    pub rule: CacheRule,
    /// The address of the magazine or block concerned (0 for cache-wide counts).
    pub address: usize,
    /// The offending value (a count, a size, an address, depending on the rule).
    pub value: usize,
}

impl fmt::Display for CacheCheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cache check failed, rule {:?} broken at {:#x} (value {:#x})",
            self.rule, self.address, self.value
        )
    }
}

impl core::error::Error for CacheCheckError {}

impl From<CheckError> for CacheCheckError {
    fn from(error: CheckError) -> Self {
        broken(CacheRule::Heap(error.rule), error.address, error.value)
    }
}

/// Shorthand for building the error.
pub(crate) fn broken(rule: CacheRule, address: usize, value: usize) -> CacheCheckError {
    CacheCheckError {
        rule,
        address,
        value,
    }
}
