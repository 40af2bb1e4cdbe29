//! `Misuse`: a bad pointer or size handed to a free or a resize, as a value. The checks
//! return it instead of panicking, so that a lock around the heap is released before the
//! panic reports it: the panic machinery allocates, and a heap that is the program's global
//! allocator would otherwise wait for its own lock forever.
//!
//! ```text
//!   Heap::deallocate     ──► checked_deallocate ──► Err(Misused) ──► raise: take, panic!
//!   LockedHeap::dealloc  ──► lock ──► checked_deallocate ──► Err(Misused)
//!                                 ──► take the Misuse ──► unlock ──► raise
//! ```
//!
//! What the checks return is only the token `Misused`; the details (a dozen words) wait in
//! the heap until the caller takes them. A result the size of a register is what lets every
//! free and resize run without a stack frame: a `Misuse` in the result needs room on the
//! caller's stack, set up on every call for an error that almost never happens.
//!
//! Every check runs before the heap changes, so after a misuse the heap is as it was.

use crate::tags::checking::corruption::Corruption;
use crate::tags::Heap;
use crate::{OutOfMemory, Span};
use core::fmt;

/// What is wrong with the pointer or size an operation was given.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(
    not(all(feature = "debug-checks", debug_assertions)),
    allow(dead_code, reason = "only the debug checks find most of these")
)]
pub(crate) enum Wrong {
    /// The pointer lies in no arena.
    InNoArena,
    /// The pointer lies in no chunk of any arena (`debug-checks`).
    InNoChunk,
    /// The pointer lies in a free chunk: freed already, or never handed out.
    InFreeChunk { chunk: Span },
    /// No block of the layout's alignment starts at the pointer in its allocated chunk.
    NotABlockStart {
        align: usize,
        start: *mut u8,
        chunk: Span,
    },
    /// The block's room is not what a block of the layout's size gets.
    LayoutDoesNotFit {
        size: usize,
        align: usize,
        room: usize,
        chunk: Span,
        least: usize,
        most: usize,
    },
    /// The layout's size is more than all live blocks hold.
    LargerThanLive { size: usize, live: usize },
    /// A grow to fewer bytes than the block has.
    GrowsSmaller { new: usize, old: usize },
    /// A shrink to more bytes than the block has.
    ShrinksLarger { new: usize, old: usize },
    /// The block is already in a magazine of the cache: a double free.
    InMagazine,
    /// The heap's own words around the chunk at the pointer are not what it wrote.
    Corrupted(Corruption),
}

/// A misuse: the operation, the pointer it was given and what is wrong with it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Misuse {
    operation: &'static str,
    ptr: *mut u8,
    wrong: Wrong,
}

impl Misuse {
    /// `operation` was given `ptr`, which is `wrong`.
    pub(crate) fn new(operation: &'static str, ptr: *mut u8, wrong: Wrong) -> Self {
        Self {
            operation,
            ptr,
            wrong,
        }
    }

    /// Panics with the message; call it with no lock of the heap held.
    #[cold]
    #[inline(never)]
    #[track_caller]
    pub(crate) fn raise(self) -> ! {
        panic!("{self}")
    }
}

/// A check found a misuse, whose details wait in the heap: [`Heap::take_misuse`] hands them
/// over. Only [`Heap::misused`] makes one, so a token always has details waiting.
#[derive(Debug)]
#[must_use = "a misuse must be raised"]
pub(crate) struct Misused(());

impl<G: OutOfMemory> Heap<G> {
    /// Parks the misuse (`operation` was given `ptr`, which is `wrong`) in the heap and
    /// returns its token.
    #[inline(always)]
    pub(crate) fn misused(&self, operation: &'static str, ptr: *mut u8, wrong: Wrong) -> Misused {
        self.misuse.set(Some(Misuse::new(operation, ptr, wrong)));
        Misused(())
    }

    /// The details of the misuse `token` stands for.
    pub(crate) fn take_misuse(&self, token: Misused) -> Misuse {
        let Misused(()) = token;
        self.misuse
            .take()
            .expect("a `Misused` token is made only with its misuse parked in the heap")
    }

    /// Panics with the misuse `token` stands for: for a heap no lock wraps (`LockedHeap`
    /// takes the misuse under its lock and raises it once the lock is released).
    #[cold]
    #[inline(never)]
    #[track_caller]
    pub(crate) fn raise(&self, token: Misused) -> ! {
        self.take_misuse(token).raise()
    }
}

impl fmt::Display for Misuse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Misuse { operation, ptr, .. } = *self;
        write!(f, "{operation}: ")?;
        let never = "was never handed out by this heap";
        match self.wrong {
            Wrong::InNoArena => write!(f, "{ptr:p} {never}: it lies in no arena"),
            Wrong::InNoChunk => write!(f, "{ptr:p} {never}: it lies in no chunk of any arena"),
            Wrong::InFreeChunk { chunk } => write!(
                f,
                "double free or foreign pointer: {ptr:p} lies in the free chunk {chunk}"
            ),
            Wrong::NotABlockStart {
                align,
                start,
                chunk,
            } => write!(
                f,
                "{ptr:p} {never}: a block aligned to {align} starts at {start:p} in the \
                 allocated chunk {chunk}"
            ),
            Wrong::LayoutDoesNotFit {
                size,
                align,
                room,
                chunk,
                least,
                most,
            } => write!(
                f,
                "the layout (size {size}, align {align}) does not fit the block at {ptr:p}: it \
                 has {room} bytes in chunk {chunk}, and a block of that size has {least} to \
                 {most} bytes"
            ),
            Wrong::LargerThanLive { size, live } => write!(
                f,
                "the block at {ptr:p} cannot have size {size}: the live blocks hold {live} bytes \
                 in all"
            ),
            Wrong::GrowsSmaller { new, old } => {
                write!(f, "the new size {new} is below the old size {old}")
            }
            Wrong::ShrinksLarger { new, old } => {
                write!(f, "the new size {new} is above the old size {old}")
            }
            Wrong::Corrupted(found) => {
                write!(f, "heap corrupted at the chunk {ptr:p}: {found}")
            }
            Wrong::InMagazine => write!(
                f,
                "double free or use after free: {ptr:p} is already in a magazine of the cache"
            ),
        }
    }
}
