//! Giving the heap's unused memory back: the free top of the arena, and the
//! whole pages inside free chunks anywhere below it.
//!
//! ```text
//!   before  [ used | free ......... | used | free ........................ ]
//!   after   [ used | f ·unmapped· f | used | f ]  committed end   (pages above
//!                     ▲ discarded: frames freed,  ▲ page-rounded   decommitted:
//!                       still committed           allocated end    frames freed,
//!                                                                  reservations gone)
//! ```
//!
//! The top is decommitted: `truncate`, lower the committed end, unmap every
//! page wholly above the new end. Inside the arena, a free chunk keeps its
//! list node and its size word, but the whole pages between them hold nothing
//! the heap reads ([`heap::Chunk::idle`]), so they are unmapped too. Those
//! pages stay committed, with a frame reserved each: the heap may hand them
//! out again at any time, and the fault handler maps them back zeroed.
//!
//! The arena never shrinks below [`window::INITIAL_ARENA`]. Page tables that
//! become empty stay: their frames belong to `PAGE_TABLE_BUMP`, which never
//! takes pages back, and the next growth reuses them.

use super::commit::{self, page_top};
use super::frames::FRAME_SIZE;
use super::grow::WindowGrow;
use super::unmap::Unmapped;
use super::{counters, window, MEMORY};
use crate::allocator::HEAP;
use heap::{Heap, Span};

/// What a trim did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trimmed {
    /// Bytes the arena gave up at its top.
    pub released_bytes: usize,
    /// Pages unmapped above the arena's new end (frames freed, no longer committed).
    pub unmapped_top: u64,
    /// Pages unmapped inside free chunks (frames freed, still committed).
    pub discarded_inside: u64,
}

/// Gives back the free top of the heap arena and the whole free pages inside it.
pub fn trim() -> Trimmed {
    let (released_bytes, discarded_inside) = {
        let mut heap = HEAP.lock();
        (truncate_top(&mut heap), discard_inside(&heap))
    };
    let unmapped_top = commit::drain();
    counters::trimmed(discarded_inside);
    Trimmed {
        released_bytes,
        unmapped_top,
        discarded_inside,
    }
}

/// Truncates the free top of the arena to the page after its last allocated
/// byte (or the initial size) and decommits what lies above; returns the bytes
/// the arena gave up. The pages are unmapped later, by `commit::drain`.
fn truncate_top(heap: &mut Heap<WindowGrow>) -> usize {
    let arena = heap.grow.arena();
    let allocated = heap.allocated_span(arena);
    let floor = arena.base() as usize + window::INITIAL_ARENA;
    let keep_until = (allocated.acme() as usize)
        .next_multiple_of(FRAME_SIZE as usize)
        .max(floor);
    if keep_until >= arena.acme() as usize {
        return 0;
    }
    let kept = Span::new(arena.base(), arena.base().with_addr(keep_until));
    let truncated = heap
        .truncate(arena, kept)
        .unwrap_or_else(|error| panic!("trimming the heap arena failed: {error}"));
    heap.grow.set_arena(truncated.arena);
    // Truncate may keep a record and a chunk past `keep_until`: the committed
    // end follows the arena's real end, and only pages wholly above it go.
    commit::decommit(truncated.arena.acme() as u64);
    truncated.released_above.size()
}

/// Unmaps every whole page inside the idle part of a free chunk; returns how
/// many were mapped. Runs under the heap lock: no chunk may change meanwhile.
fn discard_inside(heap: &Heap<WindowGrow>) -> u64 {
    let mut memory = MEMORY.lock();
    let memory = memory.as_mut().expect("trim before memory::init");
    let mut taken = Unmapped::new();
    let mut discarded = 0;
    for chunk in heap.chunks() {
        let idle = chunk.idle();
        let first = page_top(idle.base() as u64);
        let end = idle.acme() as u64 & !(FRAME_SIZE - 1);
        for address in (first..end).step_by(FRAME_SIZE as usize) {
            if taken.is_full() {
                taken.finish(&mut memory.frames);
            }
            if taken.take(memory, address) {
                discarded += 1;
            }
        }
    }
    taken.finish(&mut memory.frames);
    // The pages stay committed: each gets its reservation back.
    memory
        .frames
        .reserve(discarded)
        .expect("frames just freed can be reserved again");
    discarded
}
