//! The malloc lab, after CS:APP's, on our own material: an allocator of yours over one
//! arena, replayed on real programs' traces, every block verified, scored against our heap.
//!
//! ```text
//!   Arena      one block of memory with a break: sbrk(n) hands out the next n bytes;
//!              the highest break is what the allocator cost (it never comes down)
//!   Malloc     allocate(size) / free(block, size) / realloc(block, old, new): 16-aligned
//!              blocks inside the arena's break, no two live blocks overlapping
//!   student.rs EXERCISE 6: yours
//!   reference  our heap (heap::Heap) over the arena: the yardstick
//!   first_fit  linked_list_allocator (first fit on one free list): a baseline
//!   replay.rs  replays a trace and measures; verify.rs checks and stamps every block
//! ```
//!
//! Utilization is the peak of live requested bytes over the arena's highest break;
//! throughput is trace operations per second. `tests/malloc_lab.rs` grades them against the
//! reference heap on the same traces (`docs/13-malloc-lab.md` has the formula), and
//! `cargo run --release -p exercises --bin malloc_report` prints the leaderboard.

mod arena;
mod first_fit;
mod reference;
pub mod replay;
mod student;
mod verify;

pub use arena::Arena;
pub use first_fit::FirstFit;
pub use reference::OurHeap;
pub use student::Student;

use core::ptr::NonNull;

/// The alignment of every block.
pub const ALIGN: usize = 16;

/// An allocator for the lab: every block lies in `arena` below its break, aligned to
/// [`ALIGN`], and no two live blocks overlap. Its bookkeeping lives in the arena too.
pub trait Malloc {
    /// Its name, for reports.
    fn name(&self) -> &'static str;

    /// A block of at least `size` bytes (`size > 0`), or `None` if the arena is exhausted.
    fn allocate(&mut self, arena: &mut Arena, size: usize) -> Option<NonNull<u8>>;

    /// Gives back a block.
    ///
    /// # Safety
    /// `block` must be live, from `allocate` or `realloc` of this allocator with `arena`,
    /// requested with `size` bytes; it is not used afterwards.
    unsafe fn free(&mut self, arena: &mut Arena, block: NonNull<u8>, size: usize);

    /// Resizes a block to `new_size` bytes, keeping its first `min(old_size, new_size)`
    /// bytes; `None` leaves the block as it was.
    ///
    /// # Safety
    /// As for [`Malloc::free`], with `old_size` the block's size; on success the old
    /// block is not used afterwards.
    unsafe fn realloc(
        &mut self,
        arena: &mut Arena,
        block: NonNull<u8>,
        old_size: usize,
        new_size: usize,
    ) -> Option<NonNull<u8>>;
}
