//! `harden`: before the heap follows a free chunk's links or trusts its size words, it proves
//! them. A check that fails is a corruption report naming the chunk, raised where it is found
//! (`Misuse::raise`, a panic): the operation cannot finish on a broken list, and the report
//! comes before any bad link is followed, so a corrupted heap never writes through one.
//!
//! ```text
//!   free chunk at base, unlinked or walked        checked
//!   | next | prev | size | ... | size |           base: one word past a granule, in an arena,
//!     │      │      └── low ══ top ──┘                  first word free (bit 0 clear)
//!     │      │                                    sizes: whole granules, top word in an arena
//!     │      └─► P with P.next == base,           prev:  its bin's mark with bins[b] == base,
//!     │          or mark(b) with bins[b] == base         or a free chunk linking back
//!     └──► N with N.prev == base, or null         next:  null, or a free chunk linking back
//!   freed chunk: its tag's end lies in its arena; the free chunk below it (if its tag says
//!   so) is as large as the size word above it says
//! ```
//!
//! Every address is looked up among the arenas (`in_arena.rs`) before it is read, and read
//! with its arena's provenance, so a garbage link is never dereferenced. The checks compare
//! a few words per unlink; their cost on the replay traces is in the README. When the heap
//! sits behind a lock the report's panic runs with the lock held: in a kernel whose panic
//! handler does not allocate that is the whole story; a hosted program whose global
//! allocator is this heap gets no message (the panic's message allocates) but still stops
//! short of the wild write.

use crate::tags::checking::corruption::Corruption;
use crate::tags::checking::misuse::{Misuse, Wrong};
use crate::tags::layout::chunk::{is_chunk_boundary, Tag, GRANULE};
use crate::tags::layout::chunk::{MIN_CHUNK, WORD};
use crate::tags::layout::free_chunk::{bin_mark, read_mark, FreeChunk};
use crate::tags::Heap;
use crate::OutOfMemory;

impl<G: OutOfMemory> Heap<G> {
    /// The links of the free chunk at `base`, proven (the corruption is raised otherwise).
    ///
    /// # Safety
    /// This function is unsafe because it reads `base`'s words: `base` must lie in an arena
    /// of this heap at a word boundary (it need not be a free chunk; that is checked).
    #[inline(always)]
    pub(crate) unsafe fn checked_links(&self, base: *mut u8) -> (*mut u8, *mut u8) {
        // SAFETY: forwarded contract.
        match unsafe { self.proven_links(base) } {
            Ok(links) => links,
            Err(found) => corrupted(base, found),
        }
    }

    /// The checks behind `checked_links`; the links come back with their arena's provenance.
    ///
    /// # Safety
    /// As for `checked_links`.
    #[inline(always)]
    unsafe fn proven_links(&self, base: *mut u8) -> Result<(*mut u8, *mut u8), Corruption> {
        let chunk = self.free_chunk_at(base).ok_or(Corruption::NotAFreeChunk)?;
        // SAFETY: `chunk` is a free-looking chunk inside an arena: its node is readable; every
        // other address is looked up among the arenas before it is read.
        unsafe {
            let size = FreeChunk::at(chunk).size();
            let top = (size >= MIN_CHUNK && size.is_multiple_of(GRANULE))
                .then(|| chunk.addr().checked_add(size - WORD))
                .flatten()
                .and_then(|top| self.word_at(top));
            let high = top.map(|top| FreeChunk::ending_at(top.wrapping_add(WORD)).1);
            if high != Some(size) {
                return Err(Corruption::SizeWords { low: size, high });
            }
            let next = self.next_free(chunk);
            let next = if next.is_null() {
                next
            } else {
                self.free_chunk_at(next)
                    .filter(|&node| self.prev_free(node).addr() == base.addr())
                    .ok_or(Corruption::NextLink { link: next })?
            };
            let prev = self.prev_free(chunk);
            let (first, bin) = read_mark(prev);
            let proven = if first {
                (prev == bin_mark(bin) && self.bins[usize::from(bin)].addr() == base.addr())
                    .then_some(prev)
            } else {
                self.free_chunk_at(prev)
                    .filter(|&node| self.next_free(node).addr() == base.addr())
            };
            Ok((next, proven.ok_or(Corruption::PrevLink { link: prev })?))
        }
    }

    /// Raises a corruption unless the tag of the chunk at `base` ends inside its arena, and
    /// the free chunk below it (if the tag says there is one) is as large as the size word
    /// just below `base` says. Called before a free merges anything.
    ///
    /// # Safety
    /// This function is unsafe because it reads below `base`: `base` must be an allocated
    /// chunk of this heap's arena (its tag may be corrupted: that is what is checked).
    pub(crate) unsafe fn check_freed_chunk(&self, base: *mut u8, tag: Tag) {
        let end = tag.end();
        let end_fits = end.addr() > base.addr()
            && is_chunk_boundary(end.addr())
            && self.word_at(end.addr() - WORD).is_some();
        if !end_fits {
            corrupted(base, Corruption::Tag { end });
        }
        if tag.below_is_free() {
            // SAFETY: the word below an allocated chunk's tag is in its arena (the first
            // chunk's tag never has the bit set, and neither does an end record's).
            let (below_chunk, below) = unsafe { FreeChunk::ending_at(base) };
            let found = self
                .free_chunk_at(below_chunk.base())
                // SAFETY: a free-looking chunk inside an arena has a readable node.
                .map(|chunk| unsafe { FreeChunk::at(chunk).size() });
            if !below.is_multiple_of(GRANULE) || found != Some(below) {
                let found = found.unwrap_or(0);
                corrupted(base, Corruption::BelowSize { below, found });
            }
        }
    }
}

/// Reports the corruption found at the chunk `base` and stops (the panic's location is
/// this function: the message says what was checked).
#[cold]
#[inline(never)]
fn corrupted(base: *mut u8, found: Corruption) -> ! {
    Misuse::new("heap check", base, Wrong::Corrupted(found)).raise()
}
