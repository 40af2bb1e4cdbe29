//! Stamps: a value derived from a block's id, written into its first and last word when it
//! is allocated or resized and checked before it is freed or resized, so that a heap that
//! hands out overlapping memory (or corrupts a live block) fails the replay loudly.
//!
//! ```text
//!   size >= 16:  | stamp (8 B) | ...                        | stamp' (8 B) |
//!   size 8..16:  | stamp (8 B) | ... |                        (head only: a tail would overlap)
//!   size 1..8:   | first `size` bytes of the stamp |
//! ```

use std::ptr::NonNull;

/// The head stamp of block `id`; the tail stamp is it rotated by 32 bits.
fn stamp(id: u32) -> u64 {
    (u64::from(id) + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Writes the stamps of block `id` into its `size` bytes at `ptr`.
///
/// # Safety
/// `ptr` must be valid for writes of `size` bytes.
#[inline(always)]
pub unsafe fn write(ptr: NonNull<u8>, size: usize, id: u32) {
    let head = stamp(id).to_le_bytes();
    // SAFETY: every write stays within the `size` bytes at `ptr`.
    unsafe {
        ptr.copy_from_nonoverlapping(NonNull::from(&head).cast(), size.min(8));
        if size >= 16 {
            let tail = ptr.add(size - 8).cast::<u64>();
            tail.write_unaligned(stamp(id).rotate_left(32));
        }
    }
}

/// Whether the `size` bytes at `ptr` still carry the stamps of block `id`.
///
/// # Safety
/// `ptr` must be valid for reads of `size` bytes, which `write` stamped.
#[inline(always)]
pub unsafe fn intact(ptr: NonNull<u8>, size: usize, id: u32) -> bool {
    let mut head = [0u8; 8];
    // SAFETY: every read stays within the `size` bytes at `ptr`.
    unsafe {
        NonNull::from(&mut head)
            .cast::<u8>()
            .copy_from_nonoverlapping(ptr, size.min(8));
        let tail_intact = size < 16
            || ptr.add(size - 8).cast::<u64>().read_unaligned() == stamp(id).rotate_left(32);
        head[..size.min(8)] == stamp(id).to_le_bytes()[..size.min(8)] && tail_intact
    }
}
