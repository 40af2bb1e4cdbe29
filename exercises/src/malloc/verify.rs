//! Verifying a lab allocator's blocks while a trace replays: each block must lie below the
//! arena's break, be 16-aligned and overlap no live block (an ordered map of live ranges);
//! its first 8 bytes (and, from 16 bytes up, its last 8) are stamped with its id and
//! checked before it is freed or reallocated.
//!
//! ```text
//!   block of n bytes:  | stamp (8) | ...................... | stamp (8) |   n >= 16
//!                      | stamp (n) |                                        n < 8
//! ```

use super::{Arena, ALIGN};
use core::ptr::NonNull;
use std::collections::{BTreeMap, HashMap};

/// The stamp of block `id`.
fn stamp_of(id: u32) -> u64 {
    u64::from(id).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1
}

/// Writes block `id`'s stamp into its first 8 bytes (all of them if fewer) and, from 16
/// bytes up, its last 8.
fn stamp(block: NonNull<u8>, size: usize, id: u32) {
    let bytes = stamp_of(id).to_le_bytes();
    let head = size.min(8);
    // SAFETY: the block holds `size` bytes, checked to lie in the arena.
    unsafe {
        let first = block.as_ptr();
        first.copy_from_nonoverlapping(bytes.as_ptr(), head);
        if size >= 16 {
            first
                .add(size - 8)
                .copy_from_nonoverlapping(bytes.as_ptr(), 8);
        }
    }
}

/// Whether block `id`'s first stamp, and its last one if `tail`, are intact.
pub(super) fn stamped(block: NonNull<u8>, size: usize, id: u32, tail: bool) -> bool {
    let bytes = stamp_of(id).to_le_bytes();
    let head = size.min(8);
    // SAFETY: as in `stamp`.
    let read =
        |at: usize, len: usize| unsafe { core::slice::from_raw_parts(block.as_ptr().add(at), len) };
    read(0, head) == &bytes[..head] && (!tail || size < 16 || read(size - 8, 8) == bytes)
}

/// The live blocks of a checked replay: by id, and by address for the overlap test.
#[derive(Default)]
pub(super) struct Live {
    blocks: HashMap<u32, (NonNull<u8>, usize)>,
    ranges: BTreeMap<usize, usize>,
    bytes: usize,
    peak: usize,
}

impl Live {
    /// Checks a new block and takes it in; `Err` says which rule it breaks.
    pub(super) fn insert(
        &mut self,
        arena: &mut Arena,
        id: u32,
        block: NonNull<u8>,
        size: usize,
    ) -> Result<(), String> {
        let start = block.as_ptr().addr();
        if !start.is_multiple_of(ALIGN) {
            return Err(format!(
                "block {start:#x} of {size} bytes is not {ALIGN}-aligned"
            ));
        }
        if !arena.holds(block, size) {
            return Err(format!(
                "block {start:#x} of {size} bytes is not below the arena's break"
            ));
        }
        let below = self.ranges.range(..=start).next_back();
        let above = self.ranges.range(start..).next();
        for (&other, &end) in below.into_iter().chain(above) {
            if other < start + size && start < end {
                return Err(format!(
                    "block {start:#x} of {size} bytes overlaps the live block {other:#x}..{end:#x}"
                ));
            }
        }
        self.ranges.insert(start, start + size);
        self.blocks.insert(id, (block, size));
        self.bytes += size;
        self.peak = self.peak.max(self.bytes);
        stamp(block, size, id);
        Ok(())
    }

    /// The most requested bytes live at once so far.
    pub(super) fn peak(&self) -> usize {
        self.peak
    }

    /// Takes block `id` out after checking its stamps (the last one only if `tail`).
    pub(super) fn remove(&mut self, id: u32, tail: bool) -> Result<(NonNull<u8>, usize), String> {
        let (block, size) = self
            .blocks
            .remove(&id)
            .ok_or("the trace frees a block it never allocated")?;
        if !stamped(block, size, id, tail) {
            return Err(format!(
                "block {:#x} of {size} bytes was overwritten while live",
                block.as_ptr().addr()
            ));
        }
        self.ranges.remove(&block.as_ptr().addr());
        self.bytes -= size;
        Ok((block, size))
    }
}
