//! Taking a lock this CPU already holds would wait for ever (with interrupts
//! off, the CPU would halt and nothing could wake it): the lock must say so
//! in a panic instead.
#![no_std]
#![no_main]

use kernel::sync::{level, IrqMutex};

kernel::must_panic!(
    "lock_taken_twice::second_lock_on_the_same_cpu",
    "deadlock: CPU 0 takes a lock it already holds",
    {
        let lock: IrqMutex<level::Driver, u64> = IrqMutex::new(0);
        let _first = lock.lock();
        let _second = lock.lock();
    }
);
