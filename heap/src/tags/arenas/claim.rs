//! `claim`: giving the heap a new arena.
//!
//! ```text
//!   span (aligned inward: base one word past a multiple of GRANULE, top a multiple of it)
//!   base                                           acme
//!   |            one free chunk           | record |
//!                                          ^ tag has BELOW_FREE; next = previous list head
//! ```

use crate::tags::errors::ClaimError;
use crate::tags::layout::arena::{arena_align_inward, Record, MIN_ARENA, NULL_PAGE_END, RECORD};
use crate::tags::Heap;
use crate::{OutOfMemory, Span};

impl<G: OutOfMemory> Heap<G> {
    /// Adds the memory of `arena` to the heap; returns the span actually used: the part of
    /// `arena` from one word past a multiple of 16 bytes (two words; so that every block's
    /// tag sits one word below a 16-byte boundary and every block is 16-aligned) to a multiple
    /// of 16 bytes. A page-aligned `arena` loses its first word. Any number of disjoint arenas
    /// may be claimed.
    ///
    /// Errors, with nothing written, tested in this order on `arena` aligned inward so: it is
    /// smaller than seven words ([`ClaimError::TooSmall`]; an empty span too), it reaches
    /// below address 4096 ([`ClaimError::NullPage`], with the aligned base, as
    /// [`Heap::extend`] reports it), or it overlaps an arena of this heap
    /// ([`ClaimError::Overlaps`]).
    ///
    /// # Safety
    /// The memory of `arena` must be valid for reads and writes, belong to no one else, and
    /// stay so until the heap releases it (through `truncate`) or is no longer used; `arena`'s
    /// base pointer must carry the provenance of all of it (and, for a later `extend`, of the
    /// memory the arena may grow into).
    pub unsafe fn claim(&mut self, arena: Span) -> Result<Span, ClaimError> {
        let span = arena_align_inward(arena);
        if span.size() < MIN_ARENA {
            return Err(ClaimError::TooSmall {
                size: span.size(),
                minimum: MIN_ARENA,
            });
        }
        if span.base().addr() < NULL_PAGE_END {
            return Err(ClaimError::NullPage {
                base: span.base().addr(),
            });
        }
        if let Some(existing) = self.overlapping_arena(span, Span::empty()) {
            return Err(ClaimError::Overlaps {
                arena: span,
                existing,
            });
        }
        let base = span.base();
        let at = base.with_addr(span.acme().addr() - RECORD);
        // SAFETY: the caller hands over the whole span; it holds a chunk and a record.
        self.arenas = unsafe {
            self.link_free(base, at.addr() - base.addr());
            Record::write(at, base, self.arenas, true)
        };
        self.stats.claimed_bytes += span.size();
        self.stats.arena_changes += 1;
        Ok(span)
    }
}
