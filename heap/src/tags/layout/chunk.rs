//! Chunk words: the tag of an allocated chunk, and the first word that tells allocated from
//! free. Where a block sits in its chunk is `block.rs`.
//!
//! Every chunk is a whole number of granules (`GRANULE` = two words, 16 bytes on x86_64),
//! at least two, and starts one word past a granule boundary, so that the block right above
//! its one-word tag is granule-aligned: every alignment up to `GRANULE` (what `malloc`
//! promises, and what most Rust types ask) costs nothing. Its first word tells the chunk
//! below whether it is allocated:
//!
//! ```text
//!   allocated chunk                          tag = end | BELOW_FREE | ALLOCATED
//!   base                                  end          bit 1        bit 0
//!   | tag | user bytes ...                |
//!   ^ WORD mod GRANULE                    ^ WORD mod GRANULE
//!         ^ block: a multiple of GRANULE
//! ```
//!
//! A free chunk starts with its `next` link instead (bit 0 clear; see `free_list.rs`), so
//! bit 0 of a chunk's first word says "allocated". All words are stored as pointers so that
//! they keep the provenance of the arena they point into.

/// Bytes per word: the size of a tag, a link or a size field.
pub(crate) const WORD: usize = core::mem::size_of::<usize>();
/// The granularity of every chunk, and the alignment of every block right above its tag.
pub(crate) const GRANULE: usize = 2 * WORD;
/// The smallest chunk: a free chunk needs `next`, `prev` and its size at both ends.
pub(crate) const MIN_CHUNK: usize = 2 * GRANULE;

/// Whether `addr` is where a chunk may start: one word past a multiple of `GRANULE`.
#[inline(always)]
pub(crate) fn is_chunk_boundary(addr: usize) -> bool {
    addr % GRANULE == WORD
}

const ALLOCATED: usize = 1;
const BELOW_FREE: usize = 2;
const FLAGS: usize = ALLOCATED | BELOW_FREE;

/// Reads the first word of the chunk at `base` (a tag, or a free chunk's `next` link).
///
/// # Safety
/// `base` must be a chunk boundary (or any word-aligned address) inside an arena, valid
/// for reads.
#[inline(always)]
pub(crate) unsafe fn first_word(base: *mut u8) -> *mut u8 {
    // SAFETY: the caller guarantees a readable, aligned word.
    unsafe { base.cast::<*mut u8>().read() }
}

/// Whether a chunk's first word is a tag (the chunk is allocated).
#[inline(always)]
pub(crate) fn is_allocated(first: *mut u8) -> bool {
    first.addr() & ALLOCATED != 0
}

/// The first word of an allocated chunk (or an end record): the chunk's end with the flag
/// bits. A type of its own, so that a tag is never taken for an address, nor an address for
/// a tag (`chunk_of` returns a base and a tag: swapping them does not compile).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tag(*mut u8);

impl Tag {
    /// The first word `word` of a chunk, known to be a tag (`is_allocated(word)`).
    #[inline(always)]
    pub(crate) fn from_word(word: *mut u8) -> Self {
        debug_assert!(is_allocated(word), "{word:p} is not a tag");
        Self(word)
    }

    /// The tag at `base`.
    ///
    /// # Safety
    /// `base` must hold a tag: an allocated chunk or an arena's end record.
    #[inline(always)]
    pub(crate) unsafe fn read(base: *mut u8) -> Self {
        // SAFETY: by the caller's contract, `base` holds a tag.
        Self(unsafe { first_word(base) })
    }

    /// The end of the chunk the tag belongs to.
    #[inline(always)]
    pub(crate) fn end(self) -> *mut u8 {
        self.0.map_addr(|addr| addr & !FLAGS)
    }

    /// Whether the tag says the chunk below is free.
    #[inline(always)]
    pub(crate) fn below_is_free(self) -> bool {
        self.0.addr() & BELOW_FREE != 0
    }
}

/// Writes the tag of an allocated chunk `[base, end)`.
///
/// # Safety
/// `base` must be word-aligned and writable; `end` word-aligned.
#[inline(always)]
pub(crate) unsafe fn write_tag(base: *mut u8, end: *mut u8, below_free: bool) {
    let flags = ALLOCATED | if below_free { BELOW_FREE } else { 0 };
    // SAFETY: the caller guarantees a writable, aligned word.
    unsafe {
        base.cast::<*mut u8>()
            .write(end.map_addr(|addr| addr | flags))
    }
}

/// Sets or clears the "chunk below is free" bit of the tag at `base`.
///
/// # Safety
/// `base` must hold a tag (an allocated chunk or an arena's end record).
#[inline(always)]
pub(crate) unsafe fn set_below_free(base: *mut u8, below_free: bool) {
    // SAFETY: the caller guarantees `base` holds a tag.
    unsafe { write_tag(base, Tag::read(base).end(), below_free) }
}
