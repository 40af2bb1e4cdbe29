//! The depot: full magazines of every class and empty magazines, behind one lock, where
//! CPUs trade a full magazine for an empty one or back.
//!
//! ```text
//!   full[class] ──► magazine ──► magazine ──► null     at most FULL_PER_CLASS per class
//!   empty       ──► magazine ──► null                  at most EMPTY_KEPT
//!                   (linked through their `next` word; `rounds` counts their blocks)
//! ```
//!
//! The limits bound what the depot holds: a CPU whose full magazine the depot refuses drains
//! it into the heap instead, and an empty magazine the depot refuses goes back to the heap.

use super::classes::CLASSES;
use super::magazine::Magazine;
use core::ptr::null_mut;

/// The most full magazines the depot keeps of one class.
pub(crate) const FULL_PER_CLASS: usize = 4;
/// The most empty magazines the depot keeps.
pub(crate) const EMPTY_KEPT: usize = 16;

/// A list of magazines and its length.
pub(crate) struct List<const M: usize> {
    pub(crate) head: *mut Magazine<M>,
    pub(crate) len: usize,
}

impl<const M: usize> List<M> {
    const fn new() -> Self {
        Self {
            head: null_mut(),
            len: 0,
        }
    }

    /// Puts `magazine`, holding `rounds` blocks, at the head.
    ///
    /// # Safety
    /// `magazine` must be a live magazine given to the list alone.
    pub(crate) unsafe fn push(&mut self, magazine: *mut Magazine<M>, rounds: usize) {
        // SAFETY: the magazine is live and ours.
        unsafe {
            (*magazine).next = self.head;
            (*magazine).rounds = rounds;
        }
        self.head = magazine;
        self.len += 1;
    }

    /// Takes the head magazine and its round count.
    pub(crate) fn pop(&mut self) -> Option<(*mut Magazine<M>, usize)> {
        let magazine = self.head;
        if magazine.is_null() {
            return None;
        }
        // SAFETY: every magazine on a list is live and owned by the list.
        let (next, rounds) = unsafe { ((*magazine).next, (*magazine).rounds) };
        self.head = next;
        self.len -= 1;
        Some((magazine, rounds))
    }
}

/// Full magazines per class and empty ones (see the module header).
pub(crate) struct Depot<const M: usize> {
    pub(crate) full: [List<M>; CLASSES],
    pub(crate) empty: List<M>,
}

// SAFETY: the depot owns the magazines on its lists (blocks of the cache's heap); moving it
// to another thread moves that ownership, and the cache only reaches it through its lock.
unsafe impl<const M: usize> Send for Depot<M> {}

impl<const M: usize> Depot<M> {
    /// An empty depot.
    pub(crate) const fn new() -> Self {
        Self {
            full: [const { List::new() }; CLASSES],
            empty: List::new(),
        }
    }

    /// Keeps the full `magazine` of `class` unless the class has its share; `false` if not.
    ///
    /// # Safety
    /// As for [`List::push`].
    pub(crate) unsafe fn give_full(&mut self, class: usize, magazine: *mut Magazine<M>) -> bool {
        let list = &mut self.full[class];
        if list.len >= FULL_PER_CLASS {
            return false;
        }
        // SAFETY: forwarded contract; a full magazine holds M rounds.
        unsafe { list.push(magazine, M) };
        true
    }

    /// Keeps the empty `magazine` unless the depot has enough; `false` if not.
    ///
    /// # Safety
    /// As for [`List::push`].
    pub(crate) unsafe fn give_empty(&mut self, magazine: *mut Magazine<M>) -> bool {
        if self.empty.len >= EMPTY_KEPT {
            return false;
        }
        // SAFETY: forwarded contract.
        unsafe { self.empty.push(magazine, 0) };
        true
    }
}
