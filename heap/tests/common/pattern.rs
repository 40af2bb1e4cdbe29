//! Block contents that cannot repeat: each block gets its own 64-bit tag, and byte `offset`
//! of the block is a hash of the tag and the offset. A byte written by another block, or by
//! the heap's own bookkeeping, differs from the expected one (but for a 1-in-256 chance per
//! byte, never for a whole run of bytes).

/// The byte at `offset` of the block tagged `tag`.
pub fn pattern_byte(tag: u64, offset: usize) -> u8 {
    let mixed = (tag ^ (offset as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (mixed >> 56) as u8
}

/// Writes the pattern of `tag` into bytes `from..to` of the block at `ptr`.
///
/// # Safety
/// The block must be valid for writes of `to` bytes.
pub unsafe fn fill(ptr: *mut u8, from: usize, to: usize, tag: u64) {
    for offset in from..to {
        // SAFETY: the caller's block holds `to` bytes.
        unsafe { ptr.add(offset).write(pattern_byte(tag, offset)) };
    }
}

/// The first offset below `len` where the block at `ptr` does not hold the pattern of `tag`.
///
/// # Safety
/// The block must be valid for reads of `len` bytes.
pub unsafe fn first_difference(ptr: *const u8, len: usize, tag: u64) -> Option<usize> {
    // SAFETY: the caller's block holds `len` bytes.
    (0..len).find(|&offset| unsafe { ptr.add(offset).read() } != pattern_byte(tag, offset))
}
