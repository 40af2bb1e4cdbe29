//! `debug-checks`: a redzone after every block, painted when the block is handed out or
//! resized and checked when it is freed or resized, so an overflow by less than a granule is
//! caught.
//!
//! ```text
//!   allocated   | tag | block: size bytes | redzone: 0xfb ... |  next chunk
//!                     ^ptr                ^ptr + size         ^the tag's end
//! ```
//!
//! The redzone is the slack the block's chunk already has: the heap does not store requested
//! sizes, but a caller names the size again when it frees or resizes, so the bytes from
//! `ptr + size` to the chunk's end can be painted at allocation and checked then. Blocks are
//! rounded up to whole granules (16 bytes), so a block whose size is not a multiple of 16
//! has 1 to 15 bytes of redzone (a tail too small to be a chunk adds up to 16 more). A
//! block of a multiple of 16 bytes less 8 (24, 40, ...) fills its chunk exactly and has
//! none; an overflow there lands on the next chunk's tag, which `harden` checks. A changed
//! redzone is a misuse returned before the free changes anything (`misuse.rs`).

use crate::tags::checking::corruption::Corruption;
use crate::tags::checking::misuse::Wrong;
use crate::tags::checking::poison::{first_other, CHECKING};
use crate::tags::layout::block::chunk_of;
use crate::tags::ops::preconditions::Checked;
use crate::tags::Heap;
use crate::OutOfMemory;
use core::alloc::Layout;
use core::ptr::NonNull;

/// What a block's redzone holds.
const REDZONE: u8 = 0xfb;

impl<G: OutOfMemory> Heap<G> {
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
            Err(self.misused(operation, base, Wrong::Corrupted(found)))
        }
    }
}
