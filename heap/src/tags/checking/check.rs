//! `check`: a full walk of the heap that verifies every invariant and names the first one
//! broken. Used by the tests after every step; cheap enough for debug builds, O(chunks).
//!
//! The arena walk (`check_arena.rs`) verifies the chunks; this module the bins, the bitmap,
//! the designated victim and the counters, and that the bins and the victim hold exactly the
//! free chunks the walk found.

use crate::tags::checking::check_arena::Totals;
use crate::tags::index::bins::bin_of;
use crate::tags::layout::chunk::{first_word, is_allocated};
use crate::tags::layout::free_chunk::{bin_mark, FreeChunk};
use crate::tags::ops::victim::VICTIM;
use crate::tags::Heap;
use crate::OutOfMemory;
use core::fmt;

/// The invariant a [`CheckError`] reports as broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// Arenas lie above the null page, start at a chunk boundary (one word past a multiple
    /// of 16 bytes), and do not overlap.
    ArenaPlacement,
    /// An arena's end record is a tag ending at the arena's top.
    EndRecord,
    /// Every chunk is at least four words, a whole number of 16-byte granules, and inside
    /// its arena.
    ChunkBounds,
    /// A free chunk's size word at its base equals the one at its top.
    SizeWordsAgree,
    /// No two free chunks are adjacent.
    NoAdjacentFree,
    /// A tag's "below is free" bit matches the chunk below.
    BelowFreeBit,
    /// A bin's bitmap bit is set exactly when its list is non-empty.
    Bitmap,
    /// Every free chunk is in the bin its size belongs to.
    RightBin,
    /// The designated victim (the free chunk kept out of the bins to carve requests from) is
    /// alone in its slot and has no bitmap bit.
    Victim,
    /// List links are consistent (`next.prev` is the node, the head's `prev` is its bin's
    /// mark) and every listed node is a free chunk inside an arena.
    ListLinks,
    /// The bins hold exactly the free chunks the walk found.
    BinsHoldAllFree,
    /// The counters match what the walk found.
    Counters,
}

/// A broken heap invariant: which rule, where, and the value that broke it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckError {
    /// The rule broken.
    pub rule: Rule,
    /// The address of the chunk, record or list node concerned (0 for heap-wide counters).
    pub address: usize,
    /// The offending value (a size, an address, a count, depending on the rule).
    pub value: usize,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "heap check failed, rule {:?} broken at {:#x} (value {:#x})",
            self.rule, self.address, self.value
        )
    }
}

impl core::error::Error for CheckError {}

/// Shorthand for building the error.
pub(crate) fn broken(rule: Rule, address: usize, value: usize) -> CheckError {
    CheckError {
        rule,
        address,
        value,
    }
}

impl<G: OutOfMemory> Heap<G> {
    /// Verifies every invariant of the heap; the first broken one is returned.
    pub fn check(&self) -> Result<(), CheckError> {
        let walked = self.check_arenas()?;
        let mut listed = Totals::default();
        for bin in 0..=u8::MAX {
            let head = self.bins[usize::from(bin)];
            if bin == VICTIM {
                if self.bitmap.is_set(bin) {
                    return Err(broken(Rule::Victim, head.addr(), usize::from(bin)));
                }
            } else if self.bitmap.is_set(bin) == head.is_null() {
                return Err(broken(Rule::Bitmap, head.addr(), usize::from(bin)));
            }
            let (mut previous, mut node) = (bin_mark(bin), head);
            while !node.is_null() {
                if bin == VICTIM && node != head {
                    return Err(broken(Rule::Victim, node.addr(), head.addr()));
                }
                if listed.free_chunks == walked.free_chunks
                    || !self.arenas().any(|arena| arena.contains(node))
                {
                    return Err(broken(Rule::ListLinks, node.addr(), usize::from(bin)));
                }
                // SAFETY: `node` lies inside an arena; the walk checked every chunk there.
                unsafe {
                    if is_allocated(first_word(node)) || self.prev_free(node) != previous {
                        return Err(broken(
                            Rule::ListLinks,
                            node.addr(),
                            self.prev_free(node).addr(),
                        ));
                    }
                    let size = FreeChunk::at(node).size();
                    if bin != VICTIM && bin_of(size) != bin {
                        return Err(broken(Rule::RightBin, node.addr(), size));
                    }
                    listed.free_chunks += 1;
                    listed.free_bytes += size;
                    (previous, node) = (node, self.next_free(node));
                }
            }
        }
        if (listed.free_chunks, listed.free_bytes) != (walked.free_chunks, walked.free_bytes) {
            return Err(broken(Rule::BinsHoldAllFree, 0, listed.free_chunks));
        }
        self.check_counters(&walked)
    }

    /// Compares the counters with what the walk found: the claimed bytes always, the
    /// allocation figures when the `counters` feature keeps them.
    fn check_counters(&self, walked: &Totals) -> Result<(), CheckError> {
        let claimed = self.stats.claimed_bytes;
        if claimed != walked.claimed_bytes {
            return Err(broken(Rule::Counters, 0, claimed));
        }
        let Some((bytes, peak, live, _)) = self.stats.allocations() else {
            return Ok(());
        };
        if live != walked.allocated_chunks {
            return Err(broken(Rule::Counters, 0, live));
        }
        if bytes > walked.allocated_capacity || bytes > peak {
            return Err(broken(Rule::Counters, 0, bytes));
        }
        Ok(())
    }
}
