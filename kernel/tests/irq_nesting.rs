//! Interrupt-safe locks nest: interrupts come back on only when the last lock
//! held is released, in whatever order, and only if they were on before.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

use kernel::allocator::HEAP;
use kernel::arch::irq_off;
use kernel::memory::MEMORY;
use kernel::sync::{level, IrqMutex};
use x86_64::instructions::interrupts;

kernel::test_kernel!();

#[test_case]
fn releasing_the_outer_lock_first_keeps_interrupts_off() {
    interrupts::enable();
    let heap = HEAP.heap().lock();
    let memory = MEMORY.lock();
    drop(heap);
    assert!(
        !interrupts::are_enabled(),
        "interrupts came back on while MEMORY was still held"
    );
    drop(memory);
    assert!(
        interrupts::are_enabled(),
        "interrupts stayed off after the last lock"
    );
    assert_eq!(irq_off::depth(), 0);
    interrupts::disable();
}

#[test_case]
fn locks_taken_with_interrupts_off_leave_them_off() {
    interrupts::disable();
    let first = HEAP.heap().lock();
    let second = MEMORY.lock();
    drop(first);
    drop(second);
    assert!(!interrupts::are_enabled());
    assert_eq!(irq_off::depth(), 0);
}

#[test_case]
fn a_failed_try_lock_keeps_the_nesting_balanced() {
    static LOCK: IrqMutex<level::Driver, u32> = IrqMutex::new(0);
    interrupts::enable();
    let held = LOCK.lock();
    assert!(LOCK.try_lock().is_none());
    assert_eq!(irq_off::depth(), 1);
    assert!(!interrupts::are_enabled());
    drop(held);
    assert!(interrupts::are_enabled());
    assert_eq!(irq_off::depth(), 0);
    interrupts::disable();
}
