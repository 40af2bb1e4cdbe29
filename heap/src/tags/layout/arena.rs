//! Arenas and the end record at the top of each, which links the arenas into a list.
//!
//! ```text
//!   base                                                          acme
//!   | chunk | chunk | ... | chunk |  tag  | base  | next  |
//!                                 |<---- end record ----->|  three words
//!   ^ WORD mod GRANULE            ^ WORD mod GRANULE      ^ multiple of GRANULE
//!
//!   tag   end = acme, ALLOCATED, BELOW_FREE when the last chunk is free
//!   base  the arena's first byte
//!   next  the end record of the next arena (null after the last)
//!
//!   Heap.arenas ──► record of arena C ──► record of arena B ──► record of arena A ──► null
//! ```
//!
//! The record looks like an allocated chunk to the chunk below it, so no operation ever
//! merges past the top of an arena; the first chunk of an arena never has BELOW_FREE set,
//! so nothing looks below the base. The heap needs no fixed table of arenas. An arena's base
//! is a chunk boundary (one word past a multiple of `GRANULE`), so its top, three words past
//! the record's start, is a multiple of `GRANULE`.

use crate::tags::layout::chunk::{write_tag, Tag, GRANULE, MIN_CHUNK, WORD};
use crate::tags::Heap;
use crate::{OutOfMemory, Span};

/// Size of an arena's end record.
pub(crate) const RECORD: usize = 3 * WORD;
/// The smallest arena `claim` accepts: one minimal chunk and the end record.
pub(crate) const MIN_ARENA: usize = MIN_CHUNK + RECORD;
/// Arenas must lie entirely at or above this address (the null page is never heap memory).
pub(crate) const NULL_PAGE_END: usize = 4096;

/// The largest span inside `span` that an arena can cover: from the first chunk boundary
/// (one word past a multiple of `GRANULE`) to the last multiple of `GRANULE`; empty if there
/// is none. Never panics.
pub(crate) fn arena_align_inward(span: Span) -> Span {
    let Some(base) = span.base().addr().checked_add(GRANULE - 1) else {
        return Span::empty();
    };
    Span::new(
        span.base().with_addr(boundary_at_or_below(base)),
        span.acme().map_addr(|acme| acme & !(GRANULE - 1)),
    )
}

/// The highest chunk boundary at or below `addr` (`addr >= WORD`).
pub(crate) fn boundary_at_or_below(addr: usize) -> usize {
    ((addr - WORD) & !(GRANULE - 1)) + WORD
}

/// The lowest multiple of `GRANULE` at or above `addr` (`addr` not within a granule of the
/// top of the address space).
pub(crate) fn granule_at_or_above(addr: usize) -> usize {
    (addr + GRANULE - 1) & !(GRANULE - 1)
}

/// An arena's end record, by the address of its first word (its tag). A type of its own, so
/// that a record is never taken for a chunk base, nor a chunk base for a record: the record
/// is not a chunk, and only `as_ptr` turns it back into an address.
///
/// `Record::NONE` (null) ends the arena list. A null pointer rather than an `Option` keeps
/// `in_newest_arena` (`lookup.rs`) a single comparison on every free: no address lies below
/// the null record, so `addr < record.addr()` is the "no arena" test as well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Record(*mut u8);

impl Record {
    /// No record: the end of the arena list, or a heap with no arena.
    pub(crate) const NONE: Self = Self(core::ptr::null_mut());

    /// Whether this is `Record::NONE`.
    #[inline(always)]
    pub(crate) fn is_null(self) -> bool {
        self.0.is_null()
    }

    /// The record's first byte (where its tag lies, the end of the arena's last chunk), with
    /// the provenance of the arena.
    #[inline(always)]
    pub(crate) fn as_ptr(self) -> *mut u8 {
        self.0
    }

    /// The address of the record's first byte (0 for `Record::NONE`).
    #[inline(always)]
    pub(crate) fn addr(self) -> usize {
        self.0.addr()
    }

    /// The top of the arena: the first byte past the record.
    #[inline(always)]
    pub(crate) fn top(self) -> *mut u8 {
        self.0.wrapping_add(RECORD)
    }

    /// Writes a complete end record at `at` and returns it.
    ///
    /// # Safety
    /// `[at, at + RECORD)` must be writable arena memory, at a chunk boundary.
    #[inline(always)]
    pub(crate) unsafe fn write(at: *mut u8, base: *mut u8, next: Self, below_free: bool) -> Self {
        // SAFETY: the caller hands over the three words.
        unsafe {
            write_tag(at, at.add(RECORD), below_free);
            at.add(WORD).cast::<*mut u8>().write(base);
            at.add(2 * WORD).cast::<*mut u8>().write(next.0);
        }
        Self(at)
    }

    /// The record's tag.
    ///
    /// # Safety
    /// `self` must be the end record of a live arena.
    #[inline(always)]
    pub(crate) unsafe fn tag(self) -> Tag {
        // SAFETY: a record starts with a tag.
        unsafe { Tag::read(self.0) }
    }

    /// The base of the arena.
    ///
    /// # Safety
    /// `self` must be the end record of a live arena.
    #[inline(always)]
    pub(crate) unsafe fn base(self) -> *mut u8 {
        // SAFETY: the record's second word is the arena's base.
        unsafe { self.0.add(WORD).cast::<*mut u8>().read() }
    }

    /// The end record of the next arena in the list (`Record::NONE` after the last).
    ///
    /// # Safety
    /// `self` must be the end record of a live arena.
    #[inline(always)]
    pub(crate) unsafe fn next(self) -> Self {
        // SAFETY: the record's third word links to the next record.
        Self(unsafe { self.0.add(2 * WORD).cast::<*mut u8>().read() })
    }

    /// The span of the arena, from its base to the top of the record.
    ///
    /// # Safety
    /// `self` must be the end record of a live arena.
    pub(crate) unsafe fn span(self) -> Span {
        // SAFETY: forwarded contract.
        Span::new(unsafe { self.base() }, self.top())
    }

    /// Changes the base of the arena.
    ///
    /// # Safety
    /// `self` must be the end record of a live arena.
    pub(crate) unsafe fn set_base(self, base: *mut u8) {
        // SAFETY: the record's second word is the arena's base.
        unsafe { self.0.add(WORD).cast::<*mut u8>().write(base) }
    }

    /// Links the record to `next`, the end record of the next arena (or `Record::NONE`).
    ///
    /// # Safety
    /// `self` must be the end record of a live arena.
    pub(crate) unsafe fn set_next(self, next: Self) {
        // SAFETY: the record's third word links to the next record.
        unsafe { self.0.add(2 * WORD).cast::<*mut u8>().write(next.0) }
    }
}

impl<G: OutOfMemory> Heap<G> {
    /// The end record of the arena that is exactly `span`, and the record before it in the
    /// list (`Record::NONE` if it is the first).
    pub(crate) fn find_arena(&self, span: Span) -> Option<(Record, Record)> {
        let mut previous = Record::NONE;
        let mut record = self.arenas;
        while !record.is_null() {
            // SAFETY: every record in the list belongs to a live arena.
            if unsafe { record.span() } == span {
                return Some((previous, record));
            }
            previous = record;
            // SAFETY: as above.
            record = unsafe { record.next() };
        }
        None
    }

    /// Makes the list entry after `previous` (or the head, if `Record::NONE`) point at
    /// `record`.
    ///
    /// # Safety
    /// `previous` must be `Record::NONE` or the end record of a live arena.
    pub(crate) unsafe fn set_arena_link(&mut self, previous: Record, record: Record) {
        if previous.is_null() {
            self.arenas = record;
        } else {
            // SAFETY: `previous` is a live end record.
            unsafe { previous.set_next(record) }
        }
    }

    /// The first arena, other than `except`, that shares a byte with `span`.
    pub(crate) fn overlapping_arena(&self, span: Span, except: Span) -> Option<Span> {
        self.arenas()
            .find(|arena| *arena != except && arena.overlaps(span))
    }
}
