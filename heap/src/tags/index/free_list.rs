//! The doubly linked lists that hold the free chunks, one list per bin.
//!
//! ```text
//!   bins[b] ──► A ⇄ B ⇄ C ──► null      next/prev hold chunk bases; A.prev is b's mark
//! ```
//!
//! The fields of a free chunk are in `free_chunk.rs`. A bin's first chunk holds the bin's
//! mark (its number, tagged with bit 0) as its `prev` link, so unlinking any chunk finds the
//! word that points at it without working out its bin from its size. Every link and unlink
//! keeps the bitmap in step, and none of them branches on whether a list is or becomes empty
//! (that changes from call to call, so such branches were often mispredicted): a link that
//! would go to a missing neighbour is written to `Heap::link_sink` instead, a word nobody
//! reads.
//!
//! ```text
//!   unlink B from  A ⇄ B ⇄ C:   A.next = C     C.prev = A
//!   unlink A from  A ⇄ B:       bins[b] = B    B.prev = mark(b)
//!   unlink A from  A:           bins[b] = null sink = mark(b)  bit b cleared
//! ```

use crate::tags::checking::poison::poison;
use crate::tags::index::bins::bin_of;
use crate::tags::layout::free_chunk::{bin_mark, read_mark, FreeChunk};
use crate::tags::Heap;
use crate::OutOfMemory;
use core::hint::select_unpredictable;

impl<G: OutOfMemory> Heap<G> {
    /// Sets the `prev` link of `node` to `to`, or writes `to` into the sink if `node` is null.
    ///
    /// Linking and unlinking meet a null neighbour whenever a list is or becomes empty, which
    /// varies from call to call, so a branch on it would often be mispredicted. Instead the
    /// write always happens: to `node`'s `prev` field, or to the heap's `link_sink`, a word
    /// nobody reads. `select_unpredictable` picks the address with a conditional move.
    ///
    /// # Safety
    /// `node` must be a free chunk being linked, or null.
    #[inline(always)]
    unsafe fn set_prev_or_sink(&mut self, node: *mut u8, to: *mut u8) {
        let field = select_unpredictable(
            node.is_null(),
            &raw mut self.link_sink,
            FreeChunk::at(node).prev_slot(),
        );
        // Worked out before the write: `field` may be the sink, inside `self`.
        let stored = self.stored_form(field, to);
        // SAFETY: `field` is `node`'s `prev` word, or the sink.
        unsafe { field.write(stored) }
    }

    /// Writes `[base, base + size)` as a free chunk with the links `next` and `prev`: its size
    /// words, its poison and its node. Its neighbours in the list are not touched.
    ///
    /// # Safety
    /// This function is unsafe because it writes the range, which must be as for
    /// [`Heap::link_free`].
    #[inline(always)]
    pub(crate) unsafe fn write_free_chunk(
        &mut self,
        base: *mut u8,
        size: usize,
        next: *mut u8,
        prev: *mut u8,
    ) {
        // SAFETY: forwarded contract.
        unsafe {
            let chunk = FreeChunk::format(base, size);
            poison(chunk, size);
            self.write_link(chunk.next_slot(), next);
            self.write_link(chunk.prev_slot(), prev);
        }
    }

    /// Turns `[base, base + size)` into a free chunk at the head of its bin.
    ///
    /// # Safety
    /// The range must be inside an arena, unused, start at a chunk boundary, and be a whole
    /// number of granules, at least `MIN_CHUNK`.
    #[inline(always)]
    pub(crate) unsafe fn link_free(&mut self, base: *mut u8, size: usize) {
        let bin = bin_of(size);
        let head = self.bins[usize::from(bin)];
        // SAFETY: the caller hands over the range; `head` is a free chunk when not null.
        unsafe {
            self.write_free_chunk(base, size, head, bin_mark(bin));
            self.set_prev_or_sink(head, base);
        }
        self.bins[usize::from(bin)] = base;
        self.bitmap.set(bin);
    }

    /// Grows the linked free chunk at `base` to `size` bytes in place: a merge after which
    /// the chunk stays in its bin (`stays_in_bin`) keeps its place in the list, and the bin's
    /// head and the bitmap stay as they are.
    ///
    /// # Safety
    /// `base` must be a linked free chunk, `[base, base + size)` free memory between two
    /// allocated chunks, and `size` in the chunk's bin.
    #[inline(always)]
    pub(crate) unsafe fn grow_in_bin(&mut self, base: *mut u8, size: usize) {
        // SAFETY: `base` is a free chunk.
        let old_size = unsafe { FreeChunk::at(base).size() };
        debug_assert_eq!(bin_of(size), bin_of(old_size));
        // SAFETY: by the caller's contract the range is the chunk's to write.
        unsafe {
            self.check_poison(base);
            poison(FreeChunk::format(base, size), size);
        }
    }

    /// Takes the free chunk at `base` out of its bin.
    ///
    /// # Safety
    /// `base` must be a linked free chunk.
    #[inline(always)]
    pub(crate) unsafe fn unlink_free(&mut self, base: *mut u8) {
        // SAFETY: `base` is linked, so its neighbours are linked free chunks, null or a mark
        // (with `harden`, checked: a corrupted list stops here with a report).
        unsafe {
            let (next, prev) = self.checked_links(base);
            self.check_poison(base);
            let (first, bin) = read_mark(prev);
            // The word that points at `base`: the bin's head if `base` comes first, else the
            // `next` link of `prev`. Picked without a branch, like `set_prev_or_sink`.
            let points_here = select_unpredictable(
                first,
                &raw mut self.bins[usize::from(bin)],
                FreeChunk::at(prev).next_slot(),
            );
            // A bin's head is kept as it is, a link in a chunk in its stored form (`links.rs`).
            let stored = self.stored_form(points_here, next);
            points_here.write(select_unpredictable(first, next, stored));
            self.set_prev_or_sink(next, prev);
            // The list is empty now only if `base` was its one node.
            self.bitmap.clear_if(bin, first && next.is_null());
        }
    }

    /// Takes the first chunk out of the non-empty bin `bin`; returns its base and size.
    ///
    /// # Safety
    /// `bin` must be non-empty (its bitmap bit set).
    #[inline(always)]
    pub(crate) unsafe fn pop_free(&mut self, bin: u8) -> (*mut u8, usize) {
        let base = self.bins[usize::from(bin)];
        // SAFETY: the bin is non-empty, so `base` is a linked free chunk at the list head
        // (with `harden`, checked like every unlink).
        let (next, size) = unsafe {
            let next = self.checked_links(base).0;
            self.check_poison(base);
            (next, FreeChunk::at(base).size())
        };
        self.bins[usize::from(bin)] = next;
        self.bitmap.mark(bin, !next.is_null());
        // SAFETY: `next` is a linked free chunk or null.
        unsafe { self.set_prev_or_sink(next, bin_mark(bin)) };
        (base, size)
    }
}
