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
//!
//! This module decides what goes (it reads the heap); `memory` unmaps it.

use super::grow::WindowGrow;
use super::HEAP;
use crate::arch::PAGE_SIZE;
use crate::memory::commit::{self, page_top};
use crate::memory::{self, counters, window};
use heap::{Heap, Span};

/// Pages of free chunks looked at per hold of the heap lock.
const DISCARD_BATCH: usize = 256;

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

/// Gives back the free top of the heap arena and the whole free pages inside
/// it, after every CPU has returned its cached blocks to the heap.
///
/// Panics if the calling CPU holds a lock (the other CPUs' flushes may need it).
pub fn trim() -> Trimmed {
    super::flush::flush_everywhere();
    let released_bytes = truncate_top(&mut HEAP.heap().lock());
    let discarded_inside = discard_inside();
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
    let arena = heap.hook.arena();
    let allocated = heap
        .allocated_span(arena)
        .unwrap_or_else(|error| panic!("the heap does not know its own arena: {error}"));
    let floor = arena.base() as usize + window::INITIAL_ARENA;
    let keep_until = (allocated.acme() as usize)
        .next_multiple_of(PAGE_SIZE as usize)
        .max(floor);
    if keep_until >= arena.acme() as usize {
        return 0;
    }
    let kept = Span::new(arena.base(), arena.base().with_addr(keep_until));
    let truncated = heap
        .truncate(arena, kept)
        .unwrap_or_else(|error| panic!("trimming the heap arena failed: {error}"));
    heap.hook.set_arena(truncated.arena);
    // Truncate may keep a record and a chunk past `keep_until`: the committed
    // end follows the arena's real end, and only pages wholly above it go.
    commit::decommit(truncated.arena.acme() as u64);
    truncated.released_above.size()
}

/// Unmaps every whole page inside the idle part of a free chunk; returns how
/// many were mapped. A batch of pages per hold of the heap lock (no chunk may
/// change while its pages go, and the shootdown must be over before another
/// CPU can allocate there); `cursor` says where the next batch goes on.
fn discard_inside() -> u64 {
    let mut cursor = 0;
    let mut discarded = 0;
    loop {
        let heap = HEAP.heap().lock();
        let mut batch = [0; DISCARD_BATCH];
        let mut len = 0;
        let mut finished = true;
        'chunks: for chunk in heap.chunks() {
            let idle = chunk.idle();
            let first = page_top(idle.base() as u64).max(cursor);
            let end = idle.acme() as u64 & !(PAGE_SIZE - 1);
            for address in (first..end).step_by(PAGE_SIZE as usize) {
                if len == DISCARD_BATCH {
                    cursor = address;
                    finished = false;
                    break 'chunks;
                }
                batch[len] = address;
                len += 1;
            }
        }
        discarded += memory::discard(&batch[..len]);
        drop(heap);
        if finished {
            return discarded;
        }
    }
}
