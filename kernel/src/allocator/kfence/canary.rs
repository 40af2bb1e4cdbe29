//! The canary: the bytes of a slot's page around its object, filled with a
//! pattern when the object is handed out and checked when it is freed, so an
//! overflow that stops short of the guard page is still seen.
//!
//! ```text
//!   | canary ... | object | canary ............................ |
//!   ^ page start                                   page end (guard page) ^
//! ```

use super::slots::Slot;
use crate::memory::PAGE_SIZE;

/// The canary byte at `address`: varies with the address, so a shifted copy
/// of the pattern does not pass for it.
fn canary(address: u64) -> u8 {
    0xa5 ^ (address as u8 & 7)
}

impl Slot {
    /// The page bytes around the object: before it, then after it.
    fn canary_spans(&self) -> [core::ops::Range<u64>; 2] {
        let page = self.object - self.object % PAGE_SIZE;
        let end = self.object + self.size as u64;
        [page..self.object, end..page + PAGE_SIZE]
    }

    /// Writes the canary around the live object (its page mapped).
    pub fn fill_canary(&self) {
        for address in self.canary_spans().into_iter().flatten() {
            // SAFETY: the slot's page is mapped and these bytes are outside
            // the object, so only the pool uses them.
            unsafe {
                core::ptr::with_exposed_provenance_mut::<u8>(address as usize)
                    .write(canary(address))
            };
        }
    }

    /// The first canary byte that changed, if any (its page mapped).
    pub fn corrupted_canary(&self) -> Option<u64> {
        self.canary_spans().into_iter().flatten().find(|&address| {
            // SAFETY: as in `fill_canary`.
            unsafe {
                core::ptr::with_exposed_provenance::<u8>(address as usize).read() != canary(address)
            }
        })
    }
}
