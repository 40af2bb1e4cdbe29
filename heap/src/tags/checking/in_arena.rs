//! `harden`: which addresses the link checks may read. A link, size word or tag may hold
//! anything after a stray write, so before the checks read through one they look the
//! address up among the arenas and take the arena's provenance for it.
//!
//! ```text
//!   addr ──► newest arena: base <= addr < end record?   one compare, the common case
//!        └─► older arenas: the list (lookup.rs)          cold
//!        └─► none: the check reports a corruption instead of reading
//! ```

use crate::tags::layout::chunk::{first_word, is_allocated, is_chunk_boundary, WORD};
use crate::tags::Heap;
use crate::OutOfMemory;
use core::ptr::NonNull;

impl<G: OutOfMemory> Heap<G> {
    /// `base` with its arena's provenance, if it is one word past a granule boundary inside
    /// an arena and its first word says "free".
    pub(crate) fn free_chunk_at(&self, base: *mut u8) -> Option<*mut u8> {
        if !is_chunk_boundary(base.addr()) {
            return None;
        }
        let chunk = self.word_at(base.addr())?;
        // SAFETY: `chunk` is a word inside an arena, with the arena's provenance.
        (!is_allocated(unsafe { first_word(chunk) })).then_some(chunk)
    }

    /// The word at `addr` with the provenance of the arena holding it, if one does: one
    /// compare for the newest arena (the only one of most heaps), the list for the others.
    #[inline(always)]
    pub(crate) fn word_at(&self, addr: usize) -> Option<*mut u8> {
        let record = self.arenas;
        if !record.is_null() {
            // SAFETY: a non-null `arenas` is the newest live end record.
            let base = unsafe { record.base() }.addr();
            // At or above the base, at least a word below the record; `addr` is word-aligned.
            if addr.wrapping_sub(base) < record.addr() - base && addr.is_multiple_of(WORD) {
                return Some(record.as_ptr().with_addr(addr));
            }
        }
        self.word_in_older_arena(addr)
    }

    /// `word_at` for the older arenas.
    #[cold]
    #[inline(never)]
    fn word_in_older_arena(&self, addr: usize) -> Option<*mut u8> {
        // A word-aligned `addr` whose next byte lies strictly inside an arena (`holds`) lies
        // at or above the arena's base and at least a word below its end record.
        let inside = NonNull::new(core::ptr::without_provenance_mut(addr.checked_add(1)?))?;
        let inside = self.in_older_arena(inside)?;
        addr.is_multiple_of(WORD)
            .then(|| inside.as_ptr().wrapping_sub(1))
    }
}
