//! `allocate`: find a chunk for a request in the bins, or get one from the out-of-memory hook.
//!
//! ```text
//!   fast path:  align <= GRANULE ──► need ──► first fitting bin ──► first non-empty bin at
//!               or above it, in the bitmap word that holds it ──► pop its head, carve the
//!               block (`carve.rs`)
//!   tail calls: the later bitmap words (a growing heap's big free chunk lies there)
//!               over-aligned requests (search size need + align - GRANULE)
//!               the slow path (`search.rs`): the request's own bin, then the hook
//! ```
//!
//! The bin search asks for `need` bytes (`need + align - GRANULE` when over-aligned, enough
//! for any placement of the aligned pointer), so the first non-empty bin always fits. Every
//! alignment up to `GRANULE` is the natural one (`chunk.rs`), so `malloc`'s 16 costs
//! nothing.

use crate::tags::errors::AllocError;
use crate::tags::index::bins::first_fitting_bin;
use crate::tags::layout::chunk::{GRANULE, MIN_CHUNK, WORD};
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

/// The size of the chunk a block of `size` bytes needs: its tag and its bytes, rounded up
/// to whole granules, and at least `MIN_CHUNK` (room for a free chunk's fields once freed).
/// `size` must be at most `isize::MAX` (as every `Layout` size is), so nothing overflows.
#[inline(always)]
pub(crate) fn chunk_need(size: usize) -> usize {
    ((size + WORD + GRANULE - 1) & !(GRANULE - 1)).max(MIN_CHUNK)
}

/// The bytes a block of `size` keeps above its pointer: its chunk less the tag.
#[inline(always)]
pub(crate) fn block_room(size: usize) -> usize {
    chunk_need(size) - WORD
}

/// The chunk size a search must guarantee for `layout`: the block, its tag and, when
/// over-aligned, room to slide the pointer to any alignment.
#[inline(always)]
pub(crate) fn search_size(layout: Layout) -> usize {
    let need = chunk_need(layout.size());
    if layout.align() <= GRANULE {
        need
    } else {
        need + layout.align() - GRANULE
    }
}

impl<G: OutOfMemory> Heap<G> {
    /// Allocates a block for `layout`. When no chunk fits, calls the [`OutOfMemory`] hook and
    /// retries while the hook returns `Ok` and has changed the heap (claimed, extended or
    /// truncated an arena, or freed or resized a block). A hook that returns `Ok` without
    /// changing anything ends the loop with `AllocError`; one that keeps changing the heap
    /// without making room keeps it going.
    ///
    /// A zero-size layout gets a minimal chunk (three usable words), like any other request; the
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
        if layout.align() > GRANULE {
            // SAFETY: the arenas are valid, by the caller's contract.
            return unsafe { self.allocate_aligned(layout) };
        }
        let first = first_fitting_bin(chunk_need(layout.size()));
        // Only the bitmap word holding `first` is searched here; everything else is reached
        // by a tail call. A call that returned here would keep values alive across it, in
        // registers that every allocation then saves and restores.
        match self.bitmap.first_in_word_at_or_above(first) {
            // SAFETY: a set bitmap bit means a non-empty bin, whose head fits the search.
            Some(bin) => unsafe { self.allocate_from(bin, layout) },
            // SAFETY: the arenas are valid, by the caller's contract.
            None => unsafe { self.allocate_from_later_words(first, layout) },
        }
    }

    /// `allocate` for an alignment above `GRANULE` (rare: `malloc` and most Rust types ask
    /// at most 16): out of line, so that the common case neither computes nor tests the
    /// room for sliding the block to its alignment.
    ///
    /// # Safety
    /// As for `allocate`.
    #[inline(never)]
    unsafe fn allocate_aligned(&mut self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        match self
            .bitmap
            .first_at_or_above(first_fitting_bin(search_size(layout)))
        {
            // SAFETY: a set bitmap bit means a non-empty bin, whose head fits the search.
            Some(bin) => unsafe { self.allocate_from(bin, layout) },
            // SAFETY: the arenas are valid, by the caller's contract.
            None => unsafe { self.allocate_slowly(layout) },
        }
    }

    /// Takes the head of the non-empty bin `bin`, whose chunks all fit `layout`, and carves
    /// the block from it.
    ///
    /// # Safety
    /// `bin` must be non-empty and at or above `first_fitting_bin(search_size(layout))`.
    #[inline(always)]
    unsafe fn allocate_from(&mut self, bin: u8, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: forwarded contract.
        unsafe {
            let (base, size) = self.pop_free(bin);
            self.stats.allocated(layout.size());
            Ok(self.carve(base, size, layout))
        }
    }

    /// `allocate` when the bitmap word holding `first` has no fitting bin: the words above
    /// it, where a growing heap's big free chunk lies (so this is common, not cold), and the
    /// slow path if they are empty too.
    ///
    /// # Safety
    /// The heap's arenas must be valid; `first` is the first fitting bin for `layout`.
    #[inline(never)]
    unsafe fn allocate_from_later_words(
        &mut self,
        first: u8,
        layout: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        match self.bitmap.first_in_later_words(first) {
            // SAFETY: a set bit above `first` means a non-empty bin whose head fits.
            Some(bin) => unsafe { self.allocate_from(bin, layout) },
            // SAFETY: the arenas are valid, by the caller's contract.
            None => unsafe { self.allocate_slowly(layout) },
        }
    }
}
