//! A sampled guard-page pool, as Linux's KFENCE: every N-th allocation that
//! fits a page (per CPU) is served from `memory::guard_pool` instead of the
//! heap, so an overflow, an underflow or a use after free of it faults at
//! once and is reported with the stacks that allocated and freed it.
//!
//! ```text
//!   alloc(layout ≤ a page) ─► this CPU's countdown at 0? ─no─► the heap
//!        └─yes─► least recently freed slot ─► map its page, canary around
//!                the object (left or right edge in turn) ─► the object
//!   dealloc(ptr in the pool) ─► a live object's start? else "invalid free"
//!        ─► canary intact? else "canary corrupted" ─► unmap, flush this CPU's TLB
//!   fault in the pool ─► `report::fault`: out-of-bounds / use-after-free
//! ```
//!
//! The pool takes its frames and tables once at boot and never touches the
//! heap. Its lock shares the heap's level: neither is taken inside the other.
//! It edits its own page table under that lock and never takes the memory
//! lock, so sampling is safe in any handler (see `memory::guard_pool`).

mod canary;
mod locate;
mod report;
mod slots;
mod trace;

pub use report::{fault, set_continue};

use crate::arch::percpu;
use crate::memory::guard_pool;
use crate::memory::PAGE_SIZE;
use crate::sync::{level, IrqMutex};
use core::alloc::Layout;
use core::sync::atomic::{AtomicU32, Ordering};
use report::{Culprit, Kind};
use slots::{Slots, State};

/// The default sampling interval: one page-sized allocation in this many,
/// per CPU (the cost in the in-kernel bench is in the README).
pub const DEFAULT_INTERVAL: u32 = 1 << 20;

/// One in this many allocations per CPU is sampled; 0: none.
static INTERVAL: AtomicU32 = AtomicU32::new(DEFAULT_INTERVAL);

static POOL: IrqMutex<level::Heap, Slots> = IrqMutex::new(Slots::new());

/// Takes the guard pool's pages from `memory`; sampling starts here.
pub fn init() {
    POOL.lock().pages = guard_pool::take_pages();
}

/// Samples one page-sized allocation in `interval` on each CPU from now on
/// (1: every one; 0: none).
pub fn set_interval(interval: u32) {
    INTERVAL.store(interval, Ordering::Relaxed);
    percpu::current()
        .sample_countdown
        .store(0, Ordering::Relaxed);
}

/// The sampling interval in force (0: off).
pub fn interval() -> u32 {
    INTERVAL.load(Ordering::Relaxed)
}

/// Serves `layout` from the pool if this allocation is sampled and a slot is
/// free; `None` sends it to the heap. `frame`: the allocator entry's
/// `backtrace::this_frame`, where the allocation stack starts.
#[inline]
pub fn sample(layout: Layout, frame: u64) -> Option<*mut u8> {
    if layout.size() > PAGE_SIZE as usize || layout.align() > PAGE_SIZE as usize {
        return None;
    }
    let countdown = &percpu::current().sample_countdown;
    let left = countdown.load(Ordering::Relaxed);
    if left > 1 {
        countdown.store(left - 1, Ordering::Relaxed);
        return None;
    }
    let interval = interval();
    countdown.store(
        if interval == 0 { u32::MAX } else { interval },
        Ordering::Relaxed,
    );
    (interval != 0 && layout.size() != 0)
        .then(|| take(layout, frame))
        .flatten()
}

#[cold]
fn take(layout: Layout, frame: u64) -> Option<*mut u8> {
    let mut pool = POOL.lock();
    let (slot, object) = pool.take(layout, frame)?;
    pool.slots[slot].fill_canary();
    Some(core::ptr::with_exposed_provenance_mut(object as usize))
}

/// Whether `ptr` belongs to the pool (then it goes back through [`free`]).
#[inline]
pub fn owns(ptr: *mut u8) -> bool {
    guard_pool::contains(ptr.addr() as u64)
}

/// Frees the pool object at `ptr` (called by the stack from `frame`):
/// reports an invalid free or a corrupted canary (and panics), else unmaps
/// its page until the slot is reused.
#[cold]
pub fn free(ptr: *mut u8, frame: u64) {
    let address = ptr.addr() as u64;
    let mut pool = POOL.lock();
    let Some(slot) = locate::slot_of(address).filter(|&slot| {
        pool.slots[slot].state == State::Live && pool.slots[slot].object == address
    }) else {
        report::invalid_free(&pool, address, frame);
    };
    if let Some(corrupted) = pool.slots[slot].corrupted_canary() {
        let culprit = Culprit {
            faulting: None,
            freeing: Some(frame),
        };
        report::print(&pool, Kind::CanaryCorrupted, corrupted, Some(slot), culprit);
    }
    pool.release(slot, frame);
}

/// The size of the live pool object at `ptr` (for `realloc`, called by the
/// stack from `frame`).
pub fn size_of(ptr: *mut u8, frame: u64) -> usize {
    let address = ptr.addr() as u64;
    let pool = POOL.lock();
    locate::slot_of(address)
        .map(|slot| &pool.slots[slot])
        .filter(|slot| slot.state == State::Live && slot.object == address)
        .map_or_else(
            || report::invalid_free(&pool, address, frame),
            |slot| slot.size,
        )
}
