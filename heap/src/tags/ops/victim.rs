//! The designated victim (dlmalloc's `dv`): the free chunk that the last search of the later
//! bitmap words split, kept out of the bins, so that the requests after it are carved from
//! its front without popping a bin or linking a remainder.
//!
//! ```text
//!   bins[VICTIM] ──► | next = null | prev = mark(VICTIM) | size | ...     | size |
//!                    ^ victim                                                      ^ end
//!   carve need:      | tag | block  | next = null | prev = mark(VICTIM) | size … | size |
//!                    ^ victim        ^ the new victim: bins[VICTIM], no bitmap bit
//! ```
//!
//! The victim is an ordinary linked free chunk in a slot of its own, `VICTIM` (255, which no
//! size maps to), whose bitmap bit is never set, so the bitmap searches do not see it. A block
//! freed next to it joins it (`free.rs`), a block shrinking below it gives it its tail
//! (`resize.rs`), and a block growing into it leaves the rest as the victim
//! (`grow_block.rs`); extending or truncating the arena unlink it as any free chunk
//! (`unlink_free`), and the merged chunk goes to its bin. `allocate` turns to it only when the
//! bitmap word of the request has no fitting bin (`alloc.rs`), before the later words; the
//! search there makes the remainder of the chunk it splits the new victim, and the old one
//! goes to its bin. The slow path tries it before the hook (`search.rs`), so memory held by it
//! is never reported missing.

use crate::tags::layout::chunk::{set_below_free, write_tag, MIN_CHUNK, WORD};
use crate::tags::layout::free_chunk::{bin_mark, FreeChunk};
use crate::tags::Heap;
use crate::OutOfMemory;
use core::ptr::{null_mut, NonNull};

/// The bin slot that holds the designated victim: no chunk size maps to it (`BIN_COUNT` is
/// below it), and its bitmap bit stays clear.
pub(crate) const VICTIM: u8 = u8::MAX;

impl<G: OutOfMemory> Heap<G> {
    /// The designated victim, if there is one: its base and size.
    #[inline(always)]
    pub(crate) fn victim(&self) -> Option<(*mut u8, usize)> {
        let victim = self.bins[usize::from(VICTIM)];
        // SAFETY: a non-null slot holds a linked free chunk.
        (!victim.is_null()).then(|| (victim, unsafe { FreeChunk::at(victim).size() }))
    }

    /// Makes the free chunk `[base, base + size)`, which holds the designated victim and the
    /// chunks a free merged with it, the victim.
    ///
    /// # Safety
    /// The range must be free memory of an arena that holds the victim's, merged with none
    /// but linked-out free chunks, between two allocated chunks.
    #[inline(always)]
    pub(crate) unsafe fn grow_victim(&mut self, base: *mut u8, size: usize) {
        // SAFETY: by the caller's contract the range is the heap's to write.
        unsafe { self.write_victim(base, size) };
    }

    /// Writes the free chunk `[base, base + size)` as the designated victim: its size words,
    /// its poison, no `next`, the victim's mark as `prev`; the slot points at it.
    ///
    /// # Safety
    /// This function is unsafe because it writes the range, which must be free memory of an
    /// arena, at least `MIN_CHUNK` bytes, between two allocated chunks.
    #[inline(always)]
    unsafe fn write_victim(&mut self, base: *mut u8, size: usize) {
        // SAFETY: forwarded contract.
        unsafe { self.write_free_chunk(base, size, null_mut(), bin_mark(VICTIM)) };
        self.bins[usize::from(VICTIM)] = base;
    }

    /// Makes `[base, end)`, which holds the designated victim's memory (the victim itself, or
    /// a live chunk that absorbs it), an allocated chunk that keeps at least `[base,
    /// used_end)`; the tail stays the victim if it can be a chunk, else goes with the block.
    ///
    /// # Safety
    /// `[base, end)` must be the victim's memory, possibly with a live chunk below it whose
    /// tag is at `base`; `used_end` a chunk boundary in it, at or above the victim's base.
    #[inline(always)]
    pub(crate) unsafe fn place_in_victim(
        &mut self,
        base: *mut u8,
        end: *mut u8,
        used_end: *mut u8,
        below_free: bool,
    ) {
        let tail = end.addr() - used_end.addr();
        // SAFETY: the range is the heap's; `end` is the tag of the chunk above the victim.
        unsafe {
            if tail >= MIN_CHUNK {
                self.write_victim(used_end, tail);
                write_tag(base, used_end, below_free);
            } else {
                set_below_free(end, false);
                self.bins[usize::from(VICTIM)] = null_mut();
                write_tag(base, end, below_free);
            }
        }
    }

    /// A chunk of `need` bytes (a request aligned to at most `GRANULE`) from beyond the
    /// bitmap word of the bin `own`: the designated victim's front if it holds it, else the
    /// first chunk of the later words, whose remainder becomes the new victim (the old one
    /// goes to its bin). `None` if neither has one; counts nothing.
    ///
    /// # Safety
    /// The heap's arenas must be valid; `need` a chunk size (`chunk_need`) and `own` a bin
    /// whose every chunk above it holds `need` bytes.
    #[inline(always)]
    pub(crate) unsafe fn take_beyond_word(&mut self, own: u8, need: usize) -> Option<NonNull<u8>> {
        if let Some((victim, size)) = self.victim().filter(|&(_, size)| size >= need) {
            // SAFETY: the victim holds `need` bytes.
            unsafe { self.place_in_victim(victim, victim.add(size), victim.add(need), false) };
            // SAFETY: a chunk pointer is not null, nor is its block's.
            return Some(unsafe { NonNull::new_unchecked(victim.add(WORD)) });
        }
        let bin = self.bitmap.first_in_later_words(own)?;
        // SAFETY: a bin in a later word lies above `own`, so its chunks all hold `need`.
        unsafe {
            let (base, size) = self.pop_free(bin);
            if size - need < MIN_CHUNK {
                return Some(self.carve_from_front(base, size, need));
            }
            if let Some((old, old_size)) = self.victim() {
                self.link_free(old, old_size);
            }
            self.place_in_victim(base, base.add(size), base.add(need), false);
            Some(NonNull::new_unchecked(base.add(WORD)))
        }
    }
}
