//! The guard pool's bookkeeping: what each slot holds, who allocated and
//! freed it, which slot is reused next, and the canary around each object.
//!
//! ```text
//!   one slot's page (4 KiB), object at the left or the right edge in turn:
//!   | object ......| canary canary canary ... |   overflow  → guard page after
//!   | canary canary canary ... |...... object |   overflow  → guard page after
//!                                               (a sub-alignment overflow → canary)
//!   freed slots queue up, least recently freed first out:
//!   free: [ 17 | 4 | 230 | ... ] ─► take pops the front, release pushes the back
//! ```

use crate::arch::backtrace;
use crate::arch::percpu;
use crate::memory::guard_pool::{slot_page, SLOTS};
use crate::memory::PAGE_SIZE;
use core::alloc::Layout;

/// Return addresses kept per trace.
pub(super) const DEPTH: usize = 20;

/// Where an allocation or a free happened: the CPU and the call stack.
#[derive(Clone, Copy)]
pub(super) struct Trace {
    pub cpu: usize,
    pub frames: [u64; DEPTH],
    pub len: usize,
}

impl Trace {
    const EMPTY: Self = Self {
        cpu: 0,
        frames: [0; DEPTH],
        len: 0,
    };

    /// The running CPU and its call stack from `frame` (the allocator
    /// entry's `backtrace::this_frame`, so the pool's own frames are left out).
    pub fn from_frame(frame: u64) -> Self {
        let mut trace = Self {
            cpu: percpu::current().index(),
            ..Self::EMPTY
        };
        trace.len = backtrace::return_addresses(frame, &mut trace.frames);
        trace
    }
}

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

/// Every slot and the queue of free ones.
pub(super) struct Slots {
    pub slots: [Slot; SLOTS],
    free: [u8; SLOTS],
    head: usize,
    len: usize,
    right_edge: bool,
}

/// The canary byte at `address`: varies with the address, so a shifted copy
/// of the pattern does not pass for it.
pub(super) fn canary(address: u64) -> u8 {
    0xa5 ^ (address as u8 & 7)
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
            free,
            head: 0,
            len: SLOTS,
            right_edge: false,
        }
    }

    /// Takes the least recently freed slot for an object of `layout` (at most
    /// a page), allocated by the stack from `frame`, and records it live; returns the slot and the object's
    /// address. The caller maps the page and fills the canary.
    pub fn take(&mut self, layout: Layout, frame: u64) -> Option<(usize, u64)> {
        if self.len == 0 {
            return None;
        }
        let slot = usize::from(self.free[self.head]);
        self.head = (self.head + 1) % SLOTS;
        self.len -= 1;
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

    /// Records slot `slot` freed (by the stack from `frame`) and queues it
    /// last for reuse.
    pub fn release(&mut self, slot: usize, frame: u64) {
        self.slots[slot].state = State::Freed;
        self.slots[slot].freed = Trace::from_frame(frame);
        self.free[(self.head + self.len) % SLOTS] = slot as u8;
        self.len += 1;
    }
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
