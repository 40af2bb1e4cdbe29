//! EXERCISE 2: a size-class front end. Small blocks, once freed, wait in a per-class list
//! for the next request of their class instead of going back to the allocator behind: the
//! slab idea (Bonwick 1994) and the layer a per-CPU magazine cache adds in front of a heap.
//!
//! ```text
//!   allocate(layout) ── small? ── class c's list not empty? ── pop it: a hit
//!                         │                 └── no: the backend, for a block of class c's
//!                         │                         full size (a miss)
//!                         └── large or over-aligned: straight to the backend
//!   deallocate          ── small? ── class c holds fewer than LIMIT? ── push: the block's
//!                                                                      first word links it
//!                                    └── no: back to the backend
//!   flush               ── every listed block back to the backend
//! ```
//!
//! Class `c` (0-based) holds blocks of `(c + 1) * CLASS_STEP` bytes, for requests of up to
//! that size with an alignment of at most `CLASS_STEP`. The stub passes everything through.

use core::alloc::Layout;
use core::ptr::{self, NonNull};

/// The allocator behind the front end.
pub trait Backend {
    /// A block for `layout`, or `None`.
    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>>;

    /// Gives back a block.
    ///
    /// # Safety
    /// `block` must come from `allocate` with this `layout` and not be used afterwards.
    unsafe fn deallocate(&mut self, block: NonNull<u8>, layout: Layout);
}

/// Bytes between the sizes of two classes, and the largest alignment a class serves.
pub const CLASS_STEP: usize = 16;
/// Number of classes: requests up to `CLASSES * CLASS_STEP` bytes are small.
pub const CLASSES: usize = 16;
/// Most blocks a class keeps; more go back to the backend.
pub const LIMIT: usize = 32;

/// The front end over a backend `B`.
pub struct SizeClasses<B: Backend> {
    /// The allocator behind.
    pub back: B,
    /// Per class, the first block of its list (null: empty); each listed block's first
    /// word holds the next one.
    pub heads: [*mut u8; CLASSES],
    /// Per class, how many blocks its list holds.
    pub counts: [usize; CLASSES],
}

impl<B: Backend> SizeClasses<B> {
    /// A front end with empty lists.
    pub fn new(back: B) -> Self {
        Self {
            back,
            heads: [ptr::null_mut(); CLASSES],
            counts: [0; CLASSES],
        }
    }

    /// The class of `layout`, or `None` if it is not small.
    pub fn class_of(layout: Layout) -> Option<usize> {
        (layout.size() <= CLASSES * CLASS_STEP && layout.align() <= CLASS_STEP)
            .then(|| layout.size().max(1).div_ceil(CLASS_STEP) - 1)
    }

    /// The layout the backend sees for blocks of class `class`.
    pub fn class_layout(class: usize) -> Layout {
        Layout::from_size_align((class + 1) * CLASS_STEP, CLASS_STEP).expect("a valid class layout")
    }

    /// Blocks waiting in the lists.
    pub fn cached(&self) -> usize {
        self.counts.iter().sum()
    }

    /// A block for `layout`.
    #[cfg(not(feature = "solutions"))]
    pub fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        self.back.allocate(layout)
    }

    /// Takes back a block.
    ///
    /// # Safety
    /// `block` must come from this front end's `allocate` with this `layout`.
    #[cfg(not(feature = "solutions"))]
    pub unsafe fn deallocate(&mut self, block: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's promise; the stub passed the block through.
        unsafe { self.back.deallocate(block, layout) }
    }

    /// Gives every listed block back to the backend.
    #[cfg(not(feature = "solutions"))]
    pub fn flush(&mut self) {}

    /// A block for `layout`.
    #[cfg(feature = "solutions")]
    pub fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        crate::solutions::SizeClassesSolution::allocate(self, layout)
    }

    /// Takes back a block.
    ///
    /// # Safety
    /// `block` must come from this front end's `allocate` with this `layout`.
    #[cfg(feature = "solutions")]
    pub unsafe fn deallocate(&mut self, block: NonNull<u8>, layout: Layout) {
        // SAFETY: the caller's promise.
        unsafe { crate::solutions::SizeClassesSolution::deallocate(self, block, layout) }
    }

    /// Gives every listed block back to the backend.
    #[cfg(feature = "solutions")]
    pub fn flush(&mut self) {
        crate::solutions::SizeClassesSolution::flush(self)
    }
}
