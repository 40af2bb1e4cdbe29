//! Growing live blocks: in place by absorbing the free chunk above, by moving otherwise.
//!
//! ```text
//!   in place   | tag  old ... | free above          |  →  | tag  new ............ | tail |
//!   moved      | tag  old ... | allocated |            →  copy to a new chunk, free the old
//! ```
//!
//! What is left of the absorbed chunk goes back to the bins if it can hold a chunk (else it
//! stays in the block); what is left of an absorbed designated victim stays the victim
//! (`victim.rs`), so a block growing step by step at the victim's edge touches no bin. `grow` copies only when growing in place fails, and after the hook
//! has run it tries in place again, so an arena extended right above the block is used. The
//! `Allocator`'s grow, which may change the alignment, is `relocate.rs`.

use crate::resized::resized;
use crate::tags::errors::AllocError;
use crate::tags::layout::block::{block_room, chunk_of};
use crate::tags::layout::chunk::{first_word, is_allocated};
use crate::tags::layout::free_chunk::FreeChunk;
use crate::tags::ops::preconditions::Checked;
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

impl<G: OutOfMemory> Heap<G> {
    /// Grows the block at `ptr` to `new_size` bytes without moving it, if the chunk above is
    /// free and large enough. Fails with `AllocError` otherwise (or if the size overflows);
    /// the block is then unchanged.
    ///
    /// # Safety
    /// `ptr` must be a live block of this heap allocated with `old`.
    ///
    /// # Panics
    /// If `new_size < old.size()`, or if `ptr` lies in no arena; with `debug-checks`, as
    /// [`Heap::deallocate`] does for a block that is not live with `old`.
    pub unsafe fn grow_in_place(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: forwarded contract.
        unsafe { self.checked_grow_in_place(ptr, old, new_size) }.unwrap_or_else(|m| self.raise(m))
    }

    /// `grow_in_place`, with a misuse returned (before anything changed) instead of raised.
    ///
    /// # Safety
    /// As for `grow_in_place`.
    pub(crate) unsafe fn checked_grow_in_place(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Checked<Result<NonNull<u8>, AllocError>> {
        self.check_grow(ptr, old, new_size, "grow_in_place")?;
        if resized(old, new_size).is_none() {
            return Ok(Err(AllocError));
        }
        let block = self.lookup(ptr, "grow_in_place")?;
        // SAFETY: `block` is the live block `ptr`, with its arena's provenance.
        if unsafe { self.extend_chunk(block.as_ptr(), new_size) } {
            self.stats.resized(old.size(), new_size);
            Ok(self.painted(Ok(block), new_size))
        } else {
            Ok(Err(AllocError))
        }
    }

    /// Grows the block at `ptr` to `new_size` bytes: in place if possible, otherwise by
    /// allocating, copying `old.size()` bytes and freeing the old block. When neither works
    /// the hook runs and both are tried again (so an extended arena is grown into in place).
    /// On error (no memory, or a size that overflows a `Layout`) the old block is unchanged
    /// and still live.
    ///
    /// # Safety
    /// `ptr` must be a live block of this heap allocated with `old`; on success, only the
    /// returned pointer may be used.
    ///
    /// # Panics
    /// As [`Heap::grow_in_place`].
    pub unsafe fn grow(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: forwarded contract.
        unsafe { self.checked_grow(ptr, old, new_size) }.unwrap_or_else(|m| self.raise(m))
    }

    /// `grow`, with a misuse returned (before anything changed) instead of raised.
    ///
    /// # Safety
    /// As for `grow`.
    pub(crate) unsafe fn checked_grow(
        &mut self,
        ptr: NonNull<u8>,
        old: Layout,
        new_size: usize,
    ) -> Checked<Result<NonNull<u8>, AllocError>> {
        let Some(new) = resized(old, new_size) else {
            return Ok(Err(AllocError));
        };
        self.check_grow(ptr, old, new_size, "grow")?;
        match self.in_newest_arena(ptr) {
            // SAFETY: `block` is the live block `ptr`, with its arena's provenance.
            Some(block) if unsafe { chunk_holds(block.as_ptr(), new_size) } => {
                self.stats.resized(old.size(), new_size);
                Ok(self.painted(Ok(block), new_size))
            }
            // SAFETY: forwarded contract.
            newest => unsafe { self.grow_beyond_chunk(ptr, newest, old, new) }
                .map(|outcome| self.painted(outcome, new_size)),
        }
    }

    /// `grow` when the block's chunk is too small (absorb the chunk above, else move) or lies
    /// in an older arena. Out of line and reached by a tail call, so that a block whose chunk
    /// already has the room (common in real traces: `heap/INTERNALS.md`) saves no registers
    /// for it. `newest` is the block as the newest arena's lookup found it (`None` when that
    /// arena does not hold `ptr`), so that the common case is not looked up twice.
    ///
    /// # Safety
    /// As for `grow`; `new` is the layout of `new_size` bytes at `old`'s alignment.
    #[inline(never)]
    unsafe fn grow_beyond_chunk(
        &mut self,
        ptr: NonNull<u8>,
        newest: Option<NonNull<u8>>,
        old: Layout,
        new: Layout,
    ) -> Checked<Result<NonNull<u8>, AllocError>> {
        let block = match newest {
            Some(block) => block,
            None => self.lookup(ptr, "grow")?,
        };
        // SAFETY: `block` is the live block `ptr`, with its arena's provenance; it sits where
        // its own alignment puts it, so it may grow in place.
        Ok(unsafe { self.resize_or_move(block, old, new, true) })
    }

    /// Makes the chunk of the live block at `ptr` reach `ptr + new_size` by absorbing the free
    /// chunk above; `false` (and no change) if it cannot.
    ///
    /// # Safety
    /// `ptr` must be a live block of this heap, with its arena's provenance; `new_size` at
    /// most `isize::MAX` (a `Layout`'s size).
    #[inline(always)]
    pub(crate) unsafe fn extend_chunk(&mut self, ptr: *mut u8, new_size: usize) -> bool {
        // SAFETY: the block is live, so its tag and the chunk above are valid.
        unsafe {
            if chunk_holds(ptr, new_size) {
                return true;
            }
            let (base, tag) = chunk_of(ptr);
            let end = tag.end();
            let above = first_word(end);
            if is_allocated(above) {
                return false;
            }
            let above_end = FreeChunk::at(end).end();
            let room = block_room(new_size);
            if room > above_end.addr() - ptr.addr() {
                return false;
            }
            if self.victim().is_some_and(|(victim, _)| victim == end) {
                self.place_in_victim(base, above_end, ptr.add(room), tag.below_is_free());
            } else {
                self.unlink_free(end);
                self.place(base, above_end, ptr.add(room), tag.below_is_free());
            }
        }
        true
    }
}

/// Whether the chunk of the live block at `ptr` already reaches `ptr + block_room(new_size)`
/// (the block grows within the rounding of its chunk, or back into a tail a shrink kept).
///
/// # Safety
/// `ptr` must be a live block of a heap, with its arena's provenance.
#[inline(always)]
unsafe fn chunk_holds(ptr: *mut u8, new_size: usize) -> bool {
    // SAFETY: forwarded contract.
    let (_, tag) = unsafe { chunk_of(ptr) };
    block_room(new_size) <= tag.end().addr() - ptr.addr()
}
