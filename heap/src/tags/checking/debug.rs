//! `debug-checks`: before a block is freed or resized, prove that the heap handed it out with
//! the layout the caller names.
//!
//! ```text
//!   | tag | user ... |                ptr = base + WORD, or for an over-aligned layout
//!   | tag | .. | back | user ... |     ptr = block_start(base, align), back = base
//!         |<-- room: block_room(size) .. block_room(size) + GRANULE -->| chunk end
//! ```
//!
//! The proof walks the arena's chunks from its base to the chunk that holds `ptr - WORD`
//! (O(chunks) per call, which is why it is a feature), then checks that the chunk is
//! allocated, that `ptr` is exactly where a block of the layout's alignment starts in it
//! (`block::block_start`; with its back pointer when there is a gap), that the room above
//! `ptr` is what a block of the layout's size gets (its granules, plus a tail of one granule,
//! too small to be a chunk of its own), and that the size is not more than the live
//! blocks hold. Any failure is returned as a misuse naming the pointer and what is wrong
//! with it (`misuse.rs`), before anything changes.
//!
//! The heap does not store requested sizes, so a size that rounds to the same room (within
//! the one-granule tail and the rounding to granules) cannot be told apart from the right one.

use crate::tags::checking::misuse::{Misused, Wrong};
use crate::tags::layout::block::{block_room, block_start};
use crate::tags::layout::chunk::{first_word, GRANULE, MIN_CHUNK, WORD};
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

/// The largest tail a block keeps above its room: one too small to be a chunk of its own.
const LARGEST_KEPT_TAIL: usize = MIN_CHUNK - GRANULE;

impl<G: OutOfMemory> Heap<G> {
    /// Fails with the misuse, naming `operation` and the address, unless `ptr` is a live block
    /// of this heap allocated with `layout`, as far as the chunk's shape can tell.
    pub(crate) fn verify_live(
        &self,
        ptr: NonNull<u8>,
        layout: Layout,
        operation: &'static str,
    ) -> Result<(), Misused> {
        let ptr = ptr.as_ptr();
        let misuse = |wrong| Err(self.misused(operation, ptr, wrong));
        let below = ptr.wrapping_sub(WORD);
        let Some(chunk) = self.chunks().find(|chunk| chunk.span().contains(below)) else {
            return misuse(Wrong::InNoChunk);
        };
        let span = chunk.span();
        if !chunk.allocated {
            return misuse(Wrong::InFreeChunk { chunk: span });
        }
        let start = block_start(chunk.base, layout.align());
        // Compared before anything is read: only a pointer where a block starts has a tag or
        // a back pointer, an aligned word, below it.
        let placed = start == ptr
            && (below == chunk.base
                // SAFETY: `ptr` is where a block of the layout's alignment starts in this
                // allocated chunk, so `below` is its back pointer: a readable, aligned word,
                // read with the arena's provenance, which the chunk's base carries.
                || unsafe { first_word(chunk.base.with_addr(below.addr())) } == chunk.base);
        if !placed {
            return misuse(Wrong::NotABlockStart {
                align: layout.align(),
                start,
                chunk: span,
            });
        }
        let room = span.acme().addr() - ptr.addr();
        let least = block_room(layout.size());
        if room < least || room > least + LARGEST_KEPT_TAIL {
            return misuse(Wrong::LayoutDoesNotFit {
                size: layout.size(),
                align: layout.align(),
                room,
                chunk: span,
                least,
                most: least + LARGEST_KEPT_TAIL,
            });
        }
        let allocated_bytes = self
            .stats
            .allocations()
            .map_or(usize::MAX, |figures| figures.0);
        if layout.size() > allocated_bytes {
            return misuse(Wrong::LargerThanLive {
                size: layout.size(),
                live: allocated_bytes,
            });
        }
        Ok(())
    }
}
