//! A free chunk: its node (two list links and the low size word) and its top size word,
//! reached through the [`FreeChunk`] handle.
//!
//! ```text
//!   free chunk, at least MIN_CHUNK (four words)
//!   base                                         end
//!   | next | prev | size | ...idle...     | size |
//!   └────── Node ──────┘
//!
//!   the smallest one: | next | prev | size | size |
//! ```
//!
//! `next` is a word-aligned pointer, so bit 0 of a free chunk's first word is clear: that is
//! how the chunk below tells a free neighbour from an allocated one. The size at the top lets
//! the chunk above find this chunk's base; the size in the node lets the chunk below find its
//! end. The lists themselves are `free_list.rs`; the links are read and written only through
//! `links.rs` (with the `harden` feature they are stored mangled).

use crate::tags::layout::chunk::WORD;
use core::mem::offset_of;

/// The words at the base of a free chunk. The bytes from its end to the top size word are
/// never read or written while the chunk is free ([`Chunk::idle`](crate::tags::Chunk::idle)).
#[repr(C)]
struct Node {
    /// The base of the next chunk in the bin, or null (stored as `links.rs` says).
    next: *mut u8,
    /// The base of the previous chunk in the bin, or for the first chunk of a bin the bin's
    /// mark (`bin_mark`).
    prev: *mut u8,
    /// The chunk's size in bytes, also kept in its last word.
    size: usize,
}

/// The bytes of a free chunk's node: where its idle bytes (and the poison, `poison.rs`) start.
pub(crate) const NODE: usize = core::mem::size_of::<Node>();

/// A free chunk, named by its base: a pointer with its arena's provenance. Making one is
/// safe; reading or writing through it is not, and needs the chunk to be free (or, for
/// [`FreeChunk::format`], the bytes to be the heap's to turn into one).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct FreeChunk(*mut u8);

impl FreeChunk {
    /// The free chunk at `base`.
    #[inline(always)]
    pub(crate) const fn at(base: *mut u8) -> Self {
        Self(base)
    }

    /// Writes the size words of a free chunk of `size` bytes at `base`; its links are written
    /// through `index/links.rs`, which knows how they are stored.
    ///
    /// # Safety
    /// This function is unsafe because it writes both ends of `[base, base + size)`, which
    /// must be the heap's to write: inside an arena, unused, starting at a chunk boundary, a
    /// whole number of granules and at least `MIN_CHUNK`.
    #[inline(always)]
    pub(crate) unsafe fn format(base: *mut u8, size: usize) -> Self {
        let chunk = Self(base);
        // SAFETY: the caller hands over the range, which holds both words.
        unsafe {
            (&raw mut (*chunk.node()).size).write(size);
            base.add(size - WORD).cast::<usize>().write(size);
        }
        chunk
    }

    /// The free chunk that ends at `end`, found through its top size word, and its size.
    ///
    /// # Safety
    /// This function is unsafe because it reads the word below `end`: the chunk just below
    /// `end` must be free.
    #[inline(always)]
    pub(crate) unsafe fn ending_at(end: *mut u8) -> (Self, usize) {
        // SAFETY: a free chunk keeps its size in its last word.
        let size = unsafe { end.sub(WORD).cast::<usize>().read() };
        (Self(end.wrapping_sub(size)), size)
    }

    /// The chunk's base.
    #[inline(always)]
    pub(crate) const fn base(self) -> *mut u8 {
        self.0
    }

    /// The chunk's size, read from its node.
    ///
    /// # Safety
    /// This function is unsafe because it reads the chunk's third word: it must be free.
    #[inline(always)]
    pub(crate) unsafe fn size(self) -> usize {
        // SAFETY: a free chunk's node holds its size.
        unsafe { (&raw const (*self.node()).size).read() }
    }

    /// The chunk's end (the base of the chunk above), from its size.
    ///
    /// # Safety
    /// As for [`FreeChunk::size`].
    #[inline(always)]
    pub(crate) unsafe fn end(self) -> *mut u8 {
        // SAFETY: forwarded contract; the end is inside the same arena.
        unsafe { self.0.add(self.size()) }
    }

    /// The word that holds the `next` link. Wrapping arithmetic: the list code computes the
    /// slot of a chunk that may be null before it picks where to write.
    #[inline(always)]
    pub(crate) fn next_slot(self) -> *mut *mut u8 {
        self.0.wrapping_add(offset_of!(Node, next)).cast()
    }

    /// The word that holds the `prev` link, computed like [`FreeChunk::next_slot`].
    #[inline(always)]
    pub(crate) fn prev_slot(self) -> *mut *mut u8 {
        self.0.wrapping_add(offset_of!(Node, prev)).cast()
    }

    /// Where the chunk's idle bytes start, just above its node.
    #[inline(always)]
    pub(crate) fn idle_start(self) -> *mut u8 {
        self.0.wrapping_add(NODE)
    }

    /// The node, as a pointer with the chunk's provenance.
    #[inline(always)]
    fn node(self) -> *mut Node {
        self.0.cast()
    }
}

/// What a bin's first chunk holds as its `prev` link: the bin number, shifted up, with bit 0
/// set, which no chunk base has. Unlinking a chunk then finds its bin's head without working
/// out the bin from the size, and the heap still stores no pointer to itself in its arenas.
/// An address without provenance: it is never dereferenced.
#[inline(always)]
pub(crate) fn bin_mark(bin: u8) -> *mut u8 {
    core::ptr::without_provenance_mut(usize::from(bin) << 1 | 1)
}

/// Whether the `prev` link `prev` is a bin's mark (its chunk comes first in its bin), and
/// the bin it names (a meaningless one when it is not a mark, to be picked without a branch).
#[inline(always)]
pub(crate) fn read_mark(prev: *mut u8) -> (bool, u8) {
    // Lossless for a mark, which holds a `u8` shifted up by one; otherwise any value will do.
    (prev.addr() & 1 != 0, (prev.addr() >> 1) as u8)
}
