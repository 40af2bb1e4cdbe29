//! `realloc` on the cache: a block stays where it is while its class does not change, moves
//! through the magazines from one class to another, and changes size in place when it
//! enters or leaves the classes and the heap can resize it.
//!
//! ```text
//!   old class == new class   ──► the same block (it already has the class's bytes)
//!   neither layout cached    ──► Heap::realloc (in place when it can), flush and retry
//!   another class            ──► allocate, copy, deallocate: through this CPU's
//!                                magazines, under one pin
//!   into or out of a class   ──► the heap resizes the chunk in place, from the old class's
//!                                size (or layout) to the new one's: shrink always can, grow
//!                                if the chunk above is free; else allocate, copy, deallocate
//! ```
//!
//! With `debug-checks`, the block of a cached layout is checked first as a free checks it
//! (`debug.rs`): live in the heap, and not in a magazine.
//!
//! A block resized in place is exactly what the heap would have handed out for the new
//! layout (a chunk of the new class's size, aligned to 16), so it may enter that class's
//! magazines when it is freed. Between two classes nothing is tried in place: a cached
//! block's neighbours are mostly blocks waiting in magazines, which the heap counts as
//! allocated, so a grow in place nearly always failed (6 of 91,806 tries on sqlite's trace,
//! `QUICK=1`), each after the heap's lock and a failed check; and a shrink in place, under
//! the lock, cost more than taking a block from a magazine and giving the old one back to
//! its own. Moving the grows took sqlite from 95.6 to 74.3 instructions per operation, and
//! moving the shrinks too took perl from 67.9 to 62.6; no trace's heap efficiency fell (gcc
//! and perl gained 0.2 points; callgrind and the efficiency replay, 2026-12-07 night).

use super::classes::{class_layout, class_of};
use super::{CachedHeap, Cpu};
use crate::resized::resized;
use crate::{AllocError, Heap, OutOfMemory};
use core::alloc::Layout;
use core::ptr::NonNull;
use lock_api::RawMutex;

impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
    CachedHeap<R, G, C, CPUS, M>
{
    /// Resizes the block at `ptr` to `new_size` bytes, keeping its alignment. On error (no
    /// memory, even after a flush, or a size that overflows the layout) the old block is
    /// unchanged and still live.
    ///
    /// # Safety
    /// `ptr` must be a live block of this cache allocated with `layout`.
    pub unsafe fn realloc(
        &self,
        ptr: NonNull<u8>,
        layout: Layout,
        new_size: usize,
    ) -> Result<NonNull<u8>, AllocError> {
        #[cfg(all(feature = "debug-checks", debug_assertions))]
        if let Some(class) = class_of(layout) {
            self.verify_cached(ptr, class, "realloc");
        }
        let new = resized(layout, new_size).ok_or(AllocError)?;
        match (class_of(layout), class_of(new)) {
            (Some(old), Some(new)) if old == new => Ok(ptr),
            // SAFETY: a block the heap handed out with `layout`, by the caller's contract.
            (None, None) => unsafe {
                let realloc = |heap: &mut Heap<G>| heap.checked_realloc(ptr, layout, new_size);
                self.heap.locked(realloc).or_else(|_| {
                    self.flush();
                    self.heap.locked(realloc)
                })
            },
            // SAFETY: a live block of a class, by the caller's contract.
            (Some(from), Some(to)) => unsafe {
                self.move_between_classes(ptr, (layout, from), (new, to))
            },
            // SAFETY: as above; the heap knows the block by its class's layout when cached.
            _ => unsafe {
                match self.resize_in_place(ptr, layout, new) {
                    Some(resized) => Ok(resized),
                    None => self.move_block(ptr, layout, new),
                }
            },
        }
    }

    /// Moves the block at `ptr` into a new block for `new`, through the magazines where the
    /// layouts are cached: allocate, copy, deallocate. On error the old block is unchanged.
    ///
    /// # Safety
    /// `ptr` must be a live block of this cache allocated with `old`.
    #[inline(always)]
    unsafe fn move_block(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: forwarded contract; the new block is fresh, so the two do not overlap.
        unsafe {
            let moved = self.allocate(new)?;
            moved.copy_from_nonoverlapping(ptr, old.size().min(new.size()));
            self.deallocate(ptr, old);
            Ok(moved)
        }
    }

    /// Moves the block at `ptr` (allocated with `old`, of class `from`) into a block for
    /// `new`, of class `to`, under one pin: from and into this CPU's magazines.
    ///
    /// # Safety
    /// `ptr` must be a live block of this cache allocated with `old`.
    #[inline(always)]
    unsafe fn move_between_classes(
        &self,
        ptr: NonNull<u8>,
        (old, from): (Layout, usize),
        (new, to): (Layout, usize),
    ) -> Result<NonNull<u8>, AllocError> {
        let pin = C::pin();
        let Some(cpu) = self.cpu(&pin) else {
            C::no_slot(&pin);
            // SAFETY: forwarded contract; without a slot both go through the heap.
            return unsafe { self.move_block(ptr, old, new) };
        };
        // SAFETY: pinned; the new block is fresh, so the two do not overlap; the old block
        // is copied before it is given up.
        unsafe {
            let moved = self.allocate_on(cpu, to)?;
            moved.copy_from_nonoverlapping(ptr, old.size().min(new.size()));
            self.deallocate_on(cpu, from, ptr);
            Ok(moved)
        }
    }

    /// Resizes the block at `ptr` from `old` to `new` (one of them cached, the other not)
    /// without moving it, if the heap can; `None` leaves it unchanged.
    ///
    /// # Safety
    /// `ptr` must be a live block of this cache allocated with `old`; `new` has its alignment.
    unsafe fn resize_in_place(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Option<NonNull<u8>> {
        let from = class_of(old).map_or(old, class_layout);
        let to = class_of(new).map_or(new, class_layout);
        // SAFETY: the heap handed the block out with `from`, the class's layout when cached.
        self.heap.locked(|heap| unsafe {
            if to.size() <= from.size() {
                heap.checked_shrink(ptr, from, to.size()).map(Some)
            } else {
                heap.checked_grow_in_place(ptr, from, to.size())
                    .map(Result::ok)
            }
        })
    }
}
