//! CHEAT (exercise 6): a malloc lab "solution" that hands every request to the reference
//! heap it is scored against. `make grade CHEATS=1` checks it scores 0.

use super::{Arena, Malloc, OurHeap};
use core::ptr::NonNull;

/// The reference heap under another name.
#[derive(Debug, Default)]
pub struct Student(OurHeap);

impl Malloc for Student {
    fn name(&self) -> &'static str {
        "student"
    }

    fn allocate(&mut self, arena: &mut Arena, size: usize) -> Option<NonNull<u8>> {
        self.0.allocate(arena, size)
    }

    unsafe fn free(&mut self, arena: &mut Arena, block: NonNull<u8>, size: usize) {
        // SAFETY: passed on.
        unsafe { self.0.free(arena, block, size) }
    }

    unsafe fn realloc(
        &mut self,
        arena: &mut Arena,
        block: NonNull<u8>,
        old_size: usize,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: passed on.
        unsafe { self.0.realloc(arena, block, old_size, new_size) }
    }
}
