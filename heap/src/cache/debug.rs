//! Marks on blocks held in magazines, by which `debug-checks` catches a double free that
//! lands in a magazine, and `check` finds a block held twice.
//!
//! ```text
//!   block in a magazine:  | addr ^ MARK | !MARK | … rest of the block, untouched …
//!                         (two words: every class is at least 16 bytes)
//!   free, realloc         heap says the chunk is live and fits the class (else panic)
//!   (debug-checks):       ──► marked already? panic "double free" ──► (free) mark, push
//!   refill:               heap.allocate ──► mark ──► into the magazine
//!   allocate:             pop ──► clear the mark ──► block
//! ```
//!
//! Blocks drained into the heap are unmarked too, so a block the heap hands out again never
//! carries a stale mark. A live block carrying the mark by chance would have to hold its own
//! address scrambled with a 64-bit constant, followed by that constant's complement.

const MARK: usize = 0x6d61_6761_7a69_6e65; // "magazine"
/// Whether the debug checks are compiled in.
const CHECKS: bool = cfg!(all(feature = "debug-checks", debug_assertions));

/// Writes the mark into `block`.
///
/// # Safety
/// `block` must be a block of at least 16 bytes, aligned to 16, that the cache holds.
pub(crate) unsafe fn mark(block: *mut u8) {
    // SAFETY: by the caller's contract, the first two words are ours to write.
    unsafe {
        block
            .cast::<[usize; 2]>()
            .write([block.addr() ^ MARK, !MARK])
    }
}

/// Whether `block` carries the mark.
///
/// # Safety
/// As for [`mark`] (a live block of a cached class will do).
pub(crate) unsafe fn is_marked(block: *mut u8) -> bool {
    // SAFETY: by the caller's contract, the first two words are readable.
    unsafe { block.cast::<[usize; 2]>().read() == [block.addr() ^ MARK, !MARK] }
}

/// Clears the mark from `block`.
///
/// # Safety
/// As for [`mark`].
pub(crate) unsafe fn unmark(block: *mut u8) {
    // SAFETY: by the caller's contract, the first two words are ours to write.
    unsafe { block.cast::<[usize; 2]>().write([0, 0]) }
}

/// A block enters a magazine: marked when the debug checks are on.
///
/// # Safety
/// As for [`mark`].
#[inline(always)]
pub(crate) unsafe fn enter(block: *mut u8) {
    if CHECKS {
        // SAFETY: forwarded contract.
        unsafe { mark(block) }
    }
}

/// A block leaves a magazine (for its user or for the heap): unmarked when the checks are on.
///
/// # Safety
/// As for [`mark`].
#[inline(always)]
pub(crate) unsafe fn leave(block: *mut u8) {
    if CHECKS {
        // SAFETY: forwarded contract.
        unsafe { unmark(block) }
    }
}

/// The check of a block handed back to the cache, only compiled with the debug checks.
#[cfg(all(feature = "debug-checks", debug_assertions))]
mod verify {
    use super::is_marked;
    use crate::cache::{CachedHeap, Cpu};
    use crate::tags::{Misuse, Wrong};
    use crate::OutOfMemory;
    use lock_api::RawMutex;

    impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
        CachedHeap<R, G, C, CPUS, M>
    {
        /// Panics, naming `operation`, unless `ptr` is a live block of the heap that fits
        /// `class` and is not in a magazine (freed already). The panic comes with no lock held.
        pub(crate) fn verify_cached(
            &self,
            ptr: core::ptr::NonNull<u8>,
            class: usize,
            operation: &'static str,
        ) {
            let layout = crate::cache::classes::class_layout(class);
            self.heap
                .locked(|heap| heap.verify_live(ptr, layout, operation));
            // SAFETY: the heap just confirmed a live block of at least the class's 16 bytes.
            if unsafe { is_marked(ptr.as_ptr()) } {
                Misuse::new(operation, ptr.as_ptr(), Wrong::InMagazine).raise();
            }
        }
    }
}
