//! `Switch`: a `Cpu` for single-threaded tests, where one thread plays every CPU in turn
//! (`Switch::set(i)` moves it to CPU `i`), so that cross-CPU frees, the depot and flushing
//! can be driven step by step, under Miri too.

use core::cell::Cell;
use tagheap::Cpu;

std::thread_local! {
    static CURRENT: Cell<usize> = const { Cell::new(0) };
}

/// The CPU this thread plays, chosen with [`Switch::set`].
pub struct Switch;

impl Switch {
    /// From now on this thread is CPU `index`.
    pub fn set(index: usize) {
        CURRENT.set(index);
    }
}

// SAFETY: a cache over `Switch` is used by one thread only (each test builds its own), so no
// two threads ever hold pins; the cache never switches CPU while pinned.
unsafe impl Cpu for Switch {
    type Pin = usize;

    fn pin() -> usize {
        CURRENT.get()
    }

    fn index(pin: &usize) -> usize {
        *pin
    }
}
