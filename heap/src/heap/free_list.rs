//! Free chunks and the doubly linked lists that hold them, one list per bin.
//!
//! ```text
//!   free chunk of n >= 4 words
//!   base                                         end
//!   | next | prev | size | ...unused...  | size |
//!
//!   free chunk of 3 words: the two sizes are one word
//!   | next | prev | size |
//!
//!   bins[b] ──► A ⇄ B ⇄ C ──► null      next/prev hold chunk bases; A.prev is null
//! ```
//!
//! `next` is a word-aligned pointer, so bit 0 of a free chunk's first word is clear: that is
//! how the chunk below tells a free neighbour from an allocated one. The size at the top lets
//! the chunk above find this chunk's base; the size at `base + 2 WORD` lets the chunk below
//! find its end. Every link and unlink keeps the bitmap in step.
//!
//! None of them branches on whether a list is or becomes empty (that changes from call to
//! call, so such branches were often mispredicted): a link that would go to a missing
//! neighbour is written to `Heap::link_sink` instead, a word nobody reads.
//!
//! ```text
//!   unlink B from  A ⇄ B ⇄ C:   A.next = C     C.prev = A
//!   unlink A from  A ⇄ B:       bins[b] = B    B.prev = null
//!   unlink A from  A:           bins[b] = null sink = null     bit b cleared
//! ```

use super::bins::bin_of;
use super::chunk::WORD;
use super::Heap;
use crate::Grow;
use core::hint::select_unpredictable;
use core::ptr::null_mut;

const NEXT: usize = 0;
const PREV: usize = WORD;
const SIZE: usize = 2 * WORD;

/// Reads the pointer-sized field at `base + offset`.
///
/// # Safety
/// `base` must be a free chunk (so the field holds a link).
#[inline(always)]
pub(crate) unsafe fn link(base: *mut u8, offset: usize) -> *mut u8 {
    // SAFETY: a free chunk holds its links in its first two words.
    unsafe { base.add(offset).cast::<*mut u8>().read() }
}

/// Writes the pointer-sized field at `base + offset`.
///
/// # Safety
/// `base` must be a free chunk being linked (its first words are the heap's to write).
#[inline(always)]
unsafe fn set_link(base: *mut u8, offset: usize, to: *mut u8) {
    // SAFETY: as above.
    unsafe { base.add(offset).cast::<*mut u8>().write(to) }
}

/// Sets the `prev` link of `node` to `to`, or writes `to` into `sink` if `node` is null.
///
/// Linking and unlinking meet a null neighbour whenever a list is or becomes empty, which
/// varies from call to call, so a branch on it would often be mispredicted. Instead the
/// write always happens: to `node`'s `prev` field, or to the heap's `link_sink`, a word
/// nobody reads. `select_unpredictable` picks the address with a conditional move.
///
/// # Safety
/// `node` must be a free chunk being linked, or null; `sink` must be writable.
#[inline(always)]
unsafe fn set_prev_or_sink(sink: *mut *mut u8, node: *mut u8, to: *mut u8) {
    let field = select_unpredictable(
        node.is_null(),
        sink,
        node.wrapping_add(PREV).cast::<*mut u8>(),
    );
    // SAFETY: `field` is `node`'s `prev` word, or the sink.
    unsafe { field.write(to) }
}

/// The `next` link of the free chunk at `base`.
///
/// # Safety
/// `base` must be a free chunk.
#[inline(always)]
pub(crate) unsafe fn next_free(base: *mut u8) -> *mut u8 {
    // SAFETY: forwarded contract.
    unsafe { link(base, NEXT) }
}

/// The `prev` link of the free chunk at `base`.
///
/// # Safety
/// `base` must be a free chunk.
#[inline(always)]
pub(crate) unsafe fn prev_free(base: *mut u8) -> *mut u8 {
    // SAFETY: forwarded contract.
    unsafe { link(base, PREV) }
}

/// The size of the free chunk at `base`, read from its low size word.
///
/// # Safety
/// `base` must be a free chunk.
#[inline(always)]
pub(crate) unsafe fn free_size(base: *mut u8) -> usize {
    // SAFETY: a free chunk keeps its size in its third word.
    unsafe { base.add(SIZE).cast::<usize>().read() }
}

/// The size of the free chunk that ends at `end`, read from its top size word.
///
/// # Safety
/// The chunk just below `end` must be free.
#[inline(always)]
pub(crate) unsafe fn free_size_below(end: *mut u8) -> usize {
    // SAFETY: a free chunk keeps its size in its last word.
    unsafe { end.sub(WORD).cast::<usize>().read() }
}

impl<G: Grow> Heap<G> {
    /// Turns `[base, base + size)` into a free chunk at the head of its bin.
    ///
    /// # Safety
    /// The range must be inside an arena, unused, word-aligned and at least `MIN_CHUNK`.
    #[inline(always)]
    pub(crate) unsafe fn link_free(&mut self, base: *mut u8, size: usize) {
        let bin = bin_of(size);
        let head = self.bins[bin];
        // SAFETY: the caller hands over the range; `head` is a free chunk when not null.
        unsafe {
            set_link(base, NEXT, head);
            set_link(base, PREV, null_mut());
            base.add(SIZE).cast::<usize>().write(size);
            base.add(size - WORD).cast::<usize>().write(size);
            set_prev_or_sink(&raw mut self.link_sink, head, base);
        }
        self.bins[bin] = base;
        self.bitmap.set(bin);
    }

    /// Takes the free chunk at `base` (of `size` bytes) out of its bin.
    ///
    /// # Safety
    /// `base` must be a linked free chunk of `size` bytes.
    #[inline(always)]
    pub(crate) unsafe fn unlink_free(&mut self, base: *mut u8, size: usize) {
        let bin = bin_of(size);
        // SAFETY: `base` is linked, so its neighbours are linked free chunks or null.
        unsafe {
            let next = next_free(base);
            let prev = prev_free(base);
            // The word that points at `base`: the bin's head if `base` comes first, else the
            // `next` link of `prev`. Picked without a branch, like `set_prev_or_sink`.
            let points_here = select_unpredictable(
                prev.is_null(),
                &raw mut self.bins[bin],
                prev.wrapping_add(NEXT).cast::<*mut u8>(),
            );
            points_here.write(next);
            set_prev_or_sink(&raw mut self.link_sink, next, prev);
            // The list is empty now only if `base` was its one node.
            self.bitmap.mark(bin, !(prev.is_null() && next.is_null()));
        }
    }

    /// Takes the first chunk out of the non-empty bin `bin`; returns its base and size.
    ///
    /// # Safety
    /// `bin` must be non-empty (its bitmap bit set).
    #[inline(always)]
    pub(crate) unsafe fn pop_free(&mut self, bin: usize) -> (*mut u8, usize) {
        let base = self.bins[bin];
        // SAFETY: the bin is non-empty, so `base` is a linked free chunk at the list head.
        let (next, size) = unsafe { (next_free(base), free_size(base)) };
        self.bins[bin] = next;
        self.bitmap.mark(bin, !next.is_null());
        // SAFETY: `next` is a linked free chunk or null.
        unsafe { set_prev_or_sink(&raw mut self.link_sink, next, null_mut()) };
        (base, size)
    }
}
