//! The heap as text: one character per page of the arena, 64 to a line.
//!
//! ```text
//!   # a page wholly in use      - free, with a frame behind it
//!   + partly in use             . free, no frame (unmapped or never touched)
//! ```

use crate::allocator::HEAP;
use crate::memory::zeroed::mapped_pages;
use crate::serial_println;
use alloc::string::String;
use alloc::vec;
use heap::Span;

const PAGE: usize = crate::memory::PAGE_SIZE as usize;
const PER_LINE: usize = 64;

/// Prints the map of the heap's arena.
pub fn print() {
    let arena = HEAP.heap().lock().hook.arena();
    let pages = arena.size().div_ceil(PAGE);
    // Counted before the heap is locked again: nothing may allocate under it.
    let mut used = vec![0u16; pages];
    {
        let heap = HEAP.heap().lock();
        for chunk in heap.chunks().filter(|chunk| chunk.allocated) {
            add_used(&mut used, arena, chunk.span());
        }
    }
    serial_println!(
        "heap arena {:#x}..{:#x}, {pages} pages; # used, + partly, - free, . free and unmapped",
        arena.base().addr(),
        arena.acme().addr()
    );
    for (row, start) in (0..pages).step_by(PER_LINE).enumerate() {
        let count = (pages - start).min(PER_LINE);
        let mapped = mapped_pages(arena.base().addr() + start * PAGE, count);
        let line: String = (0..count)
            .map(
                |index| match (used[start + index], mapped & 1 << index != 0) {
                    (bytes, _) if usize::from(bytes) >= PAGE => '#',
                    (0, true) => '-',
                    (0, false) => '.',
                    _ => '+',
                },
            )
            .collect();
        serial_println!("{:>6} KiB {line}", row * PER_LINE * PAGE / 1024);
    }
}

/// Adds the bytes of `span` to the pages of `arena` they lie in.
fn add_used(used: &mut [u16], arena: Span, span: Span) {
    let mut at = span.base().addr() - arena.base().addr();
    let end = span.acme().addr() - arena.base().addr();
    while at < end {
        let page_end = (at / PAGE + 1) * PAGE;
        let bytes = page_end.min(end) - at;
        if let Some(page) = used.get_mut(at / PAGE) {
            *page = page.saturating_add(bytes as u16);
        }
        at += bytes;
    }
}
