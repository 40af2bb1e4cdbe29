//! The yardstick of the malloc lab: our heap (`heap::Heap`, the kernel's) over the arena. It
//! claims 64 KiB first and, when a request does not fit, takes more from the arena with
//! `sbrk` and extends its arena over it, the way the kernel's heap grows into its window.

use super::{Arena, Malloc, ALIGN};
use core::alloc::Layout;
use core::ptr::NonNull;
use heap::{Heap, NeverGrow, Span};

/// What the heap claims first, and the least it grows by.
const STEP: usize = 64 << 10;

/// Our heap over the lab's arena.
#[derive(Default)]
pub struct OurHeap {
    heap: Option<(Heap<NeverGrow>, Span)>,
}

impl core::fmt::Debug for OurHeap {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("OurHeap")
    }
}

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, ALIGN).expect("a trace's size is a valid layout")
}

impl OurHeap {
    /// Gives the heap `at_least` more bytes of the arena; false if the arena has none.
    fn grow(&mut self, arena: &mut Arena, at_least: usize) -> bool {
        let Some(start) = arena.sbrk(at_least.max(STEP)) else {
            return false;
        };
        let end = arena.base().as_ptr().wrapping_add(arena.brk());
        match &mut self.heap {
            None => {
                let mut heap = Heap::new(NeverGrow);
                // SAFETY: the span is the arena's, handed out to this heap alone, and lives
                // as long as the arena the caller keeps.
                let span = unsafe { heap.claim(Span::new(start.as_ptr(), end)) };
                self.heap = Some((heap, span.expect("64 KiB is a valid arena")));
            }
            Some((heap, span)) => {
                let wider = Span::new(span.base(), end);
                // SAFETY: the new bytes directly follow the arena and are this heap's alone.
                *span = unsafe { heap.extend(*span, wider) }.expect("the arena grows in place");
            }
        }
        true
    }
}

impl Malloc for OurHeap {
    fn name(&self) -> &'static str {
        "our heap (reference)"
    }

    fn allocate(&mut self, arena: &mut Arena, size: usize) -> Option<NonNull<u8>> {
        loop {
            if let Some((heap, _)) = &mut self.heap {
                // SAFETY: the heap's arena is live for as long as `arena`.
                if let Ok(block) = unsafe { heap.allocate(layout(size)) } {
                    return Some(block);
                }
            }
            if !self.grow(arena, size + 64) {
                return None;
            }
        }
    }

    unsafe fn free(&mut self, _arena: &mut Arena, block: NonNull<u8>, size: usize) {
        let (heap, _) = self.heap.as_mut().expect("a block was allocated");
        // SAFETY: the caller's promise: a live block of this heap with this size.
        unsafe { heap.deallocate(block, layout(size)) }
    }

    unsafe fn realloc(
        &mut self,
        arena: &mut Arena,
        block: NonNull<u8>,
        old_size: usize,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        loop {
            let (heap, _) = self.heap.as_mut().expect("a block was allocated");
            // SAFETY: the caller's promise: a live block of this heap with this size.
            if let Ok(moved) = unsafe { heap.realloc(block, layout(old_size), new_size) } {
                return Some(moved);
            }
            if !self.grow(arena, new_size + 64) {
                return None;
            }
        }
    }
}
