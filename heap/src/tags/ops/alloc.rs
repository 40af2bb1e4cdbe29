//! `allocate`: find a chunk for a request in the bins, or get one from the out-of-memory hook.
//!
//! ```text
//!   fast path:  align <= GRANULE, need <= 512 ──► its exact bin (need / GRANULE - 2) ──► first
//!               non-empty bin at or above it, in the bitmap word that holds it ──► pop its
//!               head, carve the block (`carve.rs`)
//!   tail calls: need > 512: its own split bin's first chunk if it fits, else the bins above
//!               the later bitmap words (a growing heap's big free chunk lies there)
//!               over-aligned requests (search size need + align - GRANULE)
//!               the slow path (`search.rs`): the request's own bin, then the hook
//! ```
//!
//! Up to 512 bytes every bin holds one size, so any chunk at or above the request's own bin
//! fits. Above, a bin spans a quarter of a power of two and may hold chunks smaller than
//! `need`; its first chunk is taken if it fits, before a larger bin is split. That one look is
//! what keeps the heap tight on real traces (figures: `heap/INTERNALS.md`, "Bins and the
//! bitmap"). Small requests never compute a split bin: the branch on the size costs
//! less than computing both kinds of bin did. The over-aligned search asks for `need + align -
//! GRANULE` bytes (enough for any placement of the aligned pointer), so the first non-empty bin
//! it finds always fits. Every alignment up to `GRANULE` is the natural one (`chunk.rs`), so
//! `malloc`'s 16 costs nothing.

use crate::tags::errors::AllocError;
use crate::tags::index::bins::{exact_bin, first_fitting_bin, split_bin_of, EXACT_BYTES};
use crate::tags::layout::block::{chunk_need, search_size};
use crate::tags::layout::chunk::GRANULE;
use crate::tags::layout::free_chunk::FreeChunk;
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

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
        // SAFETY: forwarded contract.
        let block = unsafe { self.take_block(layout) };
        self.painted(block, layout.size())
    }

    /// `allocate`, never inlined: for a caller that holds a lock around the call, where the
    /// inlined search would make it save registers across the lock on every allocation.
    ///
    /// # Safety
    /// As for `allocate`.
    #[inline(never)]
    pub(crate) unsafe fn allocate_out_of_line(
        &mut self,
        layout: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: forwarded contract.
        unsafe { self.allocate(layout) }
    }

    /// `allocate`, before the block's redzone is painted (`checking/redzone.rs`).
    ///
    /// # Safety
    /// As for `allocate`.
    #[inline(always)]
    unsafe fn take_block(&mut self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        if layout.align() > GRANULE {
            // SAFETY: the arenas are valid, by the caller's contract.
            return unsafe { self.allocate_aligned(layout) };
        }
        let need = chunk_need(layout.size());
        if need > EXACT_BYTES {
            // SAFETY: the arenas are valid, by the caller's contract.
            return unsafe { self.allocate_large(layout, need) };
        }
        let own = exact_bin(need);
        // Only the bitmap word holding `own` is searched here; everything else is reached
        // by a tail call. A call that returned here would keep values alive across it, in
        // registers that every allocation then saves and restores.
        match self.bitmap.first_in_word_at_or_above(own) {
            // SAFETY: a set bitmap bit means a non-empty bin; every chunk in or above the
            // request's own exact bin fits it.
            Some(bin) => unsafe { self.allocate_from(bin, layout) },
            // SAFETY: the arenas are valid, by the caller's contract.
            None => unsafe { self.allocate_from_later_words(own, layout) },
        }
    }

    /// `allocate` for a chunk above 512 bytes, whose own bin spans a range of sizes: its
    /// first chunk if it fits, else the first non-empty bin above, in any bitmap word. Out of
    /// line, so that small requests never compute the split bins.
    ///
    /// # Safety
    /// As for `allocate`; `layout.align() <= GRANULE`, and `need` is its chunk size.
    #[inline(never)]
    unsafe fn allocate_large(
        &mut self,
        layout: Layout,
        need: usize,
    ) -> Result<NonNull<u8>, AllocError> {
        let own = split_bin_of(need);
        match self.bitmap.first_in_word_at_or_above(own) {
            // SAFETY: a set bitmap bit means a non-empty bin, whose head fits when checked.
            Some(bin) if unsafe { self.head_fits(bin, need) } => unsafe {
                self.allocate_large_from(bin, need, layout.size())
            },
            // SAFETY: the arenas are valid, by the caller's contract.
            Some(_) => unsafe { self.allocate_above(own, layout) },
            // SAFETY: the arenas are valid, by the caller's contract.
            None => unsafe { self.allocate_from_later_words(own, layout) },
        }
    }

    /// Whether the first chunk of the non-empty bin `bin` holds `need` bytes (in any bin above
    /// the request's own it does; its own split bin may hold smaller chunks).
    ///
    /// # Safety
    /// `bin` must be non-empty (its bitmap bit set).
    #[inline(always)]
    unsafe fn head_fits(&self, bin: u8, need: usize) -> bool {
        // SAFETY: a non-empty bin's head is a linked free chunk.
        unsafe { FreeChunk::at(self.bins[usize::from(bin)]).size() >= need }
    }

    /// `allocate_from` for `allocate_large`, reached by a tail call, with the chunk size
    /// `need` of a `size`-byte block already known: inlined there, the registers that popping
    /// and carving need were saved on every path, the ones that only search included (LLVM
    /// did not move the saves past the fit test).
    ///
    /// # Safety
    /// The heap's arenas must be valid; `bin` non-empty with a first chunk of at least `need`
    /// bytes, `need` the chunk size of a `size`-byte block aligned to at most `GRANULE`.
    #[inline(never)]
    unsafe fn allocate_large_from(
        &mut self,
        bin: u8,
        need: usize,
        size: usize,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: forwarded contract.
        unsafe {
            let (base, chunk) = self.pop_free(bin);
            self.stats.allocated(size);
            Ok(self.carve_from_front(base, chunk, need))
        }
    }

    /// `allocate` when the request's own bin `own` is not empty but its first chunk is too
    /// small: the first non-empty bin above it, in any word, else the slow path.
    ///
    /// # Safety
    /// The heap's arenas must be valid; `own` is the bin of `layout`'s chunk size.
    #[inline(never)]
    unsafe fn allocate_above(
        &mut self,
        own: u8,
        layout: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        let found = self.bitmap.first_at_or_above(own + 1);
        // SAFETY: every chunk in a bin above the request's own fits it; the arenas are valid.
        unsafe { self.allocate_from_found(found, layout) }
    }

    /// `allocate` for an alignment above `GRANULE` (rare: `malloc` and most Rust types ask
    /// at most 16): out of line, so that the common case neither computes nor tests the
    /// room for sliding the block to its alignment.
    ///
    /// # Safety
    /// As for `allocate`.
    #[inline(never)]
    unsafe fn allocate_aligned(&mut self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        let found = self
            .bitmap
            .first_at_or_above(first_fitting_bin(search_size(layout)));
        // SAFETY: every chunk from the first fitting bin up fits the search; the arenas are
        // valid, by the caller's contract.
        unsafe { self.allocate_from_found(found, layout) }
    }

    /// `allocate_from` the bin a search `found`, or the slow path if it found none.
    ///
    /// # Safety
    /// The heap's arenas must be valid; a bin found must be as `allocate_from` requires.
    #[inline(always)]
    unsafe fn allocate_from_found(
        &mut self,
        found: Option<u8>,
        layout: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: forwarded contract.
        unsafe {
            match found {
                Some(bin) => self.allocate_from(bin, layout),
                None => self.allocate_slowly(layout),
            }
        }
    }

    /// Takes the head of the non-empty bin `bin`, which fits `layout`, and carves the block
    /// from it.
    ///
    /// # Safety
    /// `bin` must be non-empty and its first chunk must fit `layout`'s search size: every
    /// bin at or above `first_fitting_bin(search_size(layout))` qualifies.
    #[inline(always)]
    unsafe fn allocate_from(&mut self, bin: u8, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: forwarded contract.
        unsafe {
            let (base, size) = self.pop_free(bin);
            self.stats.allocated(layout.size());
            Ok(self.carve(base, size, layout))
        }
    }

    /// `allocate` when the bitmap word holding `own` has no non-empty bin at or above it: the
    /// designated victim if it holds the block, else the words above, where a growing heap's
    /// big free chunk lies (so this is common, not cold), whose remainder becomes the victim
    /// (`victim.rs`); the slow path if they are empty too.
    ///
    /// # Safety
    /// The heap's arenas must be valid; `own` is the bin of `layout`'s chunk size.
    #[inline(never)]
    unsafe fn allocate_from_later_words(
        &mut self,
        own: u8,
        layout: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: every chunk above `own`, the bin of this chunk size, holds it.
        match unsafe { self.take_beyond_word(own, chunk_need(layout.size())) } {
            Some(ptr) => {
                self.stats.allocated(layout.size());
                Ok(ptr)
            }
            // SAFETY: the arenas are valid, by the caller's contract.
            None => unsafe { self.allocate_slowly(layout) },
        }
    }
}
