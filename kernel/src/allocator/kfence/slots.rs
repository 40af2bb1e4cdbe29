//! The guard pool's bookkeeping: what each slot holds, who allocated and
//! freed it, which slot is reused next, and the pages under them (mapped
//! while a slot's object lives).
//!
//! ```text
//!   one slot's page (4 KiB), object at the left or the right edge in turn:
//!   | object ......| canary canary canary ... |   overflow  → canary (seen at free)
//!   | canary canary canary ... |...... object |   overflow  → guard page after
//!                                               (a sub-alignment overflow → canary)
//!   freed slots queue up, least recently freed first out:
//!   free: [ 17 | 4 | 230 | ... ] ─► take pops the front, release pushes the back
//! ```

use super::trace::Trace;
use crate::memory::guard_pool::{slot_page, GuardPages, SLOTS};
use crate::memory::PAGE_SIZE;
use core::alloc::Layout;

/// What a slot holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// Never allocated.
    Unused,
    /// A live object.
    Live,
    /// A freed object, its page unmapped.
    Freed,
}

/// One slot: its object and its history.
#[derive(Clone, Copy)]
pub(super) struct Slot {
    pub state: State,
    pub object: u64,
    pub size: usize,
    pub allocated: Trace,
    pub freed: Trace,
}

/// Every slot, the queue of free ones and their pages.
pub(super) struct Slots {
    pub slots: [Slot; SLOTS],
    /// The pool's pages, taken by `kfence::init`; none before: nothing is
    /// sampled then.
    pub pages: Option<GuardPages>,
    free: [u8; SLOTS],
    head: usize,
    len: usize,
    right_edge: bool,
}

impl Slots {
    /// Every slot unused and queued in order.
    pub const fn new() -> Self {
        let empty = Slot {
            state: State::Unused,
            object: 0,
            size: 0,
            allocated: Trace::EMPTY,
            freed: Trace::EMPTY,
        };
        let mut free = [0; SLOTS];
        let mut slot = 0;
        while slot < SLOTS {
            free[slot] = slot as u8;
            slot += 1;
        }
        Self {
            slots: [empty; SLOTS],
            pages: None,
            free,
            head: 0,
            len: SLOTS,
            right_edge: false,
        }
    }

    /// Takes the least recently freed slot for an object of `layout` (at most
    /// a page), allocated by the stack from `frame`, maps its page and
    /// records it live; returns the slot and the object's address. The
    /// caller fills the canary.
    pub fn take(&mut self, layout: Layout, frame: u64) -> Option<(usize, u64)> {
        let pages = self.pages.as_mut()?;
        if self.len == 0 {
            return None;
        }
        let slot = usize::from(self.free[self.head]);
        self.head = (self.head + 1) % SLOTS;
        self.len -= 1;
        pages.map_slot(slot);
        let page = slot_page(slot);
        self.right_edge = !self.right_edge;
        let object = match self.right_edge {
            true => (page + PAGE_SIZE - layout.size() as u64) & !(layout.align() as u64 - 1),
            false => page,
        };
        self.slots[slot] = Slot {
            state: State::Live,
            object,
            size: layout.size(),
            allocated: Trace::from_frame(frame),
            freed: Trace::EMPTY,
        };
        Some((slot, object))
    }

    /// Records slot `slot` freed (by the stack from `frame`), unmaps its page
    /// and queues it last for reuse.
    pub fn release(&mut self, slot: usize, frame: u64) {
        self.pages
            .as_mut()
            .expect("a live slot's pages were taken")
            .unmap_slot(slot);
        self.slots[slot].state = State::Freed;
        self.slots[slot].freed = Trace::from_frame(frame);
        self.free[(self.head + self.len) % SLOTS] = slot as u8;
        self.len += 1;
    }
}
