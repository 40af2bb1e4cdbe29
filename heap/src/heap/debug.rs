//! `debug-checks`: before a block is freed or resized, prove that the heap handed it out.
//!
//! ```text
//!   | tag | user ... |            ptr - WORD is the chunk's base, or
//!   | tag | .. | back | user ... |  ptr - WORD holds a back pointer to a base one or two words below
//! ```
//!
//! The proof walks the arena's chunks from its base to the chunk that holds `ptr - WORD`
//! (O(chunks) per call, which is why it is a feature), then checks that the chunk is
//! allocated, that `ptr` is exactly where that chunk's block starts, and that the layout
//! fits the block. Any failure panics with the pointer and what is wrong with it.

use super::chunk::{first_word, WORD};
use super::Heap;
use crate::Grow;
use core::alloc::Layout;
use core::ptr::NonNull;

impl<G: Grow> Heap<G> {
    /// Panics, naming `operation` and the address, unless `ptr` is a live block of this heap
    /// that fits `layout`.
    pub(crate) fn verify_live(&self, ptr: NonNull<u8>, layout: Layout, operation: &str) {
        let ptr = ptr.as_ptr();
        let below = ptr.wrapping_sub(WORD);
        let Some(chunk) = self.chunks().find(|chunk| chunk.span().contains(below)) else {
            panic!("{operation}: {ptr:p} was never handed out by this heap: it lies in no chunk of any arena");
        };
        let span = chunk.span();
        if !chunk.allocated {
            panic!("{operation}: double free or foreign pointer: {ptr:p} lies in the free chunk {span}");
        }
        let gap = below.addr() - chunk.base.addr();
        // SAFETY: `below` lies inside an allocated chunk, so it is a readable word; it is read
        // with the arena's provenance, which the chunk's base carries.
        let handed_out = gap == 0
            || (gap <= 2 * WORD
                && gap.is_multiple_of(WORD)
                && unsafe { first_word(chunk.base.with_addr(below.addr())) } == chunk.base);
        if !handed_out {
            panic!("{operation}: {ptr:p} was never handed out by this heap: it points into the allocated chunk {span}");
        }
        let room = span.acme().addr() - ptr.addr();
        if !ptr.addr().is_multiple_of(layout.align()) || room < layout.size() {
            panic!(
                "{operation}: the layout (size {}, align {}) does not fit the block at {ptr:p} ({room} bytes in chunk {span})",
                layout.size(),
                layout.align()
            );
        }
    }
}
