//! `debug-checks`: poison in every free chunk, checked when the chunk leaves its list to be
//! allocated from or merged, so a write after free is reported.
//!
//! ```text
//!   free chunk   | next | prev | size | poison: 0xdf, up to 128 | ...idle... | size |
//!                ^base                ^base + NODE              ^Chunk::idle starts here
//! ```
//!
//! The poison fills the first bytes of a free chunk's idle part, and `Chunk::idle` starts
//! after it, so a kernel that hands idle pages back never throws it away. A free chunk is
//! checked whenever it leaves its list; a changed byte is a write after free, raised at once
//! naming the chunk and the byte, as `harden`'s reports are (`integrity.rs`). The redzones
//! after live blocks are `redzone.rs`.

use crate::tags::checking::corruption::Corruption;
use crate::tags::checking::misuse::{Misuse, Wrong};
use crate::tags::layout::chunk::WORD;
use crate::tags::layout::free_chunk::{FreeChunk, NODE};
use crate::tags::Heap;
use crate::OutOfMemory;

/// Whether poison and redzones are written and checked (the debug checks, in builds that
/// have them).
pub(crate) const CHECKING: bool = cfg!(all(feature = "debug-checks", debug_assertions));
/// What freed memory holds (the kernel's `debug-heap` poisons with the same byte).
const POISON: u8 = 0xdf;
/// How many bytes after its node a free chunk keeps poisoned, at most.
const POISONED: usize = 128;

/// How many bytes of the free chunk `[base, base + size)` hold poison, from `base + NODE`.
pub(crate) fn poisoned_len(size: usize) -> usize {
    if CHECKING {
        size.saturating_sub(NODE + WORD).min(POISONED)
    } else {
        0
    }
}

/// Poisons the new free chunk `chunk` of `size` bytes.
///
/// # Safety
/// This function is unsafe because it writes the chunk: it must be a free chunk of this heap.
#[inline(always)]
pub(crate) unsafe fn poison(chunk: FreeChunk, size: usize) {
    // SAFETY: the bytes lie between the chunk's node and its top size word.
    unsafe { chunk.idle_start().write_bytes(POISON, poisoned_len(size)) }
}

/// The first byte of `[from, from + len)` that is not `byte`.
///
/// # Safety
/// This function is unsafe because it reads the bytes, which must be readable.
pub(crate) unsafe fn first_other(from: *mut u8, len: usize, byte: u8) -> Option<*mut u8> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { core::slice::from_raw_parts(from, len) };
    bytes
        .iter()
        .position(|&b| b != byte)
        .map(|at| from.wrapping_add(at))
}

impl<G: OutOfMemory> Heap<G> {
    /// Raises a write after free if the free chunk at `base` lost some of its poison.
    ///
    /// # Safety
    /// This function is unsafe because it reads the chunk: `base` must be a free chunk.
    #[inline(always)]
    pub(crate) unsafe fn check_poison(&self, base: *mut u8) {
        if !CHECKING {
            return;
        }
        let chunk = FreeChunk::at(base);
        // SAFETY: a free chunk keeps its size, and its poison after its node.
        let poisoned = unsafe { poisoned_len(chunk.size()) };
        // SAFETY: as above.
        if let Some(at) = unsafe { first_other(chunk.idle_start(), poisoned, POISON) } {
            // SAFETY: `at` is one of the bytes just read.
            let byte = unsafe { at.read() };
            let found = Corruption::WrittenAfterFree { at, byte };
            Misuse::new("heap check", base, Wrong::Corrupted(found)).raise();
        }
    }
}
