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

use crate::tags::layout::chunk::{write_tag, GRANULE, MIN_CHUNK, WORD};
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

/// The base of the arena whose end record is at `record`.
///
/// # Safety
/// `record` must be the end record of a live arena.
#[inline(always)]
pub(crate) unsafe fn arena_base(record: *mut u8) -> *mut u8 {
    // SAFETY: the record's second word is the arena's base.
    unsafe { record.add(WORD).cast::<*mut u8>().read() }
}

/// The end record of the arena after the one at `record` (null after the last).
///
/// # Safety
/// `record` must be the end record of a live arena.
#[inline(always)]
pub(crate) unsafe fn next_arena(record: *mut u8) -> *mut u8 {
    // SAFETY: the record's third word links to the next record.
    unsafe { record.add(2 * WORD).cast::<*mut u8>().read() }
}

/// The span of the arena whose end record is at `record`.
///
/// # Safety
/// `record` must be the end record of a live arena.
pub(crate) unsafe fn arena_span(record: *mut u8) -> Span {
    // SAFETY: forwarded contract.
    Span::new(unsafe { arena_base(record) }, record.wrapping_add(RECORD))
}

/// Writes a complete end record at `record`.
///
/// # Safety
/// `[record, record + RECORD)` must be writable arena memory, at a chunk boundary.
pub(crate) unsafe fn write_record(record: *mut u8, base: *mut u8, next: *mut u8, below_free: bool) {
    // SAFETY: the caller hands over the three words.
    unsafe {
        write_tag(record, record.add(RECORD), below_free);
        record.add(WORD).cast::<*mut u8>().write(base);
        record.add(2 * WORD).cast::<*mut u8>().write(next);
    }
}

/// Changes the base recorded in the end record at `record`.
///
/// # Safety
/// `record` must be the end record of a live arena.
pub(crate) unsafe fn set_arena_base(record: *mut u8, base: *mut u8) {
    // SAFETY: the record's second word is the arena's base.
    unsafe { record.add(WORD).cast::<*mut u8>().write(base) }
}

impl<G: OutOfMemory> Heap<G> {
    /// The end record of the arena that is exactly `span`, and the record before it in the
    /// list (null if it is the first).
    pub(crate) fn find_arena(&self, span: Span) -> Option<(*mut u8, *mut u8)> {
        let mut previous = core::ptr::null_mut();
        let mut record = self.arenas;
        while !record.is_null() {
            // SAFETY: every record in the list belongs to a live arena.
            if unsafe { arena_span(record) } == span {
                return Some((previous, record));
            }
            previous = record;
            // SAFETY: as above.
            record = unsafe { next_arena(record) };
        }
        None
    }

    /// Makes the list entry after `previous` (or the head, if null) point at `record`.
    ///
    /// # Safety
    /// `previous` must be null or the end record of a live arena.
    pub(crate) unsafe fn set_arena_link(&mut self, previous: *mut u8, record: *mut u8) {
        if previous.is_null() {
            self.arenas = record;
        } else {
            // SAFETY: the record's third word links to the next record.
            unsafe { previous.add(2 * WORD).cast::<*mut u8>().write(record) }
        }
    }

    /// The first arena, other than `except`, that shares a byte with `span`.
    pub(crate) fn overlapping_arena(&self, span: Span, except: Span) -> Option<Span> {
        self.arenas()
            .find(|arena| *arena != except && arena.overlaps(span))
    }
}
