//! Walking the heap: every arena, and every chunk of every arena in address order.
//!
//! ```text
//!   arena  | chunk | chunk | chunk | end record |
//!           ^base   ^base + size    ...          ^ walk stops here, moves to the next arena
//! ```
//!
//! An allocated chunk's size comes from its tag (`end - base`), a free chunk's from its size
//! word. The walks only read, so they take `&self`; heap maps, `check` and the benchmarks
//! use them.

use crate::tags::checking::poison::poisoned_len;
use crate::tags::layout::arena::Record;
use crate::tags::layout::chunk::{first_word, is_allocated, Tag, WORD};
use crate::tags::layout::free_chunk::{FreeChunk, NODE};
use crate::tags::Heap;
use crate::{OutOfMemory, Span};
use core::marker::PhantomData;

/// One chunk of an arena, as [`Heap::chunks`] reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// The chunk's first byte (its tag or free-list node).
    pub base: *mut u8,
    /// The chunk's size in bytes, metadata included.
    pub size: usize,
    /// Whether the chunk is allocated (`false`: it is free).
    pub allocated: bool,
    /// The arena the chunk belongs to.
    pub arena: Span,
}

impl Chunk {
    /// The bytes the chunk covers.
    pub fn span(&self) -> Span {
        Span::from_base_size(self.base, self.size)
    }

    /// For a free chunk, the bytes the heap neither reads nor writes while the chunk stays
    /// free: everything between its list node (the first three words; with `debug-checks`,
    /// the poison after it too) and its trailing size word. Their contents may be thrown
    /// away (a kernel may unmap those pages and map zeroed ones back on the next touch);
    /// once the chunk is allocated, the heap writes
    /// what it needs and the block holds whatever the memory holds. Empty for an allocated
    /// chunk and for a free chunk too small to have such bytes.
    pub fn idle(&self) -> Span {
        if self.allocated || self.size <= NODE + WORD {
            return Span::empty();
        }
        Span::new(
            FreeChunk::at(self.base)
                .idle_start()
                .wrapping_add(poisoned_len(self.size)),
            self.base.wrapping_add(self.size - WORD),
        )
    }
}

/// Iterator over the heap's arenas, most recently claimed first.
pub struct Arenas<'heap> {
    record: Record,
    heap: PhantomData<&'heap ()>,
}

impl Iterator for Arenas<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        if self.record.is_null() {
            return None;
        }
        // SAFETY: the iterator borrows the heap, so its arena list stays valid.
        let (span, next) = unsafe { (self.record.span(), self.record.next()) };
        self.record = next;
        Some(span)
    }
}

/// Iterator over every chunk of every arena (arenas as [`Heap::arenas`] orders them,
/// chunks in address order within each).
pub struct Chunks<'heap> {
    arenas: Arenas<'heap>,
    arena: Span,
    record: Record,
    at: *mut u8,
}

impl Iterator for Chunks<'_> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        while self.at == self.record.as_ptr() {
            self.record = self.arenas.record;
            self.arena = self.arenas.next()?;
            // SAFETY: `record` is the end record of a live arena.
            self.at = unsafe { self.record.base() };
        }
        let base = self.at;
        // SAFETY: `at` is a chunk boundary inside a live arena, below its end record.
        let first = unsafe { first_word(base) };
        let allocated = is_allocated(first);
        let size = if allocated {
            Tag::from_word(first).end().addr() - base.addr()
        } else {
            // SAFETY: the chunk is free, so it keeps its size.
            unsafe { FreeChunk::at(base).size() }
        };
        self.at = base.wrapping_add(size);
        Some(Chunk {
            base,
            size,
            allocated,
            arena: self.arena,
        })
    }
}

impl<G: OutOfMemory> Heap<G> {
    /// The heap's arenas, most recently claimed first.
    pub fn arenas(&self) -> Arenas<'_> {
        Arenas {
            record: self.arenas,
            heap: PhantomData,
        }
    }

    /// Every chunk of every arena, in address order within each arena.
    pub fn chunks(&self) -> Chunks<'_> {
        Chunks {
            arenas: self.arenas(),
            arena: Span::empty(),
            record: Record::NONE,
            at: core::ptr::null_mut(),
        }
    }
}
