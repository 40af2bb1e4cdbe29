//! Magazines: arrays of blocks of one class, allocated from the backing heap.
//!
//! ```text
//!   Magazine<M>, a block of the backing heap:
//!   | next | rounds | slot 0 | slot 1 | … | slot M-1 |
//!     └ depot list link     └ blocks (rounds of them, from slot 0 up)
//!   next and rounds are only meaningful while the magazine sits in the depot; a CPU keeps
//!   the round count of its magazines in its own slot (`stack.rs`).
//! ```

use core::alloc::Layout;
use core::ptr::addr_of_mut;

/// A magazine of up to `M` blocks of one class.
#[repr(C)]
pub(crate) struct Magazine<const M: usize> {
    pub(crate) next: *mut Magazine<M>,
    pub(crate) rounds: usize,
    slots: [*mut u8; M],
}

impl<const M: usize> Magazine<M> {
    /// The layout magazines are allocated from the heap with.
    pub(crate) const LAYOUT: Layout = Layout::new::<Self>();

    /// Slot `index` of `magazine`.
    ///
    /// # Safety
    /// `magazine` must be a live magazine and `index < M`.
    #[inline(always)]
    pub(crate) unsafe fn slot(magazine: *mut Self, index: usize) -> *mut *mut u8 {
        // SAFETY: in bounds by the caller's contract; no reference is made.
        unsafe { addr_of_mut!((*magazine).slots).cast::<*mut u8>().add(index) }
    }
}
