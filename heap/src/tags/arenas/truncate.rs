//! `truncate` and `allocated_span`: giving memory at an arena's ends back to the caller.
//!
//! ```text
//!   before  | free | alloc | ... | alloc | free           | record |
//!                  |<-- allocated_span -->|
//!   after        | f | alloc | ... | alloc | f | record' |
//!   released |<->|                                       |<------->|
//! ```
//!
//! Only the free chunks at the two ends can be cut. The arena that remains covers at least
//! the requested span; it may keep a few words more, because the end record needs three
//! words, the arena's ends sit on granules (`arena.rs`) and a leftover free piece must be a
//! whole chunk (or nothing).

use crate::tags::errors::{TruncateError, Truncated};
use crate::tags::layout::arena::{boundary_at_or_below, granule_at_or_above, Record, RECORD};
use crate::tags::layout::chunk::{first_word, is_allocated, set_below_free, MIN_CHUNK};
use crate::tags::layout::free_chunk::FreeChunk;
use crate::tags::Heap;
use crate::{OutOfMemory, Span};

impl<G: OutOfMemory> Heap<G> {
    /// The smallest span covering every allocated chunk of `arena` (empty if none): the
    /// arena may be truncated down to it. O(1): it looks only at the two end chunks.
    ///
    /// Fails with [`TruncateError::NotAnArena`] if `arena` is not an arena of this heap (as
    /// `claim`, `extend` or `truncate` returned it), as `truncate` itself would.
    pub fn allocated_span(&self, arena: Span) -> Result<Span, TruncateError> {
        let Some((_, record)) = self.find_arena(arena) else {
            return Err(TruncateError::NotAnArena { old: arena });
        };
        // SAFETY: `record` is a live arena's end record.
        Ok(unsafe { used_span(record) })
    }

    /// Shrinks the arena `old` to (at least) `new`, which must lie within it and contain
    /// every allocated chunk. An empty `new` releases the whole arena if nothing in it is
    /// allocated. Reports the arena that remains and the released memory at each end.
    ///
    /// The arena kept may be as small as its three-word end record, below what `claim`
    /// accepts, when `new` is a few bytes at the arena's base: it then holds no chunk (every
    /// allocation passes it by) until `extend` grows it again; truncating it to an empty span
    /// releases it.
    ///
    /// Errors, with nothing changed: `old` is not an arena, `new` is not within `old`, or
    /// `new` would cut allocated memory (see [`Heap::allocated_span`]).
    pub fn truncate(&mut self, old: Span, new: Span) -> Result<Truncated, TruncateError> {
        let Some((previous, record)) = self.find_arena(old) else {
            return Err(TruncateError::NotAnArena { old });
        };
        if !old.contains_span(new) {
            return Err(TruncateError::NotWithin { old, new });
        }
        // SAFETY: `record` is a live arena's end record; only free chunks at its ends change.
        unsafe {
            let allocated = used_span(record);
            if !new.contains_span(allocated) {
                return Err(TruncateError::WouldCutAllocated { new, allocated });
            }
            if new.is_empty() {
                let base = record.base();
                if base != record.as_ptr() {
                    self.unlink_free(base);
                }
                self.set_arena_link(previous, record.next());
                self.stats.claimed_bytes -= old.size();
                self.stats.arena_changes += 1;
                return Ok(Truncated {
                    arena: Span::empty(),
                    released_below: old,
                    released_above: Span::empty(),
                });
            }
            let wanted_acme = granule_at_or_above(new.acme().addr());
            let record = self.truncate_top(previous, record, wanted_acme);
            self.truncate_bottom(record, boundary_at_or_below(new.base().addr()));
            let arena = record.span();
            self.stats.claimed_bytes -= old.size() - arena.size();
            self.stats.arena_changes += u64::from(arena != old);
            Ok(Truncated {
                arena,
                released_below: Span::new(old.base(), arena.base()),
                released_above: Span::new(arena.acme(), old.acme()),
            })
        }
    }

    /// Moves the end record down towards `wanted_acme - RECORD` through the free chunk below it.
    ///
    /// # Safety
    /// `record` must be the end record after `previous`; nothing allocated lies above `wanted_acme`.
    unsafe fn truncate_top(
        &mut self,
        previous: Record,
        record: Record,
        wanted_acme: usize,
    ) -> Record {
        // SAFETY: the record and the free chunk below it are the arena's.
        unsafe {
            if !record.tag().below_is_free() {
                return record;
            }
            let (below, size) = FreeChunk::ending_at(record.as_ptr());
            let start = below.base();
            let mut kept = wanted_acme.saturating_sub(RECORD).max(start.addr()) - start.addr();
            if kept != 0 && kept < MIN_CHUNK {
                kept = MIN_CHUNK;
            }
            if kept == size {
                return record;
            }
            let (base, next) = (record.base(), record.next());
            self.unlink_free(start);
            if kept != 0 {
                self.link_free(start, kept);
            }
            let new_record = Record::write(start.add(kept), base, next, kept != 0);
            self.set_arena_link(previous, new_record);
            new_record
        }
    }

    /// Moves the arena's base up towards `wanted_base` through the free chunk at the base.
    ///
    /// # Safety
    /// `record` must be an arena's end record; nothing allocated lies below `wanted_base`.
    unsafe fn truncate_bottom(&mut self, record: Record, wanted_base: usize) {
        // SAFETY: the first chunk is the arena's.
        unsafe {
            let base = record.base();
            if base == record.as_ptr() || is_allocated(first_word(base)) {
                return;
            }
            let size = FreeChunk::at(base).size();
            let end = base.add(size);
            let mut kept = end.addr() - wanted_base.min(end.addr());
            if kept != 0 && kept < MIN_CHUNK {
                kept = MIN_CHUNK;
            }
            if kept == size {
                return;
            }
            self.unlink_free(base);
            let new_base = end.sub(kept);
            if kept == 0 {
                set_below_free(end, false);
            } else {
                self.link_free(new_base, kept);
            }
            record.set_base(new_base);
        }
    }
}

/// The span from the first allocated chunk's base to the last one's end (empty if none).
///
/// # Safety
/// `record` must be a live arena's end record.
unsafe fn used_span(record: Record) -> Span {
    // SAFETY: the first chunk and the record are the arena's.
    unsafe {
        let end = record.as_ptr();
        let base = record.base();
        let low = if base == end || is_allocated(first_word(base)) {
            base
        } else {
            FreeChunk::at(base).end()
        };
        if low == end {
            return Span::empty();
        }
        let high = if record.tag().below_is_free() {
            FreeChunk::ending_at(end).0.base()
        } else {
            end
        };
        Span::new(low, high)
    }
}
