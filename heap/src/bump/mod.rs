//! `Bump`: a lock-free bump allocator over an inline, statically sized region.
//!
//! The region is the storage of a `T` that is never read or dropped as a `T`: `T` only gives
//! the region its size and alignment (`Bump<[u8; 1 << 18]>`, `Bump<[Page; 64]>`). One atomic
//! counter, `consumed`, says how many bytes from the start are taken; an allocation advances
//! it with a compare-and-swap, so the allocator is `Sync` and can be a `static`.
//!
//! ```text
//!  region_start()                                    region_start() + capacity()
//!  |                                                                          |
//!  v                                                                          v
//!  +---------+-----+-----------+--+----------------+--------------------------+
//!  | block A | pad |  block B  |pd|    block C     |      free (untouched)    |
//!  +---------+-----+-----------+--+----------------+--------------------------+
//!  ^ Level(0)      ^ B aligned    ^ C aligned      ^ consumed = level()
//! ```
//!
//! Padding sits before a block, where its alignment needs it. Only the block that ends at
//! `consumed` can be given back (see [`GlobalAlloc`](core::alloc::GlobalAlloc) for `Bump`);
//! every other freed block is leaked until [`Bump::reset`].
//!
//! The modules split the jobs: `level` the values the API speaks in, `alloc` the
//! compare-and-swap (and the argument for its memory orderings), `leak` typed values,
//! `global` the `GlobalAlloc` impl, `page` zeroed page frames for the kernel.

mod alloc;
mod global;
mod leak;
mod level;
mod page;

use core::cell::UnsafeCell;
use core::mem::{size_of, MaybeUninit};
use core::ptr::NonNull;
use core::sync::atomic::AtomicUsize;

pub use leak::LeakError;
pub use level::{Allocation, Failure, Level};
pub use page::Page;

/// A lock-free bump allocator handing out the bytes of an inline `T`-sized region.
///
/// Allocation is a compare-and-swap on a byte counter; freeing gives bytes back only for the
/// most recent block. The `T` is never dropped and never read as a `T`.
///
/// ```
/// use tagheap::{Bump, Page};
///
/// static FRAMES: Bump<[Page; 4]> = Bump::uninit();
///
/// let frame = FRAMES.take_page().expect("a free page");
/// let count = FRAMES.leak(7_u64).expect("room for a u64");
/// assert_eq!((frame.addr().get() % Page::SIZE, *count), (0, 7));
/// assert_eq!(FRAMES.pages_left(), 2, "the u64 took the start of the second page");
/// ```
pub struct Bump<T> {
    /// Bytes taken from the start of the region, padding included; never above `capacity()`.
    consumed: AtomicUsize,
    /// The region; `UnsafeCell` because allocations write to it through `&self`.
    storage: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: shared access only ever touches `consumed` (an atomic) and hands out pointers into
// `storage`; the compare-and-swap gives every block to exactly one caller, so two threads never
// reach the same bytes through the allocator. The `T` itself is never read, written or dropped
// as a `T`, so no `T: Sync` (or `T: Send`) is needed. `Send` is derived: it holds when `T: Send`.
unsafe impl<T> Sync for Bump<T> {}

impl<T> Bump<T> {
    /// An allocator over an uninitialized region; a `const fn`, so it can initialize a `static`.
    pub const fn uninit() -> Self {
        Self::from_storage(MaybeUninit::uninit())
    }

    /// An allocator whose region starts out as the bytes of `storage` (never dropped).
    pub const fn new(storage: T) -> Self {
        Self::from_storage(MaybeUninit::new(storage))
    }

    /// An allocator whose region starts out as zero bytes; a `const fn`, like [`Bump::uninit`].
    ///
    /// Bytes handed out again after a [`Bump::reset`] or a give-back keep what was written.
    pub const fn zeroed() -> Self {
        Self::from_storage(MaybeUninit::zeroed())
    }

    const fn from_storage(storage: MaybeUninit<T>) -> Self {
        Bump {
            consumed: AtomicUsize::new(0),
            storage: UnsafeCell::new(storage),
        }
    }

    /// Forgets every allocation: the whole region is free again.
    ///
    /// `&mut self` proves no block handed out earlier is still borrowed.
    pub fn reset(&mut self) {
        *self.consumed.get_mut() = 0;
    }

    /// The size of the region in bytes: `size_of::<T>()`.
    pub const fn capacity(&self) -> usize {
        size_of::<T>()
    }

    /// The first byte of the region; [`Level`] `n` is the byte at `region_start() + n`.
    ///
    /// The pointer carries provenance over the whole region; every block is derived from it.
    /// Accessing bytes through it that were handed out as a block is up to the block's owner.
    pub fn region_start(&self) -> NonNull<u8> {
        // SAFETY: `UnsafeCell::get` on a field of `self` returns a pointer derived from a
        // reference, which is never null.
        unsafe { NonNull::new_unchecked(self.storage.get().cast::<u8>()) }
    }
}
