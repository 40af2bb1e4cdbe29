//! `allocate_run`: several small blocks of one layout at once, carved one after another from
//! the chunk the first of them comes from (the cache fills a magazine with it).
//!
//! ```text
//!   first fitting bin of the request's bitmap word, else the designated victim:
//!   | tag | block | tag | block | tag | block | tail ...            |
//!   ^base         ^base + need  ^base + 2 need        the tail: binned, absorbed or
//!                                                     the victim again (`place`)
//!   neither: one block, as `allocate` gets it (the later words, the slow path, the hook)
//! ```
//!
//! Every block lands where the same number of `allocate` calls would put it. After a block
//! is carved from the front of a chunk found in the request's word, the tail that is left
//! lies in a bin between the request's own and the chunk's, all of which were empty, so the
//! next call would take that tail; the victim is carved from its front while it holds a
//! block, and nothing else changes in between. What the run saves is the search, the pop and
//! the binning of every tail but the last.

use crate::tags::errors::AllocError;
use crate::tags::index::bins::exact_bin;
use crate::tags::layout::block::chunk_need;
use crate::tags::layout::chunk::{write_tag, GRANULE, WORD};
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

impl<G: OutOfMemory> Heap<G> {
    /// Allocates between one and `count` blocks for `layout` (an alignment of at most
    /// `GRANULE`, a chunk of at most 512 bytes) and hands each to `each`; the blocks are
    /// those `count` calls of `allocate` would return, as far as they go. When neither a bin
    /// of the request's bitmap word nor the victim holds a block, the run is the one block
    /// `allocate` gets (from the later words, or after the hook).
    ///
    /// # Errors
    /// [`AllocError`] when not even one block fits, as `allocate` fails.
    ///
    /// # Safety
    /// The heap's arenas must be valid (the contract of `claim` and `extend`); `count >= 1`.
    #[inline(always)]
    pub(crate) unsafe fn allocate_run(
        &mut self,
        layout: Layout,
        count: usize,
        mut each: impl FnMut(NonNull<u8>),
    ) -> Result<(), AllocError> {
        debug_assert!(layout.align() <= GRANULE && count >= 1);
        let need = chunk_need(layout.size());
        let own = exact_bin(need);
        let (base, end, victim) = match self.bitmap.first_in_word_at_or_above(own) {
            // SAFETY: a set bitmap bit means a non-empty bin; every chunk in or above the
            // request's own exact bin holds `need` bytes.
            Some(bin) => unsafe {
                let (base, size) = self.pop_free(bin);
                (base, base.add(size), false)
            },
            None => match self.victim().filter(|&(_, size)| size >= need) {
                // SAFETY: the victim's range lies in its arena.
                Some((victim, size)) => (victim, unsafe { victim.add(size) }, true),
                None => {
                    // SAFETY: forwarded contract.
                    each(unsafe { self.allocate(layout) }?);
                    return Ok(());
                }
            },
        };
        // SAFETY: `[base, end)` is an unlinked free chunk (or the victim) of at least `need`
        // bytes, below an allocated chunk; every chunk carved is `need` bytes, and the last
        // one's tail is placed as `carve` places it.
        unsafe {
            let mut last = base;
            let mut left = count;
            while left > 1 && end.addr() - last.addr() >= 2 * need {
                write_tag(last, last.add(need), false);
                self.hand_out(last, layout.size(), &mut each);
                last = last.add(need);
                left -= 1;
            }
            if victim {
                self.place_in_victim(last, end, last.add(need), false);
            } else {
                self.place(last, end, last.add(need), false);
            }
            self.hand_out(last, layout.size(), &mut each);
        }
        Ok(())
    }

    /// Counts the block of the allocated chunk at `chunk` as `allocate` does, paints its
    /// redzone and hands it to `each`.
    ///
    /// # Safety
    /// `chunk` must be an allocated chunk the run just carved for a block of `size` bytes.
    #[inline(always)]
    unsafe fn hand_out(&mut self, chunk: *mut u8, size: usize, each: &mut impl FnMut(NonNull<u8>)) {
        // SAFETY: a chunk pointer is not null, nor is the block one word past it.
        let block = unsafe { NonNull::new_unchecked(chunk.add(WORD)) };
        self.stats.allocated(size);
        self.paint_redzone(block, size);
        each(block);
    }
}

#[cfg(test)]
mod tests {
    use crate::{Heap, NeverGrow, Span};
    use core::alloc::Layout;
    use core::ptr::NonNull;
    use std::vec;
    use std::vec::Vec;

    /// A heap over its own 16-aligned buffer, and the buffer's base address.
    fn heap(words: &mut [u128]) -> (Heap<NeverGrow>, usize) {
        let base = words.as_mut_ptr().cast::<u8>();
        let mut heap = Heap::new(NeverGrow);
        // SAFETY: the buffer outlives the heap and nothing else uses it.
        unsafe { heap.claim(Span::from_base_size(base, words.len() * 16)) }.unwrap();
        (heap, base.addr())
    }

    /// The heap's chunks as (offset, size, allocated), for comparing two heaps.
    fn map(heap: &Heap<NeverGrow>, base: usize) -> Vec<(usize, usize, bool)> {
        heap.chunks()
            .map(|chunk| (chunk.base.addr() - base, chunk.size, chunk.allocated))
            .collect()
    }

    /// A run hands out the blocks that as many calls of `allocate` would, and leaves the
    /// heap as they would, from fragmented heaps (holes in many bins, a victim or none).
    #[test]
    fn a_run_is_what_as_many_allocations_would_be() {
        let words = if cfg!(miri) { 1 << 10 } else { 1 << 13 };
        let (mut ran, mut called) = (vec![0u128; words], vec![0u128; words]);
        let ((mut ran, ran_base), (mut called, called_base)) = (heap(&mut ran), heap(&mut called));
        let mut live: Vec<(NonNull<u8>, NonNull<u8>, Layout)> = Vec::new();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound) as usize
        };
        let (mut runs, mut longer) = (0, 0);
        for _ in 0..if cfg!(miri) { 100 } else { 3000 } {
            if next(3) == 0 && !live.is_empty() {
                let (a, b, layout) = live.swap_remove(next(live.len() as u64));
                // SAFETY: live blocks of each heap, allocated with `layout`.
                unsafe {
                    ran.deallocate(a, layout);
                    called.deallocate(b, layout);
                }
                continue;
            }
            let layout = Layout::from_size_align(1 + next(264), 16).unwrap();
            let mut blocks = Vec::new();
            // SAFETY: the heap's buffer is valid.
            let run = unsafe { ran.allocate_run(layout, 1 + next(4), |block| blocks.push(block)) };
            for &block in &blocks {
                // SAFETY: as above.
                let same = unsafe { called.allocate(layout) }.expect("the run's blocks fit");
                assert_eq!(
                    block.addr().get() - ran_base,
                    same.addr().get() - called_base
                );
                live.push((block, same, layout));
            }
            if run.is_err() {
                // SAFETY: as above.
                let single = unsafe { called.allocate(layout) };
                assert!(
                    blocks.is_empty() && single.is_err(),
                    "only a full heap fails a run"
                );
            }
            runs += 1;
            longer += usize::from(blocks.len() > 1);
            assert_eq!(map(&ran, ran_base), map(&called, called_base));
            assert_eq!(ran.check(), Ok(()));
            assert_eq!(ran.counters(), called.counters());
        }
        assert!(
            longer * 10 > runs,
            "{longer} of {runs} runs carved more than one block"
        );
    }
}
