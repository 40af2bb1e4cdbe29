//! The slow path of `allocate`, shared with the resizes that move a block: search every
//! bin, then the bins whose chunks may fit at the block's exact place, then the hook.
//!
//! ```text
//!   allocate_slowly:  take_chunk ──► first fitting bin in its bitmap word ──► pop, carve
//!                                └─► (align <= GRANULE) the designated victim, then the
//!                                    later words, whose remainder becomes the victim
//!                                └─► (over-aligned) the first fitting bin of later words
//!                                └─► take_from_lower_bins: each chunk of the bins below,
//!                                    tried at the place the block would start in it,
//!                                    then the designated victim (`victim.rs`)
//!                     nothing ──► grow_for: the hook; again from the top while it helps
//! ```
//!
//! The lower bins are searched so that memory that is there is never reported missing (an
//! over-aligned block fits a chunk much smaller than size + alignment when an aligned
//! address happens to lie near its start).

use crate::tags::errors::AllocError;
use crate::tags::index::bins::{bin_of, first_fitting_bin};
use crate::tags::layout::block::{block_room, block_start, chunk_need, search_size};
use crate::tags::layout::chunk::{GRANULE, WORD};
use crate::tags::layout::free_chunk::FreeChunk;
use crate::tags::Heap;
use crate::{HookHeap, OutOfMemory};
use core::alloc::Layout;
use core::ptr::NonNull;

impl<G: OutOfMemory> Heap<G> {
    /// The rest of `allocate` when the bitmap word it searched has no fitting bin: search
    /// everywhere, then run the hook and retry, repeating while the hook helps. Out of line,
    /// like every slow path here, so that the fast path saves fewer registers. A refused
    /// `layout` is kept for [`Heap::refused`].
    ///
    /// # Safety
    /// The heap's arenas must be valid.
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn allocate_slowly(
        &mut self,
        layout: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        loop {
            // SAFETY: the arenas are valid, by the caller's contract.
            if let Some(ptr) = unsafe { self.allocate_in_room(layout) } {
                return Ok(ptr);
            }
            if let Err(error) = self.grow_for(layout) {
                self.refused = (layout.size(), layout.align());
                return Err(error);
            }
        }
    }

    /// The layout of the last allocation that failed (`AllocError` from `allocate` or a
    /// resize that had to move), valid until the next one fails. The cache's retry after a
    /// flush reads it here: a caller that kept the layout until the call returned would
    /// save and restore registers for it on every allocation.
    pub(crate) fn refused(&self) -> Layout {
        let (size, align) = self.refused;
        // SAFETY: the words of a `Layout` (or of `Layout::new::<()>`, before any failure).
        unsafe { Layout::from_size_align_unchecked(size, align) }
    }

    /// `allocate` without the hook: `None` when no free chunk fits. The cache makes the
    /// magazine for a free with it, so that a free never grows the heap nor runs the hook.
    ///
    /// # Safety
    /// The heap's arenas must be valid.
    pub(crate) unsafe fn allocate_in_room(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        // SAFETY: forwarded contract.
        let ptr = unsafe { self.take_chunk(layout) }?;
        self.stats.allocated(layout.size());
        self.paint_redzone(ptr, layout.size());
        Some(ptr)
    }

    /// Runs the hook once; `Ok` only if it succeeded and changed the heap: claimed, extended
    /// or truncated an arena (`progress_marks` differ). The hook gets a `HookHeap`, which can
    /// do nothing else to the heap (`hook_heap.rs`).
    #[cold]
    #[inline(never)]
    pub(crate) fn grow_for(&mut self, layout: Layout) -> Result<(), AllocError> {
        let before = self.progress_marks();
        G::out_of_memory(&mut HookHeap::new(self), layout)?;
        if self.progress_marks() == before {
            return Err(AllocError);
        }
        Ok(())
    }

    /// What a hook changes when it gives the heap memory: a claim, an extension or a
    /// truncation, each counted as it happens (always, with or without the `counters`
    /// feature), O(1). Through its `HookHeap` a hook can change nothing else.
    fn progress_marks(&self) -> u64 {
        self.stats.arena_changes
    }

    /// Takes a fitting chunk for `layout` without calling the hook.
    ///
    /// # Safety
    /// The heap's arenas must be valid.
    #[inline(always)]
    pub(crate) unsafe fn take_chunk(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let first = first_fitting_bin(search_size(layout));
        let found = if layout.align() <= GRANULE {
            match self.bitmap.first_in_word_at_or_above(first) {
                None => {
                    // SAFETY: every chunk from `first` up holds the block's chunk.
                    let beyond = unsafe { self.take_beyond_word(first, chunk_need(layout.size())) };
                    // SAFETY: the arenas are valid, by the caller's contract.
                    return beyond.or_else(|| unsafe { self.take_from_lower_bins(layout) });
                }
                found => found,
            }
        } else {
            self.bitmap.first_at_or_above(first)
        };
        match found {
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
    /// O(free chunks in those bins): for requests of at most a granule's alignment that is
    /// the one bin `need` falls in. Then the designated victim, which no bitmap search sees.
    ///
    /// # Safety
    /// The heap's arenas must be valid.
    #[cold]
    #[inline(never)]
    unsafe fn take_from_lower_bins(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let searched = first_fitting_bin(search_size(layout));
        let mut bin = bin_of(chunk_need(layout.size()));
        while let Some(found) = self.bitmap.first_at_or_above(bin) {
            if found >= searched {
                break;
            }
            let mut chunk = self.bins[usize::from(found)];
            while !chunk.is_null() {
                // SAFETY: every node of a bin list is a linked free chunk.
                unsafe {
                    let chunk_size = FreeChunk::at(chunk).size();
                    if fits_in_chunk(chunk, chunk_size, layout) {
                        self.unlink_free(chunk);
                        return Some(self.carve(chunk, chunk_size, layout));
                    }
                    chunk = self.checked_links(chunk).0;
                }
            }
            bin = found + 1;
        }
        let (victim, size) = self.victim()?;
        if !fits_in_chunk(victim, size, layout) {
            return None;
        }
        // SAFETY: the victim is a linked free chunk in which the block fits.
        unsafe {
            self.unlink_free(victim);
            Some(self.carve(victim, size, layout))
        }
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
