//! A CPU's stack: its loaded or previous magazine of one class, and the round count.
//!
//! ```text
//!   Stack { magazine: *mut Magazine<M> or null,  rounds: 0..=M, or UNLOADED when null }
//!   pop:  r = rounds; if r - 1 < M (wrapping) { rounds = r - 1; return slot[r - 1] }
//!   push: r = rounds; if r < M               { slot[r] = block; rounds = r + 1 }
//! ```
//!
//! `UNLOADED` is `usize::MAX`: both tests fail on it, so a CPU without a magazine takes the
//! slow path without a separate null test. `rounds` is an atomic only so that `counters()` may
//! read it from another CPU; its owner uses plain (relaxed) loads and stores, never a
//! read-modify-write.

use super::magazine::Magazine;
use core::cell::UnsafeCell;
use core::ptr::null_mut;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// `Stack::rounds` when it holds no magazine.
pub(crate) const UNLOADED: usize = usize::MAX;

/// One of a CPU's two magazines of a class (see the module header).
pub(crate) struct Stack<const M: usize> {
    magazine: UnsafeCell<*mut Magazine<M>>,
    rounds: AtomicUsize,
}

impl<const M: usize> Stack<M> {
    /// A stack without a magazine.
    pub(crate) const fn new() -> Self {
        Self {
            magazine: UnsafeCell::new(null_mut()),
            rounds: AtomicUsize::new(UNLOADED),
        }
    }

    /// Takes the top block, if there is one.
    ///
    /// # Safety
    /// The caller must hold the pin of this stack's CPU.
    #[inline(always)]
    pub(crate) unsafe fn pop(&self) -> Option<*mut u8> {
        let rounds = self.rounds.load(Relaxed);
        let top = rounds.wrapping_sub(1);
        if top >= M {
            return None;
        }
        self.rounds.store(top, Relaxed);
        // SAFETY: a loaded stack's magazine is live, and `top < M`; the pin makes the slot ours.
        Some(unsafe { *Magazine::slot(*self.magazine.get(), top) })
    }

    /// Puts `block` on top; `false` (and nothing done) if there is no room.
    ///
    /// # Safety
    /// As for [`Stack::pop`].
    #[inline(always)]
    pub(crate) unsafe fn push(&self, block: *mut u8) -> bool {
        let rounds = self.rounds.load(Relaxed);
        if rounds >= M {
            return false;
        }
        // SAFETY: as in `pop`, with `rounds < M`.
        unsafe { *Magazine::slot(*self.magazine.get(), rounds) = block };
        self.rounds.store(rounds + 1, Relaxed);
        true
    }

    /// The number of blocks held (0 without a magazine). Any CPU may ask; the answer is a
    /// snapshot.
    pub(crate) fn rounds(&self) -> usize {
        let rounds = self.rounds.load(Relaxed);
        if rounds == UNLOADED {
            0
        } else {
            rounds
        }
    }

    /// Whether the stack holds a magazine. Any CPU may ask; the answer is a snapshot.
    pub(crate) fn is_loaded(&self) -> bool {
        self.rounds.load(Relaxed) != UNLOADED
    }

    /// The magazine and its round count, leaving the stack without one.
    ///
    /// # Safety
    /// As for [`Stack::pop`].
    pub(crate) unsafe fn take(&self) -> Option<(*mut Magazine<M>, usize)> {
        // SAFETY: the pin makes the cell ours.
        let magazine = unsafe { self.magazine.get().replace(null_mut()) };
        let rounds = self.rounds.load(Relaxed);
        self.rounds.store(UNLOADED, Relaxed);
        (!magazine.is_null()).then_some((magazine, rounds))
    }

    /// The magazine (null if none) and its round count, left in place.
    ///
    /// # Safety
    /// As for [`Stack::pop`], or no pin of this CPU may be alive (the cache is borrowed
    /// mutably).
    pub(crate) unsafe fn peek(&self) -> (*mut Magazine<M>, usize) {
        // SAFETY: by the caller's contract, nobody writes the cell meanwhile.
        (unsafe { *self.magazine.get() }, self.rounds())
    }

    /// Loads `magazine` holding `rounds` blocks (the stack must hold none).
    ///
    /// # Safety
    /// As for [`Stack::pop`]; `magazine` must be a live magazine with `rounds <= M` blocks in
    /// its first slots, given to this stack alone.
    pub(crate) unsafe fn load(&self, magazine: *mut Magazine<M>, rounds: usize) {
        debug_assert!(
            rounds <= M,
            "a magazine holds at most {M} rounds, not {rounds}"
        );
        // SAFETY: the pin makes the cell ours.
        unsafe { *self.magazine.get() = magazine };
        self.rounds.store(rounds, Relaxed);
    }

    /// Records that the loaded magazine now holds `rounds` blocks, written into its slots by
    /// the caller (a refill, which stores the count once per run of blocks).
    ///
    /// # Safety
    /// As for [`Stack::pop`]; the stack must hold a magazine whose first `rounds` slots
    /// (`rounds <= M`) hold blocks given to it alone.
    pub(crate) unsafe fn grew_to(&self, rounds: usize) {
        debug_assert!(self.is_loaded() && rounds <= M);
        self.rounds.store(rounds, Relaxed);
    }

    /// Exchanges the magazines of two stacks of the same CPU.
    ///
    /// # Safety
    /// As for [`Stack::pop`], for both stacks.
    pub(crate) unsafe fn swap(&self, other: &Self) {
        // SAFETY: the pin makes both stacks ours.
        unsafe {
            core::ptr::swap(self.magazine.get(), other.magazine.get());
            let rounds = self.rounds.load(Relaxed);
            self.rounds.store(other.rounds.load(Relaxed), Relaxed);
            other.rounds.store(rounds, Relaxed);
        }
    }
}
