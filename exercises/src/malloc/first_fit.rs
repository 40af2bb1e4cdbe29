//! A baseline for the malloc lab: `linked_list_allocator`, first fit on one address-ordered
//! free list, over the arena; it grows by `sbrk` when nothing fits and reallocates by
//! allocating, copying and freeing.

use super::{Arena, Malloc, ALIGN};
use core::alloc::Layout;
use core::ptr::NonNull;
use linked_list_allocator::Heap;

/// What the list starts with, and the least it grows by.
const STEP: usize = 64 << 10;

/// First fit over the arena.
#[derive(Default)]
pub struct FirstFit {
    heap: Option<Heap>,
}

impl core::fmt::Debug for FirstFit {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("FirstFit")
    }
}

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, ALIGN).expect("a trace's size is a valid layout")
}

impl Malloc for FirstFit {
    fn name(&self) -> &'static str {
        "first fit (linked_list_allocator)"
    }

    fn allocate(&mut self, arena: &mut Arena, size: usize) -> Option<NonNull<u8>> {
        loop {
            if let Some(Ok(block)) = self
                .heap
                .as_mut()
                .map(|h| h.allocate_first_fit(layout(size)))
            {
                return Some(block);
            }
            let bytes = (size + 64).max(STEP).next_multiple_of(ALIGN);
            let start = arena.sbrk(bytes)?;
            match &mut self.heap {
                // SAFETY: the bytes directly follow the list's memory and are its alone.
                Some(heap) => unsafe { heap.extend(bytes) },
                None => {
                    let mut heap = Heap::empty();
                    // SAFETY: the bytes are the arena's, this allocator's alone, and live
                    // as long as the arena the caller keeps.
                    unsafe { heap.init(start.as_ptr(), bytes) };
                    self.heap = Some(heap);
                }
            }
        }
    }

    unsafe fn free(&mut self, _arena: &mut Arena, block: NonNull<u8>, size: usize) {
        let heap = self.heap.as_mut().expect("a block was allocated");
        // SAFETY: the caller's promise: a live block of this list with this size.
        unsafe { heap.deallocate(block, layout(size)) }
    }

    unsafe fn realloc(
        &mut self,
        arena: &mut Arena,
        block: NonNull<u8>,
        old_size: usize,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let moved = self.allocate(arena, new_size)?;
        // SAFETY: both blocks are live and distinct; the copy stays inside both.
        unsafe {
            moved.copy_from_nonoverlapping(block, old_size.min(new_size));
            self.free(arena, block, old_size);
        }
        Some(moved)
    }
}
