//! `Heap`: a boundary-tag allocator over any number of arenas, with segregated free lists.
//!
//! This module owns the `Heap` structure; its submodules are the layers of the heap, each
//! operation in a file of its own:
//!
//! ```text
//!   layout/    chunks, tags, free-chunk fields, arena end records, pointer lookup
//!   index/     bins, their free lists and the bitmap
//!   ops/       allocate, carve, free, resize
//!   arenas/    claim, extend, truncate
//!   checking/  walking the chunks, check(), the debug checks
//!   counters.rs, errors.rs   what the heap reports
//! ```
//!
//! The memory layout is drawn in `layout/chunk.rs`, `layout/free_chunk.rs`,
//! `index/free_list.rs` and `layout/arena.rs`, and explained at length in `heap/INTERNALS.md`.
//!
//! ```text
//!   Heap { bins[b] ─────► free chunk ⇄ free chunk ⇄ …    one list per size class
//!          bitmap         bit b set ⇔ bins[b] is not empty
//!          arenas ──────► end record of arena 1 ──► end record of arena 2 ──► null
//!          counters, hook }
//! ```

mod arenas;
mod checking;
mod counters;
mod errors;
mod index;
mod layout;
mod ops;
pub mod size_classes;

pub use checking::check::{CheckError, Rule};
#[cfg(all(feature = "debug-checks", debug_assertions))]
pub(crate) use checking::misuse::Wrong;
pub(crate) use checking::misuse::{Misuse, Misused};
pub use checking::walk::{Arenas, Chunk, Chunks};
pub use counters::Counters;
pub use errors::{AllocError, ClaimError, ExtendError, TruncateError, Truncated};

use crate::OutOfMemory;
use core::cell::Cell;
use counters::Stats;
use index::bins::BIN_SLOTS;
use index::bitmap::Bitmap;
use layout::arena::Record;

/// A boundary-tag heap; `G` is the out-of-memory hook (see [`OutOfMemory`]).
///
/// Create it with [`Heap::new`], give it memory with [`Heap::claim`], then allocate. The
/// heap never moves its arenas and keeps no pointer to itself inside them, so the `Heap`
/// value may be moved freely (for example into a `static` lock).
///
/// Three blocks in a 256-byte arena, freed so that the last free merges with free chunks on
/// both sides (`docs/03-heap.md` draws every step):
///
/// ```
/// use core::alloc::Layout;
/// use tagheap::{Heap, NeverGrow, Span};
///
/// let mut memory = [0u128; 16]; // 256 bytes, 16-byte aligned
/// let mut heap = Heap::new(NeverGrow);
/// let region = Span::from_slice(memory.as_mut_ptr().cast::<[u8; 256]>());
/// // SAFETY: `memory` outlives the heap and nothing else uses it meanwhile.
/// let arena = unsafe { heap.claim(region) }.expect("256 bytes is a valid arena");
/// let base = arena.base().addr();
/// // (offset from the arena's base, size, allocated) for every chunk, in address order.
/// let chunks = |heap: &Heap<NeverGrow>| -> Vec<(usize, usize, bool)> {
///     heap.chunks().map(|c| (c.base.addr() - base, c.size, c.allocated)).collect()
/// };
/// // The arena starts one word in (so that every block is 16-aligned): 248 bytes, one free
/// // chunk below the 24-byte end record.
/// assert_eq!(arena.base().addr(), memory.as_ptr().addr() + 8);
/// assert_eq!(chunks(&heap), [(0, 224, false)]);
///
/// let small = Layout::new::<[u8; 24]>();
/// let medium = Layout::new::<[u8; 100]>();
/// let tiny = Layout::new::<u64>();
/// // SAFETY: the arena is valid; every block is freed once, with its own layout.
/// unsafe {
///     let a = heap.allocate(small).unwrap();
///     let b = heap.allocate(medium).unwrap();
///     let c = heap.allocate(tiny).unwrap();
///     assert_eq!(
///         chunks(&heap),
///         [(0, 32, true), (32, 112, true), (144, 32, true), (176, 48, false)]
///     );
///     assert_eq!(a.as_ptr().addr() - base, 8, "a block starts after its one-word tag");
///     assert_eq!(b.as_ptr().addr() % 16, 0, "every block is 16-aligned");
///
///     heap.deallocate(a, small);
///     heap.deallocate(c, tiny);
///     assert_eq!(chunks(&heap), [(0, 32, false), (32, 112, true), (144, 80, false)]);
///     heap.deallocate(b, medium);
/// }
/// assert_eq!(chunks(&heap), [(0, 224, false)], "b merged with both neighbours");
/// assert_eq!(heap.check(), Ok(()));
/// ```
pub struct Heap<G: OutOfMemory> {
    /// The out-of-memory hook's own state; the hook reaches it through the `&mut Heap`.
    pub hook: G,
    /// Heads of the free lists, one per size class (null when empty).
    bins: [*mut u8; BIN_SLOTS],
    /// Which bins are non-empty.
    bitmap: Bitmap,
    /// The end record of the most recently claimed arena (`Record::NONE` when there is none).
    arenas: Record,
    /// Running totals behind [`Heap::counters`].
    stats: Stats,
    /// A word that is written and never read: a `prev` link meant for a list neighbour that
    /// does not exist (the list was empty) lands here, so that linking and unlinking need no
    /// branch on "is the list empty?" (see `free_list.rs`).
    link_sink: *mut u8,
    /// What free-list links are mangled with (`index/links.rs`).
    #[cfg(feature = "harden")]
    link_secret: usize,
    /// The details of the misuse a check last found, until its caller takes them
    /// (`checking/misuse.rs`).
    misuse: Cell<Option<Misuse>>,
    /// The size and alignment of the last allocation the heap refused (`ops/search.rs`): a
    /// caller that makes room and retries reads them back instead of keeping the layout
    /// across the call. Plain words, not a `Layout`: rustc puts a field with a niche first,
    /// and every access to `bins` would then add its offset.
    refused: (usize, usize),
}

// SAFETY: the heap exclusively owns the memory its pointers lead to (the arenas, by the
// contract of `claim` and `extend`); moving it to another thread moves that ownership.
unsafe impl<G: OutOfMemory + Send> Send for Heap<G> {}

impl<G: OutOfMemory> Heap<G> {
    /// An empty heap with no arenas; the first allocation calls the hook.
    pub const fn new(hook: G) -> Self {
        Self {
            hook,
            bins: [core::ptr::null_mut(); BIN_SLOTS],
            bitmap: Bitmap::new(),
            arenas: Record::NONE,
            stats: Stats::new(),
            link_sink: core::ptr::null_mut(),
            #[cfg(feature = "harden")]
            link_secret: index::links::DEFAULT_SECRET,
            misuse: Cell::new(None),
            refused: (0, 1),
        }
    }
}
