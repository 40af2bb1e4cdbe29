//! A kernel stack overflow runs into the guard page the bootloader leaves
//! below the kernel stack; the page-fault handler, on its own IST stack, names
//! the stack that overflowed.
#![no_std]
#![no_main]

kernel::must_panic!(
    "kernel_stack_overflow::overflow_is_reported_by_name",
    "the kernel stack of CPU 0 ran into its guard page",
    {
        kernel::testing::recurse(0);
    }
);
