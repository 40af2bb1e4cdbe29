//! The compare-and-swap at the heart of `Bump`: placing a layout after a level, claiming the
//! bytes by moving `consumed` up, and giving the last block's bytes back by moving it down.
//!
//! # Memory orderings
//!
//! `consumed` only partitions the region. Every successful compare-and-swap is a
//! read-modify-write, and the read-modify-writes of one atomic form a single modification
//! order in which each reads the value the previous one wrote: two claims never read the same
//! level, so they always get disjoint bytes, whatever the ordering. The bytes themselves are
//! passed on with the pointer (by a channel, a lock, a spawn), which orders them; the counter
//! does not have to.
//!
//! Giving bytes back changes that. Thread A writes its block, then frees it (`consumed` moves
//! from the block's end down to its start); thread B's next claim hands B the same bytes and B
//! writes them. Nothing else orders A's writes before B's, so with `Relaxed` on both sides the
//! two would be unordered plain writes to the same bytes: a data race (Miri reports it). Hence:
//!
//! * a claim (`alloc_at`, so `alloc`, `leak` and an in-place grow) succeeds with `Acquire`;
//! * a give-back (a freed or shrunk last block) succeeds with `Release`.
//!
//! B's claim reads the value A's give-back wrote or a later one; every later write is a
//! read-modify-write, so it stays in the give-back's release sequence and B synchronizes with
//! A. Failed compare-and-swaps hand out nothing and are `Relaxed`, as is `level()`: a level is
//! only a number to pass back to `alloc_at`, whose own success acquires. `reset` takes
//! `&mut self`, already ordered after every earlier use. `SeqCst` adds one total order over
//! all `SeqCst` operations on all atomics; with one atomic that buys nothing
//! (`benches/bump.rs` measures what it would cost).

use core::alloc::Layout;
use core::ptr::{self, NonNull};
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use super::{Allocation, Bump, Failure, Level};

impl<T> Bump<T> {
    /// The current level: how many bytes are consumed. Other threads may move it at any time.
    pub fn level(&self) -> Level {
        Level(self.consumed.load(Relaxed))
    }

    /// Allocates a block for `layout`; `None` when the region has no room left for it.
    ///
    /// A zero-size layout gets an aligned dangling pointer and consumes nothing. Layouts too
    /// large or too aligned for the region (up to `isize::MAX`) get `None`, never a panic.
    pub fn alloc(&self, layout: Layout) -> Option<NonNull<u8>> {
        if layout.size() == 0 {
            return Some(dangling(layout));
        }
        let mut level = self.level();
        loop {
            match self.alloc_at(layout, level) {
                Ok(allocation) => return Some(allocation.ptr),
                Err(Failure::Mismatch { observed }) => level = observed,
                Err(Failure::Exhausted) => return None,
            }
        }
    }

    /// Allocates a block for `layout` right after `level` (plus alignment padding), but only if
    /// the allocator's level is `level` now.
    ///
    /// Chaining the returned [`Allocation::level`] lays blocks out contiguously. A zero-size
    /// layout gets an aligned dangling pointer and leaves the level as it is.
    ///
    /// A level is a byte count, not a version: if blocks were allocated and then given back
    /// down to `level` since it was read, the level is `level` again and the call succeeds.
    /// The block still follows the bytes below `level` directly, which is what chaining needs.
    ///
    /// ```
    /// use core::alloc::{GlobalAlloc, Layout};
    /// use tagheap::Bump;
    ///
    /// static BUMP: Bump<[u64; 64]> = Bump::uninit();
    /// let word = Layout::new::<u64>();
    /// let level = BUMP.level();
    /// let block = BUMP.alloc(word).unwrap();
    /// // SAFETY: the last block, given back with its own layout.
    /// unsafe { BUMP.dealloc(block.as_ptr(), word) };
    /// assert!(BUMP.alloc_at(word, level).is_ok(), "the level came back to where it was");
    /// ```
    ///
    /// # Errors
    ///
    /// [`Failure::Exhausted`] if the block would not fit after `level` (tested first, with
    /// checked arithmetic, so a level from another `Bump` is only a number and cannot wrap);
    /// [`Failure::Mismatch`] with the level observed instead if the allocator is elsewhere.
    pub fn alloc_at(&self, layout: Layout, level: Level) -> Result<Allocation, Failure> {
        if layout.size() == 0 {
            let observed = self.level();
            if observed != level {
                return Err(Failure::Mismatch { observed });
            }
            let ptr = dangling(layout);
            return Ok(Allocation { ptr, layout, level });
        }
        let (start, end) = self.place(layout, level).ok_or(Failure::Exhausted)?;
        if let Err(now) = self
            .consumed
            .compare_exchange(level.0, end, Acquire, Relaxed)
        {
            let observed = Level(now);
            return Err(Failure::Mismatch { observed });
        }
        // SAFETY: `place` checked `start + layout.size() <= capacity()`: in the region.
        let ptr = unsafe { self.region_start().add(start) };
        let level = Level(end);
        Ok(Allocation { ptr, layout, level })
    }

    /// The start and end offsets a block for `layout` would get at `level`, or `None` if it
    /// does not fit. Works on addresses, so alignments above `align_of::<T>()` are honoured;
    /// every step is checked, so no layout or foreign level can wrap around.
    fn place(&self, layout: Layout, level: Level) -> Option<(usize, usize)> {
        let base = self.region_start().addr().get();
        let first_free = base.checked_add(level.0)?;
        let align_mask = layout.align() - 1;
        let start = (first_free.checked_add(align_mask)? & !align_mask) - base;
        let end = start.checked_add(layout.size())?;
        (end <= self.capacity()).then_some((start, end))
    }

    /// Moves the level from `end` down to `start` if it is still at `end`, giving the bytes in
    /// between back for reuse; returns whether it did. `Release`: see the module docs.
    pub(super) fn give_back(&self, end: usize, start: usize) -> bool {
        self.consumed
            .compare_exchange(end, start, Release, Relaxed)
            .is_ok()
    }
}

/// An aligned, dangling pointer for a zero-size `layout`; it points at no storage.
pub(super) fn dangling(layout: Layout) -> NonNull<u8> {
    // SAFETY: an alignment is a power of two, so the address is never zero.
    unsafe { NonNull::new_unchecked(ptr::without_provenance_mut(layout.align())) }
}
