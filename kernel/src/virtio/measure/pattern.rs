//! The pattern a round trip writes: every byte a function of its sector and offset, so a
//! sector read back from the wrong place, or not at all, differs.

use super::RoundTripError;
use crate::virtio::blk::SECTOR;

/// The pattern byte `offset` of sector `sector` holds.
fn pattern(sector: u64, offset: usize) -> u8 {
    (sector as u8).wrapping_mul(31) ^ (offset as u8) ^ (sector >> 8) as u8 ^ 0xa5
}

pub(super) fn fill(bytes: &mut [u8], first: u64) {
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = pattern(first + (index / SECTOR) as u64, index % SECTOR);
    }
}

pub(super) fn check(bytes: &[u8], first: u64) -> Result<(), RoundTripError> {
    for (index, sector) in bytes.chunks(SECTOR).enumerate() {
        let at = first + index as u64;
        if sector.iter().enumerate().any(|(i, &b)| b != pattern(at, i)) {
            return Err(RoundTripError::Mismatch { sector: at });
        }
    }
    Ok(())
}
