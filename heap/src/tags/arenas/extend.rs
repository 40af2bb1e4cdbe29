//! `extend`: growing a live arena at either end.
//!
//! ```text
//!   top      | ... | free? | record |  new  |   →   | ... |    free         | record' |
//!   bottom   |  new  | first chunk | ... |      →   | free (merged with a free first) | ... |
//! ```
//!
//! At the top, the old end record and the free chunk below it (if any) merge with the new
//! memory into one free chunk, and a new record is written at the new top and relinked in
//! the arena list. At the bottom, the new memory becomes a free chunk (merged with the first
//! chunk if that is free) and the record's base moves down. An extension too small to hold a
//! chunk, next to an allocated chunk, is left unused; the returned span says what was used.

use crate::tags::errors::ExtendError;
use crate::tags::layout::arena::{arena_align_inward, Record, NULL_PAGE_END, RECORD};
use crate::tags::layout::chunk::{first_word, is_allocated, set_below_free, MIN_CHUNK};
use crate::tags::layout::free_chunk::FreeChunk;
use crate::tags::Heap;
use crate::{OutOfMemory, Span};

impl<G: OutOfMemory> Heap<G> {
    /// Grows the arena `old` (as `claim`, `extend` or `truncate` returned it) to `new`, which
    /// must contain it; returns the arena now. Either end or both may move.
    ///
    /// `new` is first aligned inward as [`Heap::claim`] aligns an arena: its base up to one
    /// word past a multiple of 16 bytes, its end down to a multiple of 16 bytes.
    ///
    /// Errors, with nothing written: `old` is not an arena of this heap, `new` (aligned
    /// inward) does not contain `old`, reaches below address 4096, or overlaps another arena.
    ///
    /// # Safety
    /// The memory added must satisfy the contract of [`Heap::claim`]; `new`'s base pointer
    /// must carry the provenance of all of `new`.
    pub unsafe fn extend(&mut self, old: Span, new: Span) -> Result<Span, ExtendError> {
        let Some((previous, record)) = self.find_arena(old) else {
            return Err(ExtendError::NotAnArena { old });
        };
        let new = arena_align_inward(new);
        if !new.contains_span(old) {
            return Err(ExtendError::DoesNotContain { old, new });
        }
        if new.base().addr() < NULL_PAGE_END {
            return Err(ExtendError::NullPage {
                base: new.base().addr(),
            });
        }
        if let Some(existing) = self.overlapping_arena(new, old) {
            return Err(ExtendError::Overlaps { new, existing });
        }
        // SAFETY: `record` is this arena's end record; the caller hands over `new`.
        let arena = unsafe {
            let record = self.extend_top(previous, record, new);
            self.extend_bottom(record, new);
            record.span()
        };
        self.stats.claimed_bytes += arena.size() - old.size();
        self.stats.arena_changes += u64::from(arena != old);
        Ok(arena)
    }

    /// Moves the end record of the arena up to the top of `new` if that adds a usable chunk;
    /// returns the record's (possibly new) address.
    ///
    /// # Safety
    /// `record` must be the end record after `previous`; `new` must be the caller's memory.
    unsafe fn extend_top(&mut self, previous: Record, record: Record, new: Span) -> Record {
        let added = new.acme().addr() - record.top().addr();
        // SAFETY: the record and the chunk below it are the arena's.
        unsafe {
            let below_free = record.tag().below_is_free();
            if added == 0 || (!below_free && added < MIN_CHUNK) {
                return record;
            }
            let (base, next) = (record.base(), record.next());
            let mut start = record.addr();
            if below_free {
                let below = FreeChunk::ending_at(record.as_ptr()).0;
                start = below.base().addr();
                self.unlink_free(below.base());
            }
            let at = new.base().with_addr(new.acme().addr() - RECORD);
            self.link_free(new.base().with_addr(start), at.addr() - start);
            let new_record = Record::write(at, base, next, true);
            self.set_arena_link(previous, new_record);
            new_record
        }
    }

    /// Moves the arena's base down to the base of `new` if that adds a usable chunk.
    ///
    /// # Safety
    /// `record` must be an arena's end record; `new` must be the caller's memory.
    unsafe fn extend_bottom(&mut self, record: Record, new: Span) {
        // SAFETY: the first chunk (or the record itself) is the arena's.
        unsafe {
            let old_base = record.base();
            let added = old_base.addr() - new.base().addr();
            let first_allocated = is_allocated(first_word(old_base));
            if added == 0 || (first_allocated && added < MIN_CHUNK) {
                return;
            }
            if first_allocated {
                self.link_free(new.base(), added);
                set_below_free(old_base, true);
            } else {
                let size = FreeChunk::at(old_base).size();
                self.unlink_free(old_base);
                self.link_free(new.base(), added + size);
            }
            record.set_base(new.base());
        }
    }
}
