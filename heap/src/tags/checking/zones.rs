//! `debug-checks`: a redzone after every block, checked when it is freed or resized, and
//! poison in every free chunk, checked when the chunk is taken again or merged.
//!
//! ```text
//!   allocated   | tag | block: size bytes | redzone: 0xfb ... |  next chunk
//!                     ^ptr                ^ptr + size         ^the tag's end
//!   free        | next | prev | size | poison: 0xdf, up to 128 | ...idle... | size |
//!               ^base                ^base + NODE
//! ```
//!
//! The redzone is the slack the block's chunk already has: the heap does not store requested
//! sizes, but a caller names the size again when it frees or resizes, so the bytes from
//! `ptr + size` to the chunk's end can be painted at allocation and checked then. Blocks are
//! rounded up to whole granules (16 bytes), so a block whose size is not a multiple of 16
//! has 1 to 15 bytes of redzone (a tail too small to be a chunk adds up to 16 more): an
//! overflow by less than a granule is caught at the free. A block of a multiple of 16
//! bytes (less 8: 24, 40, ...) fills its chunk exactly and has none; an overflow there lands
//! on the next chunk's tag, which `harden` checks. A redzone found changed is a misuse
//! returned before the free changes anything (`misuse.rs`).
//!
//! The poison fills the first bytes of a free chunk's idle part (`Chunk::idle` starts after
//! it, so a kernel that hands idle pages back never throws it away). A free chunk is checked
//! whenever it leaves its list, to be allocated from or merged with; a changed byte is a
//! write after free, raised at once naming the chunk, like `harden`'s reports.

use crate::tags::checking::misuse::{Corruption, Misuse, Wrong};
use crate::tags::layout::block::chunk_of;
use crate::tags::layout::chunk::WORD;
use crate::tags::layout::free_chunk::{free_size, NODE};
use crate::tags::ops::preconditions::Checked;
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

/// Whether the zones are painted and checked (the debug checks, in builds that have them).
const CHECKING: bool = cfg!(all(feature = "debug-checks", debug_assertions));
/// What a block's redzone holds.
const REDZONE: u8 = 0xfb;
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

/// Poisons the new free chunk `[base, base + size)`.
///
/// # Safety
/// This function is unsafe because it writes the chunk: it must be a free chunk of this heap.
#[inline(always)]
pub(crate) unsafe fn poison(base: *mut u8, size: usize) {
    // SAFETY: the bytes lie between the chunk's node and its top size word.
    unsafe { base.add(NODE).write_bytes(POISON, poisoned_len(size)) }
}

/// The first byte of `[from, from + len)` that is not `byte`.
///
/// # Safety
/// This function is unsafe because it reads the bytes, which must be readable.
unsafe fn first_other(from: *mut u8, len: usize, byte: u8) -> Option<*mut u8> {
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
        // SAFETY: a free chunk keeps its size, and its poison after its node.
        let poisoned = unsafe { poisoned_len(free_size(base)) };
        // SAFETY: as above.
        if let Some(at) = unsafe { first_other(base.wrapping_add(NODE), poisoned, POISON) } {
            // SAFETY: `at` is one of the bytes just read.
            let byte = unsafe { at.read() };
            let found = Corruption::WrittenAfterFree { at, byte };
            Misuse::new("heap check", base, Wrong::Corrupted(found)).raise();
        }
    }

    /// Paints the redzone of the live block `block` of `size` bytes, if the outcome of an
    /// allocation or resize is that block; returns the outcome.
    #[inline(always)]
    pub(crate) fn painted<E>(
        &self,
        outcome: Result<NonNull<u8>, E>,
        size: usize,
    ) -> Result<NonNull<u8>, E> {
        if let Ok(block) = outcome {
            self.paint_redzone(block, size);
        }
        outcome
    }

    /// Paints the redzone of `block`, which the heap just handed out or resized to `size`
    /// bytes (a live block with its arena's provenance).
    #[inline(always)]
    pub(crate) fn paint_redzone(&self, block: NonNull<u8>, size: usize) {
        if !CHECKING {
            return;
        }
        // SAFETY: `block` is a live block of `size` bytes whose chunk runs past its end.
        unsafe {
            let end = chunk_of(block.as_ptr()).1.end();
            let start = block.as_ptr().add(size);
            start.write_bytes(REDZONE, end.addr() - start.addr());
        }
    }

    /// A misuse naming `operation` if the redzone of the live block `ptr`, allocated with
    /// `layout`, was written.
    #[cfg_attr(
        not(all(feature = "debug-checks", debug_assertions)),
        allow(dead_code, reason = "called by the debug checks")
    )]
    pub(crate) fn check_redzone(
        &self,
        ptr: NonNull<u8>,
        layout: Layout,
        operation: &'static str,
    ) -> Checked<()> {
        let Some(block) = self.arena_pointer(ptr).filter(|_| CHECKING) else {
            return Ok(());
        };
        // SAFETY: `verify_live` proved `block` a live block of `layout`: its chunk holds
        // the redzone from `block + size` to the tag's end.
        unsafe {
            let (base, tag) = chunk_of(block.as_ptr());
            let start = block.as_ptr().add(layout.size());
            let Some(at) = first_other(start, tag.end().addr() - start.addr(), REDZONE) else {
                return Ok(());
            };
            let found = Corruption::Redzone {
                block: ptr.as_ptr(),
                size: layout.size(),
                at,
                byte: at.read(),
            };
            Err(Misuse::new(operation, base, Wrong::Corrupted(found)))
        }
    }
}
