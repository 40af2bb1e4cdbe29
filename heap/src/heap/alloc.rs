//! `allocate`: find a chunk for a request in the bins, or get one from the out-of-memory hook.
//!
//! ```text
//!   fast path:  request ──► search size ──► first fitting bin ──► first non-empty bin at or
//!               above it, in the bitmap word that holds it ──► pop its head, carve the
//!               block (`carve.rs`)
//!   slow path:  no such bin ──► the higher bitmap words ──► the request's own bin
//!               ──► the hook, and again from the top while the hook helps
//! ```
//!
//! The bin search asks for `need` bytes (`need + align - WORD` when over-aligned, enough for
//! any placement of the aligned pointer), so the first non-empty bin always fits. Only when
//! there is none does the search look through the bins below, whose chunks may or may not
//! fit: from the bin of `need` up, each chunk is tried at the exact place the block would
//! start in it, so memory that is there is never reported missing.

use super::bins::{bin_of, first_fitting_bin};
use super::block::block_start;
use super::chunk::{MIN_CHUNK, WORD};
use super::errors::AllocError;
use super::free_chunk::{free_size, next_free};
use super::Heap;
use crate::Grow;
use core::alloc::Layout;
use core::ptr::NonNull;

/// `size` rounded up to whole words.
#[inline(always)]
pub(crate) fn round_to_words(size: usize) -> usize {
    (size + WORD - 1) & !(WORD - 1)
}

/// The bytes a block of `size` keeps above its pointer: whole words, and at least the two a
/// minimal chunk has above its tag (enough for a free chunk's fields once freed).
#[inline(always)]
pub(crate) fn block_room(size: usize) -> usize {
    round_to_words(size).max(MIN_CHUNK - WORD)
}

/// The chunk size a search must guarantee for `layout`: the block, its tag and, when
/// over-aligned, room to slide the pointer to any alignment.
#[inline(always)]
fn search_size(layout: Layout) -> usize {
    let need = WORD + block_room(layout.size());
    if layout.align() <= WORD {
        need
    } else {
        need + layout.align() - WORD
    }
}

impl<G: Grow> Heap<G> {
    /// Allocates a block for `layout`. When no chunk fits, calls the [`Grow`] hook and
    /// retries while the hook returns `Ok` and has changed the heap (claimed, extended or
    /// truncated an arena, or freed or resized a block). A hook that returns `Ok` without
    /// changing anything ends the loop with `AllocError`; one that keeps changing the heap
    /// without making room keeps it going.
    ///
    /// A zero-size layout gets a minimal chunk (two usable words), like any other request; the
    /// pointer must be deallocated as usual.
    ///
    /// # Errors
    /// [`AllocError`] when no free chunk holds the block and the hook does not help; any
    /// `Layout` is accepted, alignments up to the largest a `Layout` allows and sizes no memory
    /// can hold included (they fail). Never panics (unless the hook does).
    ///
    /// # Safety
    /// The heap's arenas must still be valid (the contract of `claim` and `extend`).
    #[inline]
    pub unsafe fn allocate(&mut self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        let first = first_fitting_bin(search_size(layout));
        // Only the bitmap word holding `first` is searched here; everything else is the slow
        // path, reached by a tail call. A call that returned here would keep values alive
        // across it, in registers that every allocation then saves and restores.
        match self.bitmap.first_in_word_at_or_above(first) {
            // SAFETY: a set bitmap bit means a non-empty bin, whose head fits the search.
            Some(bin) => unsafe {
                let (base, size) = self.pop_free(bin);
                self.stats.allocated(layout.size());
                Ok(self.carve(base, size, layout))
            },
            // SAFETY: the arenas are valid, by the caller's contract.
            None => unsafe { self.allocate_slowly(layout) },
        }
    }

    /// The rest of `allocate` when the bitmap word it searched has no fitting bin: search
    /// everywhere, then run the hook and retry, repeating while the hook helps. Out of line,
    /// like every slow path here, so that the fast path saves fewer registers.
    ///
    /// # Safety
    /// The heap's arenas must be valid.
    #[cold]
    #[inline(never)]
    unsafe fn allocate_slowly(&mut self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        loop {
            // SAFETY: the arenas are valid, by the caller's contract.
            if let Some(ptr) = unsafe { self.take_chunk(layout) } {
                self.stats.allocated(layout.size());
                return Ok(ptr);
            }
            self.grow_for(layout)?;
        }
    }

    /// Runs the hook once; `Ok` only if it succeeded and changed the heap: claimed, extended
    /// or truncated an arena, or freed or resized a block (`progress_marks` differ).
    #[cold]
    #[inline(never)]
    pub(crate) fn grow_for(&mut self, layout: Layout) -> Result<(), AllocError> {
        let before = self.progress_marks();
        G::grow(self, layout)?;
        if self.progress_marks() == before {
            return Err(AllocError);
        }
        Ok(())
    }

    /// The running totals a hook changes when it gives the heap memory: any claim, extension
    /// or truncation, and any free or resize of a block. O(1).
    fn progress_marks(&self) -> (u64, usize, usize, usize) {
        let stats = &self.stats;
        (
            stats.arena_changes,
            stats.claimed_bytes,
            stats.live_allocations,
            stats.allocated_bytes,
        )
    }

    /// Takes a fitting chunk for `layout` without calling the hook.
    ///
    /// # Safety
    /// The heap's arenas must be valid.
    #[inline(always)]
    pub(crate) unsafe fn take_chunk(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let first = first_fitting_bin(search_size(layout));
        match self.bitmap.first_at_or_above(first) {
            // SAFETY: a set bitmap bit means a non-empty bin, whose head fits the search.
            Some(bin) => unsafe {
                let (base, size) = self.pop_free(bin);
                Some(self.carve(base, size, layout))
            },
            // SAFETY: the arenas are valid, by the caller's contract.
            None => unsafe { self.take_from_lower_bins(layout) },
        }
    }

    /// The slow path when no bin above holds a chunk that surely fits: look through the bins
    /// below it, from the bin of the smallest chunk that could hold the block, and take the
    /// first chunk in which the block fits where it would start (`fits_in_chunk`). Runs
    /// before the heap gives up or calls the hook, so a fitting chunk is never overlooked.
    /// O(free chunks in those bins): for requests of at most a word's alignment that is the
    /// one bin `need` falls in.
    ///
    /// # Safety
    /// The heap's arenas must be valid.
    #[cold]
    #[inline(never)]
    unsafe fn take_from_lower_bins(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let searched = first_fitting_bin(search_size(layout));
        let mut bin = bin_of(WORD + block_room(layout.size()));
        while let Some(found) = self.bitmap.first_at_or_above(bin) {
            if found >= searched {
                return None;
            }
            let mut chunk = self.bins[usize::from(found)];
            while !chunk.is_null() {
                // SAFETY: every node of a bin list is a linked free chunk.
                unsafe {
                    let chunk_size = free_size(chunk);
                    if fits_in_chunk(chunk, chunk_size, layout) {
                        self.unlink_free(chunk, chunk_size);
                        return Some(self.carve(chunk, chunk_size, layout));
                    }
                    chunk = next_free(chunk);
                }
            }
            bin = found + 1;
        }
        None
    }
}

/// Whether a block for `layout` fits in the free chunk `[base, base + size)` at the place it
/// would start there (`block_start`), with its room above it. Checked arithmetic: the chunk
/// may lie too close to the top of the address space for a large alignment.
fn fits_in_chunk(base: *mut u8, size: usize, layout: Layout) -> bool {
    let end = base.addr() + size;
    base.addr().checked_add(WORD + layout.align() - 1).is_some()
        && block_start(base, layout.align())
            .addr()
            .checked_add(block_room(layout.size()))
            .is_some_and(|top| top <= end)
}
