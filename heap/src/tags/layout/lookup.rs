//! From a caller's block pointer to the same address with the provenance of its arena.
//!
//! ```text
//!   caller's pointer ──► which arena holds it? ──► record.with_addr(ptr)
//!                        newest arena first (O(1) with one arena), then the older ones
//! ```
//!
//! A pointer handed back to `deallocate`, `grow` or `shrink` may carry the provenance of the
//! value alone (a `Box`'s pointer may touch only the box's contents), not of the tag below it.
//! The heap owns its arenas, so it reaches tags, back pointers and free-chunk fields through
//! pointers derived from an arena's end record, which carries the provenance `claim` and
//! `extend` were given. The caller's pointer only supplies the address. A pointer that lies
//! in no arena cannot be a block of this heap: the lookup finds nothing, and the operation
//! reports a misuse (`preconditions.rs`).

use crate::tags::layout::arena::Record;
use crate::tags::Heap;
use crate::OutOfMemory;
use core::ptr::NonNull;

/// Whether `addr` lies strictly above the base and below the end record of the arena whose
/// record is `record`, as every block pointer does (`Record::NONE`: no arena, `false`).
///
/// # Safety
/// `record` must be `Record::NONE` or the end record of a live arena.
#[inline(always)]
unsafe fn holds(record: Record, addr: usize) -> bool {
    // The record is read only when `addr` lies below it, so never when it is `NONE`.
    // SAFETY: `record` is a live end record when `addr < record`.
    addr < record.addr() && unsafe { record.base() }.addr() < addr
}

/// The address of `ptr` with the provenance of `record`.
#[inline(always)]
fn with_provenance_of(record: Record, ptr: NonNull<u8>) -> NonNull<u8> {
    // SAFETY: the address is that of `ptr`, which is not null.
    unsafe { NonNull::new_unchecked(record.as_ptr().with_addr(ptr.addr().get())) }
}

impl<G: OutOfMemory> Heap<G> {
    /// `ptr` with the newest arena's provenance, if that arena holds it: the only arena
    /// of most heaps, so the check that every free and resize makes.
    #[inline(always)]
    pub(crate) fn in_newest_arena(&self, ptr: NonNull<u8>) -> Option<NonNull<u8>> {
        let record = self.arenas;
        // SAFETY: `arenas` is `Record::NONE` or the newest live end record.
        unsafe { holds(record, ptr.as_ptr().addr()) }.then(|| with_provenance_of(record, ptr))
    }

    /// `ptr` with the provenance of the older arena that holds it, looked up along the list;
    /// `None` if no arena holds it (it was not handed out by this heap).
    #[cold]
    #[inline(never)]
    pub(crate) fn in_older_arena(&self, ptr: NonNull<u8>) -> Option<NonNull<u8>> {
        let mut record = self.arenas;
        while !record.is_null() {
            // SAFETY: every record in the list belongs to a live arena.
            unsafe {
                if holds(record, ptr.as_ptr().addr()) {
                    return Some(with_provenance_of(record, ptr));
                }
                record = record.next();
            }
        }
        None
    }

    /// `ptr` with the provenance of the arena that holds it (newest arena first); `None` if
    /// no arena holds it.
    #[inline(always)]
    pub(crate) fn arena_pointer(&self, ptr: NonNull<u8>) -> Option<NonNull<u8>> {
        self.in_newest_arena(ptr)
            .or_else(|| self.in_older_arena(ptr))
    }
}
