//! `Heap`: a boundary-tag allocator over any number of arenas, with segregated free lists.
//!
//! This module owns the `Heap` structure; each operation lives in its own submodule. The
//! memory layout (chunks, tags, free nodes, arena end records) is drawn in `chunk.rs`,
//! `free_list.rs` and `arena.rs`, and explained at length in `heap/INTERNALS.md`.
//!
//! ```text
//!   Heap { bins[b] ─────► free chunk ⇄ free chunk ⇄ …    one list per size class
//!          bitmap         bit b set ⇔ bins[b] is not empty
//!          arenas ──────► end record of arena 1 ──► end record of arena 2 ──► null
//!          counters, grow }
//! ```

mod alloc;
mod arena;
mod bins;
mod bitmap;
mod check;
mod check_arena;
mod chunk;
mod claim;
mod counters;
#[cfg(all(feature = "debug-checks", debug_assertions))]
mod debug;
mod errors;
mod extend;
mod free;
mod free_list;
mod grow_block;
mod resize;
mod truncate;
mod walk;

pub use check::{CheckError, Rule};
pub use counters::Counters;
pub use errors::{AllocError, ClaimError, ExtendError, TruncateError, Truncated};
pub use walk::{Arenas, Chunk, Chunks};

use crate::Grow;
use bins::BIN_COUNT;
use bitmap::Bitmap;
use counters::Stats;

/// A boundary-tag heap; `G` is the out-of-memory hook (see [`Grow`]).
///
/// Create it with [`Heap::new`], give it memory with [`Heap::claim`], then allocate. The
/// heap never moves its arenas and keeps no pointer to itself inside them, so the `Heap`
/// value may be moved freely (for example into a `static` lock).
pub struct Heap<G: Grow> {
    /// The out-of-memory hook's own state; the hook reaches it through the `&mut Heap`.
    pub grow: G,
    /// Heads of the free lists, one per size class (null when empty).
    bins: [*mut u8; BIN_COUNT],
    /// Which bins are non-empty.
    bitmap: Bitmap,
    /// The end record of the most recently claimed arena (null when there is none).
    arenas: *mut u8,
    /// Running totals behind [`Heap::counters`].
    stats: Stats,
}

// SAFETY: the heap exclusively owns the memory its pointers lead to (the arenas, by the
// contract of `claim` and `extend`); moving it to another thread moves that ownership.
unsafe impl<G: Grow + Send> Send for Heap<G> {}

impl<G: Grow> Heap<G> {
    /// An empty heap with no arenas; the first allocation calls the hook.
    pub const fn new(grow: G) -> Self {
        Self {
            grow,
            bins: [core::ptr::null_mut(); BIN_COUNT],
            bitmap: Bitmap::new(),
            arenas: core::ptr::null_mut(),
            stats: Stats::new(),
        }
    }
}
