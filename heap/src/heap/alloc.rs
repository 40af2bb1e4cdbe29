//! `allocate`: take a chunk from the first fitting bin, split off what is not needed.
//!
//! ```text
//!   align <= WORD                       over-aligned, gap >= MIN_CHUNK
//!   | tag | user ...  | free tail |     | free gap | tag | user ...  | free tail |
//!   ^base      used_end^         ^end                      ^ aligned pointer
//!
//!   over-aligned, gap of one or two words: | tag | .. | back | user ... | free tail |
//! ```
//!
//! The bin search asks for `need` bytes (`need + align - WORD` when over-aligned, enough for
//! any placement of the aligned pointer), so the first non-empty bin always fits. Only when
//! there is none does the search look through the request's own bin, whose chunks may be too
//! small. A tail or gap of at least `MIN_CHUNK` goes back to the bins; a smaller one stays in
//! the chunk.

use super::bins::{bin_of, first_fitting_bin};
use super::chunk::{set_below_free, write_back_pointer, write_tag, MIN_CHUNK, WORD};
use super::errors::AllocError;
use super::free_list::{free_size, next_free};
use super::Heap;
use crate::Grow;
use core::alloc::Layout;
use core::ptr::NonNull;

/// `size` rounded up to whole words.
#[inline(always)]
pub(crate) fn round_to_words(size: usize) -> usize {
    (size + WORD - 1) & !(WORD - 1)
}

/// The chunk size a search must guarantee for `layout`: the block, its tag and, when
/// over-aligned, room to slide the pointer to any alignment.
#[inline(always)]
fn search_size(layout: Layout) -> usize {
    let need = (WORD + round_to_words(layout.size())).max(MIN_CHUNK);
    if layout.align() <= WORD {
        need
    } else {
        need + layout.align() - WORD
    }
}

impl<G: Grow> Heap<G> {
    /// Allocates a block for `layout`. When no chunk fits, calls the [`Grow`] hook and
    /// retries while the hook returns `Ok` and has changed the heap (claimed or freed memory).
    ///
    /// A zero-size layout gets a minimal chunk (two usable words), like any other request; the
    /// pointer must be deallocated as usual.
    ///
    /// # Safety
    /// The heap's arenas must still be valid (the contract of `claim` and `extend`).
    #[inline]
    pub unsafe fn allocate(&mut self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: the arenas are valid, by the caller's contract.
        match unsafe { self.take_chunk(layout) } {
            Some(ptr) => {
                self.stats.allocated(layout.size());
                Ok(ptr)
            }
            None => self.allocate_after_growing(layout),
        }
    }

    /// The rest of `allocate` when no chunk fits: run the hook, retry, repeat while it helps.
    /// Out of line, like every slow path here, so that the fast path saves fewer registers.
    #[cold]
    #[inline(never)]
    fn allocate_after_growing(&mut self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        loop {
            self.grow_for(layout)?;
            // SAFETY: the arenas are valid, by the contract of `allocate`.
            if let Some(ptr) = unsafe { self.take_chunk(layout) } {
                self.stats.allocated(layout.size());
                return Ok(ptr);
            }
        }
    }

    /// Runs the hook once; `Ok` only if it succeeded and changed the heap (claimed bytes or
    /// free bytes differ). Counting the free bytes walks the bins, O(free chunks), which only
    /// this out-of-memory path pays.
    #[cold]
    #[inline(never)]
    pub(crate) fn grow_for(&mut self, layout: Layout) -> Result<(), AllocError> {
        let before = (self.stats.claimed_bytes, self.free_totals().bytes);
        G::grow(self, layout)?;
        if (self.stats.claimed_bytes, self.free_totals().bytes) == before {
            return Err(AllocError);
        }
        Ok(())
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
            None => unsafe { self.take_from_lower_bin(layout) },
        }
    }

    /// Makes the chunk `[base, base + size)`, just taken out of its bin, the block for
    /// `layout`, giving back what it does not need; returns the block's pointer.
    ///
    /// # Safety
    /// The chunk must be an unlinked free chunk of at least `search_size(layout)` bytes.
    #[inline(always)]
    unsafe fn carve(&mut self, base: *mut u8, size: usize, layout: Layout) -> NonNull<u8> {
        let rounded = round_to_words(layout.size());
        let need = (WORD + rounded).max(MIN_CHUNK);
        let align = layout.align();
        // SAFETY: `[base, base + size)` is an unlinked free chunk of at least the search size.
        let ptr = unsafe {
            if align <= WORD {
                self.place(base, base.add(size), base.add(need), false);
                base.add(WORD)
            } else {
                let ptr = base.map_addr(|addr| (addr + WORD + align - 1) & !(align - 1));
                let gap = ptr.addr() - WORD - base.addr();
                let (chunk, below_free) = if gap >= MIN_CHUNK {
                    self.link_free(base, gap);
                    (ptr.sub(WORD), true)
                } else {
                    if gap != 0 {
                        write_back_pointer(ptr, base);
                    }
                    (base, false)
                };
                let used_end = ptr.add(rounded).max(chunk.add(MIN_CHUNK));
                self.place(chunk, base.add(size), used_end, below_free);
                ptr
            }
        };
        // SAFETY: arenas lie above the null page, so no chunk pointer is null.
        unsafe { NonNull::new_unchecked(ptr) }
    }

    /// The slow path when no bin above holds a chunk that surely fits: look through the bin
    /// that the search size itself falls in, whose chunks may or may not fit. Runs before the
    /// heap gives up or calls the hook, so a fitting chunk is never overlooked.
    ///
    /// # Safety
    /// The heap's arenas must be valid.
    #[cold]
    #[inline(never)]
    unsafe fn take_from_lower_bin(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let size = search_size(layout);
        let mut chunk = self.bins[bin_of(size)];
        while !chunk.is_null() {
            // SAFETY: every node of a bin list is a linked free chunk.
            unsafe {
                let chunk_size = free_size(chunk);
                if chunk_size >= size {
                    self.unlink_free(chunk, chunk_size);
                    return Some(self.carve(chunk, chunk_size, layout));
                }
                chunk = next_free(chunk);
            }
        }
        None
    }

    /// Makes `[base, end)`, just taken out of its bin, an allocated chunk that keeps at least
    /// `[base, used_end)` and gives the tail back if it can hold a chunk.
    ///
    /// # Safety
    /// `[base, end)` must be an unlinked former free chunk; `used_end` word-aligned, in it.
    #[inline(always)]
    pub(crate) unsafe fn place(
        &mut self,
        base: *mut u8,
        end: *mut u8,
        used_end: *mut u8,
        below_free: bool,
    ) {
        let tail = end.addr() - used_end.addr();
        // SAFETY: the chunk is the heap's; `end` is the next chunk's tag (it was above a
        // free chunk, and free chunks never touch).
        unsafe {
            if tail >= MIN_CHUNK {
                self.link_free(used_end, tail);
                write_tag(base, used_end, below_free);
            } else {
                set_below_free(end, false);
                write_tag(base, end, below_free);
            }
        }
    }
}
