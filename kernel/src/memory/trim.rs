//! Giving the free top of the heap arena back to the frame allocator.
//!
//! ```text
//!   before  [ used | free ........................... ]  committed end
//!   after   [ used | free ]  committed end             (pages above unmapped,
//!                          ▲ allocated end, page-rounded  frames returned)
//! ```
//!
//! The arena never shrinks below [`window::INITIAL_ARENA`]. Page tables that
//! become empty stay: their frames belong to `PAGE_TABLE_BUMP`, which never
//! takes pages back, and the next growth reuses them.

use super::{counters, window, MEMORY};
use crate::allocator::HEAP;
use heap::Span;
use x86_64::structures::paging::{Mapper, Page, Size4KiB};
use x86_64::VirtAddr;

const PAGE: usize = 4096;

/// What a trim did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trimmed {
    /// Bytes the arena gave up.
    pub released_bytes: usize,
    /// Pages that were mapped there and are now unmapped, their frames freed.
    pub unmapped_pages: u64,
}

/// Truncates the free memory at the top of the heap arena and unmaps it.
pub fn trim() -> Trimmed {
    let mut heap = HEAP.lock();
    let arena = heap.grow.arena();
    let allocated = heap
        .allocated_span(arena)
        .unwrap_or_else(|error| panic!("the heap does not know its own arena: {error}"));
    let floor = arena.base() as usize + window::INITIAL_ARENA;
    let keep_until = (allocated.acme() as usize)
        .next_multiple_of(PAGE)
        .max(floor);
    if keep_until >= arena.acme() as usize {
        return Trimmed {
            released_bytes: 0,
            unmapped_pages: 0,
        };
    }
    let kept = Span::new(arena.base(), arena.base().with_addr(keep_until));
    let truncated = heap
        .truncate(arena, kept)
        .unwrap_or_else(|error| panic!("trimming the heap arena failed: {error}"));
    heap.grow.set_arena(truncated.arena);
    let released = truncated.released_above;
    window::set_committed_end(truncated.arena.acme() as u64);
    let unmapped_pages = unmap(released);
    counters::truncated(unmapped_pages);
    Trimmed {
        released_bytes: released.size(),
        unmapped_pages,
    }
}

/// Unmaps every mapped page inside `span` (page-aligned by construction) and
/// frees its frame.
fn unmap(span: Span) -> u64 {
    let mut memory = MEMORY.lock();
    let memory = memory.as_mut().expect("trim before memory::init");
    let first = Page::<Size4KiB>::containing_address(VirtAddr::from_ptr(span.base()));
    let last = Page::<Size4KiB>::containing_address(VirtAddr::from_ptr(span.acme()) - 1u64);
    let mut unmapped = 0;
    for page in Page::range_inclusive(first, last) {
        if let Ok((frame, flush)) = memory.mapper.unmap(page) {
            flush.flush();
            // SAFETY: the page was the frame's only mapping and is gone; the
            // heap no longer uses the memory (truncate released it).
            unsafe { memory.frames.deallocate(frame) };
            unmapped += 1;
        }
    }
    unmapped
}
