//! The arena half of `check`: walk every chunk of every arena and verify its shape.
//!
//! ```text
//!   | chunk | chunk | ... | record |      each chunk: >= MIN_CHUNK, whole granules, inside;
//!   ^ arena base >= 4096, a boundary     free: size words agree, no free neighbour below;
//!                                        allocated: BELOW_FREE bit == chunk below is free
//! ```
//!
//! Every read is bounds-checked against the arena first, so a corrupt size is reported, not
//! followed out of the arena.

use crate::tags::checking::check::{broken, CheckError, Rule};
use crate::tags::layout::arena::{Record, NULL_PAGE_END};
use crate::tags::layout::chunk::{
    first_word, is_allocated, is_chunk_boundary, Tag, GRANULE, MIN_CHUNK, WORD,
};
use crate::tags::layout::free_chunk::FreeChunk;
use crate::tags::Heap;
use crate::OutOfMemory;

/// What the walk found, for comparison with the bins and the counters.
#[derive(Default)]
pub(crate) struct Totals {
    pub(crate) free_bytes: usize,
    pub(crate) free_chunks: usize,
    pub(crate) claimed_bytes: usize,
    pub(crate) allocated_chunks: usize,
    pub(crate) allocated_capacity: usize,
}

impl<G: OutOfMemory> Heap<G> {
    /// Walks every arena; returns the totals or the first broken rule.
    pub(crate) fn check_arenas(&self) -> Result<Totals, CheckError> {
        let mut totals = Totals::default();
        let mut record = self.arenas;
        while !record.is_null() {
            // SAFETY: the arena list links live end records.
            let base = unsafe { record.base() };
            let arena = crate::Span::new(base, record.top());
            let misplaced = base.addr() < NULL_PAGE_END
                || !is_chunk_boundary(base.addr())
                || base.addr() > record.addr();
            if misplaced || self.arenas().filter(|other| other.overlaps(arena)).count() != 1 {
                return Err(broken(Rule::ArenaPlacement, base.addr(), record.addr()));
            }
            totals.claimed_bytes += arena.size();
            // SAFETY: as above.
            unsafe { self.check_chunks(base, record, &mut totals)? };
            // SAFETY: as above.
            record = unsafe { record.next() };
        }
        Ok(totals)
    }

    /// Walks the chunks of the arena `[base, record + RECORD)`.
    ///
    /// # Safety
    /// `record` must be a live end record whose arena starts at `base`.
    unsafe fn check_chunks(
        &self,
        base: *mut u8,
        record: Record,
        totals: &mut Totals,
    ) -> Result<(), CheckError> {
        let mut at = base;
        let mut below_free = false;
        while at != record.as_ptr() {
            let room = record.addr() - at.addr();
            if room < MIN_CHUNK {
                return Err(broken(Rule::ChunkBounds, at.addr(), room));
            }
            // SAFETY: `at` is a chunk boundary with at least `MIN_CHUNK` bytes below the record.
            let first = unsafe { first_word(at) };
            let size = if is_allocated(first) {
                let size = Tag::from_word(first).end().addr().wrapping_sub(at.addr());
                if Tag::from_word(first).below_is_free() != below_free {
                    return Err(broken(Rule::BelowFreeBit, at.addr(), first.addr()));
                }
                totals.allocated_chunks += 1;
                totals.allocated_capacity += size.saturating_sub(WORD);
                size
            } else {
                // SAFETY: as above.
                let size = unsafe { FreeChunk::at(at).size() };
                if below_free {
                    return Err(broken(Rule::NoAdjacentFree, at.addr(), size));
                }
                totals.free_chunks += 1;
                totals.free_bytes += size;
                size
            };
            if size < MIN_CHUNK || !size.is_multiple_of(GRANULE) || size > room {
                return Err(broken(Rule::ChunkBounds, at.addr(), size));
            }
            below_free = !is_allocated(first);
            at = at.wrapping_add(size);
            // SAFETY: the chunk lies inside the arena, so its last word is readable.
            if below_free && unsafe { FreeChunk::ending_at(at) }.1 != size {
                return Err(broken(Rule::SizeWordsAgree, at.addr() - size, size));
            }
        }
        // SAFETY: the record is a live end record.
        let word = unsafe { first_word(record.as_ptr()) };
        let intact = is_allocated(word) && {
            let tag = Tag::from_word(word);
            tag.end() == record.top() && tag.below_is_free() == below_free
        };
        if !intact {
            return Err(broken(Rule::EndRecord, record.addr(), word.addr()));
        }
        Ok(())
    }
}
