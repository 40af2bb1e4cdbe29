//! Taking locks against their levels is caught the first time one CPU does
//! it, before two CPUs can deadlock on it: a lock at level "driver" taken
//! while a lock at level "memory" is held panics and names both.
#![no_std]
#![no_main]

use kernel::sync::{level, IrqMutex};

static OUTER: IrqMutex<level::Memory, u32> = IrqMutex::new(0);
static INNER: IrqMutex<level::Driver, u32> = IrqMutex::new(0);

kernel::must_panic!(
    "lock_order::a_lower_level_inside_a_higher_one",
    "lock order: CPU 0 takes a driver lock (level 1) while holding a memory lock (level 8)",
    {
        // The right order passes.
        drop((INNER.lock(), OUTER.lock()));
        let _outer = OUTER.lock();
        let _inner = INNER.lock();
    }
);
