//! EXERCISE 6: the malloc lab. Write an allocator over the arena: `allocate`, `free` and
//! `realloc` (the trait `Malloc` in `mod.rs` says what each must do). All its memory,
//! bookkeeping included, comes from `arena.sbrk`; the grader forbids the standard library's
//! collections and allocator, and the heap crates, here.
//!
//! Start from an implicit free list (a header per block, first fit, coalescing on free),
//! then make it fast (segregated lists) and frugal (boundary tags, splitting, in-place
//! realloc): `docs/12-malloc-lab.md` shows how your allocator is scored.

use super::{Arena, Malloc};
use core::ptr::NonNull;

/// Your allocator's state (it may hold pointers into the arena, and small counters).
#[cfg(not(feature = "solutions"))]
#[derive(Debug, Default)]
pub struct Student {}

/// The reference solution's state.
#[cfg(feature = "solutions")]
#[derive(Debug, Default)]
pub struct Student(crate::solutions::MallocSolution);

impl Malloc for Student {
    fn name(&self) -> &'static str {
        "student"
    }

    #[cfg(not(feature = "solutions"))]
    fn allocate(&mut self, _arena: &mut Arena, _size: usize) -> Option<NonNull<u8>> {
        None
    }

    #[cfg(not(feature = "solutions"))]
    unsafe fn free(&mut self, _arena: &mut Arena, _block: NonNull<u8>, _size: usize) {}

    #[cfg(not(feature = "solutions"))]
    unsafe fn realloc(
        &mut self,
        _arena: &mut Arena,
        _block: NonNull<u8>,
        _old_size: usize,
        _new_size: usize,
    ) -> Option<NonNull<u8>> {
        None
    }

    #[cfg(feature = "solutions")]
    fn allocate(&mut self, arena: &mut Arena, size: usize) -> Option<NonNull<u8>> {
        self.0.allocate(arena, size)
    }

    #[cfg(feature = "solutions")]
    unsafe fn free(&mut self, arena: &mut Arena, block: NonNull<u8>, size: usize) {
        // SAFETY: the caller's promise, passed on.
        unsafe { self.0.free(arena, block, size) }
    }

    #[cfg(feature = "solutions")]
    unsafe fn realloc(
        &mut self,
        arena: &mut Arena,
        block: NonNull<u8>,
        old_size: usize,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: the caller's promise, passed on.
        unsafe { self.0.realloc(arena, block, old_size, new_size) }
    }
}
