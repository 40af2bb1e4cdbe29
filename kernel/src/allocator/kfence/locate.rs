//! Which slot an address is about: the slot's own page, or for a guard page
//! the nearer of its two neighbours.
//!
//! ```text
//!   page:  | g | slot 3 | g | slot 4 | g |
//!                 obj ▲       ▲ obj
//!          an access here ─┘ is about slot 3 (closer to its end) if it is
//!          live, else the nearer live or freed one
//! ```

use super::slots::{Slots, State};
use crate::memory::guard_pool::{GUARD_POOL_START, SLOTS};
use crate::memory::PAGE_SIZE;

/// The slot whose page holds `address`, if it is a slot's page (not a guard).
pub(super) fn slot_of(address: u64) -> Option<usize> {
    let page = address.checked_sub(GUARD_POOL_START)? / PAGE_SIZE;
    let slot = (page % 2 == 1).then_some((page / 2) as usize)?;
    (slot < SLOTS).then_some(slot)
}

/// The slot an access at `address` is about: its own page's, or for a guard
/// page the nearer of the objects on either side that were ever allocated.
pub(super) fn nearest_slot(slots: &Slots, address: u64) -> Option<usize> {
    if let Some(slot) = slot_of(address) {
        return Some(slot);
    }
    let page = (address - GUARD_POOL_START) / PAGE_SIZE;
    let left = (page / 2).checked_sub(1).map(|slot| slot as usize);
    let right = Some((page / 2) as usize).filter(|&slot| slot < SLOTS);
    let distance = |slot: usize| {
        let object = &slots.slots[slot];
        let live_first = u64::from(object.state != State::Live) << 32;
        live_first
            + address
                .abs_diff(object.object)
                .min(address.abs_diff(object.object + object.size as u64))
    };
    [left, right]
        .into_iter()
        .flatten()
        .filter(|&slot| slots.slots[slot].state != State::Unused)
        .min_by_key(|&slot| distance(slot))
}
